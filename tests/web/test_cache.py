"""The web view's answer cache (dutygraph.web.cache): repeated questions are answered from it,
a change to the store is seen by the next request, and a client can ask for a fresh answer."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from rdflib import Literal
from rdflib.namespace import RDFS

from dutygraph.datasets import Source, repository_files
from dutygraph.limits.cache import ResultCache
from dutygraph.namespaces import authority_graph
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app

BROMLEY = "https://w3id.org/dutygraph/id/authority/bromley"
PATH = f"/api/queries/functions-evidence?authority={BROMLEY}"


def _cache(app: Flask) -> ResultCache:
    return app.extensions["dutygraph.cache"]  # type: ignore[no-any-return]


def _fresh_store(kind: str, tmp_path: Path) -> Store:
    store: Store = MemoryStore() if kind == "memory" else EmbeddedStore(tmp_path / "s")
    store.write(Source(repository_files()), drop_others=True)
    return store


def test_a_repeated_question_is_answered_from_the_cache_with_the_same_answer(
        memory_store: Store) -> None:
    app = create_app(memory_store)
    client = app.test_client()
    first = client.get(PATH)
    hits = _cache(app).hits
    second = client.get(PATH)
    assert first.status_code == second.status_code == 200
    assert first.get_json() == second.get_json()
    assert _cache(app).hits > hits


def test_no_cache_from_the_client_recomputes_the_answer(memory_store: Store) -> None:
    app = create_app(memory_store)
    client = app.test_client()
    client.get(PATH)
    hits = _cache(app).hits
    again = client.get(PATH, headers={"Cache-Control": "no-cache"})
    assert again.status_code == 200
    assert _cache(app).hits == hits


def test_a_change_to_the_store_is_seen_by_the_next_request(tmp_path: Path) -> None:
    for kind in ("memory", "embedded"):
        store = _fresh_store(kind, tmp_path)
        # (a memory store's worker processes hold a copy made when they started; threads share it)
        app = create_app(store, {"QUERY_EXECUTOR": "thread"} if kind == "memory" else None)
        client = app.test_client()
        before = client.get(PATH).get_json()
        graph = store.export_graph(authority_graph("bromley"))
        shown = {r["evidenceLabel"] for r in before["rows"] if r.get("evidenceLabel")}
        assert shown, kind  # the answer shows evidence whose label can change
        for s in list(graph.subjects(RDFS.label, None)):
            if str(graph.value(s, RDFS.label)) in shown:
                graph.set((s, RDFS.label, Literal("A label changed after the first answer")))
        store.replace_graphs({authority_graph("bromley"): graph})
        after = client.get(PATH).get_json()
        labels = {r.get("evidenceLabel") for r in after["rows"]}
        assert "A label changed after the first answer" in labels, kind
        assert before != after, kind


def test_a_store_that_cannot_tell_its_version_is_never_cached(memory_store: Store) -> None:
    class Unversioned(MemoryStore):
        def version(self) -> None:
            return None

    store = Unversioned()
    store._dataset = memory_store._dataset  # type: ignore[attr-defined]
    app = create_app(store)
    client = app.test_client()
    client.get(PATH)
    client.get(PATH)
    assert _cache(app).hits == 0 and len(_cache(app)) == 0


def test_the_cache_keeps_at_most_its_entries_and_rows_dropping_the_oldest() -> None:
    cache = ResultCache(max_entries=2, max_rows=10)
    cache.put("v1", "a", 1, 3)
    cache.put("v1", "b", 2, 3)
    cache.put("v1", "c", 3, 3)
    assert cache.get("v1", "a") is None and cache.get("v1", "c") == 3
    cache.put("v1", "d", 4, 9)
    assert len(cache) == 1 and cache.get("v1", "d") == 4
    cache.put("v1", "huge", 5, 11)
    assert cache.get("v1", "huge") is None


def test_an_answer_is_never_served_for_another_version() -> None:
    cache = ResultCache()
    cache.put("v1", "q", "old", 1)
    assert cache.get("v2", "q") is None
    assert cache.get("v1", "q") is None  # moving to v2 forgot v1's answers


def test_a_cache_of_no_entries_is_off(memory_store: Store) -> None:
    app = create_app(memory_store, {"RESULT_CACHE_ENTRIES": 0})
    client = app.test_client()
    client.get(PATH)
    client.get(PATH)
    assert len(_cache(app)) == 0 and _cache(app).hits == 0
