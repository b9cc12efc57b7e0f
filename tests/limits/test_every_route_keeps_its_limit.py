"""Every page and API route keeps its time limit: over a store on which every read computes
for ever, each route that reads the store answers 503 "time limit" within the limit plus a
margin, and the read ran in a query worker (the store refuses to be read in the app's own
process, so work that slipped out of the workers, as /audit's once did, fails the test with
a 500 instead of passing on a thread's abandoned timeout).

Routes that read no store are listed, and answer over the same store: a new route must be
added to one list or the other (the last test fails otherwise).
"""

from __future__ import annotations

import os
import time
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph, URIRef

from dutygraph.store import MemoryStore
from dutygraph.web import create_app

LIMIT = 1.0
MARGIN = 2.5  # seconds past the limit the answer may take on a busy shared machine
TURTLE = ("@prefix dg: <https://w3id.org/dutygraph/def#> .\n"
          "<https://w3id.org/dutygraph/id/authority/x> a dg:LocalAuthority .\n")
AUTHORITY = "https://w3id.org/dutygraph/id/authority/harrow"

# (method, path, request arguments) of every route that reads the store.
READING: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/", {}),
    ("GET", "/ask", {"query_string": {"q": "who is accountable for safeguarding"}}),
    ("GET", "/ask/board-partners", {"query_string": {"authority": AUTHORITY}}),
    ("GET", "/entity", {"query_string": {"iri": AUTHORITY}}),
    ("GET", "/authority/", {}),
    ("GET", "/authority/harrow", {}),
    ("GET", "/authority/harrow/graph.json", {}),
    ("GET", "/queries/board-partners", {"query_string": {"authority": AUTHORITY}}),
    ("POST", "/validate", {"data": {"text": TURTLE, "format": "turtle"}}),
    ("GET", "/audit", {}),
    ("GET", "/api/queries/board-partners", {"query_string": {"authority": AUTHORITY}}),
    ("GET", "/api/search", {"query_string": {"text": "safeguarding"}}),
    ("POST", "/api/validate", {"data": TURTLE.encode(), "content_type": "text/turtle"}),
    ("GET", "/api/openapi.json", {}),
    ("GET", "/sparql", {"query_string": {"query": "ASK { ?s ?p ?o }"}}),
    ("POST", "/sparql", {"data": "ASK { ?s ?p ?o }",
                         "content_type": "application/sparql-query"}),
    ("GET", "/id/authority/harrow", {}),
    ("GET", "/sparql/editor/examples.json", {}),
    ("GET", "/impact", {}),
    ("GET", "/changes", {"query_string": {"since": "2013-01-01", "until": "2014-01-01"}}),
]
# Routes that answer without reading the store.
NOT_READING: list[tuple[str, str]] = [
    ("GET", "/static/app.css"),
    ("GET", "/queries"),
    ("GET", "/validate"),
    ("GET", "/sparql/editor"),
    ("GET", "/ontology"),
    ("GET", "/api/queries"),
    ("GET", "/health"),
    ("GET", "/answer"),  # a redirect to /ask
    ("GET", "/ask/change"),  # a redirect to /ask/<kind>
]


class EndlessStore(MemoryStore):
    """A store whose every read computes until killed, and refuses to run in the process
    that made it (so the test sees work that escaped the query workers)."""

    def __init__(self) -> None:
        super().__init__()
        self.home = os.getpid()

    def _endless(self) -> Any:
        return self._endless_from(self.home)

    @staticmethod
    def _endless_from(home: int) -> Any:
        if os.getpid() == home:
            raise RuntimeError("work ran in the app's process, outside the query workers")
        while True:
            pass

    def select(self, query: str) -> Any:
        return self._endless()

    def ask(self, query: str) -> bool:
        return bool(self._endless())

    def construct(self, query: str) -> Graph:
        return self._endless()  # type: ignore[no-any-return]

    def graph_names(self) -> list[URIRef]:
        return self._endless()  # type: ignore[no-any-return]

    def export_graph(self, name: URIRef) -> Graph:
        return self._endless()  # type: ignore[no-any-return]

    def triple_count(self) -> int:
        return int(self._endless())

    def version(self) -> Any:
        return None  # nothing is cached: every request must reach the store


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(EndlessStore(), {"QUERY_TIMEOUT": LIMIT, "SLOW_QUERY_CPU": 100.0,
                                       "REFUSAL_PAUSE": 0.0})


@pytest.mark.parametrize(("method", "path", "kwargs"), READING,
                         ids=[f"{m} {p}" for m, p, _ in READING])
def test_a_route_that_reads_the_store_answers_503_at_the_time_limit(
        app: Flask, method: str, path: str, kwargs: dict[str, Any]) -> None:
    start = time.monotonic()
    response = app.test_client().open(path, method=method, **kwargs)
    elapsed = time.monotonic() - start
    body = response.get_data(as_text=True)
    # An upload that cannot be checked in time is the upload's fault (400), other pages 503.
    assert response.status_code == (400 if "validate" in path else 503), body[:500]
    assert "time limit" in body
    assert elapsed < LIMIT + MARGIN


@pytest.mark.parametrize(("method", "path"), NOT_READING,
                         ids=[f"{m} {p}" for m, p in NOT_READING])
def test_a_route_that_reads_no_store_answers_over_the_endless_store(
        app: Flask, method: str, path: str) -> None:
    response = app.test_client().open(path, method=method)
    assert response.status_code in (200, 303, 400, 404), response.get_data(as_text=True)[:300]


def _endless_in_a_worker(*args: Any, **kwargs: Any) -> Any:
    return EndlessStore._endless_from(HOME)


HOME = os.getpid()


@pytest.mark.parametrize(("module", "name", "method", "path", "kwargs"), [
    ("dutygraph.validation.audit", "audit_view", "GET", "/audit", {}),
    # An RDF upload is read by rdfio.read_triples and validated by validate_triples (no rdflib
    # graph: web/uploads.py), so those are the calls made endless here.
    ("dutygraph.validation.api", "validate_triples", "POST", "/api/validate",
     {"data": TURTLE.encode(), "content_type": "text/turtle"}),
    ("dutygraph.validation.api", "validate_triples", "POST", "/validate",
     {"data": {"text": TURTLE, "format": "turtle"}}),
    ("dutygraph.web.uploads", "read_triples", "POST", "/api/validate",
     {"data": TURTLE.encode(), "content_type": "text/turtle"}),
    ("dutygraph.web.uploads", "read_triples", "POST", "/validate",
     {"data": {"text": TURTLE, "format": "turtle"}}),
], ids=["audit", "api-validate", "validate-page", "api-upload-parse", "upload-parse-page"])
def test_the_work_after_the_reads_is_stopped_at_the_limit_in_a_worker(
        monkeypatch: pytest.MonkeyPatch, memory_store: MemoryStore, module: str, name: str,
        method: str, path: str, kwargs: dict[str, Any]) -> None:
    """The store answers at once; the audit, the validation or the parsing of the upload itself
    never ends. It must run in a worker (forked after the patch, so it runs the endless
    version) and be stopped there."""
    import importlib

    monkeypatch.setattr(importlib.import_module(module), name, _endless_in_a_worker)
    store = MemoryStore()
    store.replace_graphs({g: memory_store.export_graph(g) for g in memory_store.graph_names()},
                         drop_others=True)
    app = create_app(store, {"QUERY_TIMEOUT": LIMIT, "SLOW_QUERY_CPU": 100.0})
    start = time.monotonic()
    response = app.test_client().open(path, method=method, **kwargs)
    body = response.get_data(as_text=True)
    # An upload that cannot be checked in time is the upload's fault (400); the audit 503.
    assert response.status_code == (400 if "validate" in path else 503), body[:500]
    assert "time limit" in body
    assert time.monotonic() - start < LIMIT + MARGIN


def test_every_route_is_in_one_list(app: Flask) -> None:
    listed = {p for _, p, _ in READING} | {p for _, p in NOT_READING}
    for rule in app.url_map.iter_rules():
        example = (rule.rule.replace("<slug>", "harrow").replace("<name>", "board-partners")
                   .replace("<kind>", "board-partners")
                   .replace("<path:rest>", "authority/harrow")
                   .replace("<path:filename>", "app.css"))
        assert example in listed, f"{rule.rule} is in neither list"
