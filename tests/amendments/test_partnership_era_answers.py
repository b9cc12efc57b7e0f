"""Answers by date: today the safeguarding partners, in 2013 the LSCB, on 1 October 2019 both
(the LSCB superseded, the partnership in place). Validated on Bromley's shipped records."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph

from dutygraph import paths
from dutygraph.rdfio import parse_file
from dutygraph.validation import validate_graph

BSCP = "https://w3id.org/dutygraph/id/authority/bromley/bscp"
BSCB = "https://w3id.org/dutygraph/id/authority/bromley/bscb"


@pytest.fixture(scope="module")
def bromley() -> Graph:
    graph = Graph()
    for path in sorted((paths.data_dir() / "local" / "bromley").glob("*.ttl")):
        graph += parse_file(path)
    return graph


def _shapes_on(graph: Graph, day: dt.date, framework: Graph) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for f in validate_graph(graph, as_of=day, framework=framework).results:
        found.setdefault(f.focus, set()).add(f.shape.rsplit("/", 1)[1])
    return found


def test_today_bromleys_answer_is_its_three_safeguarding_partners_not_its_lscb(
        bromley: Graph, framework: Graph) -> None:
    found = _shapes_on(bromley, dt.date(2026, 12, 7), framework)
    assert "partnership-partners-named" not in found.get(BSCP, set())  # council, ICB, police
    assert "partnership-arrangements-published" not in found.get(BSCP, set())
    assert "partnership-independent-scrutiny" not in found.get(BSCP, set())
    assert found[BSCB] == {"lscb-superseded"}  # the LSCB is history, not an answer


def test_in_2013_bromleys_answer_is_its_lscb(bromley: Graph, framework: Graph) -> None:
    found = _shapes_on(bromley, dt.date(2013, 5, 7), framework)
    assert BSCP not in found  # the partnership's records are dated 2019 onwards
    assert "lscb-superseded" not in found.get(BSCB, set())


def test_on_1_october_2019_bromley_has_both_its_superseded_lscb_and_its_partnership(
        bromley: Graph, framework: Graph) -> None:
    found = _shapes_on(bromley, dt.date(2019, 10, 1), framework)
    assert "lscb-superseded" in found[BSCB]
    assert "partnership-partners-named" not in found.get(BSCP, set())  # council, CCG, police
    assert "partnership-arrangements-published" not in found.get(BSCP, set())
