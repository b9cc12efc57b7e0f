"""An answer over the row or byte cap gets one status everywhere (400: the client must narrow
the query), with the cap named; 413 stays for request bodies and uploads over their caps."""

from __future__ import annotations

import pytest
from flask import Flask

from dutygraph.store import Store
from dutygraph.web import create_app
from dutygraph.web.common import RESULT_TOO_LARGE_STATUS
from dutygraph.web.openapi import TOO_LARGE

ALL = "SELECT * WHERE { ?s ?p ?o } LIMIT 50"
# Every kind of route that reads the store: a page, /api (JSON and CSV), /sparql, /id.
OVER_ROWS = {
    "a page": "/queries/search?text=director",
    "a named query": "/api/queries/search?text=director",
    "a named query as CSV": "/api/queries/search.csv?text=director",
    "the search API": "/api/search?text=director",
    "the SPARQL endpoint": f"/sparql?query={ALL}",
    "an entity": "/id/role/dcs.ttl",
}
# The byte cap applies where an answer is written out whole (a page shows what fits).
OVER_BYTES = {k: v for k, v in OVER_ROWS.items() if k != "a page"}


@pytest.fixture(scope="module")
def over_rows(memory_store: Store) -> Flask:
    return create_app(memory_store, {"MAX_ROWS": 3})


@pytest.fixture(scope="module")
def over_bytes(memory_store: Store) -> Flask:
    return create_app(memory_store, {"MAX_RESULT_BYTES": 200})


def test_the_status_is_a_client_error_and_not_the_one_for_large_requests() -> None:
    assert RESULT_TOO_LARGE_STATUS == 400


@pytest.mark.parametrize("path", OVER_ROWS.values(), ids=OVER_ROWS.keys())
def test_an_answer_over_the_row_cap_gets_the_one_status_on_every_route(
        over_rows: Flask, path: str) -> None:
    response = over_rows.test_client().get(path)
    assert response.status_code == RESULT_TOO_LARGE_STATUS, response.data[:300]
    assert "more than 3" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", OVER_BYTES.values(), ids=OVER_BYTES.keys())
def test_an_answer_over_the_byte_cap_gets_the_one_status_on_every_route(
        over_bytes: Flask, path: str) -> None:
    response = over_bytes.test_client().get(path)
    assert response.status_code == RESULT_TOO_LARGE_STATUS, response.data[:300]
    assert "200 bytes" in response.get_data(as_text=True)


def test_the_openapi_description_gives_that_status_for_every_operation_that_reads(
        over_rows: Flask) -> None:
    spec = over_rows.test_client().get("/api/openapi.json").get_json()
    status = str(RESULT_TOO_LARGE_STATUS)
    for path, operations in spec["paths"].items():
        if path in ("/api/queries", "/api/openapi.json", "/api/validate"):
            continue
        for method, operation in operations.items():
            described = operation["responses"].get(status, {}).get("description", "")
            assert TOO_LARGE in described, (method, path)
