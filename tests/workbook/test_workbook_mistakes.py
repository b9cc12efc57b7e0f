"""A wrong workbook: every mistake is named by its sheet, row and column, all at once, and
nothing is written (tests/workbook/mistakes.json is the family of cases)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from dutygraph.cli import main
from dutygraph.store import Store
from dutygraph.workbook.api import import_bytes
from dutygraph.workbook.problems import WorkbookError
from dutygraph.workbook.project import Rows
from dutygraph.workbook.read import DEFAULT_LIMITS, Limits
from dutygraph.workbook.vocab import VocabList
from dutygraph.workbook.write import xlsx_bytes

from .conftest import MISTAKES, MORE_MISTAKES, with_mistakes


def problems_of(data: bytes, store: Store, limits: Limits = DEFAULT_LIMITS) -> list[str]:
    with pytest.raises(WorkbookError) as caught:
        import_bytes(data, "filled.xlsx", store, "example", limits)
    return [str(p) for p in caught.value.problems]


def test_the_template_example_imports_without_a_problem(example: Rows,
                                                          vocab: dict[str, VocabList],
                                                          memory_store: Store) -> None:
    graph = import_bytes(xlsx_bytes(example, vocab), "t.xlsx", memory_store, "example")
    assert len(graph) > 50


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m["kind"] for m in MISTAKES])
def test_each_kind_of_mistake_gives_one_message_naming_its_cell(
        mistake: dict[str, Any], example: Rows, vocab: dict[str, VocabList],
        memory_store: Store) -> None:
    assert problems_of(with_mistakes(example, vocab, [mistake]), memory_store) == [
        mistake["expect"]]


def test_ten_kinds_of_mistake_in_one_workbook_give_ten_messages(
        example: Rows, vocab: dict[str, VocabList], memory_store: Store) -> None:
    assert len(MISTAKES) == 10
    found = problems_of(with_mistakes(example, vocab, MISTAKES), memory_store)
    assert sorted(found) == sorted(m["expect"] for m in MISTAKES)


def test_a_missing_sheet_is_named(example: Rows, vocab: dict[str, VocabList],
                                  memory_store: Store) -> None:
    rows = dict(example)
    data = xlsx_bytes(rows, vocab)
    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(data))
    del wb["People"]
    buf = io.BytesIO()
    wb.save(buf)
    found = problems_of(buf.getvalue(), memory_store)
    assert "sheet 'People': the sheet is missing (export or `dutygraph template` writes every " \
           "sheet)" in found


def zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"\0" * 60_000_000)
    return buf.getvalue()


@pytest.mark.parametrize(("make", "limits", "expect"), [
    (zip_bomb, Limits(), "unzips to 60000"),
    (lambda: b"PK\x03\x04 not really a zip", Limits(), "not an xlsx workbook or zip"),
    (lambda: b"x" * 2000, Limits(max_bytes=1000), "2000 bytes; at most 1000"),
], ids=["zip bomb", "damaged zip", "too many bytes"])
def test_an_oversize_or_damaged_file_is_refused_before_it_is_opened(
        make: Any, limits: Limits, expect: str, memory_store: Store) -> None:
    data = make()
    assert len(data) < 200_000
    found = problems_of(data, memory_store, limits)
    assert len(found) == 1 and expect in found[0]


def test_a_sheet_past_the_row_limit_is_named(example: Rows, vocab: dict[str, VocabList],
                                             memory_store: Store) -> None:
    rows = dict(example)
    rows["People"] = example["People"] + [{"id": f"p{i}", "name": f"P {i}",
                                           "as at": "2024-01-01"} for i in range(5)]
    found = problems_of(xlsx_bytes(rows, vocab), memory_store, Limits(max_rows=4))
    assert found == ["sheet 'People', row 6: the sheet is too large: at most 4 rows are read"]


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("wbstore") / "store")
    assert main(["build", "--store", folder]) == 0
    return folder


def test_the_import_command_writes_nothing_and_exits_2_on_a_wrong_workbook(
        example: Rows, vocab: dict[str, VocabList], built_store: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(with_mistakes(example, vocab, MISTAKES))
    out = tmp_path / "out.ttl"
    assert main(["import", str(bad), "--authority", "example", "--store", built_store,
                 "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "10 problem(s), nothing written" in err
    assert all(m["expect"] in err for m in MISTAKES)


@pytest.mark.parametrize("mistake", MORE_MISTAKES, ids=[m["kind"] for m in MORE_MISTAKES])
def test_more_kinds_of_mistake_are_each_named_by_their_cell(
        mistake: dict[str, Any], example: Rows, vocab: dict[str, VocabList],
        memory_store: Store) -> None:
    expected = mistake.get("expect_all") or [mistake["expect"]]
    assert sorted(problems_of(with_mistakes(example, vocab, [mistake]), memory_store)) == sorted(
        expected)
