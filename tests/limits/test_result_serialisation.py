"""Answers are written in the query worker, under its limits (issue 16 §3).

A result is as hostile as the query that made it: more rows than the cap, literals of
megabytes, predicates RDF/XML cannot write, characters XML cannot carry, graphs nested deeper
than a serialiser's recursion. Each family below is asked in every format of its family, on
every local store kind, and each answer is a 200 that parses, or a 4xx that names why: never
a 5xx. The last tests show the writing ran in a worker (its process id is not the server's,
and a memory cap that binds only workers is hit by a writer) and that the cache keeps bytes
and never an answer refused.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import BNode, Graph, Literal, URIRef

import dutygraph.sparql.results as writers
from dutygraph.limits.cache import ResultCache
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app
from tests.limits.answers_support import RESULT_FORMATS, Case, assert_written_by_a_worker, table

GRAPH = URIRef("https://w3id.org/dutygraph/graph/hostile")
CHAIN = 2000  # blank nodes nested in one another: deeper than Python's recursion limit
MAX_ROWS = 20_000
MAX_BYTES = 1_000_000
CONFIG = {"QUERY_TIMEOUT": 30.0, "MAX_ROWS": MAX_ROWS, "MAX_RESULT_BYTES": MAX_BYTES}

XSD = "http://www.w3.org/2001/XMLSchema#"


def _hostile_graph() -> Graph:
    graph = Graph()
    node: URIRef | BNode = URIRef("urn:chain")
    for _ in range(CHAIN):
        nxt = BNode()
        graph.add((node, URIRef("urn:next"), nxt))
        node = nxt
    graph.add((URIRef("urn:s"), URIRef("urn:label"), Literal("plain")))
    return graph


def _make_store(kind: str, folder: Path) -> Store:
    makers: dict[str, Callable[[], Store]] = {
        "memory": MemoryStore, "oxigraph_memory": lambda: EmbeddedStore(None),
        "embedded": lambda: EmbeddedStore(folder)}
    store = makers[kind]()
    store.replace_graphs({GRAPH: _hostile_graph()}, drop_others=True)
    return store


@pytest.fixture(scope="module",
                params=["memory", "oxigraph_memory", "embedded", "memory with threads"])
def client(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[FlaskClient]:
    """An app per store kind (and one with the thread executor, which has no workers: the
    same answers and refusals, though not the same protection)."""
    kind, _, threads = str(request.param).partition(" with ")
    store = _make_store(kind, tmp_path_factory.mktemp("hostile"))
    app = create_app(store, {**CONFIG, **({"QUERY_EXECUTOR": "thread"} if threads else {})})
    assert isinstance(app.extensions["dutygraph.executor"], ProcessExecutor) != bool(threads)
    yield app.test_client()


# --- hostile queries ------------------------------------------------------------------------

def _values(count: int, var: str, iri: bool = False) -> str:
    items = " ".join(f"<urn:{var}{i}>" if iri else str(i) for i in range(count))
    return f"VALUES ?{var} {{ {items} }}"


def _doubling(steps: int) -> str:
    """BINDs that make ?v<steps> a literal of 10 * 4**steps characters."""
    binds = ['BIND("0123456789" AS ?v0)']
    binds += [f"BIND(CONCAT(?v{i}, ?v{i}, ?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(steps)]
    return " ".join(binds)


ODD_VALUES = ('"a\\u0000b" "c\\u000Bd" "\\uFFFE" "x"^^<urn:odd> "abc"^^<' + XSD + 'integer> '
              '"1.0e"^^<' + XSD + 'double> "y"@en-GB-oed "z"@EN "q\\"uote,comma\\ttab\\nline" '
              '<urn:1> <http://example.org/a#>')


# Graphs only RDF/XML cannot carry: refused in it (406, naming why), written in every other.
ONLY_RDFXML_REFUSES = {"rdfxml": 406, "*": 200}


CASES = {
    # SELECT
    "more rows than the row cap": Case(
        f"SELECT * WHERE {{ {_values(150, 'a')} {_values(150, 'b')} }}", {"*": 400},
        f"more than {MAX_ROWS} rows"),
    "one literal longer than the byte cap": Case(
        f"SELECT ?v9 WHERE {{ {_doubling(9)} }}", {"*": 400}, f"larger than {MAX_BYTES} bytes"),
    "rows within the row cap whose bytes are over the byte cap": Case(
        f"SELECT ?a ?v4 WHERE {{ {_values(500, 'a')} {_doubling(4)} }}", {"*": 400},
        f"larger than {MAX_BYTES} bytes"),
    "odd datatypes, languages and characters": Case(
        f"SELECT ?o ?n WHERE {{ VALUES ?o {{ {ODD_VALUES} }} BIND(BNODE() AS ?n) }}",
        {"*": 200}),
    "an ASK": Case("ASK { ?s ?p ?o }", {"*": 200}),
    # CONSTRUCT / DESCRIBE
    "more triples than the row cap": Case(
        f"CONSTRUCT {{ ?a <urn:p> ?b }} WHERE {{ {_values(150, 'a', True)} "
        f"{_values(150, 'b', True)} }}", {"*": 400}, f"more than {MAX_ROWS} triples"),
    "a graph literal longer than the byte cap": Case(
        f"CONSTRUCT {{ <urn:s> <urn:p> ?v9 }} WHERE {{ {_doubling(9)} }}", {"*": 400},
        f"larger than {MAX_BYTES} bytes"),
    **table(ONLY_RDFXML_REFUSES, "RDF/XML", {
        f"a predicate {what}": f"CONSTRUCT {{ <urn:s> <{iri}> 'x' }} WHERE {{}}"
        for what, iri in [("that is a URN with a digit", "urn:1"),
                          ("that ends in a hash", "http://example.org/a#"),
                          ("that ends in a slash", "http://example.org/a/"),
                          ("whose last segment is a number", "http://example.org/2024")]}),
    **table(ONLY_RDFXML_REFUSES, "well-formed", {
        f"a datatype IRI holding {what}":
            f"CONSTRUCT {{ <urn:s> <urn:p/A> ?v }} WHERE {{ BIND(STRDT('{text}', <{iri}>) AS ?v) }}"
        for what, text, iri in [("an ampersand", "", "urn:&"),
                                ("ampersands and a semicolon", "x", "urn:a&b;c&")]}),
    **table(ONLY_RDFXML_REFUSES, "XML 1.0 cannot carry", {
        "literals holding characters XML cannot carry":
            f"CONSTRUCT {{ <urn:s> <urn:p> ?o }} WHERE {{ VALUES ?o {{ {ODD_VALUES} }} }}"}),
    "odd datatypes and languages in a graph": Case(
        "CONSTRUCT { <urn:s> <urn:p> ?o } WHERE { VALUES ?o { \"x\"^^<urn:odd> \"y\"@en-GB-oed "
        f"\"abc\"^^<{XSD}integer> \"z\"@EN }} }}", {"*": 200}),
    "blank nodes nested deeper than a writer's recursion": Case(
        "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"turtle": 406, "jsonld": 406, "*": 200},
        "cannot be written as"),
    # rdflib's DESCRIBE follows blank nodes (the whole chain), Oxigraph's stops at the first
    "a DESCRIBE of the head of the deep chain": Case(
        "DESCRIBE <urn:chain>", {"turtle": (200, 406), "jsonld": (200, 406), "*": 200},
        "cannot be written as"),
    # a template's own nesting: written (blank nodes nested in Turtle and JSON-LD), or
    # refused by the guard or a writer's recursion, never a server error
    **{f"a template nesting blank nodes {depth} deep": Case(
        "CONSTRUCT { <urn:s> <urn:p> " + "[ <urn:p> " * depth + "'x'" + " ]" * depth
        + " } WHERE {}", {"*": (200, 400, 406)}) for depth in (40, 400, 1200)},
}


def _parses(fmt: str, body: bytes) -> None:
    """The body is a document of its format (an answer that does not parse is no answer)."""
    text = body.decode("utf-8")
    if fmt == "json":
        assert "head" in json.loads(text)
    elif fmt == "xml":
        ET.fromstring(body)
    elif fmt == "csv":
        assert list(csv.reader(io.StringIO(text, newline="")))
    elif fmt == "tsv":
        assert text.endswith("\n")
    elif fmt == "jsonld":
        json.loads(text)
    elif fmt == "rdfxml":
        Graph().parse(data=body, format="xml")
    else:
        Graph().parse(data=text, format=fmt)


PAIRS = [(name, fmt) for name, case in CASES.items() for fmt in case.formats()]


@pytest.mark.parametrize(("name", "fmt"), PAIRS)
def test_a_hostile_answer_is_written_or_refused_with_a_reason_and_never_a_server_error(
        client: FlaskClient, name: str, fmt: str) -> None:
    case = CASES[name]
    response = client.get("/sparql", query_string={"query": case.query, "format": fmt})
    body = response.get_data()
    assert response.status_code < 500, body[:300]
    assert response.status_code in case.expected(fmt), body[:300]
    if response.status_code == 200:
        _parses(fmt, body)
    elif case.says:
        assert case.says.lower() in body.decode("utf-8").lower()


FALLBACKS = ["a predicate that is a URN with a digit", "a predicate that ends in a slash",
             "literals holding characters XML cannot carry"]


@pytest.mark.parametrize("name", FALLBACKS)
def test_an_answer_rdf_xml_cannot_carry_goes_in_the_next_format_the_client_accepts(
        client: FlaskClient, name: str) -> None:
    response = client.get("/sparql", query_string={"query": CASES[name].query},
                          headers={"Accept": "application/rdf+xml, application/n-triples;q=0.5"})
    assert response.status_code == 200
    assert response.mimetype == "application/n-triples"
    _parses("nt", response.get_data())


# --- the writing runs in a worker -----------------------------------------------------------

WRITERS: dict[str, tuple[str, str, str]] = {
    # writer patched -> (query, format, media type)
    "select_bytes": ("SELECT ?s WHERE { ?s ?p ?o } LIMIT 1", "json",
                     "application/sparql-results+json"),
    "ask_bytes": ("ASK { ?s ?p ?o }", "xml", "application/sparql-results+xml"),
    "graph_bytes": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s <urn:label> ?o }", "nt",
                    "application/n-triples"),
}


def _fresh_app(monkeypatch: pytest.MonkeyPatch, writer: str, replacement: Callable[..., bytes],
               config: dict[str, Any] | None = None) -> Flask:
    """An app over a store of its own, so its workers are forked after `writer` is replaced:
    they run the replacement; the server process runs it too, should it write answers."""
    monkeypatch.setattr(writers, writer, replacement)
    store = MemoryStore()
    store.replace_graphs({GRAPH: _hostile_graph()}, drop_others=True)
    app: Flask = create_app(store, {**CONFIG, "RESULT_CACHE_ENTRIES": 0, **(config or {})})
    return app


@pytest.mark.parametrize("writer", list(WRITERS))
def test_the_writer_of_each_answer_kind_runs_in_a_worker_forked_for_the_store_not_the_server(
        monkeypatch: pytest.MonkeyPatch, writer: str) -> None:
    app = _fresh_app(monkeypatch, writer, lambda *_args: str(os.getpid()).encode())
    query, fmt, media = WRITERS[writer]
    response = app.test_client().get("/sparql", query_string={"query": query, "format": fmt})
    assert_written_by_a_worker(app, response)
    assert response.mimetype == media


def _allocate(*_args: Any) -> bytes:
    """At once past the worker's data cap (1.5 GB), not past the server's."""
    return b"x" * (1536 << 20)


def _grow(*_args: Any) -> bytes:
    """Under the data cap but past the per-call allowance, held until the watchdog sees it
    (bounded: the call's time limit ends it otherwise, and that would be a 503, not a 400)."""
    import time

    held = [bytearray(b"x" * (1 << 20)) for _ in range(160)]
    for _ in range(1200):
        time.sleep(0.05)
    return bytes(len(held))


def _killed(*_args: Any) -> bytes:
    """As the kernel's OOM killer would end it."""
    import signal

    os.kill(os.getpid(), signal.SIGKILL)
    return b""


EXHAUSTION = {
    "an allocation past the worker's data cap": (
        _allocate, "needed more memory than a query worker may have"),
    "memory held past the per-call allowance": (_grow, "needed more than 32 MB of memory"),
    "the worker killed while writing": (_killed, "its worker stopped while answering")}


@pytest.mark.parametrize("how", list(EXHAUSTION))
@pytest.mark.parametrize("writer", list(WRITERS))
def test_a_writer_that_exhausts_its_worker_is_the_queries_fault_and_the_service_goes_on(
        monkeypatch: pytest.MonkeyPatch, writer: str, how: str) -> None:
    replacement, says = EXHAUSTION[how]
    app = _fresh_app(monkeypatch, writer, replacement, {"QUERY_MEMORY_LIMIT": 32 << 20})
    query, fmt, _ = WRITERS[writer]
    client = app.test_client()
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 400, response.get_data()[:300]
    assert says in response.get_data(as_text=True)
    other = "SELECT ?s WHERE { ?s <urn:label> ?o }"  # written by the unpatched select writer
    if writer != "select_bytes":
        assert client.get("/sparql", query_string={"query": other}).status_code == 200


# --- the cache keeps bytes, never a refusal -------------------------------------------------

def test_the_answer_cache_keeps_the_written_bytes_and_serves_them_again(
        client: FlaskClient) -> None:
    cache: ResultCache = client.application.extensions["dutygraph.cache"]
    query = "SELECT ?o WHERE { <urn:s> <urn:label> ?o }"
    first = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    hits = cache.hits
    again = client.get("/sparql", query_string={"query": query, "format": "tsv"})
    assert first.status_code == again.status_code == 200
    assert again.get_data() == first.get_data() == b'?o\n"plain"\n'
    assert cache.hits == hits + 1
    assert again.mimetype == "text/tab-separated-values"


@pytest.mark.parametrize("name", ["one literal longer than the byte cap",
                                  "rows within the row cap whose bytes are over the byte cap",
                                  "a graph literal longer than the byte cap"])
def test_an_answer_refused_as_too_large_is_not_kept(client: FlaskClient, name: str) -> None:
    cache: ResultCache = client.application.extensions["dutygraph.cache"]
    held = cache.bytes_held
    for _ in range(2):
        response = client.get("/sparql", query_string={"query": CASES[name].query})
        assert response.status_code == 400
    assert cache.bytes_held <= held


# --- the bytes are the engine's: lexical forms are not re-read on the way ---------------------

LEXICAL = {
    "a UTC dateTime written with Z": f'"2026-12-07T20:06:01Z"^^<{XSD}dateTime>',
    "an integer with a leading zero": f'"01"^^<{XSD}integer>',
    "a decimal with a trailing zero": f'"1.50"^^<{XSD}decimal>',
    "a boolean written as 1": f'"1"^^<{XSD}boolean>',
    "a date with a time zone": f'"2013-05-01Z"^^<{XSD}date>',
}


@pytest.mark.parametrize("fmt", RESULT_FORMATS)
@pytest.mark.parametrize("name", list(LEXICAL))
def test_an_answer_keeps_the_lexical_form_the_store_gives(client: FlaskClient, name: str,
                                                          fmt: str) -> None:
    """Rows pickled back from a worker were rebuilt from their Python values (a dateTime's
    `Z` came back as `+00:00`); written in the worker, the answer is the store's own rows'."""
    query = f"SELECT ?v WHERE {{ VALUES ?v {{ {LEXICAL[name]} }} }}"
    store: Store = client.application.extensions["dutygraph.store"]
    own = store.select(query)
    expected = writers.select_bytes(own.variables, own.rows, fmt)
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    assert response.status_code == 200
    assert response.get_data() == expected
    if name == "a UTC dateTime written with Z":  # every engine here keeps this one
        assert b"2026-12-07T20:06:01Z" in response.get_data()
