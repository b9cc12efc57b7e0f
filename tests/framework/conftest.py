"""Fixtures for the national-framework tests: the ontology plus data/framework, on their own.

Local data (data/local, data/sources) is written by someone else in parallel; the framework's
own tests must not pass or fail because of it, so they read only these two graphs. The
repository-wide meta-tests (test_framework_meta.py) use the shared repo_dataset instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from rdflib import Graph, URIRef
from rdflib.query import ResultRow

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.namespaces import FRAMEWORK_GRAPH, ONTOLOGY_GRAPH, bind_prefixes, sparql_prefixes

from .framework_sparql import Select


@pytest.fixture(scope="session")
def framework_graph() -> Graph:
    """The ontology and the national framework as one graph (no local data)."""
    files = [f for f in repository_files() if f.graph in (ONTOLOGY_GRAPH, FRAMEWORK_GRAPH)]
    graphs = load_graphs(files)
    if FRAMEWORK_GRAPH not in graphs:
        pytest.fail("data/framework holds no Turtle files")
    union = Graph()
    bind_prefixes(union)
    for graph in graphs.values():
        union += graph
    return union


@pytest.fixture(scope="session")
def framework_only() -> Graph:
    """Just data/framework (to tell what the framework itself mints)."""
    files = [f for f in repository_files() if f.graph == FRAMEWORK_GRAPH]
    graph: Graph = load_graphs(files)[FRAMEWORK_GRAPH]
    return graph


@pytest.fixture(scope="session")
def select(framework_graph: Graph) -> Select:
    """Run a SELECT over the framework with our prefixes; keyword arguments become bindings.

    A datetime.date argument is bound as xsd:date so queries can compare it with dg:validFrom.
    """
    from rdflib import Literal
    from rdflib.namespace import XSD

    prefixes = sparql_prefixes()

    def run(query: str, **bindings: Any) -> list[ResultRow]:
        init: dict[str, Any] = {}
        for name, value in bindings.items():
            if isinstance(value, date):
                init[name] = Literal(value.isoformat(), datatype=XSD.date)
            elif isinstance(value, str) and value.startswith(("http://", "https://")):
                init[name] = URIRef(value)
            else:
                init[name] = value
        return list(framework_graph.query(prefixes + query, initBindings=init))  # type: ignore[arg-type]

    return run
