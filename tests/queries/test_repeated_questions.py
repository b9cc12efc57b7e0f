"""A question asked again costs only its answer: a label given for a parameter is looked up once
per version of the store (the substring search behind it read every label: 0.7 s at 1,530
councils), and the memory store parses a query text once, however many other texts came
between. Neither may keep an answer the store no longer gives."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef

from dutygraph.errors import InputError
from dutygraph.namespaces import DG
from dutygraph.queries import get_query
from dutygraph.queries.params import resolve_label
from dutygraph.sparql import guard as guard_module
from dutygraph.store import MemoryStore, SelectResult

EX = "https://example.org/repeat/"
GRAPH = URIRef("https://w3id.org/dutygraph/graph/test/repeat")


def _council(iri: str, label: str) -> Graph:
    graph = Graph()
    graph.add((URIRef(iri), RDF.type, DG.LocalAuthority))
    graph.add((URIRef(iri), RDFS.label, Literal(label)))
    return graph


class Counting(MemoryStore):
    """A memory store that counts the selects sent to it."""

    def __init__(self) -> None:
        super().__init__()
        self.selects = 0

    def select(self, query: str) -> SelectResult:
        self.selects += 1
        return super().select(query)


@pytest.fixture
def store() -> Counting:
    counting = Counting()
    counting.replace_graphs({GRAPH: _council(EX + "a", "London Borough of Testham")},
                            drop_others=True)
    return counting


def test_a_label_is_looked_up_once_per_version_of_the_store(store: Counting) -> None:
    param = get_query("board-partners").param("authority")
    assert resolve_label(store, param, "Testham") == URIRef(EX + "a")
    asked = store.selects
    assert asked > 0
    assert resolve_label(store, param, "Testham") == URIRef(EX + "a")
    assert store.selects == asked


def test_after_a_write_the_label_is_looked_up_again_and_names_what_the_store_now_holds(
        store: Counting) -> None:
    param = get_query("board-partners").param("authority")
    assert resolve_label(store, param, "Testham") == URIRef(EX + "a")
    store.replace_graphs({GRAPH: _council(EX + "b", "Testham Council")}, drop_others=True)
    assert resolve_label(store, param, "Testham") == URIRef(EX + "b")


@pytest.mark.parametrize("label", ["Nowhere", "Borough"])
def test_a_label_that_names_nothing_or_several_things_is_refused_every_time(
        store: Counting, label: str) -> None:
    store.replace_graphs({GRAPH: _council(EX + "a", "London Borough of Testham")
                          + _council(EX + "c", "Royal Borough of Othershire")},
                         drop_others=True)
    param = get_query("board-partners").param("authority")
    for _ in range(2):
        with pytest.raises(InputError, match=r"ambiguous|nothing"):
            resolve_label(store, param, label)


def test_the_memory_store_parses_a_text_once_however_many_others_came_between(
        store: Counting, monkeypatch: pytest.MonkeyPatch) -> None:
    # Counted where rdflib parses (the guard's one parse of a text, whose algebra it keeps for
    # the memory store), not where the store asks for the algebra.
    parsed: list[str] = []
    parse = guard_module._parse

    def counting(text: str, *args: object) -> object:
        parsed.append(str(text))
        return parse(text, *args)

    monkeypatch.setattr(guard_module, "_parse", counting)
    texts = [f"SELECT ?s WHERE {{ ?s ?p {n} }}" for n in range(40)]
    first = "SELECT ?s WHERE { ?s a ?kind }"
    expected = store.select(first).rows
    for text in texts:
        store.select(text)
    assert store.select(first).rows == expected
    assert parsed.count(first) <= 1
    assert len(parsed) <= len(texts) + 1
