"""Removing any required element from a valid arrangement makes the matching finding appear,
citing its provision. The valid arrangement is the case "a complete arrangement conforms on
7 May 2013"; each removal below takes one thing out of it."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, URIRef

from dutygraph.namespaces import DG
from dutygraph.rdfio import parse_file
from dutygraph.validation import validate_graph
from dutygraph.validation.shapes import load_shapes

from .casekit import CASES_DIR, SHAPE_NS, expand

COMPLETE = CASES_DIR / "a complete arrangement conforms on 7 May 2013" / "data.ttl"
DAY = dt.date(2013, 5, 7)
T = "testshire:"

# Provisions, shortened: CA = CA 2004 section, REG = SI 2006/90 regulation, WT = WT 2013 ch. 3.
CA = "leg:ukpga/2004/31/section/"
REG = "leg:uksi/2006/90/regulation/"
WT = "gd:wt2013-ch3-"
PARTNER = "lscb-partner-representative"
RECIPIENTS = "annual-report-recipients"

# (what is removed: a subject, or (subject, predicate); shape; provision; value or None)
REMOVALS = [
    ((T + "lscb", "dg:establishedBy"), "lscb-established", CA + "13/1", None),
    (T + "m-council", "lscb-authority-representative", REG + "3/1", None),
    (T + "m-police", PARTNER, CA + "13/3/b", "pk:police"),
    (T + "m-offender-management", PARTNER, CA + "13/3/ca",
     "pk:secretary-of-state-offender-management"),
    (T + "m-probation", PARTNER, CA + "13/3/cb", "pk:probation-provider"),
    (T + "m-yot", PARTNER, CA + "13/3/d", "pk:youth-offending-team"),
    (T + "m-nhs-cb", PARTNER, CA + "13/3/da", "pk:nhs-commissioning-board"),
    (T + "m-ccg", PARTNER, CA + "13/3/db", "pk:clinical-commissioning-group"),
    (T + "m-cafcass", PARTNER, CA + "13/3/h", "pk:cafcass"),
    (T + "m-lay-2", "lscb-lay-members", CA + "13/4A", None),
    (T + "m-schools", "lscb-education-representation", CA + "13/4", None),
    (T + "appt-chair", "lscb-chair-appointed", REG + "4", None),
    (T + "link-consults-police", "lscb-chair-appointed-by-authority", REG + "4", None),
    (T + "link-chair-appointed", "lscb-chair-appointed-by-chief-executive",
     WT + "chair-appointment", None),
    ((T + "post-chair", "dg:independent"), "lscb-chair-independent", WT + "independent-chair",
     None),
    (T + "link-chair-accountable", "lscb-chair-accountable-to-chief-executive",
     WT + "chair-accountability", None),
    (T + "ev-a-i", "lscb-reg5-functions", REG + "5/1/a/i", "fn:reg5-1-a-i"),
    (T + "ev-a-vi", "lscb-reg5-functions", REG + "5/1/a/vi", "fn:reg5-1-a-vi"),
    (T + "ev-b", "lscb-reg5-functions", REG + "5/1/b", "fn:reg5-1-b"),
    (T + "ev-c", "lscb-reg5-functions", REG + "5/1/c", "fn:reg5-1-c"),
    (T + "ev-d", "lscb-reg5-functions", REG + "5/1/d", "fn:reg5-1-d"),
    (T + "ev-e", "lscb-reg5-functions", REG + "5/1/e", "fn:reg5-1-e"),
    (T + "ev-6-a", "lscb-reg6-functions", REG + "6/1/a", "fn:reg6-1-a"),
    (T + "ev-6-b", "lscb-reg6-functions", REG + "6/1/b", "fn:reg6-1-b"),
    (T + "annual-report", "annual-report-recorded", CA + "14A", None),
    ((T + "annual-report", "dg:publishedOn"), "annual-report-current", CA + "14A", None),
    (T + "to-ce", RECIPIENTS, WT + "annual-report-recipients", "role:chief-executive"),
    (T + "to-leader", RECIPIENTS, WT + "annual-report-recipients", "role:leader"),
    (T + "to-pcc", RECIPIENTS, WT + "annual-report-recipients",
     "role:police-and-crime-commissioner"),
    (T + "to-hwb-chair", RECIPIENTS, WT + "annual-report-recipients", "role:hwb-chair"),
    (T + "appt-dcs", "dcs-appointed", CA + "18/1", None),
    (T + "appt-lead-member", "lead-member-designated", CA + "19/1", None),
    (T + "m-lead-member", "lead-member-participating-observer", WT + "lead-member", None),
]


def _without(graph: Graph, what: str | tuple[str, str]) -> Graph:
    out = Graph()
    out += graph
    if isinstance(what, tuple):
        subject, prop = URIRef(expand(what[0])), what[1]
        pred = DG[prop.split(":", 1)[1]]
        assert (subject, pred, None) in out, f"{what} is not in the complete arrangement"
        out.remove((subject, pred, None))
    else:
        subject = URIRef(expand(what))
        assert (subject, None, None) in out, f"{what} is not in the complete arrangement"
        out.remove((subject, None, None))
    return out


@pytest.fixture(scope="module")
def complete() -> Graph:
    return parse_file(COMPLETE)


def test_the_complete_arrangement_conforms(complete: Graph, framework: Graph) -> None:
    assert validate_graph(complete, as_of=DAY, framework=framework).conforms


@pytest.mark.parametrize(("removed", "shape", "provision", "value"), REMOVALS,
                         ids=[f"removing {r[0] if isinstance(r[0], str) else ' '.join(r[0])} "
                              f"gives {r[1]}" for r in REMOVALS])
def test_removing_a_required_element_makes_its_finding_appear(
        removed: str | tuple[str, str], shape: str, provision: str, value: str | None,
        complete: Graph, framework: Graph) -> None:
    report = validate_graph(_without(complete, removed), as_of=DAY, framework=framework)
    hits = [f for f in report.results if f.shape == SHAPE_NS + shape
            and (value is None or f.value == expand(value))]
    assert hits, f"no {shape} finding; got {[f.shape for f in report.results]}"
    assert all(expand(provision) in f.provisions for f in hits)
    assert all(f.message for f in hits)


def test_every_shape_that_applies_to_the_complete_arrangement_is_exercised_by_a_removal() -> None:
    removed = {r[1] for r in REMOVALS}
    # The other shapes need something added, not removed (a second DCS post, a chair recorded
    # as not independent, a dual-role DCS, a date after 2019); their cases cover them.
    added = {"lscb-chair-not-independent", "dcs-single-officer", "lead-member-single",
             "dcs-assurance-test", "lead-member-full-member", "lscb-superseded",
             "safeguarding-partner-arrangements"}
    # Good practice dated after DAY (Harrow's protocol of April 2015): removed on its own day
    # below.
    added |= {CPP}
    # Shapes for the safeguarding partner era (partnership-*.ttl) have their own cases.
    every = {str(s.iri).rsplit("/", 1)[-1] for s in load_shapes().shapes
             if not s.concern.startswith("partnership")}
    assert every == removed | added


CPP = "corporate-parenting-lscb-reporting"
CPP_PRACTICE = "gd:harrow-hscb-cpp-protocol-2015-relationship"


@pytest.mark.parametrize(("day", "expected"), [
    (dt.date(2015, 4, 1), True),    # the protocol's date
    (dt.date(2016, 1, 1), True),
    (dt.date(2019, 9, 29), True),   # the last day an LSCB could stand
    (DAY, False),                   # 2013: before the protocol
    (dt.date(2015, 3, 31), False),  # the day before it
    (dt.date(2019, 9, 30), False),  # no LSCB to report to
])
def test_without_the_panels_report_to_the_board_a_finding_appears_only_while_the_practice_applies(
        day: dt.date, expected: bool, complete: Graph, framework: Graph) -> None:
    # (The complete arrangement's own records are dated 2013: on the later days the record
    # windows may leave them out as stale, so only the days before the practice are checked
    # without the removal too.)
    if not expected:
        complete_report = validate_graph(complete, as_of=day, framework=framework)
        assert not [f for f in complete_report.results if f.shape == SHAPE_NS + CPP]
    report = validate_graph(_without(complete, T + "lscb-receives-cpp-report"), as_of=day,
                            framework=framework)
    hits = [f for f in report.results if f.shape == SHAPE_NS + CPP]
    assert bool(hits) == expected
    # Cited to the protocol alone: never to CA 2004 s14(1)(a) or CA 1989 s22(4), which do not
    # say it.
    assert all({str(p) for p in f.provisions} == {expand(CPP_PRACTICE)} for f in hits)
