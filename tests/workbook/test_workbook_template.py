"""The template: every sheet with its columns and a filled example row, drop-down lists read
from the store (an added role appears in them), and a CSV form other tools can read."""

from __future__ import annotations

import io
from pathlib import Path

import csvw
import pytest
from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS

from dutygraph.cli import main
from dutygraph.namespaces import DG, FRAMEWORK_GRAPH, ROLE
from dutygraph.store import MemoryStore, Store
from dutygraph.workbook import spec
from dutygraph.workbook.api import import_path
from dutygraph.workbook.template import example_rows
from dutygraph.workbook.vocab import VocabList, read_vocabulary
from dutygraph.workbook.write import write_csv, xlsx_bytes


def test_every_sheet_has_its_columns_and_one_filled_example_row(
        vocab: dict[str, VocabList]) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(example_rows(vocab), vocab)), read_only=True)
    assert [s for s in wb.sheetnames if s != spec.LISTS_SHEET] == [s.name for s in spec.SHEETS]
    for sheet in spec.SHEETS:
        rows = list(wb[sheet.name].iter_rows(values_only=True))
        assert list(rows[0]) == [c.header for c in sheet.columns]
        assert len(rows) >= 2, sheet.name
        filled = dict(zip(rows[0], rows[1], strict=False))
        assert all(filled.get(c.header) for c in sheet.columns if c.required), sheet.name


@pytest.mark.parametrize("column", [c for s in spec.SHEETS for c in s.columns if c.vocab],
                         ids=lambda c: f"{c.header}:{c.vocab}")
def test_each_choice_column_has_a_drop_down_list_of_the_stores_terms(
        column: spec.Column, vocab: dict[str, VocabList]) -> None:
    wb = load_workbook(io.BytesIO(xlsx_bytes(example_rows(vocab), vocab)))
    sheet = next(s for s in spec.SHEETS if column in s.columns)
    ws = wb[sheet.name]
    letter = ws.cell(row=1, column=sheet.columns.index(column) + 1).column_letter
    validations = [dv for dv in ws.data_validations.dataValidation
                   if any(str(r).startswith(f"{letter}2:") for r in dv.sqref.ranges)]
    assert len(validations) == 1
    ref = validations[0].formula1
    lists_sheet, cells = ref.split("!")
    first, last = cells.replace("$", "").split(":")
    listed = [c.value for row in wb[lists_sheet][first:last] for c in row]
    assert listed == vocab[str(column.vocab)].choices()
    assert len(listed) >= 3


def test_a_role_added_to_the_framework_appears_in_the_list(
        repo_graphs: dict[URIRef, Graph]) -> None:
    graphs = {name: Graph() + g for name, g in repo_graphs.items()}
    new = ROLE["safeguarding-lead-for-ferrets"]
    graphs[FRAMEWORK_GRAPH].add((new, RDF.type, DG.Role))
    graphs[FRAMEWORK_GRAPH].add((new, RDFS.label, Literal("Ferret safeguarding lead", lang="en")))
    store = MemoryStore()
    store.replace_graphs(graphs, drop_others=True)
    assert "Ferret safeguarding lead" in read_vocabulary(store)["role"].choices()


def test_the_csv_template_has_csvw_metadata_that_reads_and_imports(
        vocab: dict[str, VocabList], memory_store: Store, tmp_path: Path) -> None:
    write_csv(example_rows(vocab), "example", tmp_path, vocab)
    group = csvw.TableGroup.from_file(tmp_path / "csv-metadata.json")
    assert [str(t.url) for t in group.tables] == [f"{spec.LISTS_SHEET}.csv"] + [
        f"{s.name}.csv" for s in spec.SHEETS]
    for table in group.tables:
        assert len(list(table.iterdicts(strict=True))) >= 1
    choices = list(group.tables[0].iterdicts(strict=True))
    for name, vl in vocab.items():  # the lists other tools see are the store's vocabulary
        assert sorted(c["term"].unsplit() for c in choices if c["list"] == name) == sorted(
            str(t) for t in vl.labels)
    assert len(import_path(tmp_path / "Posts.csv", "example", memory_store)) > 50


def test_the_template_command_writes_an_xlsx_that_imports(
        tmp_path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    store = str(tmp_path_factory.mktemp("tstore") / "s")
    assert main(["build", "--store", store]) == 0
    out = tmp_path / "t.xlsx"
    assert main(["template", "--store", store, "--out", str(out)]) == 0
    ttl = tmp_path / "t.ttl"
    assert main(["import", str(out), "--store", store, "--out", str(ttl)]) == 0
    assert len(Graph().parse(ttl)) > 50
    elsewhere = tmp_path / "newtown.ttl"
    assert main(["import", str(out), "--authority", "newtown", "--store", store,
                 "--out", str(elsewhere)]) == 2  # the example's authority row is 'example'
    assert not elsewhere.exists()
    assert main(["export", "--format", "xlsx", "--authority", "harrow", "--store", store,
                 "--out", str(tmp_path / "h.xlsx")]) == 0
    assert main(["export", "--format", "xlsx", "--authority", "nowhere", "--store",
                 store]) == 2
