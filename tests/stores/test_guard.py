"""Every store kind reads queries through the one guard (dutygraph.sparql): what it refuses,
each store refuses, and a query's dataset is the one the parser read (prefixes, BASE,
comments and strings as the grammar has them, not as words)."""

from __future__ import annotations

import pytest

from dutygraph.errors import InputError
from dutygraph.sparql import check_query
from dutygraph.store import EmbeddedStore, MemoryStore, Store

ACCEPTED = [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("PREFIX select: <http://x/> ASK { select:a ?p ?o }", "ASK"),
    ("BASE <http://x/> PREFIX : <http://y/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT"),
    ("DESCRIBE <http://x/insert>", "DESCRIBE"),
    ('SELECT ?load WHERE { ?load <http://x/p> "DROP ALL; SERVICE" } # INSERT DATA {}', "SELECT"),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ex:add-copy ex:p.move ex:service }", "SELECT"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && LANG(?o) = 'en') }", "SELECT"),
    ("PREFIX service: <http://x/> SELECT * WHERE { service:a service:b service:c }", "SELECT"),
]
REFUSED = [
    ("SELECT * WHERE { SERVICE <http://x/sparql> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { OPTIONAL { Service SILENT <http://x/> { ?s ?p ?o } } }", "SERVICE"),
    ("PREFIX ex: <http://x/> SELECT * WHERE { ?s a ex:.SERVICE <http://x/> { } }", "SERVICE"),
    ("INSERT DATA { <http://a> <http://b> 1 }", "read-only"),
    ("PREFIX select: <http://x/> DELETE WHERE { ?s ?p ?o }", "read-only"),
    ("SELECT * WHERE { ?s ?p ?o } ; CLEAR ALL", "malformed SPARQL at line 1, column 29"),
    ("LOAD <http://x/data.ttl>", "read-only"),
    ("define input:grab-all \"yes\" SELECT * WHERE { ?s ?p ?o }", "malformed SPARQL"),
    ("", "empty"),
]


@pytest.fixture(params=["memory", "embedded"])
def empty_store(request: pytest.FixtureRequest) -> Store:
    return MemoryStore() if request.param == "memory" else EmbeddedStore()


@pytest.mark.parametrize(("query", "form"), ACCEPTED)
def test_a_read_query_is_accepted_with_its_form(query: str, form: str,
                                                empty_store: Store) -> None:
    assert check_query(query).form == form
    run = {"SELECT": empty_store.select, "ASK": empty_store.ask,
           "CONSTRUCT": empty_store.construct, "DESCRIBE": empty_store.construct}[form]
    run(query)


@pytest.mark.parametrize(("query", "reason"), REFUSED)
def test_every_store_refuses_what_the_guard_refuses_naming_the_query_parameter(
        query: str, reason: str, empty_store: Store) -> None:
    with pytest.raises(InputError) as caught:
        empty_store.select(query)
    assert reason in str(caught.value) and caught.value.parameter == "query"


def test_from_clauses_are_read_with_prefixes_and_base_resolved() -> None:
    query = ("BASE <http://b/> PREFIX g: <https://w3id.org/dutygraph/graph/> SELECT * "
             "FROM <http://a> FROM <rel> FROM NAMED g:b # FROM <http://not-this>\n"
             " WHERE { ?s ?p \"FROM <http://nor-this>\" }")
    checked = check_query(query)
    assert checked.default_graphs == ("http://a", "http://b/rel")
    assert checked.named_graphs == ("https://w3id.org/dutygraph/graph/b",)
    with pytest.raises(InputError, match="Unknown namespace prefix"):
        check_query("SELECT * FROM nope:g WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("query", [
    "SELECT * FROM <http://127.0.0.1:9/none> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/none> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
])
def test_a_graph_the_store_does_not_hold_is_an_empty_graph_on_every_store(
        query: str, empty_store: Store) -> None:
    assert empty_store.select(query).rows == []


def test_a_time_limit_that_lands_while_the_guard_reads_stays_a_time_limit(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A command's SIGALRM raises its QueryTimeout in whatever the command is doing, the
    guard's reading included: it must reach the command as a time limit (exit 3), not as
    "the query could not be read" (exit 2, the user's fault)."""
    from rdflib.plugins.sparql import parser as sparql_parser

    from dutygraph.errors import QueryTimeout

    def alarm(_text: str) -> object:
        raise QueryTimeout("the command ran past its time limit")

    monkeypatch.setattr(sparql_parser, "parseQuery", alarm)
    with pytest.raises(QueryTimeout, match="time limit"):
        check_query("ASK { ?s ?p 'a time limit lands here' }")
