"""schemathesis against /api/openapi.json (issue 8 §3): generated requests for every
operation the API describes, through the Flask app in-process: no 5xx but the documented 503
of the time limit, and every response matches the schema (status, media type, body).

The count per operation comes from DUTYGRAPH_FUZZ_EXAMPLES too (a small share of it).
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from rdflib import Graph, URIRef
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app

pytestmark = pytest.mark.xdist_group("hardening-schemathesis")

EXAMPLES = max(5, int(os.environ.get("DUTYGRAPH_FUZZ_EXAMPLES", "200")) // 40)


@schemathesis.serializer("text/turtle", "application/n-triples", "application/sparql-query")
def _text(ctx: Any, value: Any) -> bytes:
    """Bodies the schema describes as strings, sent as they are."""
    return value.encode("utf-8", "surrogatepass") if isinstance(value, str) else str(
        value).encode()


@pytest.fixture(scope="module")
def api_store(repo_graphs: dict[URIRef, Graph], tmp_path_factory: pytest.TempPathFactory,
              ) -> Store:
    store = EmbeddedStore(tmp_path_factory.mktemp("schemathesis"))
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


@pytest.fixture(scope="module")
def api_app(api_store: Store) -> Flask:
    return create_app(api_store, {"QUERY_TIMEOUT": 5.0})


@pytest.fixture(scope="module")
def api_schema(api_app: Flask) -> Any:
    return schemathesis.openapi.from_wsgi("/api/openapi.json", api_app)


def _labels() -> list[str]:
    """The operations the API describes (read from a throwaway app, without data)."""
    app = create_app(EmbeddedStore(None))
    loaded = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    return [result.ok().label for result in loaded.get_all_operations()]


# (schemathesis.pytest.from_fixture does not work with pytest 9: it reads a private node id;
# the operations are driven here with hypothesis directly.)
@pytest.mark.parametrize("label", _labels())
def test_the_api_answers_as_its_openapi_description_says(api_schema: Any, label: str) -> None:
    operation = next(r.ok() for r in api_schema.get_all_operations() if r.ok().label == label)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call()
        if response.status_code == 503:
            assert "time limit" in response.text or "long queries" in response.text, \
                response.text
        else:
            assert response.status_code < 500, (case.method, case.formatted_path,
                                                response.text)
        case.validate_response(response, checks=[status_code_conformance,
                                                  content_type_conformance,
                                                  response_schema_conformance])

    check()
