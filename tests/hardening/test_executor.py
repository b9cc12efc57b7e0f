"""The process executor's contract with the rest of the app: errors come back as they were
raised, in-memory stores stay current, work that cannot travel still runs, and the worker
processes hold nothing of the server's (no client connection, no listening socket)."""

from __future__ import annotations

import socket
import time

import psutil
import pytest
from rdflib import Graph, Literal, URIRef

from dutygraph.errors import InputError
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.limits.workers import exception_state, rebuild_exception
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app
from dutygraph.web.common import parse_as_of


def executor_for(store: Store, **config: object) -> ProcessExecutor:
    executor = create_app(store, dict(config)).extensions["dutygraph.executor"]
    assert isinstance(executor, ProcessExecutor)
    return executor


def test_an_error_raised_in_a_worker_keeps_its_type_message_and_parameter(store: Store) -> None:
    executor = executor_for(store)
    with pytest.raises(InputError) as caught:
        executor.call(parse_as_of, "the fifth of May", "as_of")
    assert caught.value.parameter == "as_of"
    assert "YYYY-MM-DD" in str(caught.value)
    with pytest.raises(InputError, match="malformed"):
        executor.store_call(store, "select", "SELECT * WHERE {")


def test_an_error_that_cannot_be_rebuilt_still_says_what_it_was() -> None:
    class Odd(Exception):
        def __init__(self, a: int, b: int) -> None:
            super().__init__(a)
            self.b = b

        def __str__(self) -> str:
            return f"odd {self.args[0]} {self.b}"

    local = rebuild_exception(exception_state(Odd(1, 2)))  # a local class cannot be pickled
    assert isinstance(local, RuntimeError)
    assert "odd 1 2" in str(local)


def test_work_that_cannot_be_sent_to_a_worker_is_refused_rather_than_run_unlimited(
        store: Store) -> None:
    """A closure cannot travel to a worker; running it on a thread instead would run it
    outside the time limit and the sandbox (how /audit once lost its limit)."""
    executor = executor_for(store)
    with pytest.raises(TypeError, match="cannot be sent to a query worker"):
        executor.call(lambda: 42)


def test_a_memory_store_written_after_the_app_started_is_answered_current(
        repo_graphs: dict[URIRef, Graph]) -> None:
    for store in (MemoryStore(), EmbeddedStore(None)):
        store.replace_graphs(repo_graphs, drop_others=True)
        app = create_app(store)
        client = app.test_client()
        ask = "ASK { <urn:dg:test:new> ?p ?o }"
        assert client.get("/sparql", query_string={"query": ask}).get_json()["boolean"] is False
        extra = Graph()
        extra.add((URIRef("urn:dg:test:new"), URIRef("urn:dg:test:p"), Literal("x")))
        store.replace_graphs({URIRef("https://w3id.org/dutygraph/graph/source/new"): extra})
        assert client.get("/sparql", query_string={"query": ask}).get_json()["boolean"] is True


def test_workers_hold_no_network_socket_of_the_server(store: Store) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    try:
        app = create_app(store)
        assert app.test_client().get("/sparql", query_string={"query": "ASK {}"}).status_code \
            == 200
        executor = app.extensions["dutygraph.executor"]
        zygote = psutil.Process(executor.pool.zygote_pid)
        processes = [zygote, *zygote.children()]
        assert len(processes) >= 2
        for process in processes:
            assert process.net_connections(kind="inet") == [], process.pid
    finally:
        for s in (accepted, client, server):
            s.close()


def test_closing_the_pool_ends_its_processes(repo_graphs: dict[URIRef, Graph]) -> None:
    store = EmbeddedStore(None)
    store.replace_graphs(repo_graphs, drop_others=True)
    executor = executor_for(store)
    assert executor.store_call(store, "ask", "ASK { ?s ?p ?o }") is True
    zygote = psutil.Process(executor.pool.zygote_pid)
    processes = [zygote, *zygote.children()]
    executor.pool.close()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(p) for p in processes):
        time.sleep(0.05)
    assert not any(_alive(p) for p in processes)


def _alive(process: psutil.Process) -> bool:
    try:
        return process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_a_remote_store_gets_the_limit_on_its_http_requests_and_runs_in_workers() -> None:
    """A remote server's work is not ours to kill: the worker's HTTP request gives up at the
    limit, and the worker itself is killed at it (see limits.executor)."""
    from dutygraph.store.remote import RemoteStore

    store = RemoteStore("http://127.0.0.1:9/sparql")
    app = create_app(store, {"QUERY_TIMEOUT": 3.0})
    assert isinstance(app.extensions["dutygraph.executor"], ProcessExecutor)
    assert store.timeout == 3.0
