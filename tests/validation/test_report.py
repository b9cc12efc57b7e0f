"""The report formats an auditor reads or sends on: JSON (the contract), text, Turtle, HTML."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, SH

from dutygraph.namespaces import DG
from dutygraph.rdfio import parse_file
from dutygraph.validation import ValidationReport, validate_graph

from .casekit import CASES_DIR

DAY = dt.date(2013, 5, 7)
NO_LSCB = CASES_DIR / "a board with no annual report is reported under s14A" / "data.ttl"


@pytest.fixture(scope="module")
def report(framework: Graph) -> ValidationReport:
    return validate_graph(parse_file(NO_LSCB), as_of=DAY, framework=framework)


def test_the_json_report_has_exactly_the_contracted_keys(report: ValidationReport) -> None:
    data = json.loads(json.dumps(report.to_json_dict()))
    assert set(data) == {"conforms", "as_of", "summary", "outcomes", "requirements",
                         "ignored_records", "results"}
    assert data["as_of"] == "2013-05-07"
    assert data["conforms"] is False
    assert set(data["summary"]) == {"violations", "warnings", "infos", "not_met",
                                    "not_evidenced", "superseded"}
    severities = data["summary"]["violations"] + data["summary"]["warnings"] \
        + data["summary"]["infos"]
    assert severities == sum(data["outcomes"].values()) == len(data["results"]) > 0
    assert set(data["outcomes"]) == {"not met", "not evidenced", "superseded"}
    for r in data["results"]:
        assert set(r) == {"outcome", "severity", "message", "focus", "focus_label", "path",
                          "shape", "provisions", "authority", "editions", "evidence"}
        assert r["outcome"] in ("not met", "not evidenced", "superseded")
        assert r["severity"] in ("Violation", "Warning", "Info")
        assert r["provisions"] and all(p.startswith(("http://www.legislation.gov.uk/id/",
                                                     "https://w3id.org/dutygraph/id/guidance/"))
                                       for p in r["provisions"])
        assert r["authority"] == "https://w3id.org/dutygraph/id/authority/testshire"
        assert r["focus_label"] and not r["focus_label"].startswith("http")


def test_the_summary_counts_each_severity(report: ValidationReport) -> None:
    s = report.summary()
    assert s["violations"] == sum(f.severity == "Violation" for f in report.results)
    assert s["warnings"] == sum(f.severity == "Warning" for f in report.results)
    assert s["infos"] == sum(f.severity == "Info" for f in report.results)


def test_the_text_report_groups_by_authority_then_provision_and_ends_with_a_summary(
        report: ValidationReport) -> None:
    lines = report.to_text().rstrip("\n").split("\n")
    assert lines[-1].startswith("Summary: ") and "must," in lines[-1]
    assert any(line.startswith("== Testshire Council") for line in lines)
    headings = [line for line in lines if line.startswith("  -- ")]
    assert any("CA 2004 s14A" in h for h in headings)
    assert any("SI 2006/90 reg 4" in h for h in headings)
    assert sum(line.startswith("    [") for line in lines) == len(report.results)


def test_the_turtle_report_is_a_standard_shacl_validation_report(report: ValidationReport) -> None:
    g = Graph().parse(data=report.to_turtle(), format="turtle")
    node = g.value(None, RDF.type, SH.ValidationReport)
    assert node is not None
    assert g.value(node, SH.conforms) == Literal(False)
    results = list(g.objects(node, SH.result))
    assert len(results) == len(report.results)
    for r in results:
        assert (r, RDF.type, SH.ValidationResult) in g
        for p in (SH.focusNode, SH.resultSeverity, SH.sourceShape, SH.resultMessage,
                  SH.sourceConstraintComponent, DCTERMS.source):
            assert g.value(r, p) is not None, p
        # the outcome rides along as one documented extra property, a dg:AssessmentOutcomes
        assert len(list(g.objects(r, DG.outcome))) == 1
        assert g.value(r, DG.outcome) in (DG.NotMet, DG.NotEvidenced, DG.Superseded)


def test_a_not_met_finding_carries_its_statement_in_every_format(framework: Graph) -> None:
    data = parse_file(CASES_DIR / "a document stating there is no chair makes reg 4 not met, "
                      "citing its paragraph" / "data.ttl")
    report = validate_graph(data, as_of=DAY, framework=framework)
    statement = "https://w3id.org/dutygraph/id/authority/testshire/absence-chair"
    finding = next(f for f in report.results if f.outcome == "not met")
    assert finding.value == statement
    assert "[not met | must]" in report.to_text()
    assert "evidence: authority/testshire/absence-chair (seed 999_testshire, para 4.2)" \
        in report.to_text()
    data_json = json.loads(json.dumps(report.to_json_dict()))
    hit = next(r for r in data_json["results"] if r["outcome"] == "not met")
    assert hit["evidence"][0]["locator"] == "para 4.2"
    g = Graph().parse(data=report.to_turtle(), format="turtle")
    assert any(g.value(r, DG.outcome) == DG.NotMet and (r, PROV.wasDerivedFrom,
                                                         URIRef(statement)) in g
               for r in g.subjects(RDF.type, SH.ValidationResult))
    assert 'class="outcome not-met"' in report.to_html() and "para 4.2" in report.to_html()
    assert report.outcomes()["not met"] == 1 and report.requirements["not met"] == 1


def test_the_html_report_is_self_contained_and_escapes_what_the_data_says(framework: Graph) -> None:
    data = parse_file(NO_LSCB)
    lscb = URIRef("https://w3id.org/dutygraph/id/authority/testshire/lscb")
    data.remove((lscb, RDFS.label, None))
    data.add((lscb, RDFS.label, Literal("<script>alert('x')</script> & Board")))
    page = validate_graph(data, as_of=DAY, framework=framework).to_html()
    assert page.startswith("<!DOCTYPE html>")
    assert "<script>" not in page
    assert "&lt;script&gt;" in page and "&amp; Board" in page
    assert "<link" not in page and "src=" not in page
    assert "<style>" in page


def test_a_conforming_report_says_so_in_every_format(framework: Graph) -> None:
    complete = CASES_DIR / "a complete arrangement conforms on 7 May 2013" / "data.ttl"
    r = validate_graph(parse_file(complete), as_of=DAY, framework=framework)
    assert r.conforms and r.results == []
    assert r.to_json_dict()["conforms"] is True
    assert "no findings" in r.to_text() and "conforms" in r.to_text().splitlines()[-1]
    g = Graph().parse(data=r.to_turtle(), format="turtle")
    assert (None, SH.conforms, Literal(True)) in g
    assert "conforms" in r.to_html()


def test_fail_on_compares_severities(report: ValidationReport) -> None:
    assert report.reaches("violation") and report.reaches("warning")
    infos_only = ValidationReport(as_of=DAY, results=[f for f in report.results
                                                      if f.severity == "Info"])
    assert not infos_only.reaches("warning")
