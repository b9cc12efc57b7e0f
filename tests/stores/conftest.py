"""Fixtures for the store tests: real SPARQL servers (Oxigraph, Virtuoso) started once per
test process, and a fresh store of each kind.

Server tests are marked `server` and grouped (`xdist_group("servers")`) so that under
`pytest -n 2 --dist loadgroup` one worker runs them all and each server starts once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dutygraph.datasets import Source
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store.remote import RemoteStore

from .servers import Server, ServerUnavailable, oxigraph_server, virtuoso_server

SERVER_MARKS = [pytest.mark.server, pytest.mark.xdist_group("servers")]
KINDS = [
    pytest.param("memory", id="memory"),
    pytest.param("embedded", id="embedded"),
    pytest.param("oxigraph-server", id="oxigraph-server", marks=SERVER_MARKS),
    pytest.param("virtuoso", id="virtuoso", marks=SERVER_MARKS),
]


def _serve(factory: Callable[[], object]) -> Iterator[Server]:
    try:
        with factory() as server:  # type: ignore[attr-defined]
            yield server
    except ServerUnavailable as exc:
        pytest.fail(f"cannot start the server these tests need: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def oxigraph() -> Iterator[Server]:
    yield from _serve(oxigraph_server)


@pytest.fixture(scope="session")
def virtuoso() -> Iterator[Server]:
    yield from _serve(virtuoso_server)


def remote_store(server: Server, **kwargs: object) -> RemoteStore:
    return RemoteStore(server.query, update=server.update, graphs=server.graphs,
                       user=server.user, password=server.password, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def make_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[str], Store]:
    """make_store(kind) -> an empty store of that kind (a server's dutygraph graphs are
    dropped first: servers are shared by the tests of a process)."""

    def make(kind: str) -> Store:
        if kind == "memory":
            return MemoryStore()
        if kind == "embedded":
            return EmbeddedStore(tmp_path / f"store-{len(list(tmp_path.iterdir()))}")
        server = request.getfixturevalue("oxigraph" if kind == "oxigraph-server" else "virtuoso")
        store = remote_store(server)
        store.write(Source(), drop_others=True)
        return store

    return make
