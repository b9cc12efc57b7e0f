"""The answer cache is bounded in bytes, and never keeps an answer bigger than the service
lets one answer be (such an answer is refused, so keeping it would only hold memory)."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef

from dutygraph.limits.cache import ResultCache, size_of
from dutygraph.store import MemoryStore, SelectResult
from dutygraph.web import create_app


@pytest.mark.parametrize("value", [
    b"x" * 2000, "y" * 2000,
    SelectResult(["a"], [{"a": Literal("z" * 2000)}]),
    [Literal("z" * 1000), Literal("z" * 1000)],
])
def test_an_answer_over_the_one_answer_bound_is_not_kept(value: object) -> None:
    cache = ResultCache(max_entries=10, max_rows=100, max_bytes=10_000, max_entry_bytes=1000)
    assert size_of(value) > 1000
    assert cache.put(1, "k", value, 1) is False
    assert len(cache) == 0 and cache.bytes_held == 0
    assert cache.get(1, "k") is None


def test_the_bytes_held_stay_under_the_bound_least_recent_first() -> None:
    cache = ResultCache(max_entries=100, max_rows=1000, max_bytes=3000, max_entry_bytes=1000)
    for i in range(10):
        assert cache.put(1, i, b"x" * 900, 1)
        assert cache.bytes_held <= 3000
    assert cache.get(1, 9) is not None and cache.get(1, 0) is None
    assert len(cache) == 3


def test_a_result_refused_as_too_large_leaves_nothing_in_the_cache() -> None:
    graph = Graph()
    for i in range(5):
        graph.add((URIRef(f"urn:s{i}"), URIRef("urn:p"), Literal("w" * 2000)))
    store = MemoryStore()
    store.replace_graphs({URIRef("urn:g"): graph}, drop_others=True)
    app = create_app(store, {"MAX_RESULT_BYTES": 4000})
    response = app.test_client().get("/sparql",
                                      query_string={"query": "SELECT * { GRAPH ?g { ?s ?p ?o } }"})
    assert response.status_code == 400, response.data[:200]
    cache = app.extensions["dutygraph.cache"]
    assert cache.bytes_held == 0 and len(cache) == 0
