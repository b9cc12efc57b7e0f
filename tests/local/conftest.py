"""Fixtures for the local-arrangements tests: only the ontology, data/local and data/sources.

The national framework (data/framework) is written in parallel by someone else and may be
incomplete, so nothing here depends on it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from dutygraph import paths
from dutygraph.datasets import DataFile, load_graphs, repository_files
from dutygraph.namespaces import FRAMEWORK_GRAPH, authority_graph, bind_prefixes
from dutygraph.rdfio import parse_file


def _local_files() -> list[DataFile]:
    return [f for f in repository_files() if f.graph != FRAMEWORK_GRAPH]


@pytest.fixture(scope="session")
def local_graphs() -> dict[URIRef, Graph]:
    """Named graph -> graph, for the ontology, every authority and every source document."""
    graphs: dict[URIRef, Graph] = load_graphs(_local_files())
    return graphs


@pytest.fixture(scope="session")
def sources(local_graphs: dict[URIRef, Graph]) -> Graph:
    """All source-document graphs together (descriptions and document-level claims)."""
    union = Graph()
    bind_prefixes(union)
    for name, graph in local_graphs.items():
        if "/graph/source/" in str(name):
            union += graph
    return union


@pytest.fixture(scope="session")
def bromley(local_graphs: dict[URIRef, Graph]) -> Graph:
    return local_graphs[authority_graph("bromley")]


@pytest.fixture(scope="session")
def harrow(local_graphs: dict[URIRef, Graph]) -> Graph:
    return local_graphs[authority_graph("harrow")]


@pytest.fixture(scope="session")
def seeds() -> Path:
    folder: Path = paths.seeds_dir()
    if not folder.is_dir():
        pytest.fail(f"seed documents not found at {folder} (set DUTYGRAPH_SEEDS)")
    return folder


@pytest.fixture(scope="session")
def authority_files() -> dict[str, Graph]:
    """Each authority data file parsed on its own, keyed by its path under data/local."""
    base = paths.data_dir() / "local"
    return {str(p.relative_to(base)): parse_file(p) for p in sorted(base.glob("*/*.ttl"))}
