"""The query and parse workers cannot reach out, whatever reaches them (issue 16).

Each test hands work straight to a worker, past every guard, that tries to contact another
host (a listener on the host's loopback, which must hear nothing) or read a local file (a
canary whose access time must not move): a plain socket, an HTTP request, a SPARQL SERVICE
clause run by the engine, a JSON-LD context fetched by the parser. The worker's own network
namespace and its Landlock rules must stop each one. On every local store kind; and with a
remote store, the worker reaches that server's port and no other.
"""

from __future__ import annotations

import contextlib
import pathlib
import socket
import urllib.request
from typing import Any

import pytest
from rdflib import Graph

from dutygraph.limits import sandbox
from dutygraph.limits.process_executor import ProcessExecutor

from .conftest import Canary, Listener

pytestmark = pytest.mark.skipif(sandbox.landlock_abi() == 0,
                                reason="the kernel has no Landlock")


def _tries(executor: ProcessExecutor, fn: Any, *args: Any, **kwargs: Any) -> BaseException:
    """What the worker raised for work that must be refused."""
    with pytest.raises(Exception) as caught:
        executor.call(fn, *args, **kwargs)
    return caught.value


def test_a_worker_reports_both_protections(executor: ProcessExecutor) -> None:
    held = executor.call(sandbox.status)
    assert held["complete"] is True, held
    assert str(held["network"]).startswith("own namespace")
    assert str(held["files"]).startswith("landlock")


def test_a_socket_opened_in_a_worker_reaches_no_host(executor: ProcessExecutor,
                                                     listener: Listener) -> None:
    exc = _tries(executor, socket.create_connection, ("127.0.0.1", listener.port), 2)
    assert "unreachable" in str(exc).lower() or isinstance(exc, OSError), exc
    _tries(executor, urllib.request.urlopen, listener.url + "/x", None, 2)
    assert listener.connections() == []


def test_a_file_read_in_a_worker_is_refused_and_not_read(executor: ProcessExecutor,
                                                         canary: Canary) -> None:
    exc = _tries(executor, pathlib.Path.read_bytes, canary.path)
    assert isinstance(exc, PermissionError), exc
    _tries(executor, urllib.request.urlopen, canary.path.as_uri(), None, 2)
    assert not canary.was_read()


# The engines themselves, past the store layer's own refusal of SERVICE: code run in the
# worker (eval stands for any hole) asks each engine to call the listener out.
ENGINE_CALLS = {
    "oxigraph": "list(__import__('pyoxigraph').Store().query({query!r}))",
    "rdflib": "list(__import__('rdflib').Graph().query({query!r}))",
}


@pytest.mark.parametrize("engine", sorted(ENGINE_CALLS))
@pytest.mark.parametrize("clause", [
    "SERVICE <{url}/sparql> {{ ?a ?b ?c }}",
    "SERVICE SILENT <{url}/sparql> {{ ?a ?b ?c }}",
])
def test_a_service_clause_run_by_the_engine_in_a_worker_contacts_nothing(
        executor: ProcessExecutor, listener: Listener, clause: str, engine: str) -> None:
    query = "SELECT * WHERE { " + clause.format(url=listener.url) + " }"
    # Refused or failed: either way, what matters is what the listener heard.
    with contextlib.suppress(Exception):
        executor.call(eval, ENGINE_CALLS[engine].format(query=query))
    assert listener.connections() == []


@pytest.mark.parametrize("context", ["{url}/context.jsonld", "{file}", "[[\"{url}/c\"]]"])
def test_a_json_ld_context_the_loader_missed_is_not_fetched(
        executor: ProcessExecutor, listener: Listener, canary: Canary, context: str) -> None:
    ctx = context.format(url=listener.url, file=canary.path.as_uri())
    ctx_json = ctx if ctx.startswith("[") else f'"{ctx}"'
    document = ('{"@context": ' + ctx_json + ', "@id": "urn:x", "name": "y"}')
    with contextlib.suppress(Exception):
        executor.call(Graph.parse, Graph(), data=document, format="json-ld")
    assert listener.connections() == []
    assert not canary.was_read()


def reach(host: str, port: int) -> str:
    """Connect and say whether it worked (run in a worker of the remote-store test)."""
    with socket.create_connection((host, port), timeout=5):
        return "connected"


def read(path: str) -> bytes:
    return pathlib.Path(path).read_bytes()


def test_a_remote_stores_worker_reaches_its_server_port_and_nothing_else(
        canary: Canary) -> None:
    from dutygraph.store.remote import RemoteStore
    from dutygraph.web import create_app

    if sandbox.landlock_abi() < 4:
        pytest.skip("Landlock ABI 4 (TCP rules) is needed")
    server, other = Listener(), Listener()
    try:
        store = RemoteStore(f"{server.url}/sparql")
        executor = create_app(store, {"QUERY_TIMEOUT": 20.0}).extensions["dutygraph.executor"]
        assert isinstance(executor, ProcessExecutor)
        held = executor.call(sandbox.status)
        assert str(held["network"]) == f"tcp to port {server.port} only (Landlock)", held
        assert executor.call(reach, "127.0.0.1", server.port) == "connected"
        with pytest.raises(PermissionError):
            executor.call(reach, "127.0.0.1", other.port)
        with pytest.raises(PermissionError):
            executor.call(read, str(canary.path))
        assert other.connections() == []
        assert server.connections()  # the one route that is allowed was used
        assert not canary.was_read()
    finally:
        server.close()
        other.close()


def test_a_probe_says_what_held_without_restricting_the_caller(canary: Canary) -> None:
    held = sandbox.probe(sandbox.default_policy())
    assert held.complete, held.summary()
    assert "landlock" in held.summary()
    canary.path.read_bytes()  # this process is not restricted
    assert canary.was_read()


def test_where_the_kernel_refuses_the_status_says_which_protection_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 0)
    monkeypatch.setattr(sandbox, "_own_network",
                        lambda libc: (_ for _ in ()).throw(OSError(1, "Operation not permitted")))
    held = sandbox.probe(sandbox.default_policy())
    assert not held.complete
    assert held.network == "none" and held.files == "none"
    assert any("unshare" in note for note in held.notes)
    assert any("Landlock" in note for note in held.notes)
