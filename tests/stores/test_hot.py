"""The embedded store's in-memory copy of recently read graphs (dutygraph.store.hot): a scoped
question answered from the copy gives exactly the rows the on-disk store gives, a rebuild is
seen at once, and a full copy starts afresh without losing an answer."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from dutygraph.namespaces import authority_graph
from dutygraph.queries import run_query
from dutygraph.store import EmbeddedStore
from dutygraph.store.hot import HotGraphs

from ..queries.test_scope import EXAMPLES

EX = "https://example.org/hot/"


@pytest.fixture(scope="module")
def disk_store(repo_graphs: dict[URIRef, Graph],
               tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("hot"))
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


def _rows(store: EmbeddedStore, name: str, params: dict[str, str]) -> list[dict]:
    return run_query(store, name, params).rows


@pytest.mark.parametrize(("name", "params"), EXAMPLES,
                         ids=[f"{n}-{'-'.join(p.values())}" for n, p in EXAMPLES])
def test_a_scoped_question_gives_the_same_rows_from_the_copy_as_from_disk(
        disk_store: EmbeddedStore, name: str, params: dict[str, str]) -> None:
    disk_store.hot = HotGraphs(0)  # off: every query on disk
    on_disk = _rows(disk_store, name, params)
    disk_store.hot = HotGraphs()
    from_copy = _rows(disk_store, name, params)
    assert disk_store.hot.held, "the question's graphs were not copied"
    assert from_copy == on_disk


def test_the_copy_holds_only_the_graphs_the_question_named(disk_store: EmbeddedStore) -> None:
    disk_store.hot = HotGraphs()
    _rows(disk_store, "reporting-lines", {"authority": "Harrow"})
    held = set(disk_store.hot.held)
    assert str(authority_graph("harrow")) in held
    assert str(authority_graph("bromley")) not in held


def test_a_full_copy_starts_afresh_and_every_answer_stays_right(
        disk_store: EmbeddedStore) -> None:
    disk_store.hot = HotGraphs(0)
    expected = {a: _rows(disk_store, "functions-evidence", {"authority": a})
                for a in ("Bromley", "Harrow")}
    held = _held_after(disk_store, "Bromley")
    # Room for the shared graphs and Bromley's, not Harrow's as well: each change of council
    # starts the copy afresh.
    disk_store.hot = HotGraphs(sum(held.values()) + 50)
    for authority in ("Bromley", "Harrow", "Bromley", "Harrow"):
        assert _rows(disk_store, "functions-evidence", {"authority": authority}) \
            == expected[authority]
    assert disk_store.hot.fresh_starts >= 2


def _held_after(store: EmbeddedStore, authority: str) -> dict[str, int]:
    store.hot = HotGraphs()
    _rows(store, "functions-evidence", {"authority": authority})
    return store.hot.held


def test_a_graph_too_big_for_the_copy_is_read_on_disk(disk_store: EmbeddedStore) -> None:
    disk_store.hot = HotGraphs(0)
    expected = _rows(disk_store, "reporting-lines", {"authority": "Bromley"})
    disk_store.hot = HotGraphs(100)  # smaller than the framework graph
    assert _rows(disk_store, "reporting-lines", {"authority": "Bromley"}) == expected
    assert disk_store.hot.held == {}


def test_a_rebuild_is_seen_by_the_next_question(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    graph = URIRef(EX + "graph")
    query = f"SELECT ?o FROM <{graph}> WHERE {{ <{EX}s> <{EX}p> ?o }}"

    def publish(value: str) -> None:
        g = Graph()
        g.add((URIRef(EX + "s"), URIRef(EX + "p"), Literal(value)))
        store.replace_graphs({graph: g}, drop_others=True)

    publish("before")
    assert [str(r["o"]) for r in store.select(query).rows] == ["before"]
    assert str(graph) in store.hot.held  # type: ignore[union-attr]
    publish("after")
    assert [str(r["o"]) for r in store.select(query).rows] == ["after"]


def test_questions_about_many_councils_at_once_all_get_their_own_answers(
        disk_store: EmbeddedStore) -> None:
    disk_store.hot = HotGraphs(0)
    authorities = ["Bromley", "Harrow"]
    expected = {a: _rows(disk_store, "report-recipients", {"authority": a})
                for a in authorities}
    disk_store.hot = HotGraphs(5000)  # so small that threads keep starting it afresh
    wrong: list[str] = []

    def ask(authority: str) -> None:
        for _ in range(6):
            if _rows(disk_store, "report-recipients", {"authority": authority}) \
                    != expected[authority]:
                wrong.append(authority)

    threads = [threading.Thread(target=ask, args=(a,)) for a in authorities * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []
