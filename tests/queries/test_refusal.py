"""A named query whose header names an engine in `refused_on` is not run on that engine:
no answer rather than a wrong one about who answers for a child's safety."""

from __future__ import annotations

import pytest

from dutygraph.errors import EngineRefused
from dutygraph.queries import get_query, run_query
from dutygraph.store import MemoryStore, Store

PARAMS = {"authority": "https://w3id.org/dutygraph/id/authority/bromley"}


class _Behind(MemoryStore):
    """The repository's data, as if served by the engine named."""

    def __init__(self, data: Store, software: str) -> None:
        super().__init__()
        self._dataset = data._dataset  # type: ignore[attr-defined]
        self.software = software

    def server_software(self) -> str | None:
        return self.software


def test_the_chain_queries_name_virtuoso_with_a_reason() -> None:
    for name in ("who-is-accountable", "reporting-lines"):
        assert "too few rows" in get_query(name).refused_on["Virtuoso"]


def test_a_query_is_refused_on_an_engine_known_to_answer_it_wrongly(
        memory_store: Store) -> None:
    store = _Behind(memory_store, "Virtuoso/07.20.3229 (Linux) x86_64-pc-linux-gnu")
    with pytest.raises(EngineRefused) as info:
        run_query(store, "reporting-lines", PARAMS)
    assert "Virtuoso is known to answer it wrongly" in str(info.value)
    assert "too few rows" in str(info.value)


def test_the_same_query_runs_on_other_engines_and_others_run_on_virtuoso(
        memory_store: Store) -> None:
    assert run_query(_Behind(memory_store, "Oxigraph/0.5.13"), "reporting-lines", PARAMS).rows
    virtuoso = _Behind(memory_store, "Virtuoso/07.20.3229")
    assert run_query(virtuoso, "board-partners", PARAMS).rows


def test_showing_the_text_is_not_refused(memory_store: Store) -> None:
    store = _Behind(memory_store, "Virtuoso/07.20.3229")
    result = run_query(store, "reporting-lines", PARAMS, as_text=True)
    assert "SELECT" in result.sparql and not result.rows
