"""Binding a named query's parameters reads its template once per process (issue 21).

The binder edits one of the same few template texts on every request; each edit carries the
places of the new text (shifted from the template's) instead of reading the new text's head
again. These tests hold the shift to a fresh parse for every template, and count the parses.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from dutygraph import paths
from dutygraph.queries.catalogue import NamedQuery, catalogue
from dutygraph.queries.internal import FOLDER, MECHANISMS
from dutygraph.sparql import guard, text
from dutygraph.sparql.guard import CheckedQuery

GRAPHS = {
    "no graph": [],
    "one graph": ["https://w3id.org/dutygraph/graph/shared"],
    "three graphs": ["https://w3id.org/dutygraph/graph/shared",
                     "https://w3id.org/dutygraph/graph/authority/bromley",
                     "https://w3id.org/dutygraph/graph/chains/bromley"],
}


def _templates() -> list[NamedQuery]:
    found: list[NamedQuery] = []
    for folder in (None, paths.queries_dir() / FOLDER, paths.queries_dir() / MECHANISMS):
        found.extend(q for q in catalogue(folder) if q.param_names)
    return found


TEMPLATES = _templates()


def _block(query: NamedQuery, n: int) -> str:
    """A VALUES row of the query's parameters: an IRI, a date, UNDEF in turn (the first
    parameter always a value, so that each n gives its own row)."""
    cells = []
    for i, _name in enumerate(query.param_names):
        kind = (i + n) % (3 if i else 2)
        cells.append(URIRef(f"https://w3id.org/dutygraph/id/x{n}").n3() if kind == 0 else
                     Literal(f"2020-01-{n % 28 + 1:02d}", datatype=XSD.date).n3() if kind == 1
                     else "UNDEF")
    names = " ".join(f"?{p}" for p in query.param_names)
    return f"VALUES ({names}) {{ ({' '.join(cells)}) }}"


def _fresh(edited: str) -> text.Places:
    """What the parser reads in the edited text, as a plain text no cache has seen."""
    return text._read_places.__wrapped__(str(edited))


@pytest.mark.parametrize("query", TEMPLATES, ids=lambda q: q.name)
def test_the_places_an_edit_carries_are_the_places_a_fresh_parse_finds(
        query: NamedQuery) -> None:
    bound = text.with_values(query.sparql, _block(query, 1))
    assert isinstance(bound, text.PlacedQuery)
    assert bound.placed == _fresh(bound)
    for first in GRAPHS.values():
        scoped = text.with_dataset(bound, first, [])
        if isinstance(scoped, text.PlacedQuery):
            assert scoped.placed == _fresh(scoped), first
        for second in GRAPHS.values():  # a dataset replaced again: the span it wrote
            again = text.with_dataset(scoped, second, second[:1])
            if isinstance(again, text.PlacedQuery):
                assert again.placed == _fresh(again), (first, second)
            guard.check_query(str(again))  # the text is still one the guard accepts


def test_a_comment_before_where_has_the_new_text_read_rather_than_guessed() -> None:
    query = ("PREFIX dg: <https://w3id.org/dutygraph/ontology#>\n"
             "SELECT ?s FROM <https://w3id.org/dutygraph/graph/shared> # the shared graph\n"
             "WHERE { ?s a dg:Duty }")
    emptied = text.with_dataset(query, [], [])
    assert not isinstance(emptied, text.PlacedQuery)
    assert text.places(emptied) == _fresh(emptied)
    assert emptied.default_graphs == ()


class _Counting:
    """Counts the parses a function makes, passing each through."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.calls = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner(*args, **kwargs)

    def parse_string(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.inner.parse_string(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Counting, _Counting]]:
    queries = _Counting(guard._parse_now)
    heads = _Counting(text._HEAD)
    monkeypatch.setattr(guard, "_parse_now", queries)
    monkeypatch.setattr(text, "_HEAD", heads)
    yield queries, heads


@pytest.mark.parametrize("query", TEMPLATES[::7], ids=lambda q: q.name)
def test_many_bindings_of_a_template_parse_it_once(
        query: NamedQuery, counted: tuple[_Counting, _Counting]) -> None:
    queries, heads = counted
    template = f"# a text no cache has seen: {id(counted)}\n{query.sparql}"
    answers = set()
    for n in range(12):
        bound = text.with_values(template, _block(query, n))
        scoped = text.with_dataset(bound, GRAPHS["three graphs"][: n % 3 + 1], [])
        assert isinstance(scoped, CheckedQuery)
        answers.add(str(scoped))
    assert len(answers) == 12  # each binding wrote its own text
    assert (queries.calls, heads.calls) == (1, 1)


def test_a_client_text_seen_for_the_first_time_is_parsed_by_the_guard(
        counted: tuple[_Counting, _Counting]) -> None:
    queries, _heads = counted
    for n in range(3):
        text.with_dataset(f"SELECT * WHERE {{ ?s ?p {n + id(counted)} }}",
                          GRAPHS["one graph"], [])
    assert queries.calls == 3
    with pytest.raises(Exception, match="malformed"):
        text.with_dataset("SELECT * WHERE { ?s ?p }", [], [])
