"""The Python API the CLI and the web view call: files, graphs and stores, and bad input."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from rdflib import Graph

from dutygraph.errors import InputError
from dutygraph.paths import context_file
from dutygraph.rdfio import parse_file
from dutygraph.store import Store
from dutygraph.validation import (
    Finding,
    ValidationReport,
    validate_files,
    validate_graph,
    validate_store,
)

from .casekit import CASES_DIR

DAY = dt.date(2013, 5, 7)
COMPLETE = CASES_DIR / "a complete arrangement conforms on 7 May 2013" / "data.ttl"
NO_REPORT = CASES_DIR / "a board with no annual report is reported under s14A" / "data.ttl"


def test_validate_files_reads_turtle_and_finds_what_is_missing() -> None:
    report = validate_files([str(NO_REPORT)], as_of=DAY)
    assert isinstance(report, ValidationReport) and not report.conforms
    assert all(isinstance(f, Finding) for f in report.results)
    assert report.as_of == DAY


def test_validate_files_reads_json_ld_with_the_same_findings(tmp_path: Path) -> None:
    context = json.loads(context_file().read_text())["@context"]
    doc = tmp_path / "arrangements.jsonld"
    doc.write_text(parse_file(NO_REPORT).serialize(format="json-ld", context=context))
    a = validate_files([str(NO_REPORT)], as_of=DAY).to_json_dict()
    b = validate_files([str(doc)], as_of=DAY).to_json_dict()
    assert a == b


def test_a_malformed_file_is_an_input_error_naming_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix dg: <https://w3id.org/dutygraph/def#> .\n\n"
                   "<urn:a> dg:x <urn:b> ;\n  garbage garbage .\n")
    with pytest.raises(InputError) as info:
        validate_files([str(NO_REPORT), str(bad)], as_of=DAY)
    assert info.value.file == str(bad)
    assert info.value.line is not None


def test_a_file_with_no_authority_is_refused_rather_than_reported_as_conforming(
        tmp_path: Path) -> None:
    empty = tmp_path / "nothing.ttl"
    empty.write_text("<urn:a> <urn:b> <urn:c> .\n")
    with pytest.raises(InputError, match="no dg:LocalAuthority"):
        validate_files([str(empty)], as_of=DAY)


def test_an_unknown_authority_is_an_input_error_listing_the_known_ones() -> None:
    with pytest.raises(InputError, match="Testshire Council") as info:
        validate_files([str(COMPLETE)], as_of=DAY, authority="Nowhere")
    assert info.value.parameter == "authority"


def test_an_authority_can_be_named_by_iri_slug_or_label(embedded_store: Store) -> None:
    by_label = validate_store(embedded_store, as_of=DAY, authority="london borough of bromley")
    by_slug = validate_store(embedded_store, as_of=DAY, authority="bromley")
    by_iri = validate_store(embedded_store, as_of=DAY,
                            authority="https://w3id.org/dutygraph/id/authority/bromley")
    assert by_label.to_json_dict() == by_slug.to_json_dict() == by_iri.to_json_dict()
    assert {f.authority for f in by_slug.results} == {"https://w3id.org/dutygraph/id/authority/bromley"}


def test_validate_store_without_an_authority_validates_every_authority(
        embedded_store: Store) -> None:
    report = validate_store(embedded_store, as_of=DAY)
    assert {iri for iri, _ in report.authorities} == {
        "https://w3id.org/dutygraph/id/authority/bromley",
        "https://w3id.org/dutygraph/id/authority/harrow"}


def test_validate_graph_takes_the_framework_from_a_store(embedded_store: Store) -> None:
    data = parse_file(NO_REPORT)
    from_store = validate_graph(data, as_of=DAY, framework=embedded_store)
    from_files = validate_graph(data, as_of=DAY)
    assert from_store.to_json_dict() == from_files.to_json_dict()


def test_the_reference_engine_gives_the_same_report(framework: Graph) -> None:
    data = parse_file(NO_REPORT)
    fast = validate_graph(data, as_of=DAY, framework=framework)
    oracle = validate_graph(data, as_of=DAY, framework=framework, engine="pyshacl")
    assert fast.to_json_dict() == oracle.to_json_dict()
