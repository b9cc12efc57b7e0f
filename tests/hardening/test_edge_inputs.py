"""Inputs the fuzzers found or that sit at the engines' limits, kept as fixed cases: each
must get a 4xx with a message, never a 500 or a 503 from a crashed worker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask

from dutygraph.cli import main
from dutygraph.validation.dates import AsOf

UPLOAD = ("@prefix dg: <https://w3id.org/dutygraph/def#> .\n"
          "<https://w3id.org/dutygraph/id/authority/x> a dg:LocalAuthority .\n")


@dataclass(frozen=True)
class Edge:
    name: str
    method: str
    path: str
    body: bytes | dict[str, str] | None
    content_type: str | None
    words: str  # in the error message


EDGES = [
    Edge("JSON nested 100,000 deep", "POST", "/api/validate", b"[" * 100_000,
         "application/ld+json", "nests too deeply"),
    Edge("JSON objects nested 900 deep", "POST", "/api/validate",
         b'{"a":' * 900 + b"1" + b"}" * 900, "application/ld+json", ""),
    Edge("Turtle nested 50,000 deep", "POST", "/api/validate", b"( " * 50_000,
         "text/turtle", "malformed"),
    Edge("an IRI rdflib takes and Oxigraph refuses", "POST", "/api/validate",
         (UPLOAD + "<https://w3id._:borg/x> a <urn:k> .\n").encode(), "text/turtle",
         "line 3 between columns 1 and 24"),
    Edge("JSON-LD objects nested 5,000 deep (Oxigraph's parser would overflow its stack)",
         "POST", "/api/validate", b'{"urn:p":' * 5000 + b"1" + b"}" * 5000,
         "application/ld+json", "the limit is 256"),
    Edge("the year 1", "POST", "/api/validate?as_of=0001-01-01", UPLOAD.encode(),
         "text/turtle", "1900-2999"),
    Edge("the last day of the year 9999", "POST", "/api/validate?as_of=9999-12-31",
         UPLOAD.encode(), "text/turtle", "1900-2999"),
    Edge("SPARQL nested 5,000 brackets deep", "POST", "/sparql",
         {"query": "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }"},
         None, "deep"),
    Edge("SPARQL nested 5,000 braces deep", "POST", "/sparql",
         {"query": "SELECT * WHERE {" + "{" * 5000 + "}" * 5000 + "}"}, None, "deep"),
    Edge("SPARQL nested 40 brackets deep", "POST", "/sparql",
         {"query": "SELECT * WHERE { FILTER(" + "(" * 40 + "1" + ")" * 40 + ") }"}, None, ""),
    Edge("a query of NUL characters", "POST", "/sparql", {"query": "\x00" * 100}, None, "NUL"),
    Edge("a date on the validate page", "POST", "/validate",
         {"text": UPLOAD, "as_of": "0001-01-01"}, None, "1900-2999"),
]


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: e.name)
def test_an_edge_input_gets_a_clear_answer(app: Flask, edge: Edge) -> None:
    client = app.test_client()
    kwargs: dict[str, object] = {"method": edge.method}
    if edge.body is not None:
        kwargs["data"] = edge.body
    if edge.content_type:
        kwargs["content_type"] = edge.content_type
    response = client.open(edge.path, **kwargs)  # type: ignore[arg-type]
    text = response.get_data(as_text=True)
    assert response.status_code < 500, (response.status_code, text[:300])
    if edge.words:
        assert response.status_code >= 400
        assert edge.words in text, text[:300]


@pytest.mark.parametrize("day", ["0001-01-01", "0001-02-28", "1899-12-31", "3000-01-01",
                                 "9999-12-31"])
def test_the_command_line_refuses_the_years_the_web_refuses_naming_the_option(
        day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One date rule (validation.dates.parse_day) on every entry point: the CLI as the web."""
    data = tmp_path / "arrangements.ttl"
    data.write_text(UPLOAD, encoding="utf-8")
    status = main(["validate", str(data), "--as-of", day, "--format", "json"])
    err = capsys.readouterr().err
    assert status == 2, err[-500:]
    assert "as-of" in err and "1900-2999" in err
    assert "Traceback" not in err


def test_the_twelve_months_ending_in_the_year_1_begin_on_its_first_day() -> None:
    assert AsOf(dt.date(1, 6, 30)).window_start == dt.date(1, 1, 1)
    assert AsOf(dt.date(2, 6, 30)).window_start == dt.date(1, 7, 1)
    assert AsOf(dt.date(2013, 5, 7)).window_start == dt.date(2012, 5, 8)


def test_a_date_past_what_a_date_can_name_is_refused_naming_the_parameter(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "arrangements.ttl"
    data.write_text(UPLOAD, encoding="utf-8")
    assert main(["validate", str(data), "--as-of", "0000-12-31"]) == 2
    assert "as-of" in capsys.readouterr().err
