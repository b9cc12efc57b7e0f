"""Every case file of tests/cases/queries runs through the library on rdflib and Oxigraph.

One runner for all cases: adding a question's scenario is adding a YAML file, no Python.
Cases without `data` run against the repository's own data (framework, Bromley, Harrow).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from dutygraph.datasets import repository_files
from dutygraph.errors import InputError
from dutygraph.namespaces import ONTOLOGY_GRAPH
from dutygraph.queries import run_query
from dutygraph.rdfio import parse_file
from dutygraph.store import EmbeddedStore, MemoryStore, Store

from .cases import Case, all_cases, matches

CASES = all_cases()
PARAMS = [pytest.param(case, kind, id=f"{case.id}[{kind}]")
          for case in CASES for kind in case.stores]


@functools.lru_cache(maxsize=8)
def _case_store(data: Path, kind: str) -> Store:
    ontology = Graph()
    for df in repository_files():
        if df.graph == ONTOLOGY_GRAPH:
            ontology += parse_file(df.path)
    store: Store = MemoryStore() if kind == "memory" else EmbeddedStore()
    store.replace_graphs({ONTOLOGY_GRAPH: ontology,
                          URIRef(f"urn:dutygraph:test-case:{data.stem}"): parse_file(data)})
    return store


def _show(records: list[dict]) -> str:
    return "\n".join(repr({k: v for k, v in r.items() if v not in (None, "")})
                     for r in records[:30])


@pytest.mark.parametrize(("case", "kind"), PARAMS)
def test_the_case_answers_as_expected(case: Case, kind: str,
                                      request: pytest.FixtureRequest) -> None:
    if case.data is None:
        store = request.getfixturevalue("memory_store" if kind == "memory" else "embedded_store")
    else:
        store = _case_store(case.data, kind)
    if case.error:
        with pytest.raises(InputError) as info:
            run_query(store, case.query, case.params)
        assert info.value.parameter == case.error["parameter"], str(info.value)
        assert case.error.get("contains", "") in str(info.value), str(info.value)
        return
    records = run_query(store, case.query, case.params).records()
    for expected in case.rows:
        assert any(matches(expected, r) for r in records), \
            f"{case.path.name}: no row matches {expected}; rows:\n{_show(records)}"
    for unwanted in case.absent:
        assert not any(matches(unwanted, r) for r in records), \
            f"{case.path.name}: a row matches {unwanted}, which should be absent"
    if case.count is not None:
        assert len(records) == case.count, f"{case.path.name}: rows:\n{_show(records)}"


def test_there_is_a_case_for_every_query() -> None:
    from dutygraph.queries import catalogue

    covered = {case.query for case in CASES}
    assert {q.name for q in catalogue()} <= covered
