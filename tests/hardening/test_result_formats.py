"""Every result format against Oxigraph's server, and no format × query form gives a 5xx
(issue 22 §2, issue 16 §3).

The same data is loaded into Oxigraph's server and into dutygraph (memory and embedded
stores, and the remote store in front of that same server); the same queries are asked of
both in JSON, XML, CSV and TSV, and the answers are
compared column by column, term by term, datatypes included. Column order: for an explicit
projection, both give the query's order. For SELECT *, dutygraph gives the order in which the
query names its variables, as Jena does (`s,p,o`); Oxigraph 0.5's server sorts them, so there
only the set of columns is compared with it, and the order with the query.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.term import Node

from dutygraph.sparql import check_query
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store.remote import RemoteStore
from dutygraph.web import create_app

from ..stores.servers import Server, oxigraph_server

GRAPH = URIRef("https://w3id.org/dutygraph/graph/formats")
DATA = """@prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:int 1 ; ex:dec 1.5 ; ex:dbl "2.5E0"^^xsd:double ; ex:bool true ;
     ex:date "2013-05-01"^^xsd:date ; ex:lang "colour"@en-GB ; ex:iri ex:b ;
     ex:str "a,b\\"c\\nd\\te" .
ex:b ex:int 2 ; ex:lang "hi"@en .
"""
SELECTS = [
    "SELECT * WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?z ?y ?x OPTIONAL { ?x ?q ?w } BIND(STRLEN(STR(?x)) AS ?b) }",
    "SELECT ?o ?s WHERE { ?s ?p ?o }",
    "SELECT ?s (COUNT(*) AS ?n) (SUM(?v) AS ?total) (MAX(?d) AS ?last) WHERE { ?s ?p ?o "
    "OPTIONAL { ?s <http://example.org/int> ?v } OPTIONAL { ?s <http://example.org/date> ?d } "
    "} GROUP BY ?s",
    "SELECT * WHERE { VALUES (?k ?a) { (1 'x') (UNDEF 2.0) } }",
]
RESULT_TYPES = {"json": "application/sparql-results+json",
                "xml": "application/sparql-results+xml", "csv": "text/csv",
                "tsv": "text/tab-separated-values"}


@pytest.fixture(scope="module")
def oxigraph() -> Iterator[Server]:
    with oxigraph_server() as server:
        RemoteStore(server.query, update=server.update, graphs=server.graphs).replace_graphs(
            {GRAPH: Graph().parse(data=DATA, format="turtle")}, drop_others=True)
        yield server


@pytest.fixture(scope="module", params=["memory", "embedded", "oxigraph-server"])
def ours(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[Flask]:
    store: Store
    if request.param == "oxigraph-server":  # dutygraph in front of the same server
        server = request.getfixturevalue("oxigraph")
        store = RemoteStore(server.query, update=server.update, graphs=server.graphs)
    else:
        store = MemoryStore() if request.param == "memory" else EmbeddedStore(
            tmp_path_factory.mktemp("formats") / "store")
        store.replace_graphs({GRAPH: Graph().parse(data=DATA, format="turtle")},
                             drop_others=True)
    app = create_app(store)
    yield app
    app.extensions["dutygraph.executor"].close()


def _ask_oxigraph(server: Server, query: str, accept: str) -> bytes:
    request = urllib.request.Request(
        server.query + "?" + urllib.parse.urlencode({"query": query}), headers={"Accept": accept})
    with urllib.request.urlopen(request, timeout=30) as response:
        return bytes(response.read())


def _term(kind: str, value: str, datatype: str | None = None, lang: str | None = None) -> Node:
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode("b")
    return Literal(value, lang=lang, datatype=URIRef(datatype) if datatype else None)


def _tsv_term(cell: str) -> Node:
    """A TSV cell as the term it writes (numbers and booleans may be bare, as in Turtle)."""
    parsed = Graph().parse(data=f"<urn:s> <urn:p> {cell} .", format="turtle")
    return next(iter(parsed.objects()))


Table = tuple[list[str], Counter[frozenset[tuple[str, Node | str]]]]


def _table(body: bytes, fmt: str) -> Table:
    """Columns and rows (a multiset of {column: term}) of a SELECT answer."""
    rows: list[dict[str, Node | str]] = []
    if fmt == "json":
        doc = json.loads(body)
        columns = list(doc["head"]["vars"])
        for binding in doc["results"]["bindings"]:
            rows.append({k: _term(v["type"], v["value"], v.get("datatype"), v.get("xml:lang"))
                         for k, v in binding.items()})
    elif fmt == "xml":
        ns = "{http://www.w3.org/2005/sparql-results#}"
        root = ET.fromstring(body)
        columns = [v.attrib["name"] for v in root.iter(f"{ns}variable")]
        for result in root.iter(f"{ns}result"):
            row: dict[str, Node | str] = {}
            for binding in result.iter(f"{ns}binding"):
                node = binding[0]
                kind = {"uri": "uri", "bnode": "bnode", "literal": "literal"}[node.tag[len(ns):]]
                row[binding.attrib["name"]] = _term(
                    kind, node.text or "", node.attrib.get("datatype"),
                    node.attrib.get("{http://www.w3.org/XML/1998/namespace}lang"))
            rows.append(row)
    elif fmt == "csv":
        reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""))
        columns, *cells = list(reader)
        rows = [{c: v for c, v in zip(columns, line, strict=True) if v} for line in cells]
    else:
        lines = body.decode("utf-8").rstrip("\n").split("\n")
        columns = [c.lstrip("?") for c in lines[0].split("\t")]
        rows = [{c: _tsv_term(v) for c, v in zip(columns, line.split("\t"), strict=True) if v}
                for line in lines[1:]]
    return columns, Counter(frozenset(r.items()) for r in rows)


def _numeric_csv(rows: Counter[frozenset[tuple[str, Node | str]]]
                 ) -> Counter[frozenset[tuple[str, Node | str]]]:
    """CSV carries no datatypes: compare numbers as numbers (2.5E0 and 2.5 are one double)."""
    def value(cell: Node | str) -> Node | str:
        try:
            return str(float(str(cell)))
        except ValueError:
            return cell
    return Counter(frozenset((k, value(v)) for k, v in row) for row in rows)


@pytest.mark.parametrize("fmt", sorted(RESULT_TYPES))
@pytest.mark.parametrize("query", SELECTS)
def test_every_result_format_answers_as_oxigraph_s_server_does(
        query: str, fmt: str, ours: Flask, oxigraph: Server) -> None:
    media = RESULT_TYPES[fmt]
    response = ours.test_client().get("/sparql", query_string={"query": query},
                                      headers={"Accept": media})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == media
    our_columns, our_rows = _table(response.data, fmt)
    their_columns, their_rows = _table(_ask_oxigraph(oxigraph, query, media), fmt)
    assert set(our_columns) == set(their_columns)
    if "SELECT *" in query:
        assert our_columns == list(check_query(query).variables)
    else:
        assert our_columns == their_columns
    if fmt == "csv":
        our_rows, their_rows = _numeric_csv(our_rows), _numeric_csv(their_rows)
    assert our_rows == their_rows


def test_select_star_lists_its_columns_in_the_query_s_order(ours: Flask) -> None:
    client = ours.test_client()
    for fmt, header in (("csv", "s,p,o"), ("tsv", "?s\t?p\t?o")):
        body = client.get("/sparql", query_string={
            "query": "SELECT * WHERE { ?s ?p ?o }", "format": fmt}).get_data(as_text=True)
        assert body.splitlines()[0] == header
    body = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?z ?y ?x OPTIONAL { ?x ?q ?w } BIND(1 AS ?b) }",
        "format": "csv"}).get_data(as_text=True)
    assert body.splitlines()[0] == "z,y,x,q,w,b"


GRAPH_TYPES = {"turtle": "text/turtle", "nt": "application/n-triples",
               "json-ld": "application/ld+json", "xml": "application/rdf+xml"}


@pytest.mark.parametrize("fmt", sorted(GRAPH_TYPES))
def test_every_graph_format_gives_oxigraph_s_graph(fmt: str, ours: Flask,
                                                   oxigraph: Server) -> None:
    query = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    response = ours.test_client().get("/sparql", query_string={"query": query},
                                      headers={"Accept": GRAPH_TYPES[fmt]})
    assert response.status_code == 200
    mine = Graph().parse(data=response.data, format=fmt)
    theirs = Graph().parse(data=_ask_oxigraph(oxigraph, query, "application/n-triples"),
                           format="nt")
    assert isomorphic(mine, theirs)


FORMS = {
    "select": "SELECT * WHERE { ?s ?p ?o }",
    "select odd literals": "SELECT ?x WHERE { VALUES ?x { 'a\\u0000b' '\\uFFFE' 'x'@en "
                           "'1'^^<urn:dt> <urn:1> } }",
    "ask": "ASK { ?s ?p ?o }",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "construct urn predicate": "CONSTRUCT { <urn:a> <urn:1> 'x' } WHERE {}",
    "construct hash predicate": "CONSTRUCT { <urn:a> <http://x/a#> 'x' } WHERE {}",
    "construct odd literal": "CONSTRUCT { <urn:a> <http://x/p> '\\u0001'^^<urn:dt> } WHERE {}",
    "describe": "DESCRIBE <http://example.org/a>",
}
ALL_FORMATS = ["json", "xml", "csv", "tsv", "turtle", "nt", "jsonld", "rdfxml"]


@pytest.mark.parametrize("form", sorted(FORMS))
def test_no_query_form_in_any_format_gives_a_server_error(form: str, ours: Flask) -> None:
    client = ours.test_client()
    for fmt in ALL_FORMATS:
        response = client.get("/sparql", query_string={"query": FORMS[form], "format": fmt})
        assert response.status_code < 500, (form, fmt, response.get_data(as_text=True)[:300])
    for media in [*RESULT_TYPES.values(), *GRAPH_TYPES.values(), "text/html", "*/*"]:
        response = client.get("/sparql", query_string={"query": FORMS[form]},
                              headers={"Accept": media})
        assert response.status_code < 500, (form, media)


@pytest.mark.parametrize("predicate", ["urn:1", "http://x/a#", "http://x/1"])
def test_rdf_xml_that_cannot_name_a_predicate_is_a_406_or_another_accepted_format(
        predicate: str, ours: Flask) -> None:
    client = ours.test_client()
    query = f"CONSTRUCT {{ <urn:a> <{predicate}> 'x' }} WHERE {{}}"
    refused = client.get("/sparql", query_string={"query": query},
                         headers={"Accept": "application/rdf+xml"})
    assert refused.status_code == 406
    assert "RDF/XML" in refused.get_data(as_text=True)
    fallback = client.get("/sparql", query_string={"query": query},
                          headers={"Accept": "application/rdf+xml, text/turtle;q=0.5"})
    assert fallback.status_code == 200
    assert fallback.mimetype == "text/turtle"
    graph = Graph().parse(data=fallback.data, format="turtle")
    assert (URIRef("urn:a"), URIRef(predicate), Literal("x")) in graph


def test_the_fixture_data_parses(tmp_path: Path) -> None:
    assert len(Graph().parse(data=DATA, format="turtle")) == 10
