"""`dutygraph import` as a new user meets it: its output goes into `build --with` as it is
(every subject, sources and the workbook too, is attributed to the authority the way the
splitting rule of datasets.py reads it); a workbook whose authority row is not the
--authority given is refused naming the sheet, row and column; the unfilled template is
imported with a warning that says so; a missing file is named once."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dutygraph.cli import main
from dutygraph.datasets import split_by_authority
from dutygraph.namespaces import DG, SRC, authority_graph, authority_iri
from dutygraph.store import EmbeddedStore, Store
from dutygraph.workbook.project import authority_rows
from dutygraph.workbook.template import example_rows
from dutygraph.workbook.vocab import VocabList
from dutygraph.workbook.write import write_csv, xlsx_bytes


@pytest.fixture(scope="module")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = str(tmp_path_factory.mktemp("importstore") / "store")
    assert main(["build", "--store", folder]) == 0
    return folder


def _workbook(kind: str, vocab: dict[str, VocabList], store: Store, where: Path) -> tuple[
        Path, str]:
    """A filled workbook of one of three kinds, as xlsx or CSV, and its authority's slug."""
    if kind == "template example":
        path = where / "template.xlsx"
        path.write_bytes(xlsx_bytes(example_rows(vocab), vocab))
        return path, "example"
    if kind == "a new council (csv)":
        path = where / "newtown"
        write_csv(example_rows(vocab, "newtown"), "newtown", path, vocab)
        return path, "newtown"
    path = where / "harrow.xlsx"
    path.write_bytes(xlsx_bytes(authority_rows(store, "harrow", vocab), vocab))
    return path, "harrow"


@pytest.mark.parametrize("kind", ["template example", "a new council (csv)",
                                  "an exported council"])
def test_the_imported_turtle_builds_with_build_with_and_lands_in_the_authoritys_graph(
        kind: str, vocab: dict[str, VocabList], memory_store: Store, built_store: str,
        tmp_path: Path) -> None:
    book, slug = _workbook(kind, vocab, memory_store, tmp_path)
    out = tmp_path / "imported.ttl"
    assert main(["import", str(book), "--store", built_store, "--out", str(out)]) == 0
    imported = Graph().parse(out)
    graphs = split_by_authority(imported, str(out))  # the rule `build --with` applies
    assert set(graphs) == {authority_graph(slug)}
    target = tmp_path / "built"
    assert main(["build", "--store", str(target), "--with", str(out)]) == 0
    store = EmbeddedStore(target, read_only=True)
    try:
        held = store.export_graph(authority_graph(slug))
    finally:
        store.close()
    assert len(held) >= len(imported)
    named = {s for s in imported.subjects() if isinstance(s, URIRef)}
    assert named and all(s in set(held.subjects()) for s in named)
    sources = set(imported.subjects(RDF.type, DG.SourceDocument))
    for source in sources:  # described by the workbook: said to be the authority's
        assert (source, DG.authority, authority_iri(slug)) in imported
        assert (source, RDF.type, DG.SourceDocument) in held
    if kind != "an exported council":
        assert SRC["annual-report-2024"] in sources


@pytest.mark.parametrize(("given", "row_id"), [("newtown", "example"), ("bromley", "example")])
def test_an_authority_row_that_is_not_the_authority_given_is_refused_naming_its_cell(
        given: str, row_id: str, vocab: dict[str, VocabList], built_store: str,
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "wb.xlsx"
    book.write_bytes(xlsx_bytes(example_rows(vocab, row_id), vocab))
    out = tmp_path / "out.ttl"
    assert main(["import", str(book), "--authority", given, "--store", built_store,
                 "--out", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "sheet 'Bodies', row 2, column 'id'" in err
    assert f"'{row_id}'" in err and f"'{given}'" in err


def test_the_unfilled_template_is_imported_with_a_warning_that_says_so(
        vocab: dict[str, VocabList], memory_store: Store, built_store: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    book, _slug = _workbook("template example", vocab, memory_store, tmp_path)
    assert main(["import", str(book), "--store", built_store, "--out",
                 str(tmp_path / "t.ttl")]) == 0
    err = capsys.readouterr().err
    assert "warning" in err and "only the template's example rows" in err
    council, _slug = _workbook("an exported council", vocab, memory_store, tmp_path)
    assert main(["import", str(council), "--store", built_store, "--out",
                 str(tmp_path / "h.ttl")]) == 0
    assert "warning" not in capsys.readouterr().err


def test_example_rows_left_in_a_filled_workbook_are_each_named(
        vocab: dict[str, VocabList], built_store: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    book = tmp_path / "newtown"
    write_csv(example_rows(vocab, "newtown"), "newtown", book, vocab)
    assert main(["import", str(book), "--store", built_store, "--out",
                 str(tmp_path / "n.ttl")]) == 0
    err = capsys.readouterr().err
    assert "sheet 'Sources', row 2: this is the template's example row" in err
    assert "only the template's example rows" not in err


@pytest.mark.parametrize("name", ["missing.xlsx", "no-folder", "gone.zip"])
def test_a_missing_workbook_is_named_once(name: str, built_store: str, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / name
    assert main(["import", str(path), "--store", built_store]) == 2
    err = capsys.readouterr().err
    assert err.count(str(path)) == 1 and "no such file or folder" in err
