"""Guidance is dated one way: by its edition (ontology/README.md, "Guidance editions").

An edition's dg:validFrom / dg:validThrough are its dates; a passage is in force from its
edition's start to its own dg:validThrough, else its edition's end. The eli: dates that
editions and passages also carry (read by impact and what-changed, which treat every provision
alike) must repeat that window exactly; before this test the WT 2013 edition and passages said
2019-09-29 in eli: and 2015-03-25 in dg:, so what-changed listed WT 2013 ceasing twice.
"""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

DG = Namespace("https://w3id.org/dutygraph/def#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
GD = Namespace("https://w3id.org/dutygraph/id/guidance/")


def _day(graph: Graph, node: URIRef, prop: URIRef) -> dt.date | None:
    value = graph.value(node, prop)
    return value.toPython() if isinstance(value, Literal) else None


def _editions(graph: Graph) -> list[URIRef]:
    return sorted(e for e in graph.subjects(RDF.type, DG.GuidanceEdition) if isinstance(e, URIRef))


def _passages(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    return sorted((p, e) for e in _editions(graph) for p in graph.subjects(ELI.is_part_of, e)
                  if isinstance(p, URIRef) and (p, RDF.type, DG.Provision) in graph)


def window(graph: Graph, passage: URIRef, edition: URIRef) -> tuple[dt.date | None, dt.date | None]:
    """The days a passage is in force, as validation and the named queries read them."""
    own_end = _day(graph, passage, DG.validThrough)
    return (_day(graph, edition, DG.validFrom),
            own_end if own_end is not None else _day(graph, edition, DG.validThrough))


def test_there_are_editions_and_passages_to_check(framework_only: Graph) -> None:
    assert len(_editions(framework_only)) >= 9
    assert len(_passages(framework_only)) >= 30


def test_every_edition_has_a_start_and_its_eli_dates_repeat_its_own(framework_only: Graph) -> None:
    wrong = {}
    for edition in _editions(framework_only):
        start, end = _day(framework_only, edition, DG.validFrom), _day(
            framework_only, edition, DG.validThrough)
        eli_start = _day(framework_only, edition, ELI.first_date_entry_in_force)
        eli_end = _day(framework_only, edition, ELI.date_no_longer_in_force)
        if start is None or (eli_start is not None and eli_start != start) or (
                eli_end is not None and eli_end != end):
            wrong[str(edition)] = (start, end, eli_start, eli_end)
    assert not wrong


def test_every_passages_eli_dates_repeat_the_window_of_its_edition(framework_only: Graph) -> None:
    wrong = {}
    for passage, edition in _passages(framework_only):
        start, end = window(framework_only, passage, edition)
        eli_start = _day(framework_only, passage, ELI.first_date_entry_in_force)
        eli_end = _day(framework_only, passage, ELI.date_no_longer_in_force)
        if (eli_start is not None and eli_start != start) or (eli_end != end and (
                eli_end is not None or eli_start is not None)):
            wrong[str(passage)] = ((start, end), (eli_start, eli_end))
    assert not wrong


@pytest.mark.parametrize(("passage", "start", "end"), [
    ("wt2013-ch3-chair-accountability", dt.date(2013, 4, 15), dt.date(2015, 3, 25)),
    ("wt2013-ch3-lay-members", dt.date(2013, 4, 15), dt.date(2015, 3, 25)),
    ("wt2015-ch3-chair-accountability", dt.date(2015, 3, 26), dt.date(2019, 9, 29)),
    ("wt2010-dcs-accountability-for-lscb", dt.date(2010, 4, 1), dt.date(2013, 4, 14)),
    ("wt2020-ch3-published-arrangements", dt.date(2020, 12, 9), dt.date(2023, 12, 14)),
    ("wt2023-ch2-published-arrangements", dt.date(2023, 12, 15), None),
    ("dcs-lmcs-2012-para-5", dt.date(2012, 4, 3), dt.date(2013, 4, 7)),
])
def test_a_guidance_passage_is_in_force_for_its_editions_window(
    framework_only: Graph, passage: str, start: dt.date, end: dt.date | None,
) -> None:
    edition = framework_only.value(GD[passage], ELI.is_part_of)
    assert isinstance(edition, URIRef)
    assert window(framework_only, GD[passage], edition) == (start, end)
    assert _day(framework_only, GD[passage], ELI.first_date_entry_in_force) == start
    assert _day(framework_only, GD[passage], ELI.date_no_longer_in_force) == end


@pytest.mark.parametrize(("kind", "prop"), [
    (DG.Function, DG.imposedBy),      # functions-evidence cites each function's provision
    (None, DG.listedBy),              # board-partners cites each partner kind's list
])
def test_the_queries_without_an_edition_filter_cite_no_guidance(
    framework_only: Graph, kind: URIRef | None, prop: URIRef,
) -> None:
    # board-partners and functions-evidence filter by the statement's own dates only, which is
    # right while what they cite is statute. A function imposed by, or a partner kind listed
    # by, a guidance passage would need the edition-in-force test duties-of has (issue 19).
    subjects = (set(framework_only.subjects(RDF.type, kind)) if kind is not None
                else set(framework_only.subjects(prop, None)))
    assert subjects
    cited = {(str(s), str(o)) for s in subjects for o in framework_only.objects(s, prop)
             if (o, RDF.type, DG.GuidanceProvision) in framework_only}
    assert cited == set()
