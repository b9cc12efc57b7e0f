"""Bromley and Harrow exported to the template and imported back keep every fact the template
carries, in xlsx and in the CSV form (folder and zip); what it does not carry does not come
back; every imported subject cites its document and its workbook row; the CSVW metadata is
valid and reads every exported value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import csvw
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import PROV, RDF

from dutygraph.namespaces import DG, authority_graph
from dutygraph.store import Store
from dutygraph.workbook.api import import_bytes, import_path, row_of
from dutygraph.workbook.project import authority_rows, carried
from dutygraph.workbook.vocab import VocabList
from dutygraph.workbook.write import write_csv, xlsx_bytes

CASES: dict[str, dict[str, Any]] = json.loads(
    (Path(__file__).parent / "roundtrip.json").read_text())["authorities"]


def same(original: Graph, imported: Graph, slug: str, vocab: dict[str, VocabList]) -> None:
    want, got = carried(original, slug, vocab), carried(imported, slug, vocab)
    if not isomorphic(want, got):
        _, only_want, only_got = graph_diff(to_isomorphic(want), to_isomorphic(got))
        lost = sorted(only_want.serialize(format="nt").splitlines())[:10]
        extra = sorted(only_got.serialize(format="nt").splitlines())[:10]
        pytest.fail(f"{slug}: lost {len(only_want)} {lost}; gained {len(only_got)} {extra}")


@pytest.mark.parametrize("slug", sorted(CASES))
def test_an_authority_exported_to_xlsx_and_imported_back_keeps_every_carried_fact(
        slug: str, memory_store: Store, vocab: dict[str, VocabList]) -> None:
    original = memory_store.export_graph(authority_graph(slug))
    rows = authority_rows(memory_store, slug, vocab)
    for sheet, least in CASES[slug]["at_least"].items():
        assert len(rows[sheet]) >= least, sheet
    imported = import_bytes(xlsx_bytes(rows, vocab), f"{slug}.xlsx", memory_store, slug)
    same(original, imported, slug, vocab)


@pytest.mark.parametrize("form", ["folder", "zip"])
@pytest.mark.parametrize("slug", sorted(CASES))
def test_the_csv_form_round_trips_too(slug: str, form: str, memory_store: Store,
                                      vocab: dict[str, VocabList], tmp_path: Path) -> None:
    original = memory_store.export_graph(authority_graph(slug))
    out = tmp_path / ("wb.zip" if form == "zip" else "wb")
    write_csv(authority_rows(memory_store, slug, vocab), slug, out, vocab)
    imported = import_path(out, slug, memory_store)
    same(original, imported, slug, vocab)


@pytest.mark.parametrize("slug", sorted(CASES))
def test_what_the_template_does_not_carry_does_not_come_back(
        slug: str, memory_store: Store, vocab: dict[str, VocabList]) -> None:
    original = memory_store.export_graph(authority_graph(slug))
    rows = authority_rows(memory_store, slug, vocab)
    imported = import_bytes(xlsx_bytes(rows, vocab), f"{slug}.xlsx", memory_store, slug)
    for kind in CASES[slug]["not_carried"]:
        left_out = set(original.subjects(RDF.type, DG[kind]))
        assert left_out, f"{slug} has no {kind}: the case no longer tests anything"
        assert not left_out & set(imported.subjects()), kind
    # and nothing imported says more than the original did about a subject it shares
    assert set(carried(imported, slug, vocab)) <= set(original)


@pytest.mark.parametrize("slug", sorted(CASES))
def test_every_imported_subject_cites_its_document_and_its_workbook_row(
        slug: str, memory_store: Store, vocab: dict[str, VocabList]) -> None:
    rows = authority_rows(memory_store, slug, vocab)
    imported = import_bytes(xlsx_bytes(rows, vocab), f"{slug}.xlsx", memory_store, slug)
    # (the sources and the workbook say whose they are too, but are the provenance itself)
    provenance = set(imported.subjects(RDF.type, DG.SourceDocument)) | set(
        imported.subjects(RDF.type, PROV.Entity))
    subjects = {s for s in imported.subjects(DG.authority, None) if isinstance(s, URIRef)
                and s not in provenance}
    assert subjects
    for s in subjects:
        assert imported.value(s, PROV.wasDerivedFrom) is not None, s
        assert imported.value(s, DG.asAt) is not None, s
        where = row_of(imported, s)
        assert where is not None and where.startswith("sheet '"), s
    posts = {r["id"]: n for n, r in enumerate(rows["Posts"], start=2)}
    first = sorted(posts)[0]
    from dutygraph.namespaces import authority_namespace
    assert row_of(imported, authority_namespace(slug)[first]) == \
        f"sheet 'Posts', row {posts[first]}"


@pytest.mark.parametrize("slug", sorted(CASES))
def test_the_csvw_metadata_is_valid_and_reads_every_exported_value(
        slug: str, memory_store: Store, vocab: dict[str, VocabList], tmp_path: Path) -> None:
    rows = authority_rows(memory_store, slug, vocab)
    write_csv(rows, slug, tmp_path, vocab)
    group = csvw.TableGroup.from_file(tmp_path / "csv-metadata.json")
    assert group.check_referential_integrity()
    read = {str(t.url): list(t.iterdicts(strict=True)) for t in group.tables}
    for sheet, sheet_rows in rows.items():
        assert len(read[f"{sheet}.csv"]) == len(sheet_rows)
    holders = read["Holders.csv"]
    assert all(isinstance(h["as_at"], list) for h in holders)  # a separator makes a list
    import datetime as dt
    assert all(isinstance(d, dt.date) for h in holders for d in h["as_at"])


def findings(report: Any) -> list[tuple[str, str, str, str]]:
    return sorted((f.outcome, f.severity, f.shape, f.focus) for f in report.results)


@pytest.mark.parametrize("slug", sorted(s for s, c in CASES.items() if c.get("validate_on")))
def test_an_authority_round_tripped_through_the_workbook_gets_the_same_findings(
        slug: str, memory_store: Store, vocab: dict[str, VocabList]) -> None:
    import datetime as dt

    from dutygraph.validation.api import validate_graph

    day = dt.date.fromisoformat(CASES[slug]["validate_on"])
    original = memory_store.export_graph(authority_graph(slug))
    imported = import_bytes(xlsx_bytes(authority_rows(memory_store, slug, vocab), vocab),
                            f"{slug}.xlsx", memory_store, slug)
    want = validate_graph(original, as_of=day, framework=memory_store)
    got = validate_graph(imported, as_of=day, framework=memory_store)
    assert findings(want)
    assert findings(got) == findings(want)
