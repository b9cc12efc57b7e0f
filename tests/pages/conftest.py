"""Fixtures for the HTML pages: the app over the repository's data plus the hostile-label
fixture the browser tests also load (tests/browser/data)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.rdfio import parse_file
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app

FIXTURES = Path(__file__).resolve().parents[1] / "browser" / "data"
FIXTURE_GRAPH = URIRef("https://w3id.org/dutygraph/graph/source/page-test-fixtures")


@pytest.fixture(scope="session")
def page_graphs(repo_graphs: dict[URIRef, Graph]) -> dict[URIRef, Graph]:
    graphs = dict(repo_graphs)
    extra = Graph()
    for path in sorted(FIXTURES.glob("*.ttl")):
        extra += parse_file(path)
    graphs[FIXTURE_GRAPH] = extra
    return graphs


@pytest.fixture(scope="session", params=["embedded", "memory"])
def pages_store(request: pytest.FixtureRequest, page_graphs: dict[URIRef, Graph]) -> Store:
    """The pages must read the same on every store kind: Oxigraph and rdflib."""
    store: Store = EmbeddedStore(None) if request.param == "embedded" else MemoryStore()
    store.replace_graphs(page_graphs, drop_others=True)
    return store


@pytest.fixture(scope="session")
def app(pages_store: Store) -> Flask:
    # A generous time limit: these tests check what the pages show, not how fast rdflib is
    # (some named queries take seconds on the memory store of a busy machine).
    return create_app(pages_store, {"QUERY_TIMEOUT": 120.0})


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture(scope="session")
def oxigraph_store(page_graphs: dict[URIRef, Graph]) -> Store:
    """The embedded store alone, for the exhaustive walks (every function in every authority),
    which would take minutes on rdflib."""
    store = EmbeddedStore(None)
    store.replace_graphs(page_graphs, drop_others=True)
    return store


@pytest.fixture()
def oxigraph_client(oxigraph_store: Store) -> FlaskClient:
    return create_app(oxigraph_store).test_client()
