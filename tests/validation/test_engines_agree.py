"""pyshacl is the oracle: the fast engine must give the same results, result for result.

Compared: focus node, shape, severity, value, path and message of every result, as a
multiset. Inputs: the real data of the repository on the dates that matter, every case of
tests/cases/validation (merged by as-of date, each case's authority renamed so that they do
not meet), and per-authority validation against validating the whole store.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator

import pytest
from rdflib import Graph, URIRef

from dutygraph.namespaces import FRAMEWORK_GRAPH
from dutygraph.rdfio import parse_file
from dutygraph.store import EmbeddedStore, Store
from dutygraph.validation import validate_store
from dutygraph.validation.dataset import view_of_store, view_of_upload
from dutygraph.validation.dates import AsOf
from dutygraph.validation.engine import FastEngine, PyshaclEngine, multiset
from dutygraph.validation.shapes import ShapeSet

from .casekit import all_cases
from .parsed_queries import parsed_once

DATES = [dt.date(2006, 3, 31), dt.date(2008, 3, 31), dt.date(2008, 4, 1), dt.date(2011, 3, 28),
         dt.date(2013, 3, 31), dt.date(2013, 4, 1), dt.date(2013, 5, 7), dt.date(2015, 4, 1),
         dt.date(2019, 9, 29), dt.date(2019, 9, 30)]
TESTSHIRE = "https://w3id.org/dutygraph/id/authority/testshire"


@pytest.fixture(scope="module", autouse=True)
def _each_query_parsed_once() -> Iterator[None]:
    """pyshacl re-parses the same SHACL-SPARQL texts on every run; parsed once, the oracle
    reports the same results in a fraction of the time (tests/validation/parsed_queries.py)."""
    with parsed_once():
        yield


@pytest.mark.parametrize("day", DATES, ids=[d.isoformat() for d in DATES])
def test_the_fast_engine_matches_pyshacl_on_the_whole_repository(
        day: dt.date, embedded_store: Store, shapes: ShapeSet) -> None:
    view = view_of_store(embedded_store, None)
    fast = FastEngine().run(view, shapes, AsOf(day))
    oracle = PyshaclEngine().run(view, shapes, AsOf(day))
    assert multiset(fast) == multiset(oracle)
    if day == dt.date(2013, 5, 7):
        assert len(fast) > 20  # the comparison is not between two empty lists


def _renamed(graph: Graph, n: int) -> Graph:
    """The case's triples with its authority renamed testshire -> testshire-cN."""
    def rename(term):  # type: ignore[no-untyped-def]
        if isinstance(term, URIRef) and str(term).startswith(TESTSHIRE):
            return URIRef(f"{TESTSHIRE}-c{n}" + str(term)[len(TESTSHIRE):])
        return term
    out = Graph()
    for s, p, o in graph:
        out.add((rename(s), p, rename(o)))
    return out


def _cases_by_date(chunk: int = 8) -> dict[str, tuple[dt.date, Graph]]:
    """Cases merged by as-of date, at most `chunk` to a graph: pyshacl's time grows with the
    square of the number of authorities in one graph, and the point is coverage, not size."""
    by_day: dict[dt.date, list[Graph]] = defaultdict(list)
    for n, case in enumerate(all_cases()):
        by_day[case.as_of].append(_renamed(parse_file(case.data), n))
    merged: dict[str, tuple[dt.date, Graph]] = {}
    for day, graphs in sorted(by_day.items()):
        for i in range(0, len(graphs), chunk):
            g = Graph()
            for part in graphs[i:i + chunk]:
                g += part
            merged[f"{day.isoformat()}-{i // chunk}"] = (day, g)
    return merged


MERGED = _cases_by_date()


@pytest.mark.parametrize("key", sorted(MERGED))
def test_the_fast_engine_matches_pyshacl_on_every_case(
        key: str, framework: Graph, shapes: ShapeSet) -> None:
    day, graph = MERGED[key]
    view = view_of_upload(graph, framework)
    fast = FastEngine().run(view, shapes, AsOf(day))
    oracle = PyshaclEngine().run(view, shapes, AsOf(day))
    assert multiset(fast) == multiset(oracle)


@pytest.mark.parametrize("day", [dt.date(2011, 3, 28), dt.date(2013, 5, 7), dt.date(2015, 4, 1)])
def test_validating_one_authority_gives_its_share_of_the_whole_store(
        day: dt.date, embedded_store: Store) -> None:
    whole = validate_store(embedded_store, as_of=day)
    for iri, _label in whole.authorities:
        alone = validate_store(embedded_store, as_of=day, authority=iri)
        mine = [f.to_json_dict() for f in whole.results if f.authority == iri]
        assert [f.to_json_dict() for f in alone.results] == mine
        assert mine


def test_a_store_copied_into_memory_gives_the_same_report(
        embedded_store: Store, memory_store: Store) -> None:
    day = dt.date(2013, 5, 7)
    assert isinstance(embedded_store, EmbeddedStore)
    a = validate_store(embedded_store, as_of=day).to_json_dict()
    b = validate_store(memory_store, as_of=day).to_json_dict()
    assert a == b
    assert FRAMEWORK_GRAPH in set(memory_store.graph_names())
