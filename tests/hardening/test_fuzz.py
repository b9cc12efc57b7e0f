"""Bad input never breaks anything (issue 8 §3): property-based tests over SPARQL text
(random and mutated valid queries), every named query's parameters, Turtle and JSON-LD
uploads, and dates. Nothing may answer 500 or hang; the only 5xx allowed is the documented
503 of a query stopped at the time limit (counted, and reported).

The number of generated inputs comes from DUTYGRAPH_FUZZ_EXAMPLES (default 200 in all,
`make fuzz` sets 10,000), shared between the tests by weight. The last test checks that
the run covered that many inputs.
"""

from __future__ import annotations

import json
import os
import string
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph, URIRef

from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app

from .conftest import FUZZ_TOTAL

pytestmark = pytest.mark.xdist_group("hardening-fuzz")

TOTAL = int(os.environ.get("DUTYGRAPH_FUZZ_EXAMPLES", "200"))
WEIGHTS = {"sparql_random": 0.15, "sparql_tokens": 0.15, "sparql_mutated": 0.2,
           "named_query_params": 0.15, "turtle": 0.15, "jsonld": 0.1, "dates": 0.1}
ROOT = Path(__file__).resolve().parents[2]
UPLOAD = (ROOT / "tests" / "browser" / "uploads" / "failing-arrangement.ttl").read_text(
    encoding="utf-8")
SEEN: Counter[str] = Counter()  # inputs tried, by test
STOPPED: Counter[str] = Counter()  # of which answered with the time limit's 503


# Text a client can put in a URL or a form (lone surrogates cannot be encoded at all).
TEXT = st.characters(blacklist_categories=("Cs",))


def examples(name: str) -> int:
    return max(5, round(TOTAL * WEIGHTS[name]))


def fuzz_settings(name: str) -> Any:
    return settings(max_examples=examples(name), deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _ok(response: Any, what: str, test: str, count: bool = True) -> None:
    """No 500, ever; a 503 only as the documented answer to a query stopped at the limit."""
    SEEN[test] += count
    status = response.status_code
    if status == 503:
        text = response.get_data(as_text=True)
        assert any(w in text for w in ("time limit", "long queries", "refused")), (what, text)
        STOPPED[test] += 1
        return
    assert status < 500, (what, status, response.get_data(as_text=True)[:500])


@pytest.fixture(scope="module")
def apps(repo_graphs: dict[URIRef, Graph], tmp_path_factory: pytest.TempPathFactory,
         ) -> dict[str, Flask]:
    stores: dict[str, Store] = {"memory": MemoryStore(),
                                "embedded": EmbeddedStore(tmp_path_factory.mktemp("fuzz"))}
    for store in stores.values():
        store.replace_graphs(repo_graphs, drop_others=True)
    return {kind: create_app(store, {"QUERY_TIMEOUT": 3.0}) for kind, store in stores.items()}


@pytest.fixture(scope="module")
def clients(apps: dict[str, Flask]) -> dict[str, FlaskClient]:
    return {kind: app.test_client() for kind, app in apps.items()}


# ------------------------------------------------------------------------------------------
# SPARQL
# ------------------------------------------------------------------------------------------

TOKENS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "FROM", "NAMED", "GRAPH",
          "OPTIONAL", "UNION", "MINUS", "FILTER", "BIND", "VALUES", "SERVICE", "SILENT",
          "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "DISTINCT", "REDUCED", "AS",
          "PREFIX", "BASE", "NOT", "EXISTS", "IN", "COUNT", "SUM", "MAX", "GROUP_CONCAT",
          "SEPARATOR", "REGEX", "STR", "LANG", "DATATYPE", "IRI", "BNODE", "COALESCE", "IF",
          "STRLEN", "SUBSTR", "REPLACE", "xsd:date", "a", "*", "{", "}", "(", ")", ".", ";",
          ",", "=", "!=", "<", ">", "&&", "||", "!", "+", "-", "/", "^", "|", "?", "^^", "@en",
          "?s", "?p", "?o", "?x", "$y", "_:b", "[]", "1", "-2.5e3", "true", "\"x\"", "'y'",
          '"""z"""', "<urn:a>", "<https://w3id.org/dutygraph/def#Duty>", "dg:Duty",
          "rdfs:label", "<>", "#c\n", "\\u0053", "()", "UNDEF", "LOAD", "INSERT", "DATA",
          "INTO", "DELETE", "CLEAR", "DROP", "WITH", "USING", "DEFINE", "\x00"]
PREFIXES = ("PREFIX dg: <https://w3id.org/dutygraph/def#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
SEED_QUERIES = [
    "SELECT * WHERE { ?s ?p ?o } LIMIT 5",
    "ASK { ?s a dg:Duty }",
    "SELECT ?d (COUNT(?b) AS ?n) WHERE { ?d a dg:Duty ; dg:bearer ?b } GROUP BY ?d "
    "ORDER BY DESC(?n) LIMIT 3",
    "CONSTRUCT { ?d rdfs:label ?l } WHERE { ?d a dg:Duty ; rdfs:label ?l } LIMIT 5",
    "DESCRIBE <https://w3id.org/dutygraph/id/role/dcs>",
    "SELECT ?l WHERE { ?x rdfs:label ?l FILTER(REGEX(STR(?l), \"board\", \"i\")) } LIMIT 5",
    "SELECT * WHERE { ?d dg:validFrom ?f OPTIONAL { ?d dg:validThrough ?t } "
    "FILTER(?f <= \"2013-04-01\"^^xsd:date) } LIMIT 10",
    "SELECT * WHERE { GRAPH ?g { ?s a ?k } } LIMIT 5",
    "SELECT ?s WHERE { VALUES ?s { <urn:a> <urn:b> } ?s ?p ?o }",
]


def _named_query_texts() -> list[str]:
    from dutygraph.queries import bound_text, catalogue

    texts = []
    items = catalogue()
    for q in items.values() if isinstance(items, dict) else items:
        try:
            texts.append(str(q.sparql))
        except Exception:
            continue
        _ = bound_text  # the raw text, with its $parameters left as SPARQL variables
    return texts


VALID = [PREFIXES + q for q in SEED_QUERIES] + _named_query_texts()


@st.composite
def mutated(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(VALID))
    for _ in range(draw(st.integers(1, 3))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 40)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + " " + draw(st.sampled_from(TOKENS)) + " " + text[i:]
        elif action == "replace":
            text = text[:i] + draw(st.text(TEXT, max_size=3)) + text[i + 1:]
        else:
            k = draw(st.integers(0, len(text) - 1))
            a, b = sorted((i, k))
            text = text[:a] + text[b:b + 1] + text[a + 1:b] + text[a:a + 1] + text[b + 1:]
    return text


def _send_sparql(clients: dict[str, FlaskClient], query: str, test: str, how: int,
                 kinds: tuple[str, ...] = ("embedded", "memory")) -> None:
    for n, kind in enumerate(kinds):
        client = clients[kind]
        if how % 3 == 0:
            response = client.get("/sparql", query_string={"query": query})
        elif how % 3 == 1:
            response = client.post("/sparql", data={"query": query})
        else:
            response = client.post("/sparql", data=query.encode("utf-8", "surrogatepass"),
                                   content_type="application/sparql-query")
        _ok(response, f"{kind}: {query!r}", test, count=n == 0)


@fuzz_settings("sparql_random")
@given(query=st.text(TEXT, max_size=300), how=st.integers(0, 2))
def test_random_text_as_sparql_is_answered_with_a_4xx_or_a_result(
        clients: dict[str, FlaskClient], query: str, how: int) -> None:
    _send_sparql(clients, query, "sparql_random", how)


@fuzz_settings("sparql_tokens")
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=40), how=st.integers(0, 2))
def test_sparql_shaped_token_soup_is_answered_with_a_4xx_or_a_result(
        clients: dict[str, FlaskClient], tokens: list[str], how: int) -> None:
    _send_sparql(clients, PREFIXES + " ".join(tokens), "sparql_tokens", how)


@fuzz_settings("sparql_mutated")
@given(query=mutated(), how=st.integers(0, 2))
def test_mutated_valid_queries_are_answered_with_a_4xx_or_a_result(
        clients: dict[str, FlaskClient], query: str, how: int) -> None:
    # On the embedded store only: rdflib takes seconds over the named queries themselves.
    _send_sparql(clients, query, "sparql_mutated", how, ("embedded",))


# ------------------------------------------------------------------------------------------
# Named queries
# ------------------------------------------------------------------------------------------

def _catalogue() -> list[Any]:
    from dutygraph.queries import catalogue

    items = catalogue()
    return sorted(items.values() if isinstance(items, dict) else items, key=lambda q: q.name)


ODD_VALUES = ["", " ", "Bromley", "bromley", "https://w3id.org/dutygraph/id/authority/bromley",
              "<https://w3id.org/dutygraph/id/authority/bromley>", "2013-05-07", "2013-02-30",
              "0000-01-01", "9999-12-31", "-2013-01-01", "2013-5-7", "\"", "'", "\\", "}",
              "?x", "$x", "\x00", "%00", "a" * 3000, "<>", "> } SELECT * { ?s ?p ?o",
              "http://127.0.0.1:9/x", "file:///etc/passwd", "Director of Children's Services",
              "undertaking reviews of serious cases", "💥"]


@fuzz_settings("named_query_params")
@given(data=st.data())
def test_named_query_parameters_are_answered_with_a_4xx_or_rows(
        clients: dict[str, FlaskClient], data: st.DataObject) -> None:
    q = data.draw(st.sampled_from(_catalogue()))
    values = st.one_of(st.sampled_from(ODD_VALUES), st.text(TEXT, max_size=60),
                       st.dates().map(str), st.integers().map(str))
    params = {p.name: data.draw(values) for p in q.params
              if data.draw(st.booleans()) or p.required}
    if data.draw(st.booleans()):
        params[data.draw(st.text(string.ascii_letters, min_size=1, max_size=8))] = "x"
    suffix = data.draw(st.sampled_from(["", ".csv", ".json"]))
    client = clients["embedded"]
    response = client.get(f"/api/queries/{q.name}{suffix}", query_string=params,
                          headers={"Accept": data.draw(st.sampled_from(
                              ["*/*", "text/csv", "application/json", "image/png", ""]))})
    _ok(response, f"{q.name} {params!r}", "named_query_params")


# ------------------------------------------------------------------------------------------
# Uploads
# ------------------------------------------------------------------------------------------

@st.composite
def mutated_turtle(draw: st.DrawFn) -> str:
    text = UPLOAD
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 80)))
        action = draw(st.sampled_from(["delete", "duplicate", "insert", "replace"]))
        if action == "delete":
            text = text[:i] + text[j:]
        elif action == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(st.sampled_from(
                ["@prefix", "@base", "<", ">", "\"", "\"\"\"", ";", ".", ",", "[", "]", "(",
                 ")", "^^", "@en", "_:b", "a", "true", "1.5e9", "#", "\\u0000", "<!DOCTYPE",
                 "\ud800", "\ufeff"])) + text[i:]
        else:
            text = text[:i] + draw(st.text(max_size=5)) + text[i + 1:]
    return text


@fuzz_settings("turtle")
@given(body=st.one_of(mutated_turtle(), st.text(max_size=400)),
       content_type=st.sampled_from(["text/turtle", "application/n-triples", "text/plain",
                                     "application/x-turtle"]),
       page=st.booleans())
def test_turtle_uploads_are_answered_with_a_4xx_or_a_report(
        clients: dict[str, FlaskClient], body: str, content_type: str, page: bool) -> None:
    client = clients["embedded"]
    if page:  # (a browser's form cannot carry a lone surrogate)
        text = body.encode("utf-8", "replace").decode("utf-8")
        response = client.post("/validate", data={"text": text, "format": "turtle"})
    else:
        response = client.post("/api/validate", data=body.encode("utf-8", "surrogatepass"),
                               content_type=content_type)
    _ok(response, repr(body[:200]), "turtle")


JSON_KEYS = ["@context", "@id", "@type", "@graph", "@value", "@language", "@list", "@set",
             "@reverse", "@base", "@vocab", "@import", "@version", "@protected", "@nest",
             "@included", "@json", "@direction", "label", "dg:bearer", "rdfs:label", "x"]
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20), st.sampled_from(
                  ["https://w3id.org/dutygraph/def#LocalAuthority", "@id", "@json", "1.1",
                   "urn:x", "_:b", "rdfs:label", "https://w3id.org/dutygraph/id/authority/x"])),
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(JSON_KEYS), children, max_size=5)),
    max_leaves=20)


@fuzz_settings("jsonld")
@given(doc=json_values, context=st.booleans(), raw=st.booleans())
def test_json_ld_uploads_are_answered_with_a_4xx_or_a_report(
        clients: dict[str, FlaskClient], doc: Any, context: bool, raw: bool) -> None:
    if context and isinstance(doc, dict):
        doc.setdefault("@context", {"dg": "https://w3id.org/dutygraph/def#",
                                    "rdfs": "http://www.w3.org/2000/01/rdf-schema#"})
    body = json.dumps(doc)
    if raw:  # and unbalanced or cut JSON
        body = body[: len(body) // 2]
    response = clients["embedded"].post("/api/validate", data=body.encode(),
                                        content_type="application/ld+json")
    _ok(response, body[:200], "jsonld")


# ------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------

dates = st.one_of(st.dates().map(str), st.text(TEXT, max_size=20),
                  st.sampled_from(["2013-02-29", "2012-02-29", "2013-13-01", "2013-00-10",
                                   "13-05-07", "2013-05-07T00:00:00", "2013-05-07Z",
                                   "+2013-05-07", "２０１３-05-07", "2013-05-07\n", " ",
                                   "9999-12-31", "0001-01-01", "0000-00-00"]))


@fuzz_settings("dates")
@given(day=dates, where=st.sampled_from(["validate", "page", "query", "audit", "answer"]))
def test_dates_anywhere_are_answered_with_a_4xx_or_an_answer(
        clients: dict[str, FlaskClient], day: str, where: str) -> None:
    client = clients["embedded"]
    if where == "validate":
        response = client.post("/api/validate", query_string={"as_of": day},
                               data=UPLOAD.encode(), content_type="text/turtle")
    elif where == "page":
        response = client.post("/validate", data={"text": UPLOAD, "as_of": day})
    elif where == "query":
        response = client.get("/api/queries/board-partners",
                              query_string={"authority": "Bromley", "as_of": day})
    elif where == "audit":
        response = client.get("/audit", query_string={"as_of": day})
    else:
        response = client.get("/answer", query_string={
            "function": "https://w3id.org/dutygraph/id/function/reg5-1-e", "as_of": day})
    _ok(response, f"{where} {day!r}", "dates")


def test_the_run_covered_the_inputs_asked_for(request: pytest.FixtureRequest) -> None:
    """Runs last in this module: every fuzz test above ran its share of inputs."""
    total = sum(SEEN.values())
    expected = sum(examples(name) for name in WEIGHTS)
    request.config.stash[FUZZ_TOTAL] = (total, sum(STOPPED.values()), dict(SEEN))
    if len(SEEN) < len(WEIGHTS):
        pytest.skip("run together with the other fuzz tests of this module")
    assert total >= expected

