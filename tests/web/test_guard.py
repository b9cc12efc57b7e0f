"""The query screen: what it refuses, what it lets through, and what it reads from a query.

Each case is a query and the verdict; the refusals include the spellings an engine accepts
but a naive keyword scan misses (Oxigraph takes 'SERVICEex:x' and 'SERVICE:x' as SERVICE
clauses; rdflib applies \\u escapes before parsing)."""

from __future__ import annotations

import itertools

import pytest

from dutygraph.errors import InputError
from dutygraph.web.guard import (
    READ_ONLY_MESSAGE,
    SERVICE_MESSAGE,
    check_graphs,
    inspect_query,
    tokenize,
    with_protocol_dataset,
)

SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://example.org/sparql> { ?s ?p ?o } }",
    "PREFIX ex: <http://example.org/> SELECT * WHERE { SERVICEex:x { ?s ?p ?o } }",
    "PREFIX : <http://example.org/> SELECT * WHERE { SERVICE:x { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICESILENT <http://example.org/> { ?s ?p ?o } }",
    "SELECT * WHERE { ?a ?b trueSERVICE <http://example.org/> { ?s ?p ?o } }",
    r"SELECT * WHERE { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    r"SELECT * WHERE { \U00000053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o .}SERVICE<http://example.org/>{}",
    # A comment or string elsewhere must not hide the keyword.
    "SELECT * WHERE { ?s ?p 'a' # note\n SERVICE <http://example.org/> { ?s ?p ?o } }",
    "ASK { ?s ?p \"x\\\"\" SERVICE <http://example.org/> { } }",
    # An unterminated long string is read as short strings, as SPARQL lexers do.
    'SELECT * WHERE { ?s ?p """x" SERVICE <http://example.org/> { } }',
    # \u escapes can close a string early for rdflib.
    r'SELECT * WHERE { ?s ?p "\u0022 } SERVICE <http://example.org/> { } #" }',
]

UPDATE_QUERIES = [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "load <file:///etc/passwd> INTO GRAPH <http://g>",
    "CLEAR ALL",
    "DROP GRAPH <http://g>",
    "CREATE GRAPH <http://g>",
    "ADD DEFAULT TO <http://g>",
    "MOVE <http://a> TO <http://b>",
    "COPY <http://a> TO <http://b>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "PREFIX ex: <http://e/> INSERT { ex:a ex:b ex:c } WHERE {}",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]

ALLOWED = [
    ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
    ("SELECT * WHERE { ?s <http://x/service> ?o . ?s ?p \"LOAD DATA\" }", "SELECT"),
    ("# SERVICE in a comment\nASK { ?s ?p ?o }", "ASK"),
    ("PREFIX ex: <http://e/> SELECT ?load WHERE { ?load ex:Service ?insert }", "SELECT"),
    ("BASE <http://e/> PREFIX p: <x#> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT"),
    ("DESCRIBE <http://e/x>", "DESCRIBE"),
    ('SELECT ?x WHERE { ?x ?p """multi\nline with SERVICE""" }', "SELECT"),
    ("SELECT * WHERE { ?s ?p ?o FILTER(?o < 3 && ?o > 1) }", "SELECT"),
]


@pytest.mark.parametrize("query", SERVICE_QUERIES)
def test_a_service_clause_is_refused_however_it_is_spelt(query: str) -> None:
    with pytest.raises(InputError) as caught:
        inspect_query(query)
    assert caught.value.reason == SERVICE_MESSAGE
    assert caught.value.parameter == "query"


@pytest.mark.parametrize("query", UPDATE_QUERIES)
def test_an_update_is_refused_as_read_only(query: str) -> None:
    with pytest.raises(InputError) as caught:
        inspect_query(query)
    assert caught.value.reason == READ_ONLY_MESSAGE


@pytest.mark.parametrize(("query", "form"), ALLOWED)
def test_read_queries_pass_and_their_form_is_read(query: str, form: str) -> None:
    assert inspect_query(query).form == form


def test_a_prefix_named_like_service_is_refused_since_a_keyword_may_hide_there() -> None:
    with pytest.raises(InputError):
        inspect_query("PREFIX service: <http://x/> SELECT * WHERE { ?s service:p ?o }")


def test_from_clauses_are_read_with_prefixes_and_base_resolved() -> None:
    info = inspect_query("BASE <http://b/> PREFIX ex: <http://e/> SELECT * FROM ex:g "
                         "FROM NAMED <h> WHERE { ?s ?p ?o }")
    assert info.dataset_iris == ["http://e/g", "http://b/h"]
    assert [d.named for d in info.datasets] == [False, True]


def test_a_from_clause_written_with_escapes_is_read_too() -> None:
    info = inspect_query(r"SELECT * \u0046ROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert "file:///etc/passwd" in info.dataset_iris


def test_graphs_outside_the_store_are_refused_and_named() -> None:
    own = ["https://w3id.org/dutygraph/graph/framework"]
    check_graphs(own, own, "query")
    with pytest.raises(InputError) as caught:
        check_graphs(["file:///etc/passwd"], own, "default-graph-uri")
    assert "file:///etc/passwd" in str(caught.value)
    assert caught.value.parameter == "default-graph-uri"
    with pytest.raises(InputError):
        check_graphs([None], own, "query")


@pytest.mark.parametrize(("query", "expected"), [
    ("SELECT * WHERE { ?s ?p ?o }",
     "SELECT *  FROM <http://d> FROM NAMED <http://n> WHERE { ?s ?p ?o }"),
    ("SELECT * FROM <http://old> WHERE { ?s ?p ?o }",
     "SELECT *  FROM <http://d> FROM NAMED <http://n>  WHERE { ?s ?p ?o }"),
    ("ASK { ?s ?p ?o }", "ASK  FROM <http://d> FROM NAMED <http://n> { ?s ?p ?o }"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
     "CONSTRUCT { ?s ?p ?o }  FROM <http://d> FROM NAMED <http://n> WHERE { ?s ?p ?o }"),
    ("CONSTRUCT WHERE { ?s ?p ?o }",
     "CONSTRUCT  FROM <http://d> FROM NAMED <http://n> WHERE { ?s ?p ?o }"),
    ("DESCRIBE <http://x>", "DESCRIBE <http://x> FROM <http://d> FROM NAMED <http://n> "),
    ("SELECT (EXISTS { ?a ?b ?c } AS ?e) { }",
     "SELECT (EXISTS { ?a ?b ?c } AS ?e)  FROM <http://d> FROM NAMED <http://n> { }"),
])
def test_protocol_graphs_replace_the_querys_own_dataset(query: str, expected: str) -> None:
    info = inspect_query(query)
    assert with_protocol_dataset(info, ["http://d"], ["http://n"]) == expected


def test_a_protocol_graph_that_is_not_an_iri_is_refused() -> None:
    info = inspect_query("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(InputError) as caught:
        with_protocol_dataset(info, ["http://d> } SERVICE <http://x"], [])
    assert caught.value.parameter == "default-graph-uri"


@pytest.mark.parametrize("text", [
    '"\\' * 40_000, "'\\" * 40_000, 'a.' * 40_000, '"""\\"' * 20_000, '<a' * 40_000,
    '_:.' * 30_000, ":a" * 40_000,
])
def test_the_tokenizer_reads_adversarial_text_in_one_pass(text: str) -> None:
    # Correctness, not speed, is asserted: every character lands in exactly one token or
    # in skipped space; the pass is linear by construction (see guard._string_at).
    tokens = tokenize(text)
    covered = sum(t.end - t.start for t in tokens)
    assert covered <= len(text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(tokens))


def test_tokens_keep_strings_iris_and_comments_apart() -> None:
    tokens = tokenize("SELECT ?x WHERE { ?x <http://a#b> 'it''s' } # SERVICE\n")
    kinds = [(t.kind, t.text) for t in tokens]
    assert ("iri", "<http://a#b>") in kinds
    assert ("string", "'it'") in kinds
    assert all("SERVICE" not in t.text for t in tokens)
