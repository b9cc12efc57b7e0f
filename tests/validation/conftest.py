"""Fixtures for the validation tests: the repository's framework and shapes, parsed once."""

from __future__ import annotations

import pytest
from rdflib import Graph

from dutygraph.validation.dataset import repository_framework
from dutygraph.validation.shapes import ShapeSet, load_shapes


@pytest.fixture(scope="session")
def framework() -> Graph:
    return repository_framework()


@pytest.fixture(scope="session")
def shapes() -> ShapeSet:
    return load_shapes()
