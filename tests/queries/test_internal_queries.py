"""The product's internal mechanisms' queries (queries/internal/): bound by the one binder
(values lists as VALUES rows), answering their examples on every store kind. (Their headers,
and the absence of SPARQL text in the Python that runs them, are checked with every other
folder's in tests/queries/test_rq_headers.py.)"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from dutygraph import paths
from dutygraph.queries.internal import MECHANISMS, internal_query, internal_text
from dutygraph.store import Store

INTERNAL = sorted(p.stem for p in (paths.queries_dir() / MECHANISMS).glob("*.rq"))


@pytest.fixture(params=["memory_store", "embedded_store"])
def any_store(request: pytest.FixtureRequest) -> Store:
    store: Store = request.getfixturevalue(request.param)
    return store


def _examples(name: str) -> dict[str, Node | list[Node]]:
    """Each required parameter's example as a term; a text a parameter takes several of is
    given plain and in English (as the labels are written), one VALUES row each."""
    out: dict[str, Node | list[Node]] = {}
    for p in internal_query(name).params:
        if p.required and p.type != "text":
            out[p.name] = URIRef(p.example)
        elif p.required and "(one or more" in p.description:
            out[p.name] = [Literal(p.example), Literal(p.example, lang="en")]
        elif p.required:
            out[p.name] = Literal(p.example)
    return out


@pytest.mark.parametrize("name", INTERNAL)
def test_each_internal_query_answers_its_example_on_every_store_kind(
        name: str, any_store: Store) -> None:
    assert any_store.select(internal_text(name, _examples(name))).rows, (
        f"{name} found nothing for its example")


@pytest.mark.parametrize("name", [n for n in INTERNAL
                                  if any(p.type == "iri" for p in internal_query(n).params)])
def test_a_list_of_values_becomes_rows_of_one_values_block_and_no_iri_is_written_elsewhere(
        name: str) -> None:
    query = internal_query(name)
    listed = next(p for p in query.params if p.type == "iri")
    a, b = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    values = _examples(name)
    values[listed.name] = [a, b]
    text = internal_text(name, values)
    assert text.count("<https://example.org/a>") == text.count("<https://example.org/b>") == 1
    block = text[text.index("VALUES"):text.index("}", text.index("VALUES"))]
    assert "<https://example.org/a>" in block and "<https://example.org/b>" in block
