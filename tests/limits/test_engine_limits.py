"""Work that stops its worker is bad input (400), not overload (503): work that needs more
memory than a worker may have, a worker that dies on its work, queries built to break an
engine. And the next call is answered by a fresh worker."""

from __future__ import annotations

import os

import pytest
from flask import Flask

from dutygraph.limits import EngineLimitExceeded
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import Store
from dutygraph.web import create_app


def _app(store: Store) -> Flask:
    return create_app(store, {"QUERY_TIMEOUT": 20.0, "QUERY_MEMORY_LIMIT": 256 << 20,
                              "TIMED_OUT_REFUSAL": 1.0})


def test_a_worker_that_dies_on_its_work_is_the_inputs_fault(executor: ProcessExecutor,
                                                            store: Store) -> None:
    with pytest.raises(EngineLimitExceeded, match="engine's limits"):
        executor.call(os._exit, 3)
    assert executor.store_call(store, "ask", "ASK { ?s ?p ?o }") is True


def test_work_past_the_memory_cap_is_the_inputs_fault(store: Store) -> None:
    executor = _app(store).extensions["dutygraph.executor"]
    with pytest.raises(EngineLimitExceeded, match="memory"):
        executor.call(bytearray, 3 << 30)  # 3 GB at once: past the address-space cap
    assert executor.store_call(store, "ask", "ASK { ?s ?p ?o }") is True


@pytest.mark.parametrize("query", [
    "SELECT (" + "+".join(["1"] * 9000) + " AS ?x) WHERE {}",
    "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 9000) + " ?o }",
    "SELECT * WHERE { " + "{ " * 3000 + "?s ?p ?o" + " }" * 3000 + " }",
], ids=["9000-term expression", "9000-step path", "3000 nested groups"])
def test_a_query_that_may_break_the_engine_never_gets_a_5xx(store: Store, query: str) -> None:
    """Answered, or refused as bad input (by the front door's depth limit, or because it
    stopped its worker): never a 5xx, and the service answers the next query."""
    client = _app(store).test_client()
    response = client.post("/sparql", data=query, content_type="application/sparql-query")
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    assert client.get("/sparql", query_string={"query": "ASK {}"}).status_code == 200
