"""The guard reads a client's /sparql query in the query worker, once, never in the server
process; what comes back (an answer, or the guard's refusal naming the limit or parameter) is
what the server process used to say itself, on every store kind and both executors."""

from __future__ import annotations

import time
from typing import Any

import pytest
from flask import Flask

from dutygraph.errors import InputError
from dutygraph.limits import answers
from dutygraph.sparql import check_query, guard
from dutygraph.sparql.limits import MAX_DEPTH, MAX_NESTING
from dutygraph.store import MemoryStore, Store
from dutygraph.web import create_app
from tests.serving import SEND_WAYS, send_query

ACCEPTED = [
    "ASK { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 2",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 2",
    'SELECT ?x WHERE { BIND("\\u0041" AS ?x) }',
    "PREFIX service: <http://127.0.0.1:9/> SELECT * WHERE { service:a ?p ?o }",
]
REFUSED = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "ASK { OPTIONAL { \\u0053ERVICE SILENT ?svc { ?s ?p ?o } } }",
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL",
    "SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?q }",
    "SELECT (" + "+".join(["1"] * (MAX_DEPTH + 1)) + " AS ?x) WHERE {}",
    "SELECT (" + "(" * (MAX_NESTING + 2) + "1" + ")" * (MAX_NESTING + 2) + " AS ?x) WHERE {}",
    "SELECT * WHERE { ?s ?p \"\\uD800\" }",
    "SELECT * FROM nope:g WHERE { ?s ?p ?o }",
]


@pytest.fixture(autouse=True)
def fresh_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test asks its workers afresh: the server process keeps the guard's refusals."""
    monkeypatch.setattr(answers, "_VERDICTS", answers._GuardVerdicts())


def refusal(query: str) -> InputError:
    """The guard's own refusal of `query`, read in this process (before any patch)."""
    with pytest.raises(InputError) as caught:
        check_query(query)
    return caught.value


def test_the_server_process_reads_no_client_query_and_refuses_as_the_guard_does(
        store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    expected = {query: str(refusal(query)) for query in REFUSED}
    # The app (and its workers' zygote) first, so the workers keep the real parser.
    app = create_app(store, {"QUERY_TIMEOUT": 20.0, "RESULT_CACHE_ENTRIES": 0})
    client = app.test_client()
    seen: list[str] = []

    def recorded(text: str, _parameter: str) -> Any:
        seen.append(text)
        raise AssertionError("the server process parsed a client's query")

    guard._check.cache_clear()
    monkeypatch.setattr(guard, "_parse", recorded)
    try:
        for query in ACCEPTED:
            for how in SEND_WAYS:
                response = send_query(client, query, how)
                assert response.status_code == 200, (query, how, response.data[:300])
        for query, message in expected.items():
            for how in SEND_WAYS:
                response = send_query(client, query, how)
                assert response.status_code == 400, (query, how, response.data[:300])
                assert message in response.get_data(as_text=True), (query, how)
    finally:
        guard._check.cache_clear()
    assert seen == []


def _app(store: Store, executor: str, **config: Any) -> Flask:
    app: Flask = create_app(store, {"QUERY_EXECUTOR": executor, "RESULT_CACHE_ENTRIES": 0,
                                    "QUERY_TIMEOUT": 20.0, **config})
    return app


def test_the_thread_executor_answers_and_refuses_exactly_as_the_process_workers_do(
        store: Store) -> None:
    clients = {kind: _app(store, kind).test_client() for kind in ("process", "thread")}
    for query in ACCEPTED + REFUSED:
        for fmt in ("", "xml", "nt", "bogus"):
            answers = {}
            for kind, client in clients.items():
                response = client.get("/sparql", query_string={"query": query, "format": fmt})
                # An answer's words, a graph's order of triples aside (a worker of an
                # exec'd zygote has a hash seed of its own): its status and type.
                answers[kind] = (response.status_code, response.mimetype,
                                 "" if response.status_code == 200
                                 else response.get_data(as_text=True))
            assert answers["process"] == answers["thread"], (query, fmt)


def test_the_refusals_order_is_the_query_then_the_dataset_then_the_format(
        store: Store) -> None:
    """One request wrong in several ways is refused for the first of them, as when the
    server read the query itself: the query, then the protocol's dataset, then the format."""
    client = _app(store, "process").test_client()
    bad_query, bad_graph = REFUSED[0], "not an iri"
    cases = [({"query": bad_query, "default-graph-uri": bad_graph, "format": "bogus"},
              400, "SERVICE is not allowed"),
             ({"query": ACCEPTED[0], "default-graph-uri": bad_graph, "format": "bogus"},
              400, "default-graph-uri"),
             ({"query": ACCEPTED[0], "format": "bogus"}, 400, "parameter 'format'"),
             ({"query": ACCEPTED[1], "format": "nt"}, 200, ""),  # a graph format: ignored
             ({"query": ACCEPTED[2], "format": "csv"}, 200, "")]
    for args, status, says in cases:
        response = client.get("/sparql", query_string=args)
        assert response.status_code == status, (args, response.data[:300])
        assert says in response.get_data(as_text=True)
    refused = client.get("/sparql", query_string={"query": ACCEPTED[2]},
                         headers={"Accept": "text/csv"})
    assert refused.status_code == 406  # no graph format in Accept: the worker says so
    assert "Accept" in refused.get_data(as_text=True)
    answered = client.get("/sparql", query_string={"query": ACCEPTED[1]},
                          headers={"Accept": "text/csv"})
    assert answered.status_code == 200 and answered.mimetype == "text/csv"


@pytest.mark.parametrize("executor", ["process", "thread"])
def test_reading_slower_than_the_time_limit_is_judged_by_the_guard_not_stopped(
        monkeypatch: pytest.MonkeyPatch, executor: str) -> None:
    """The guard's reading is held to its own CPU budget, not the query's time limit on the
    clock (limits.reading): a parse that waits three times the time limit (as on a machine
    too busy to give it the CPU) still ends in the guard's verdict, 200 or 400, never a 503;
    the time limit then holds the rest of the call."""
    real = guard._parse_now

    def slow(text: str) -> Any:
        time.sleep(1.5)  # wall time, no CPU: the guard's budget is not spent
        return real(text)

    monkeypatch.setattr(guard, "_parse_now", slow)
    guard._check.cache_clear()
    store = MemoryStore()  # its own, so its workers are forked with the slow parser
    client = _app(store, executor, QUERY_TIMEOUT=0.5).test_client()
    try:
        accepted = client.get("/sparql", query_string={"query": f"ASK {{ ?s ?p '{executor}' }}"})
        assert accepted.status_code == 200, accepted.data[:300]
        query = f"{REFUSED[0]} # {executor}"
        refused = client.get("/sparql", query_string={"query": query})
        assert refused.status_code == 400, refused.data[:300]
        assert "SERVICE is not allowed" in refused.get_data(as_text=True)
    finally:
        guard._check.cache_clear()


class Refusing:
    """An executor that runs nothing: any call that reaches it fails the test."""

    timeout = 20.0

    def store_call(self, *_args: Any) -> Any:
        raise AssertionError("a worker was asked")

    def call(self, *_args: Any, **_kwargs: Any) -> Any:
        raise AssertionError("a worker was asked")


def test_a_refusal_of_the_guard_is_said_again_without_asking_a_worker(store: Store) -> None:
    """A client repeating a refused query costs no parse: the server process keeps the
    guard's verdict (by a digest of the text) and says it again, with the same words."""
    app = _app(store, "process")
    client = app.test_client()
    first = {query: client.get("/sparql", query_string={"query": query}) for query in REFUSED}
    app.extensions["dutygraph.executor"] = Refusing()
    for query, response in first.items():
        again = client.get("/sparql", query_string={"query": query})
        assert response.status_code == again.status_code == 400, query
        assert again.get_data() == response.get_data(), query
    # Only the guard's refusals are kept: a query it accepts goes to the executor again.
    accepted = client.get("/sparql", query_string={"query": ACCEPTED[0]})
    assert "a worker was asked" in accepted.get_data(as_text=True)
    assert len(answers._VERDICTS._kept) == len(REFUSED)
