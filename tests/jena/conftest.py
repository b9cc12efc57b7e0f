"""Fixtures for the Jena parity tests: a prepared Jena (classpath, fix jar, compiled runner)
and the repository's data in the embedded store (the data Jena is given, exported from it).

Every test here is in one xdist group, so one worker prepares Jena and loads TDB2 once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dutygraph.datasets import repository_source
from dutygraph.store import EmbeddedStore, Store
from tests.stores.servers import Server, ServerUnavailable, oxigraph_server

from .jena import Jena, JenaUnavailable, store_nquads


@pytest.fixture(scope="session")
def jena(tmp_path_factory: pytest.TempPathFactory) -> Jena:
    try:
        return Jena.prepare(tmp_path_factory.mktemp("jena"))
    except JenaUnavailable as exc:
        pytest.fail(f"Jena is needed by these tests: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = EmbeddedStore(tmp_path_factory.mktemp("jena-reference"))
    store.write(repository_source(), drop_others=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def tdb2(jena: Jena, reference: Store) -> Path:
    """The reference store's named graphs, exported as N-Quads and bulk-loaded into TDB2."""
    nquads = store_nquads(reference, jena.work / "data.nq")
    return jena.load_tdb2(nquads, jena.work / "tdb2")


@pytest.fixture(scope="session")
def oxigraph() -> Iterator[Server]:
    try:
        with oxigraph_server() as server:
            yield server
    except ServerUnavailable as exc:
        pytest.fail(f"cannot start the Oxigraph server these tests need: {exc}", pytrace=False)
