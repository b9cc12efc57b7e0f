"""Generated hostile answers in every format never give a server error (issue 16 §3).

Hypothesis draws predicate and datatype IRIs (of every character an IRI may hold), language
tags, and literal text of any code point (control characters, non-characters, astral
planes), and asks for them as SELECT results and as graphs in every format: each answer is
a 200 or a 4xx naming why, and an XML answer (results or RDF/XML) is well-formed XML.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app
from tests.limits.answers_support import GRAPH_FORMATS, RESULT_FORMATS

IRI_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/#?.-_~%!$&'()*+,;=@"
    "éß中\u00a0")
EXAMPLES = 40


@pytest.fixture(scope="module", params=["memory", "oxigraph_memory"])
def client(request: pytest.FixtureRequest) -> FlaskClient:
    makers: dict[str, Callable[[], Store]] = {"memory": MemoryStore,
                                              "oxigraph_memory": lambda: EmbeddedStore(None)}
    store = makers[request.param]()
    store.replace_graphs({URIRef("https://w3id.org/dutygraph/graph/fuzz"): Graph()},
                         drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 30.0, "RESULT_CACHE_ENTRIES": 0})
    return app.test_client()


def _escaped(text: str) -> str:
    """Text as a SPARQL string literal's body, every character as an escape."""
    return "".join(f"\\u{ord(c):04X}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08X}"
                   for c in text)


iris = st.builds(lambda scheme, rest: scheme + rest,
                 st.sampled_from(["urn:", "http://example.org/", "x:", "https://a.b/c#"]),
                 st.text(IRI_CHARS, max_size=20))
texts = st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
languages = st.from_regex(r"[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8}){0,2}", fullmatch=True)
literals = st.one_of(
    texts.map(lambda t: f'"{_escaped(t)}"'),
    st.tuples(texts, languages).map(lambda p: f'"{_escaped(p[0])}"@{p[1]}'),
    st.tuples(texts, iris).map(lambda p: f'"{_escaped(p[0])}"^^<{p[1]}>'),
)


def _check(client: FlaskClient, query: str, fmt: str) -> None:
    response = client.get("/sparql", query_string={"query": query, "format": fmt})
    body = response.get_data()
    assert response.status_code in (200, 400, 406), (query, fmt, body[:300])
    if response.status_code == 200 and fmt in ("xml", "rdfxml"):
        ET.fromstring(body)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(predicate=iris, values=st.lists(literals, min_size=1, max_size=4),
       fmt=st.sampled_from(GRAPH_FORMATS))
def test_a_generated_graph_is_written_or_refused_in_every_graph_format(
        client: FlaskClient, predicate: str, values: list[str], fmt: str) -> None:
    query = (f"CONSTRUCT {{ <urn:s> <{predicate}> ?o }} WHERE {{ VALUES ?o "
             f"{{ {' '.join(values)} }} }}")
    _check(client, query, fmt)


@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(values=st.lists(st.one_of(literals, iris.map(lambda i: f"<{i}>")), min_size=1,
                       max_size=4),
       fmt=st.sampled_from(RESULT_FORMATS))
def test_generated_rows_are_written_or_refused_in_every_results_format(
        client: FlaskClient, values: list[str], fmt: str) -> None:
    query = f"SELECT ?o WHERE {{ VALUES ?o {{ {' '.join(values)} }} }}"
    _check(client, query, fmt)
