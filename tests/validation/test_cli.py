"""dutygraph validate and dutygraph audit: formats, exit codes, and no half-written output."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.namespace import SH

from dutygraph.cli import main

from .casekit import CASES_DIR

COMPLETE = CASES_DIR / "a complete arrangement conforms on 7 May 2013" / "data.ttl"
NO_REPORT = CASES_DIR / "a board with no annual report is reported under s14A" / "data.ttl"
ONLY_WARNING = (CASES_DIR / "a chair not recorded as held to account by the Chief Executive is a "
                "warning" / "data.ttl")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("store") / "oxigraph"
    assert main(["build", "--store", str(path)]) == 0
    return str(path)


@pytest.fixture
def warning_only(tmp_path: Path) -> Path:
    """The complete arrangement without the chair's accountability link: one warning only."""
    text = COMPLETE.read_text()
    start = text.index("testshire:link-chair-accountable a dg:Link")
    end = text.index("\n\n", start)
    path = tmp_path / "warning.ttl"
    path.write_text(text[:start] + text[end:])
    return path


def test_a_conforming_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(COMPLETE), "--as-of", "2013-05-07"]) == 0
    assert capsys.readouterr().out.rstrip().splitlines()[-1].startswith(
        "Summary: Findings: 0 not met, 0 not evidenced")


def test_a_file_with_a_violation_exits_1_with_fail_on_violation(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(NO_REPORT), "--as-of", "2013-05-07",
                 "--fail-on", "violation"]) == 1
    assert "CA 2004 s14A" in capsys.readouterr().out


def test_silence_fails_only_with_fail_on_not_evidenced(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(NO_REPORT), "--as-of", "2013-05-07"]) == 0
    assert main(["validate", str(NO_REPORT), "--as-of", "2013-05-07",
                 "--fail-on", "not-evidenced"]) == 1
    out = capsys.readouterr().out
    assert "[not evidenced | must]" in out and "Violation]" not in out


def test_a_document_stating_the_contrary_fails_by_default(
        capsys: pytest.CaptureFixture[str]) -> None:
    contrary = CASES_DIR / "a chair recorded as not independent is reported as not met" / "data.ttl"
    assert main(["validate", str(contrary), "--as-of", "2013-05-07"]) == 1
    assert main(["validate", str(contrary), "--as-of", "2013-05-07",
                 "--fail-on", "NOT_MET"]) == 1
    assert "[not met | should]" in capsys.readouterr().out


def test_warnings_fail_only_with_fail_on_warning(warning_only: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(warning_only), "--as-of", "2013-05-07"]) == 0
    assert main(["validate", str(warning_only), "--as-of", "2013-05-07",
                 "--fail-on", "warning"]) == 1
    out = capsys.readouterr().out
    assert "1 should," in out


def test_json_output_is_the_contracted_document(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(NO_REPORT), "--as-of", "2013-05-07", "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"conforms", "as_of", "summary", "outcomes", "requirements",
                         "ignored_records", "results"}
    assert data["as_of"] == "2013-05-07" and data["results"]


def test_turtle_output_is_a_shacl_report(capsys: pytest.CaptureFixture[str]) -> None:
    main(["validate", str(NO_REPORT), "--as-of", "2013-05-07", "--format", "turtle"])
    g = Graph().parse(data=capsys.readouterr().out, format="turtle")
    assert len(list(g.subjects(None, SH.ValidationResult))) > 0


def test_html_output_is_written_to_out(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    assert main(["validate", str(NO_REPORT), "--as-of", "2013-05-07", "--format", "html",
                 "--out", str(out), "--fail-on", "violation"]) == 1
    assert out.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize(("args", "words"), [
    (["--as-of", "2013-13-40"], "as-of"),
    (["--as-of", "7 May 2013"], "YYYY-MM-DD"),
    (["--format", "pdf"], "format"),
    (["--fail-on", "error"], "fail-on"),
    (["--authority", "Nowhere"], "authority"),
], ids=["an impossible date", "a date in words", "an unknown format", "an unknown fail-on",
        "an unknown authority"])
def test_bad_parameters_exit_2_naming_the_parameter(
        args: list[str], words: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.txt"
    assert main(["validate", str(COMPLETE), "--out", str(out), *args]) == 2
    assert words in capsys.readouterr().err
    assert not out.exists()


def test_a_malformed_file_exits_2_with_file_and_line_and_writes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix dg: <https://w3id.org/dutygraph/def#> .\n<urn:a> dg:b <urn:c>\n"
                   "<urn:d> dg:e .\n")
    out = tmp_path / "report.json"
    assert main(["validate", str(COMPLETE), str(bad), "--format", "json",
                 "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "malformed" in err
    assert not out.exists()


def test_a_missing_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", str(tmp_path / "nope.ttl")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_an_existing_out_file_is_kept_when_the_input_is_bad(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    out.write_text("the previous, complete report\n")
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle")
    assert main(["validate", str(bad), "--out", str(out)]) == 2
    assert out.read_text() == "the previous, complete report\n"


def test_without_files_every_authority_in_the_store_is_validated(
        store: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--store", store, "--as-of", "2013-05-07",
                 "--fail-on", "violation"]) == 1
    text = capsys.readouterr().out
    assert "== London Borough of Bromley" in text and "== London Borough of Harrow" in text


def test_one_authority_of_the_store_by_label(store: str,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--store", store, "--as-of", "2015-04-01", "--authority",
                 "London Borough of Harrow", "--format", "json", "--fail-on", "violation"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert {r["authority"] for r in data["results"]} == {
        "https://w3id.org/dutygraph/id/authority/harrow"}


def test_a_file_validated_with_the_framework_of_a_store(store: str) -> None:
    assert main(["validate", str(COMPLETE), "--store", store, "--as-of", "2013-05-07"]) == 0


def test_a_store_that_cannot_be_opened_exits_3(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--store", str(tmp_path / "missing")]) == 3
    assert "missing" in capsys.readouterr().err


def test_audit_writes_a_colour_coded_matrix_and_a_csv(store: str, tmp_path: Path) -> None:
    out = tmp_path / "audit"
    assert main(["audit", "--store", store, "--as-of", "2013-05-07", "--out", str(out)]) == 0
    page = (out / "audit.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "background:" in page
    rows = list(csv.DictReader((out / "audit.csv").open()))
    statuses = {r["status"] for r in rows}
    assert {"met", "not evidenced", "not applicable"} <= statuses
    assert len({r["authority"] for r in rows}) == 2
    assert len(rows) == 2 * len({r["requirement"] for r in rows})


def test_audit_with_fail_on_exits_1_when_a_finding_reaches_it(store: str, tmp_path: Path) -> None:
    assert main(["audit", "--store", store, "--as-of", "2013-05-07", "--out", str(tmp_path),
                 "--fail-on", "violation"]) == 1


def test_audit_rejects_a_bad_date(store: str, tmp_path: Path) -> None:
    assert main(["audit", "--store", store, "--as-of", "2013-02-30", "--out", str(tmp_path)]) == 2
    assert not (tmp_path / "audit.csv").exists()
