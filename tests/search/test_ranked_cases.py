"""The ranked search finds words by stem, prefix and spelling and ranks them by bm25, the same
from the file written with a generation as from the index built in memory.

The cases are data (cases/ranked.yaml over cases/texts.ttl), in families; every case runs on
each way an index comes to be: the file of an on-disk embedded store's generation, an
in-memory Oxigraph store's index and the memory store's (rdflib) index.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, URIRef

from dutygraph.search import index_for
from dutygraph.store import EmbeddedStore, MemoryStore, Store

CASES = Path(__file__).parent / "cases"
THING = "https://w3id.org/dutygraph/id/test/"
GRAPH = URIRef("https://w3id.org/dutygraph/graph/search-test")
FAMILIES: dict[str, list[dict[str, Any]]] = yaml.safe_load(
    (CASES / "ranked.yaml").read_text(encoding="utf-8"))
KINDS = ["file", "embedded-in-memory", "memory"]


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Store]:
    graph = Graph().parse(CASES / "texts.ttl", format="turtle")
    made: dict[str, Store] = {
        "file": EmbeddedStore(tmp_path_factory.mktemp("ranked") / "store"),
        "embedded-in-memory": EmbeddedStore(None),
        "memory": MemoryStore(),
    }
    for store in made.values():
        store.replace_graphs({GRAPH: graph}, drop_others=True)
    assert index_for(made["file"]).source.endswith(".sqlite")  # read from the file
    assert index_for(made["memory"]).source == ":memory:"
    return made


def _case_id(family: str, case: dict[str, Any]) -> str:
    return f"{family}:{case['text'].strip() or 'blank'}"


PARAMS = [pytest.param(kind, family, case, id=f"{_case_id(family, case)}-{kind}")
          for family, cases in FAMILIES.items() for case in cases for kind in KINDS]


@pytest.mark.parametrize(("kind", "family", "case"), PARAMS)
def test_a_ranked_search_finds_and_orders_what_its_case_says(
        kind: str, family: str, case: dict[str, Any], stores: dict[str, Store]) -> None:
    hits = index_for(stores[kind]).ranked(case["text"])
    found = [h.item.removeprefix(THING) for h in hits]
    if case.get("none"):
        assert found == [], family
        return
    assert found, family
    if "first" in case:
        assert found[0] == case["first"], found
    for name in case.get("finds", []):
        assert name in found, found
    for name in case.get("not", []):
        assert name not in found, found


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_family_has_cases_that_find_and_cases_that_do_not(family: str) -> None:
    """A family of one kind of answer only would not show the matching is selective."""
    cases = FAMILIES[family]
    assert len(cases) >= 4
    assert any(c.get("not") or c.get("none") for c in cases) or family == "stemming"
    assert any(not c.get("none") for c in cases)


def test_the_file_and_the_memory_indexes_rank_alike(stores: dict[str, Store]) -> None:
    for cases in FAMILIES.values():
        for case in cases:
            ranked = [[(h.item, h.kind, h.matched) for h in index_for(stores[k]).ranked(
                case["text"])] for k in KINDS]
            assert ranked[0] == ranked[1] == ranked[2], case["text"]
