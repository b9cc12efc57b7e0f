"""RDF uploads are validated from the reader's Oxigraph triples (rdfio.read_triples ->
validation.validate_triples), with no rdflib graph made of them, and answer as before.

A family of uploads: Bromley's arrangements (data/local/bromley) written in Turtle,
N-Triples, JSON-LD and RDF/XML, and each broken at a known line. The three syntaxes read get
the same report from the API, the validate page and the library, equal to the report of the
rdflib graph the old path made; RDF/XML, which nothing here reads by design (rdfio has no
XML parser), is a 4xx saying so and naming the file; a broken upload is a 400 naming its
line.
"""

from __future__ import annotations

import datetime as dt
import json
from io import BytesIO
from typing import Any

import pyoxigraph as ox
import pytest
from flask import Flask
from rdflib import Graph, URIRef

from dutygraph import rdfio
from dutygraph.errors import InputError
from dutygraph.paths import data_dir
from dutygraph.store import EmbeddedStore, Store
from dutygraph.validation import validate_graph
from dutygraph.web import create_app
from dutygraph.web.uploads import validate_upload

DAY = dt.date(2013, 5, 7)
BROMLEY = sorted((data_dir() / "local" / "bromley").glob("*.ttl"))


def _bromley_triples() -> list[ox.Triple]:
    found: list[ox.Triple] = []
    for path in BROMLEY:
        found += [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]
    return found


TRIPLES = _bromley_triples()
# syntax: (format name, media type, file suffix, Oxigraph format)
SYNTAXES: dict[str, tuple[str, str, str, ox.RdfFormat]] = {
    "Turtle": ("turtle", "text/turtle", ".ttl", ox.RdfFormat.TURTLE),
    "N-Triples": ("nt", "application/n-triples", ".nt", ox.RdfFormat.N_TRIPLES),
    "JSON-LD": ("json-ld", "application/ld+json", ".jsonld", ox.RdfFormat.JSON_LD),
    "RDF/XML": ("rdfxml", "application/rdf+xml", ".rdf", ox.RdfFormat.RDF_XML),
}
READ = ["Turtle", "N-Triples", "JSON-LD"]


def _written(fmt: ox.RdfFormat) -> bytes:
    written = ox.serialize(TRIPLES, format=fmt)
    assert written is not None  # given no output, serialize returns the bytes
    return written


GOOD = {name: _written(spec[3]) for name, spec in SYNTAXES.items()}
# Each broken at line 3.
BROKEN = {
    "Turtle": b"@prefix dg: <https://w3id.org/dutygraph/def#> .\n\n<urn:a> dg:x .\n",
    "N-Triples": b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:d> .\n<urn:a> <urn:b> .\n",
    "JSON-LD": b'[\n{"@id": "urn:a",\n "urn:b": [1,}\n]',
    "RDF/XML": b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="urn:x">\n<rdf:Description\n',
}


@pytest.fixture(scope="module")
def store(repo_graphs: dict[URIRef, Graph]) -> Store:
    made = EmbeddedStore(None)
    made.replace_graphs(repo_graphs, drop_others=True)
    return made


@pytest.fixture(scope="module")
def app(store: Store) -> Flask:
    made: Flask = create_app(store, {"QUERY_TIMEOUT": 120.0})
    return made


@pytest.fixture(scope="module")
def old_path_report(store: Store) -> dict[str, Any]:
    """The report of Bromley's upload as the old path made it: an rdflib graph of it."""
    graph = rdfio.read_rdf(GOOD["Turtle"], "turtle", name="bromley.ttl")
    report: dict[str, Any] = validate_graph(graph, as_of=DAY, framework=store,
                                            name="bromley.ttl").to_json_dict()
    return report


def _api(app: Flask, syntax: str, body: bytes) -> tuple[int, str]:
    response = app.test_client().post(f"/api/validate?as_of={DAY}", data=body,
                                      content_type=SYNTAXES[syntax][1])
    return response.status_code, response.get_data(as_text=True)


def _page(app: Flask, syntax: str, body: bytes) -> tuple[int, str]:
    _fmt, media, suffix, _ox = SYNTAXES[syntax]
    response = app.test_client().post("/validate", data={
        "file": (BytesIO(body), f"bromley{suffix}", media), "as_of": DAY.isoformat()},
        content_type="multipart/form-data")
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize("syntax", READ)
def test_an_upload_gets_the_report_its_rdflib_graph_got(
        app: Flask, syntax: str, old_path_report: dict[str, Any]) -> None:
    status, text = _api(app, syntax, GOOD[syntax])
    assert status == 200, text[-300:]
    assert json.loads(text) == old_path_report
    assert old_path_report["results"], "Bromley's upload should have findings to compare"


@pytest.mark.parametrize("syntax", READ)
def test_the_validate_page_reads_an_upload_in_each_syntax(app: Flask, syntax: str) -> None:
    status, text = _page(app, syntax, GOOD[syntax])
    assert status == 200, text[-300:]
    assert "London Borough of Bromley" in text


@pytest.mark.parametrize("syntax", READ)
def test_no_rdflib_graph_is_made_of_an_upload(
        store: Store, syntax: str, monkeypatch: pytest.MonkeyPatch,
        old_path_report: dict[str, Any]) -> None:
    def refused(*_args: Any, **_kwargs: Any) -> Graph:
        raise AssertionError("the upload was read into an rdflib graph")

    monkeypatch.setattr(rdfio, "read_rdf", refused)
    monkeypatch.setattr(rdfio, "to_rdflib", refused)
    fmt, _media, suffix, _ox = SYNTAXES[syntax]
    report = validate_upload(store, GOOD[syntax], fmt, f"bromley{suffix}", as_of=DAY)
    assert report.to_json_dict() == old_path_report


@pytest.mark.parametrize("syntax", READ)
def test_a_broken_upload_is_a_400_naming_its_line(app: Flask, syntax: str) -> None:
    for where, (status, text) in (("api", _api(app, syntax, BROKEN[syntax])),
                                  ("page", _page(app, syntax, BROKEN[syntax]))):
        assert status == 400, (where, text[-300:])
        assert ":3:" in text or "line 3" in text, (where, text[-300:])


@pytest.mark.parametrize("body", ["good", "broken"])
def test_rdf_xml_is_a_4xx_that_says_it_is_not_read(app: Flask, body: str) -> None:
    upload = GOOD["RDF/XML"] if body == "good" else BROKEN["RDF/XML"]
    status, text = _api(app, "RDF/XML", upload)
    assert status == 415, text[-300:]
    assert "application/rdf+xml" in text
    status, text = _page(app, "RDF/XML", upload)
    assert status == 400, text[-300:]
    assert "bromley.rdf" in text and "RDF/XML" in text, text[-300:]


@pytest.mark.parametrize("fmt", ["turtle", "nt", "json-ld", "rdfxml"])
def test_the_library_names_the_file_of_an_rdf_xml_upload_in_any_format(
        store: Store, fmt: str) -> None:
    with pytest.raises(InputError, match=r"bromley\.rdf.*RDF/XML"):
        validate_upload(store, GOOD["RDF/XML"], fmt, "bromley.rdf", as_of=DAY)


def test_an_upload_naming_no_authority_is_refused_naming_the_file(store: Store) -> None:
    body = b"<urn:a> <urn:b> <urn:c> .\n"
    with pytest.raises(InputError, match=r"^nothing\.nt: no dg:LocalAuthority"):
        validate_upload(store, body, "nt", "nothing.nt", as_of=DAY)


def test_bromleys_files_are_the_family_read() -> None:
    assert len(BROMLEY) >= 2 and len(TRIPLES) > 100
    assert all(len(GOOD[s]) > 1000 for s in SYNTAXES)
