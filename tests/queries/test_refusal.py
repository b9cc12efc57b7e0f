"""A named query whose header names an engine in `wrong_on` is never answered by that engine:
dutygraph evaluates it itself over the graphs it reads, fetched from the store, or refuses it
when it would read the whole store. No wrong answer about who answers for a child's safety."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from dutygraph.datasets import repository_files
from dutygraph.errors import EngineRefused
from dutygraph.queries import get_query, run_query
from dutygraph.rdfio import parse_file
from dutygraph.store import MemoryStore, SelectResult, Store

PARAMS = {"authority": "https://w3id.org/dutygraph/id/authority/bromley"}


class _Behind(MemoryStore):
    """Data as if served by the engine named, which must never be asked the query itself."""

    def __init__(self, data: Store | None, software: str) -> None:
        super().__init__()
        if data is not None:
            self._dataset = data._dataset  # type: ignore[attr-defined]
        self.software = software
        self.asked: list[str] = []

    def server_software(self) -> str | None:
        return self.software

    def select(self, query: str) -> SelectResult:
        self.asked.append(query)
        return super().select(query)


def test_the_chain_queries_name_virtuoso_with_a_reason() -> None:
    for name in ("who-is-accountable", "reporting-lines"):
        assert "too few rows" in get_query(name).wrong_on["Virtuoso"]


def test_on_an_engine_known_to_answer_wrongly_the_query_is_evaluated_by_dutygraph(
        memory_store: Store) -> None:
    store = _Behind(memory_store, "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
    got = run_query(store, "reporting-lines", PARAMS)
    want = run_query(memory_store, "reporting-lines", PARAMS)
    assert got.rows and sorted(map(repr, got.rows)) == sorted(map(repr, want.rows))
    assert not any("reporting-lines" in q for q in store.asked), "the server was asked"


def test_the_same_query_runs_on_the_server_for_other_engines(memory_store: Store) -> None:
    store = _Behind(memory_store, "Oxigraph/0.5.13")
    assert run_query(store, "reporting-lines", PARAMS).rows
    assert any("reporting-lines" in q for q in store.asked)


def test_a_query_that_would_read_the_whole_store_is_refused_not_answered_wrongly() -> None:
    # Data under graph names that are not dutygraph's layout: nothing to narrow to.
    graph = Graph()
    for df in repository_files():
        graph += parse_file(df.path)
    store = _Behind(None, "Virtuoso/07.20.3229")
    store.replace_graphs({URIRef("urn:example:everything"): graph})
    with pytest.raises(EngineRefused) as info:
        run_query(store, "reporting-lines", PARAMS)
    assert "Virtuoso is known to answer it wrongly" in str(info.value)
    assert "too few rows" in str(info.value)


def test_showing_the_text_fetches_and_runs_nothing(memory_store: Store) -> None:
    store = _Behind(memory_store, "Virtuoso/07.20.3229")
    result = run_query(store, "reporting-lines", PARAMS, as_text=True)
    assert "SELECT" in result.sparql and not result.rows
