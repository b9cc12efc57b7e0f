"""The pages' own queries (queries/pages/): bound with VALUES like the public questions,
answering on every store kind. (Their headers, and the absence of SPARQL text in the web
layer's Python, are checked with every other folder's in tests/queries/test_rq_headers.py.)"""

from __future__ import annotations

import re

import pytest
from rdflib import URIRef

from dutygraph import paths
from dutygraph.queries import catalogue
from dutygraph.queries.internal import FOLDER, page_query, page_text
from dutygraph.store import Store

PAGE_QUERIES = sorted(p.stem for p in (paths.queries_dir() / FOLDER).glob("*.rq"))


def _examples(name: str) -> dict[str, URIRef]:
    return {p.name: URIRef(p.example) for p in page_query(name).params if p.required}


@pytest.mark.parametrize("name", PAGE_QUERIES)
def test_each_page_query_answers_its_example_on_every_store_kind(
        name: str, pages_store: Store) -> None:
    text = page_text(name, _examples(name))
    form = page_query(name).sparql.split("\nPREFIX", 1)[-1]
    if re.search(r"^\s*ASK\b", form, re.M):
        assert isinstance(pages_store.ask(text), bool)
    elif re.search(r"^\s*CONSTRUCT\b", form, re.M):
        assert len(pages_store.construct(text)) > 0
    else:
        assert pages_store.select(text).rows, f"{name} found nothing for its example"


def test_several_values_of_a_parameter_become_rows_of_one_values_block() -> None:
    a, b = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    text = page_text("labels", {"x": [a, b]})
    assert "VALUES (?x) { (<https://example.org/a>) (<https://example.org/b>) }" in text


def test_a_parameter_the_query_does_not_declare_is_refused() -> None:
    with pytest.raises(TypeError, match="no parameter"):
        page_text("labels", {"y": URIRef("https://example.org/a")})


def test_page_queries_stay_out_of_the_public_catalogue() -> None:
    public = {q.name for q in catalogue()}
    assert public.isdisjoint(PAGE_QUERIES) or not (public & set(PAGE_QUERIES)) - {
        q.name for q in catalogue() if q.path.parent.name != FOLDER}
