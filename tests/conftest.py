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
    return load_graphs(repository_files())


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
