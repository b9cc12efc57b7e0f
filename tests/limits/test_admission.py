"""Admission: a cheap call is answered while expensive ones hold the workers, and one client
cannot take every request at once."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from dutygraph.errors import QueryTimeout
from dutygraph.limits.clients import ClientLimit
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import MemoryStore, Store
from dutygraph.web import create_app

from .test_every_route_keeps_its_limit import EndlessStore

LIMIT = 6.0


def _fresh(memory_store: Store) -> MemoryStore:
    store = MemoryStore()
    store.replace_graphs({g: memory_store.export_graph(g) for g in memory_store.graph_names()},
                         drop_others=True)
    return store


def _wait_for(condition: Any, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.02)


@pytest.mark.parametrize("cheap", ["graph_names", "a query that was cheap before"])
def test_a_cheap_call_is_answered_while_expensive_ones_hold_the_workers(
        memory_store: Store, cheap: str) -> None:
    store = _fresh(memory_store)
    app = create_app(store, {"QUERY_TIMEOUT": LIMIT, "SLOW_QUERY_CPU": 100.0,
                             "QUERY_WORKERS": 3})
    executor = app.extensions["dutygraph.executor"]
    assert isinstance(executor, ProcessExecutor)
    ask = "ASK { ?s ?p ?o }"
    executor.store_call(store, "ask", ask)  # once: now known to be cheap
    outcomes: list[BaseException] = []

    def expensive(n: int) -> None:
        try:
            executor.call(sum, range(10**13 + n))  # pure CPU, never known: costly
        except BaseException as exc:
            outcomes.append(exc)

    threads = [threading.Thread(target=expensive, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    pool = executor.pool
    _wait_for(lambda: pool._costly == pool.max_fast - 1 and len(pool._waiting) >= 3)
    if cheap == "graph_names":
        assert executor.store_call(store, "graph_names")
    else:
        assert executor.store_call(store, "ask", ask) is True
    # Answered while every expensive call still ran or waited.
    assert not outcomes
    for t in threads:
        t.join(timeout=4 * LIMIT + 10)
    assert all(isinstance(exc, QueryTimeout) for exc in outcomes)


def test_a_client_over_its_limit_is_refused_at_once_and_others_are_served() -> None:
    app = create_app(EndlessStore(), {"QUERY_TIMEOUT": LIMIT, "CLIENT_REQUESTS": 2,
                                      "SLOW_QUERY_CPU": 100.0})
    limit: ClientLimit = app.extensions["dutygraph.clients"]
    answers: list[int] = []
    # One query parsed first: rdflib's parser (pyparsing) fails when its first two parses in
    # a process run at once (it learns each parse action's arity on first use).
    app.test_client().get("/sparql", query_string={"query": "ASK {?s ?p ?o}"})

    def hold() -> None:
        client = app.test_client()
        answers.append(client.get("/sparql", query_string={"query": "ASK {?s ?p ?o}"},
                                  environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for t in threads:
        t.start()
    _wait_for(lambda: limit.in_progress("10.0.0.1") == 2)
    over = app.test_client().get("/sparql", query_string={"query": "ASK {}"},
                                 environ_base={"REMOTE_ADDR": "10.0.0.1"})
    assert over.status_code == 503
    assert "requests in progress" in over.get_data(as_text=True)
    assert limit.in_progress("10.0.0.1") == 2  # the refusal held nothing
    other = app.test_client().get("/queries", environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert other.status_code == 200
    for t in threads:
        t.join(timeout=LIMIT + 10)
    assert answers == [503, 503]  # the endless reads stopped at the time limit
    assert limit.in_progress("10.0.0.1") == 0


@pytest.mark.parametrize("per_client", [1, 3])
def test_the_count_of_a_client_returns_to_zero(per_client: int) -> None:
    limit = ClientLimit(per_client)
    assert all(limit.enter("a") for _ in range(per_client))
    assert not limit.enter("a")
    assert limit.enter("b")
    for _ in range(per_client):
        limit.leave("a")
    limit.leave("b")
    assert limit.in_progress("a") == limit.in_progress("b") == 0
