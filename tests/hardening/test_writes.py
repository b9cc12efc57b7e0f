"""The service writes nothing (issue 8 §2): no route changes the store, with or without a
write token configured, and reads never need a token.

dutygraph serves no Graph Store or load route at all, so a configured WRITE_TOKEN (app
setting, or DUTYGRAPH_WRITE_TOKEN in the environment) opens nothing either; the tests pin
that down so a write route added later must come with its own token check and tests.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from dutygraph.store import Store
from dutygraph.web import create_app
from dutygraph.web.wsgi import config_from_env

TOKEN = "s3cret-hardening-token"
TURTLE = b"<urn:dg:w> <urn:dg:w> <urn:dg:w> .\n"
GRAPH = "https://w3id.org/dutygraph/graph/framework"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"

WRITES: list[tuple[str, str, dict[str, Any]]] = [
    ("PUT", f"/sparql?graph={GRAPH}", {"data": TURTLE, "content_type": "text/turtle"}),
    ("POST", f"/sparql?graph={GRAPH}", {"data": TURTLE, "content_type": "text/turtle"}),
    ("DELETE", f"/sparql?graph={GRAPH}", {}),
    ("PATCH", "/sparql", {"data": b"CLEAR ALL", "content_type": "application/sparql-update"}),
    ("POST", "/sparql", {"data": b"CLEAR ALL", "content_type": "application/sparql-update"}),
    ("POST", "/sparql", {"data": {"update": "DROP ALL"}}),
    ("POST", "/sparql", {"data": b"INSERT DATA { <urn:dg:w> <urn:dg:w> <urn:dg:w> }",
                         "content_type": "application/sparql-query"}),
    ("GET", "/sparql?update=CLEAR%20ALL", {}),
    ("PUT", f"/store?graph={GRAPH}", {"data": TURTLE, "content_type": "text/turtle"}),
    ("POST", f"/store?graph={GRAPH}", {"data": TURTLE, "content_type": "text/turtle"}),
    ("DELETE", f"/store?graph={GRAPH}", {}),
    ("PUT", f"/rdf-graph-store?graph={GRAPH}", {"data": TURTLE, "content_type": "text/turtle"}),
    ("POST", "/update", {"data": {"update": "CLEAR ALL"}}),
    ("POST", "/api/load", {"data": TURTLE, "content_type": "text/turtle"}),
    ("PUT", "/api/validate", {"data": TURTLE, "content_type": "text/turtle"}),
    ("DELETE", "/api/queries/search", {}),
    ("PUT", "/id/role/dcs", {"data": TURTLE, "content_type": "text/turtle"}),
    ("DELETE", "/id/role/dcs", {}),
]


def _count(app: Flask) -> str:
    response = app.test_client().get("/sparql", query_string={"query": COUNT})
    assert response.status_code == 200
    return str(response.get_json()["results"]["bindings"][0]["n"]["value"])


@pytest.mark.parametrize("token", [None, TOKEN], ids=["no token", "token configured"])
def test_no_request_writes_to_the_store(store: Store, token: str | None) -> None:
    app = create_app(store, {"WRITE_TOKEN": token})
    before = _count(app)
    client = app.test_client()
    for method, path, kwargs in WRITES:
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}"}, {"X-Write-Token": TOKEN}):
            response = client.open(path, method=method, headers=headers, **kwargs)
            assert 400 <= response.status_code < 500, (method, path, response.status_code)
    assert _count(app) == before


def test_no_route_accepts_a_writing_method(store: Store) -> None:
    app = create_app(store, {"WRITE_TOKEN": TOKEN})
    for rule in app.url_map.iter_rules():
        methods = set(rule.methods or ()) - {"GET", "HEAD", "OPTIONS"}
        assert methods <= {"POST"}, rule
        if "POST" in methods:
            # The only POSTs read their body: a query, or an upload to validate.
            assert rule.rule in {"/sparql", "/api/validate", "/validate"}, rule


def test_reads_need_no_token_even_when_one_is_configured(store: Store) -> None:
    client = create_app(store, {"WRITE_TOKEN": TOKEN}).test_client()
    assert client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    assert client.get("/api/queries").status_code == 200
    assert client.get("/id/role/dcs", headers={"Accept": "text/turtle"}).status_code == 200


def test_the_token_can_come_from_the_environment() -> None:
    config = config_from_env({"DUTYGRAPH_WRITE_TOKEN": TOKEN})
    assert config["WRITE_TOKEN"] == TOKEN


def test_the_store_the_app_sees_refuses_writes(store: Store) -> None:
    from dutygraph.errors import StoreError
    from dutygraph.web import get_store

    app = create_app(store, {"WRITE_TOKEN": TOKEN})
    with app.test_request_context("/"):
        limited = get_store()
        with pytest.raises(StoreError, match="read-only"):
            limited.replace_graphs({})
        with pytest.raises(StoreError, match="read-only"):
            limited.write(None)
