"""Fixtures for the hardening tests (issue 8): the app over every local store kind with a
short time limit, a loopback listener that must hear nothing, a local file that must not be
read, and the production server on a free port.

Store kinds: "memory" (rdflib), "oxigraph-memory" (pyoxigraph without a folder) and
"embedded" (pyoxigraph on disk, whose query workers open the folder themselves).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from dutygraph.store import Store
from dutygraph.web import create_app
from tests.serving import (
    Listener,
    build_store,
    listener,
    oxigraph_memory_store,
    serving,
    store_of_kind,
)

# Shared with the web and limits tests (tests/serving.py); the fixtures for this folder.
__all__ = ["Listener", "listener", "oxigraph_memory_store"]

ROOT = Path(__file__).resolve().parents[2]
STORE_KINDS = ["memory", "oxigraph-memory", "embedded"]
TIME_LIMIT = 2.0  # seconds: the limit the tests give the app
SECRET = "urn:dutygraph-test:secret-triple"
# Every triple of the repository's data times every triple, three times over, counted.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# What the fuzz tests covered: (inputs, of which stopped at the time limit, by test).
FUZZ_TOTAL = pytest.StashKey[tuple[int, int, dict[str, int]]]()
SMALL = ("SELECT ?label WHERE { <https://w3id.org/dutygraph/id/role/dcs> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    return store_of_kind(request)


@pytest.fixture()
def app(store: Store) -> Flask:
    return create_app(store, {"QUERY_TIMEOUT": TIME_LIMIT})


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    """A local file that no request may read: Turtle, JSON-LD and N-Triples of one triple."""
    path = tmp_path / "secret.ttl"
    path.write_text(f"<{SECRET}> <{SECRET}> <{SECRET}> .\n", encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("hardening-served") / "oxigraph")


@pytest.fixture(scope="session")
def served(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dutygraph serve` (gunicorn) with a 2 s time limit on a free loopback port."""
    log = tmp_path_factory.mktemp("hardening-serve-log") / "server.log"
    with serving(built_store, log, ["--workers", "2", "--threads", "4",
                                    "--query-timeout", str(TIME_LIMIT)]) as base:
        yield base


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """`make fuzz` shows how many generated inputs the run covered."""
    if FUZZ_TOTAL in config.stash:
        total, stopped, by_test = config.stash[FUZZ_TOTAL]
        terminalreporter.write_line(
            f"fuzz: {total} generated inputs, none answered 500; {stopped} stopped at the time "
            f"limit (503); by test: {by_test}")
