"""Parameters are bound as typed terms in a VALUES block and can never change a query's text."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from dutygraph.errors import InputError
from dutygraph.queries import get_query, run_query
from dutygraph.queries.binding import bind, where_brace
from dutygraph.queries.params import parse_iri, parse_text, resolve, validate
from dutygraph.store import EmbeddedStore, MemoryStore, Store

NASTY = ['"', '" } UNION { ?s ?p ?o } #', "x > y", "}", "{", "\\", '\\"', "'''", '"""',
         "?text", "<urn:x>", "# comment", "café ’quoted’", "a\\b\\\\c"]


@pytest.fixture(scope="module", params=["memory", "embedded"])
def empty_store(request: pytest.FixtureRequest) -> Store:
    return MemoryStore() if request.param == "memory" else EmbeddedStore()


@pytest.mark.parametrize("value", NASTY)
def test_a_text_value_reaches_the_query_exactly_as_given(value: str,
                                                         empty_store: Store) -> None:
    text = bind("SELECT ?text WHERE { }", ["text"], {"text": parse_text(value, "text")})
    rows = empty_store.select(text).rows
    assert [str(r["text"]) for r in rows] == [value]


@pytest.mark.parametrize("value", ['"', '" } UNION { ?item ?p ?o } #', "x > y", "} }"])
def test_a_search_with_quotes_or_braces_answers_like_a_harmless_one(
        value: str, memory_store) -> None:  # type: ignore[no-untyped-def]
    nasty = run_query(memory_store, "search", {"text": f"zzqx{value}"}).records()
    harmless = run_query(memory_store, "search", {"text": "zzqx"}).records()
    assert nasty == harmless == []


@pytest.mark.parametrize("value", ['https://example.org/a>b', 'https://example.org/"x',
                                   "https://example.org/}", "https://example.org/a b",
                                   "https://example.org/{x}", "https://ex.org/a`b", "nope:"])
def test_an_iri_with_characters_that_could_break_out_is_refused(value: str) -> None:
    with pytest.raises(InputError) as info:
        parse_iri(value, "authority")
    assert info.value.parameter == "authority"


def test_a_refused_iri_stops_the_query_before_it_runs() -> None:
    class Exploding(MemoryStore):
        def select(self, query: str):  # type: ignore[no-untyped-def]
            raise AssertionError("the query ran")

    with pytest.raises(InputError) as info:
        run_query(Exploding(), "board-partners", {"authority": "https://x.org/a>b"})
    assert info.value.parameter == "authority"


@pytest.mark.parametrize("value", ["a\\u0022b", "\\U00000022", "tab\there", "bell\x07"])
def test_text_with_escape_sequences_or_control_characters_is_refused(value: str) -> None:
    with pytest.raises(InputError) as info:
        parse_text(value, "text")
    assert info.value.parameter == "text"


def test_dates_are_typed_and_checked() -> None:
    terms = resolve(None, get_query("board-partners"),
                    {"authority": "https://w3id.org/dutygraph/id/authority/bromley",
                     "as_of": "2013-05-01"})
    assert terms["as_of"] == Literal("2013-05-01", datatype=XSD.date)
    assert terms["authority"] == URIRef("https://w3id.org/dutygraph/id/authority/bromley")
    for bad in ("2013-5-1", "01/05/2013", "2013-02-30", "2013-05-01T00:00", "today"):
        with pytest.raises(InputError) as info:
            validate(get_query("board-partners"), {"authority": "Bromley", "as_of": bad})
        assert info.value.parameter == "as_of"


def test_optional_parameters_not_given_are_undef() -> None:
    text = bind(get_query("who-is-accountable").sparql, ["function", "authority", "as_of"],
                {"function": URIRef("https://w3id.org/dutygraph/id/function/reg5-1-e")})
    assert ("VALUES (?function ?authority ?as_of) "
            "{ (<https://w3id.org/dutygraph/id/function/reg5-1-e> UNDEF UNDEF) }") in text


def test_prefixed_names_are_expanded() -> None:
    assert parse_iri("fn:reg5-1-e", "function") == URIRef(
        "https://w3id.org/dutygraph/id/function/reg5-1-e")


@pytest.mark.parametrize(("text", "expected"), [
    ("SELECT * WHERE { ?s ?p ?o }", 15),
    ("# WHERE { not this\nSELECT * WHERE { ?s ?p ?o }", 34),
    ("PREFIX w: <http://ex.org/WHERE> SELECT * WHERE{ ?s ?p ?o }", 46),
    ("PREFIX w: <http://ex.org/> SELECT * FROM w:WHERE WHERE{ ?s ?p ?o }", 54),
    ("SELECT * #WHERE {\n{ ?s ?p ?o }", 18),
    ('SELECT ("WHERE {" AS ?x) where\n  { ?s ?p ?o }', 33),
    ("SELECT * WHERE { { SELECT * WHERE { ?s ?p ?o } } }", 15),
])
def test_the_values_block_goes_into_the_outermost_where_group(text: str, expected: int) -> None:
    assert where_brace(text) == expected
    assert text[expected] == "{"


def test_the_where_keyword_is_optional_as_in_the_grammar() -> None:
    assert where_brace("SELECT * { ?s ?p ?o }") == 9


@pytest.mark.parametrize("text", ["DESCRIBE <urn:x>", "SELECT * { ?s ?p }",
                                  "SELECT * WHERE { SERVICE <http://127.0.0.1:1/> { } }"])
def test_a_query_without_a_where_group_or_refused_by_the_guard_cannot_be_bound(
        text: str) -> None:
    with pytest.raises(InputError):
        where_brace(text)


def test_a_bound_query_comes_back_checked_with_the_template_s_dataset() -> None:
    from dutygraph.sparql import CheckedQuery

    text = bind("SELECT ?x FROM <urn:g> WHERE { ?x ?p ?o }", ["x"], {"x": URIRef("urn:a")})
    assert isinstance(text, CheckedQuery)
    assert text.default_graphs == ("urn:g",)
    assert "VALUES (?x) { (<urn:a>) }" in text
