"""The product's internal mechanisms' queries (queries/internal/): one .rq file each with the
standard header, bound by the one binder (values lists as VALUES rows), answering their
examples on every store kind; and no SPARQL text left in the Python that runs them (issue 17:
every SPARQL string the product runs lives in queries/ with a header)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.term import Node

from dutygraph import paths
from dutygraph.queries.internal import MECHANISMS, internal_query, internal_text
from dutygraph.store import Store

INTERNAL = sorted(p.stem for p in (paths.queries_dir() / MECHANISMS).glob("*.rq"))
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "dutygraph"
# A query's text in Python: a query form keyword followed by a variable, a star or a brace.
SPARQL_TEXT = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\s+(DISTINCT\s+)?[?*{(]")


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
def test_each_internal_query_has_a_header_naming_its_file_and_documenting_its_parameters(
        name: str) -> None:
    query = internal_query(name)
    assert query.name == name and query.summary and query.description and query.example
    for param in query.params:
        assert re.search(rf"\?{param.name}\b", query.sparql.split("\nSELECT", 1)[-1]), (
            f"{name}: parameter {param.name} is not a variable of the query")


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


@pytest.mark.parametrize("module", ["validation/api.py", "validation/dataset.py",
                                    "queries/params.py", "queries/internal.py",
                                    "queries/run.py"])
def test_the_modules_that_run_internal_queries_hold_no_sparql_text(module: str) -> None:
    found = [f"{module}:{n}: {line.strip()}"
             for n, line in enumerate((PACKAGE / module).read_text(encoding="utf-8")
                                      .splitlines(), 1)
             if SPARQL_TEXT.search(line)]
    assert found == []
