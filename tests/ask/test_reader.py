"""The reader alone (dutygraph.ask.read), without the web page: the questions file read the
same way, dates and names in officers' words, and a graph's new words askable about with no
change to the code."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from rdflib import Graph, URIRef

from dutygraph.ask import Lexicon, load_lexicon, read
from dutygraph.ask.dates import find_dates
from dutygraph.ask.lexicon import authority_aliases
from dutygraph.ask.succession import kind_on
from dutygraph.store import EmbeddedStore, Store

from .conftest import TODAY, load_questions

DAY = dt.date.fromisoformat(TODAY)
QUESTIONS = load_questions()


@pytest.mark.parametrize("case", [q for q in QUESTIONS if "read" in q],
                         ids=[q["q"][:60] for q in QUESTIONS if "read" in q])
def test_the_reader_reads_each_answerable_question_as_the_file_says(
        ask_lexicon: Lexicon, ask_store: Store, case: dict[str, Any]) -> None:
    reading = read(case["q"], ask_lexicon, DAY, lambda k, day: kind_on(ask_store, k, day))
    assert reading.status == "answer", (reading.why, [c.text for c in reading.choices])
    assert reading.kind is not None and reading.kind.name == case["read"]["kind"]
    want = {k: str(v) for k, v in case["read"].items() if k != "kind"}
    assert reading.params() == want


def test_the_same_question_is_always_read_the_same_way(ask_lexicon: Lexicon) -> None:
    question = "Who were Bromley's board partners on 1 May 2013?"
    readings = [read(question, ask_lexicon, DAY) for _ in range(3)]
    assert len({(r.kind.name if r.kind else None, tuple(sorted(r.params().items())))
                for r in readings}) == 1


@pytest.mark.parametrize(("words", "first", "last", "precision"), [
    ("on 1 April 2013", "2013-04-01", "2013-04-01", "day"),
    ("on the 1st of April, 2013", "2013-04-01", "2013-04-01", "day"),
    ("April 1, 2013", "2013-04-01", "2013-04-01", "day"),
    ("2013-04-01", "2013-04-01", "2013-04-01", "day"),
    ("01/04/2013", "2013-04-01", "2013-04-01", "day"),
    ("in May 2013", "2013-05-01", "2013-05-31", "month"),
    ("in 2012", "2012-01-01", "2012-12-31", "year"),
    ("today", TODAY, TODAY, "today"),
    ("right now", TODAY, TODAY, "today"),
])
def test_a_date_in_an_officers_words_is_read_with_its_precision(
        words: str, first: str, last: str, precision: str) -> None:
    (found,) = find_dates(f"Who were the partners {words}?", DAY)
    assert (found.first.isoformat(), found.last.isoformat(), found.precision) == \
        (first, last, precision)


@pytest.mark.parametrize("text", ["What does the Children Act 2004 say?",
                                  "What does SI 2006/90 say?",
                                  "What did Working Together 2013 change?",
                                  "What the LSCB may 2 do"])
def test_a_year_in_a_name_or_may_the_verb_is_not_a_date(text: str) -> None:
    assert find_dates(text, DAY) == []


def test_a_year_alone_is_read_as_its_middle_and_a_range_as_its_whole_years(
        ask_lexicon: Lexicon) -> None:
    one = read("board partners in Bromley in 2012", ask_lexicon, DAY)
    assert one.day is not None and one.day.iso == "2012-07-01" and "mid-2012" in one.day.label
    both = read("What changed between 2012 and 2014?", ask_lexicon, DAY)
    assert (both.day and both.day.iso, both.until and both.until.iso) == \
        ("2012-01-01", "2014-12-31")


def test_a_council_is_found_by_its_short_name() -> None:
    assert "Bromley" in authority_aliases("London Borough of Bromley")
    assert "Harrow" in authority_aliases("Harrow Council")
    assert authority_aliases("Bromley") == {"Bromley"}


def test_every_misspelling_read_is_said(ask_lexicon: Lexicon) -> None:
    reading = read("who is acountable for serous case reviews in bromly", ask_lexicon, DAY)
    assert reading.status == "answer"
    assert {"read “acountable” as “accountable”", "read “serous” as “serious”",
            "read “bromly” as “bromley”"} <= set(reading.notes)


def test_a_question_outside_the_graph_gets_no_kind_and_the_nearest_questions(
        ask_lexicon: Lexicon) -> None:
    reading = read("How many children are in care in Harrow?", ask_lexicon, DAY)
    assert reading.status == "cannot" and reading.kind is None
    assert reading.choices and all(c.text.endswith("?") or c.text for c in reading.choices)


def test_board_partners_without_an_authority_offers_each_authority_not_another_answer(
        ask_lexicon: Lexicon) -> None:
    reading = read("board partners", ask_lexicon, DAY)
    assert reading.status == "choose"
    assert {dict(c.params).get("authority") for c in reading.choices} >= {
        "https://w3id.org/dutygraph/id/authority/bromley",
        "https://w3id.org/dutygraph/id/authority/harrow"}
    assert all(c.kind == "board-partners" for c in reading.choices)


def test_a_new_function_in_the_data_can_be_asked_about_with_no_change_to_the_code() -> None:
    graph = Graph()
    graph.parse(data="""
        @prefix dg: <https://w3id.org/dutygraph/def#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <https://example.org/fn/kite-safety> a dg:Function ;
            rdfs:label "Overseeing kite flying safety"@en ; skos:altLabel "kite safety"@en ;
            dg:bearer <https://example.org/role/kite-warden> .
        <https://example.org/role/kite-warden> a dg:Role ; rdfs:label "Kite warden"@en .
        <https://example.org/la/testshire> a dg:LocalAuthority ;
            rdfs:label "Testshire County Council"@en .
    """, format="turtle")
    store = EmbeddedStore(None)
    store.replace_graphs({URIRef("urn:test:ask"): graph})
    lexicon = load_lexicon(store)
    reading = read("Who is responsible for kite safty in Testshire?", lexicon, DAY)
    assert reading.status == "answer" and reading.kind is not None
    assert reading.kind.name == "accountable"
    assert reading.params() == {"subject": "https://example.org/fn/kite-safety",
                                "authority": "https://example.org/la/testshire"}
    duties = read("What must the kite warden do?", lexicon, DAY)
    assert duties.subject is not None and duties.subject.label == "Kite warden"


def test_a_question_it_cannot_answer_is_offered_questions_about_what_it_names(
        ask_lexicon: Lexicon) -> None:
    reading = read("How much does the LSCB cost?", ask_lexicon, DAY)
    assert reading.status == "cannot"
    about = [dict(c.params).get("subject") for c in reading.choices]
    assert "https://w3id.org/dutygraph/def#LSCB" in about
