"""Fixtures of the workbook tests: the store's vocabulary and the template's example rows."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dutygraph.store import Store
from dutygraph.workbook.project import Rows
from dutygraph.workbook.template import example_rows
from dutygraph.workbook.vocab import VocabList, read_vocabulary
from dutygraph.workbook.write import xlsx_bytes

HERE = Path(__file__).parent
CASES: dict[str, Any] = json.loads((HERE / "mistakes.json").read_text())
MISTAKES: list[dict[str, Any]] = CASES["mistakes"]
MORE_MISTAKES: list[dict[str, Any]] = CASES["more"]


@pytest.fixture(scope="session")
def vocab(memory_store: Store) -> dict[str, VocabList]:
    return read_vocabulary(memory_store)


@pytest.fixture()
def example(vocab: dict[str, VocabList]) -> Rows:
    return example_rows(vocab)


def cell_value(text: str) -> str:
    """'x*5000' is 5000 x's, so the case file stays short."""
    if "*" in text:
        char, _, count = text.rpartition("*")
        if count.isdigit():
            return char * int(count)
    return text


def with_mistakes(rows: Rows, vocab: dict[str, VocabList],
                  mistakes: list[dict[str, Any]]) -> bytes:
    """An xlsx of the rows with the mistakes made (cells set, sheets renamed)."""
    out = copy.deepcopy(rows)
    for mistake in mistakes:
        for sheet, row, column, value in mistake.get("cells", []):
            out[sheet][row - 2][column] = cell_value(value)
    data = xlsx_bytes(out, vocab)
    renames = [m["rename"] for m in mistakes if "rename" in m]
    headers = [m["header"] for m in mistakes if "header" in m]
    if not renames and not headers:
        return data
    wb = load_workbook(io.BytesIO(data))
    for old, new in renames:
        wb[old].title = new
    for sheet, old, new in headers:
        for cell in wb[sheet][1]:
            if cell.value == old:
                cell.value = new
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
