"""Named queries' rows are written once, in the worker (issue 16 §3).

`dutygraph query --format json|csv` prints the bytes /api/queries/<name>.json|.csv sends (one
writer, queries.answers.rows_bytes); the API runs the named query and writes its rows in a
query worker, whose answers over the row or byte cap are 400s that the cache does not keep.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

import dutygraph.queries.answers as named
from dutygraph.cli import main
from dutygraph.limits.cache import ResultCache
from dutygraph.store import EmbeddedStore, MemoryStore
from dutygraph.web import create_app
from tests.limits.answers_support import assert_written_by_a_worker

# Named queries and parameters whose answers (rows, empty, non-ASCII labels) are compared.
QUESTIONS: dict[str, tuple[str, dict[str, str]]] = {
    "the duties of one provision": ("provision", {"provision": "CA 2004 s13(1)"}),
    "a search with many rows": ("search", {"text": "safeguarding"}),
    "a search that matches nothing": ("search", {"text": "zzqqxx-nothing"}),
    "a council's board partners on a day": ("board-partners",
                                            {"authority": "Bromley", "as_of": "2013-03-01"}),
}


@pytest.fixture(scope="module")
def store_dir(repo_graphs: dict[URIRef, Graph],
              tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("named") / "oxigraph"
    store = EmbeddedStore(folder)
    store.replace_graphs(repo_graphs, drop_others=True)
    store.close()
    return str(folder)


@pytest.fixture(scope="module")
def client(store_dir: str) -> Iterator[FlaskClient]:
    store = EmbeddedStore(store_dir, read_only=True)
    app = create_app(store, {"QUERY_TIMEOUT": 60.0})
    yield app.test_client()


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("question", list(QUESTIONS))
def test_the_cli_prints_the_bytes_the_api_sends(client: FlaskClient, store_dir: str,
                                               capsys: pytest.CaptureFixture[str],
                                               question: str, fmt: str) -> None:
    name, params = QUESTIONS[question]
    argv = ["query", name, "--format", fmt, "--store", store_dir]
    for key, value in params.items():
        argv += ["--param", f"{key}={value}"]
    assert main(argv) == 0
    printed = capsys.readouterr().out.encode("utf-8")
    response = client.get(f"/api/queries/{name}.{fmt}", query_string=params)
    assert response.status_code == 200
    assert response.get_data() == printed
    assert response.mimetype == {"json": "application/json", "csv": "text/csv"}[fmt]


CAPS = {
    "more rows than the row cap": ({"MAX_ROWS": 3}, "more than 3 rows"),
    "more bytes than the byte cap": ({"MAX_RESULT_BYTES": 600}, "larger than 600 bytes"),
}


@pytest.mark.parametrize("fmt", ["json", "csv"])
@pytest.mark.parametrize("cap", list(CAPS))
def test_a_named_answer_over_a_cap_is_a_400_and_is_not_kept(store_dir: str, cap: str,
                                                            fmt: str) -> None:
    config, says = CAPS[cap]
    app = create_app(EmbeddedStore(store_dir, read_only=True), {"QUERY_TIMEOUT": 60.0, **config})
    client = app.test_client()
    cache: ResultCache = app.extensions["dutygraph.cache"]
    for _ in range(2):
        response = client.get(f"/api/queries/search.{fmt}", query_string={"text": "safeguarding"})
        assert response.status_code == 400
        assert says in response.get_json()["error"]
    assert cache.bytes_held == 0


def _pid_writer(*_args: Any) -> bytes:
    return str(os.getpid()).encode()


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_the_rows_are_written_in_a_worker_of_the_store_not_in_the_server(
        monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    # The store is new, so its workers are forked after the writer is replaced; so is the
    # server process, should it be the one that writes.
    monkeypatch.setattr(named, "rows_bytes", _pid_writer)
    store = MemoryStore()
    store.replace_graphs({URIRef("https://w3id.org/dutygraph/graph/empty"): Graph()},
                         drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 60.0, "RESULT_CACHE_ENTRIES": 0})
    response = app.test_client().get(f"/api/queries/search.{fmt}", query_string={"text": "x"})
    assert_written_by_a_worker(app, response)


def test_the_writer_refuses_a_format_it_does_not_know() -> None:
    with pytest.raises(Exception, match="use json or csv"):
        named.named_answer(MemoryStore(), "search", {"text": "x"}, "xml", 10, 1000)



# --- an upload's report is written in the worker that validated it --------------------------

TESTSHIRE = """@prefix dg: <https://w3id.org/dutygraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/dutygraph/id/authority/testshire> a dg:LocalAuthority ;
    rdfs:label "Testshire Council"@en .
"""
UPLOADS = {"Turtle": (TESTSHIRE, "text/turtle"),
           "N-Triples": ('<https://w3id.org/dutygraph/id/authority/testshire> '
                         '<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                         '<https://w3id.org/dutygraph/def#LocalAuthority> .\n',
                         "application/n-triples"),
           "JSON-LD": (json.dumps({
               "@context": {"dg": "https://w3id.org/dutygraph/def#"},
               "@id": "https://w3id.org/dutygraph/id/authority/testshire",
               "@type": "dg:LocalAuthority"}), "application/ld+json")}


@pytest.fixture(scope="module")
def framework_app(repo_graphs: dict[URIRef, Graph]) -> Flask:
    store = MemoryStore()
    store.replace_graphs(repo_graphs, drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 120.0})
    return app


@pytest.mark.parametrize("upload", list(UPLOADS))
def test_an_upload_report_over_the_byte_cap_is_a_400_naming_the_cap(
        framework_app: Flask, upload: str) -> None:
    body, content_type = UPLOADS[upload]
    client = framework_app.test_client()
    whole = client.post("/api/validate?as_of=2014-01-01", data=body.encode(),
                        content_type=content_type)
    assert whole.status_code == 200, whole.get_data()[:300]
    assert whole.get_data().endswith(b"}\n")  # the API's JSON, written in the worker
    framework_app.config["MAX_RESULT_BYTES"] = len(whole.get_data()) - 1
    try:
        cut = client.post("/api/validate?as_of=2014-01-01", data=body.encode(),
                          content_type=content_type)
    finally:
        framework_app.config["MAX_RESULT_BYTES"] = 16 << 20
    assert cut.status_code == 400
    assert f"larger than {len(whole.get_data()) - 1} bytes" in cut.get_json()["error"]


def test_an_upload_report_is_written_in_a_worker_of_the_store(
        monkeypatch: pytest.MonkeyPatch, repo_graphs: dict[URIRef, Graph]) -> None:
    import dutygraph.limits.answers as answers

    monkeypatch.setattr(answers, "api_json", _pid_writer)
    store = MemoryStore()  # a new store: its workers fork after the writer is replaced
    store.replace_graphs(repo_graphs, drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 120.0})
    response = app.test_client().post("/api/validate?as_of=2014-01-01", data=TESTSHIRE.encode(),
                                      content_type="text/turtle")
    assert_written_by_a_worker(app, response)
