"""Fixtures shared by the whole suite: the repository's data, parsed once, in each store kind.

Folder-specific fixtures (servers, browser) live in the conftest.py of their folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.store import EmbeddedStore, MemoryStore, Store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def repo_graphs() -> dict[URIRef, Graph]:
    """Every named graph the repository's files make, parsed once per test process."""
    graphs: dict[URIRef, Graph] = load_graphs(repository_files())
    return graphs


@pytest.fixture(scope="session")
def repo_dataset(repo_graphs: dict[URIRef, Graph]) -> Dataset:
    """The repository as an rdflib Dataset whose default graph is the union."""
    ds = Dataset(default_union=True)
    for name, graph in repo_graphs.items():
        target = ds.graph(name)
        for triple in graph:
            target.add(triple)
    return ds


@pytest.fixture(scope="session")
def memory_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    store = MemoryStore()
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


@pytest.fixture(scope="session")
def embedded_store(repo_graphs: dict[URIRef, Graph],
                   tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = EmbeddedStore(tmp_path_factory.mktemp("oxigraph"))
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Make `--dist loadgroup` group again under pytest 9.

    Why: pytest-xdist (3.8) marks a test's group by appending "@group" to `item._nodeid`, but
    pytest 9.2 reads a node's id from `item._id` (a structured NodeId), so the suffix was
    dropped and every xdist_group mark was ignored: the tests of a group ran on both workers,
    each starting its own servers and building its own module fixtures. This does what xdist
    means to, through the attribute pytest now reads (only in an xdist worker run with
    --dist loadgroup, and only where xdist's own suffix did not take).
    """
    if not getattr(config.option, "loadgroup", False):
        return
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # an older pytest, where xdist's own suffix works
        return
    for item in items:
        names = sorted({str(m.args[0] if m.args else m.kwargs.get("name", "default"))
                        for m in item.iter_markers("xdist_group")})
        suffix = "@" + "_".join(names)
        if names and not item.nodeid.endswith(suffix) and hasattr(item, "_id"):
            item._id = NodeId.parse(item.nodeid + suffix)
