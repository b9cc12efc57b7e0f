"""The repository's framework, parsed once, for the partnership-era answers."""

from __future__ import annotations

import pytest
from rdflib import Graph

from dutygraph.validation.dataset import repository_framework


@pytest.fixture(scope="session")
def framework() -> Graph:
    graph: Graph = repository_framework()
    return graph
