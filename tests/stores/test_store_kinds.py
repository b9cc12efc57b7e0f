"""Every store kind behaves the same: named graphs, the union default graph, atomic
replacement, literal spelling, refusals. One parametrised suite over memory, embedded,
Oxigraph's server and Virtuoso."""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from dutygraph.datasets import Source
from dutygraph.errors import InputError
from dutygraph.store import Store
from dutygraph.terms import to_rdflib

from .conftest import KINDS

CASES = Path(__file__).parent / "cases"
G = "https://w3id.org/dutygraph/graph/"
A, B, C = URIRef(G + "test/a"), URIRef(G + "test/b"), URIRef(G + "test/c")
EX = "http://example.org/zoo#"


def graph_of(turtle: str) -> Graph:
    return Graph().parse(data="@prefix ex: <http://example.org/zoo#> .\n" + turtle,
                         format="turtle")


def literal_key(term: object) -> tuple[str, str | None, str | None]:
    assert isinstance(term, Literal), term
    return (str(term), str(term.datatype) if term.datatype else None, term.language)


def expected_literals() -> dict[str, Literal]:
    out = {}
    for line in (CASES / "literals.expected").read_text(encoding="utf-8").splitlines():
        if line.startswith("#") or not line.strip():
            continue
        name, term = line.split("\t", 1)
        quad = next(iter(ox.parse(input=f"<http://s> <http://p> {term} .".encode(),
                                  format=ox.RdfFormat.N_TRIPLES)))
        out[name] = to_rdflib(quad.object)
    return out  # type: ignore[return-value]


@pytest.mark.parametrize("kind", KINDS)
def test_a_rebuild_leaves_exactly_the_graphs_written(kind: str,
                                                      make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    assert store.graph_names() == [A, B]
    store.replace_graphs({C: graph_of("ex:c ex:p 3 .")}, drop_others=True)
    assert store.graph_names() == [C]
    assert store.triple_count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_replacing_one_graph_keeps_the_others(kind: str,
                                              make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    store.replace_graphs({A: graph_of("ex:a ex:p 10 , 11 .")})
    assert store.graph_names() == [A, B]
    assert len(store.export_graph(A)) == 2
    assert isomorphic(store.export_graph(B), graph_of("ex:b ex:p 2 ."))


@pytest.mark.parametrize("kind", KINDS)
def test_a_graph_replaced_by_nothing_is_removed(kind: str,
                                                make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    store.replace_graphs({A: Graph()})
    assert store.graph_names() == [B]


@pytest.mark.parametrize("kind", KINDS)
def test_the_default_graph_is_the_union_of_the_named_graphs(
        kind: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    rows = store.select(f"SELECT ?s WHERE {{ ?s <{EX}p> ?o }} ORDER BY ?s").rows
    assert [str(r["s"]) for r in rows] == [EX + "a", EX + "b"]
    # Only dutygraph's graphs are visible (Virtuoso holds system graphs of its own).
    everything = store.select("SELECT ?s WHERE { ?s ?p ?o }").rows
    assert len(everything) == 2
    by_graph = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                            "GROUP BY ?g ORDER BY ?g").rows
    assert [(r["g"], int(r["n"])) for r in by_graph] == [(A, 1), (B, 1)]  # type: ignore[call-overload]
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> 1 }}") is True
    assert store.ask(f"ASK {{ <{EX}a> <{EX}p> 2 }}") is False


@pytest.mark.parametrize("kind", KINDS)
def test_literals_come_back_in_the_embedded_stores_spelling(
        kind: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.write(Source(graphs={A: Graph()}), drop_others=True)
    from dutygraph.datasets import DataFile

    store.write(Source([DataFile(CASES / "literals.ttl", A)]), drop_others=True)
    rows = store.select(f"SELECT ?p ?o WHERE {{ <{EX}zoo> ?p ?o }}").rows
    got = {str(r["p"])[len(EX):]: literal_key(r["o"]) for r in rows}
    want = {name: literal_key(term) for name, term in expected_literals().items()}
    assert got == want
    # and through CONSTRUCT
    graph = store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{EX}zoo> ?p ?o . BIND(<{EX}zoo> AS ?s) }}")
    assert {str(p)[len(EX):]: literal_key(o) for _, p, o in graph} == want


@pytest.mark.parametrize("kind", KINDS)
def test_computed_values_come_back_in_one_spelling(kind: str,
                                                   make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:n 1 , 2 ; ex:l 'x'@en .")}, drop_others=True)
    row = store.select(f"SELECT (COUNT(?n) AS ?count) (SUM(?n) AS ?sum) (AVG(?n) AS ?avg) "
                       f"(MAX(?n) AS ?max) WHERE {{ <{EX}a> <{EX}n> ?n }}").rows[0]
    assert {k: literal_key(v) for k, v in row.items()} == {
        "count": ("2", str(Literal(1).datatype), None),
        "sum": ("3", str(Literal(1).datatype), None),
        "avg": ("1.5", "http://www.w3.org/2001/XMLSchema#decimal", None),
        "max": ("2", str(Literal(1).datatype), None),
    }
    row = store.select(f"SELECT (STR(?l) AS ?s) (LANG(?l) AS ?lang) WHERE {{ <{EX}a> <{EX}l> ?l }}"
                       ).rows[0]
    assert {k: literal_key(v) for k, v in row.items()} == {"s": ("x", None, None),
                                                          "lang": ("en", None, None)}


@pytest.mark.parametrize("kind", KINDS)
def test_order_by_is_kept(kind: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of(
        "ex:a ex:n 3 . ex:b ex:n 1 . ex:c ex:n 2 . ex:d ex:n 10 .")}, drop_others=True)
    rows = store.select(f"SELECT ?s ?n WHERE {{ ?s <{EX}n> ?n }} ORDER BY DESC(?n)").rows
    assert [str(r["s"])[len(EX):] for r in rows] == ["d", "a", "c", "b"]


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_sparql_is_bad_input(kind: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    with pytest.raises(InputError) as caught:
        store.select("SELECT ?s WHERE { ?s ?p }")
    assert caught.value.parameter == "query"


class Listener:
    """A loopback socket that records any connection: SERVICE must never reach it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service   <http://127.0.0.1:{port}/sparql> { ?s ?p ?o } }",
    "DEFINE get:soft \"replace\" SELECT * FROM <http://127.0.0.1:{port}/data> WHERE { ?s ?p ?o }",
    "INSERT DATA { GRAPH <https://w3id.org/dutygraph/graph/x> { <http://a> <http://b> 1 } }",
    "LOAD <http://127.0.0.1:{port}/data.ttl>",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
], ids=["service", "service-lowercase", "virtuoso-define", "insert", "load", "trailing-drop"])
def test_queries_that_would_reach_out_or_write_are_refused_on_every_kind(
        kind: str, query: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    listener = Listener()
    try:
        text = query.replace("{port}", str(listener.port))
        for method in (store.select, store.ask, store.construct):
            with pytest.raises(InputError):
                method(text)
    finally:
        listener.close()
    assert listener.connections == 0
    assert store.graph_names() == [A]


@pytest.mark.parametrize("kind", KINDS)
def test_a_from_clause_names_a_store_graph_and_fetches_nothing(
        kind: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    listener = Listener()
    try:
        rows = store.select(f"SELECT ?s FROM <{A}> WHERE {{ ?s ?p ?o }}").rows
        assert [str(r["s"]) for r in rows] == [EX + "a"]
        remote = f"http://127.0.0.1:{listener.port}/data.ttl"
        assert store.select(f"SELECT ?s FROM <{remote}> WHERE {{ ?s ?p ?o }}").rows == []
    finally:
        listener.close()
    assert listener.connections == 0
