"""A workbook is untrusted: a formula is never evaluated (only a cached value is read), and a
value that looks like a formula is written and read back as the text it is."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from rdflib import Literal
from rdflib.namespace import RDFS

from dutygraph.namespaces import authority_namespace
from dutygraph.store import Store
from dutygraph.workbook.api import import_bytes
from dutygraph.workbook.problems import WorkbookError
from dutygraph.workbook.project import Rows
from dutygraph.workbook.vocab import VocabList
from dutygraph.workbook.write import xlsx_bytes

LOOKS_LIKE_A_FORMULA = '=HYPERLINK("http://127.0.0.1/","x")'


def test_a_value_that_looks_like_a_formula_stays_text_both_ways(
        example: Rows, vocab: dict[str, VocabList], memory_store: Store) -> None:
    rows = {k: [dict(r) for r in v] for k, v in example.items()}
    rows["Posts"][0]["title"] = LOOKS_LIKE_A_FORMULA
    data = xlsx_bytes(rows, vocab)
    cell = load_workbook(io.BytesIO(data))["Posts"]["B2"]
    assert cell.data_type == "s" and cell.value == LOOKS_LIKE_A_FORMULA
    graph = import_bytes(data, "f.xlsx", memory_store, "example")
    post = authority_namespace("example")[rows["Posts"][0]["id"]]
    assert graph.value(post, RDFS.label) == Literal(LOOKS_LIKE_A_FORMULA, lang="en")


def test_a_formula_someone_typed_is_not_evaluated(
        example: Rows, vocab: dict[str, VocabList], memory_store: Store) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(example, vocab)))
    wb["People"]["B2"] = '=CONCAT("Jane", " Smith")'  # a formula, with no cached value
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(WorkbookError) as caught:
        import_bytes(buf.getvalue(), "f.xlsx", memory_store, "example")
    assert [str(p) for p in caught.value.problems] == [
        "sheet 'People', row 2, column 'name': a value is required here"]


def with_entities(data: bytes) -> bytes:
    """The workbook with an entity-expanding DTD put in front of every sheet's XML."""
    import zipfile

    dtd = (b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
           b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = body.replace(b"<worksheet", dtd + b"<worksheet", 1)
            dst.writestr(info, body)
    return out.getvalue()


def test_a_sheet_declaring_entities_is_refused_unexpanded(
        example: Rows, vocab: dict[str, VocabList], memory_store: Store) -> None:
    with pytest.raises(WorkbookError) as caught:
        import_bytes(with_entities(xlsx_bytes(example, vocab)), "e.xlsx", memory_store,
                     "example")
    assert [p.message[:27] for p in caught.value.problems] == ["not a readable xlsx workbook"[:27]]
