"""The compliance matrix: the right status in each cell, on either side of the key dates."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph

from dutygraph.rdfio import parse_file
from dutygraph.store import Store
from dutygraph.validation.audit import (
    MET,
    NOT_APPLICABLE,
    NOT_EVIDENCED,
    NOT_MET,
    SUPERSEDED,
    audit_store,
    audit_view,
)
from dutygraph.validation.dataset import view_of_upload
from dutygraph.validation.dates import AsOf

from .casekit import CASES_DIR

BROMLEY = "https://w3id.org/dutygraph/id/authority/bromley"
HARROW = "https://w3id.org/dutygraph/id/authority/harrow"
TESTSHIRE = "https://w3id.org/dutygraph/id/authority/testshire"


def status(matrix, authority: str, slug: str) -> str:  # type: ignore[no-untyped-def]
    shape = next(s for s in matrix.requirements if str(s.iri).endswith("/" + slug))
    return matrix.cell(authority, shape).status


def test_every_authority_has_a_status_for_every_requirement(embedded_store: Store) -> None:
    m = audit_store(embedded_store, as_of=dt.date(2013, 5, 7))
    assert len(m.cells) == len(m.authorities) * len(m.requirements) == 2 * len(m.requirements)


def test_bromley_on_7_may_2013(embedded_store: Store) -> None:
    m = audit_store(embedded_store, as_of=dt.date(2013, 5, 7))
    assert status(m, BROMLEY, "lscb-established") == MET
    assert status(m, BROMLEY, "dcs-assurance-test") == MET
    assert status(m, BROMLEY, "lscb-reg5-functions") == NOT_EVIDENCED
    assert status(m, BROMLEY, "lscb-superseded") == NOT_APPLICABLE
    assert status(m, HARROW, "dcs-assurance-test") == NOT_APPLICABLE


def test_after_29_september_2019_lscb_requirements_are_superseded(embedded_store: Store) -> None:
    m = audit_store(embedded_store, as_of=dt.date(2019, 9, 30))
    for authority in (BROMLEY, HARROW):
        assert status(m, authority, "lscb-superseded") == SUPERSEDED
        assert status(m, authority, "lscb-partner-representative") == SUPERSEDED
        assert status(m, authority, "annual-report-recipients") == SUPERSEDED
        # Bromley's partnership is recorded from its April 2019 arrangements
        # (data/local/bromley/bscp-partnership.ttl); Harrow's is not.
        expected = MET if authority == BROMLEY else NOT_EVIDENCED
        assert status(m, authority, "safeguarding-partner-arrangements") == expected
        # s18 did not end (not superseded); the only DCS records (2013, 2011) are older than
        # the four-year window of an appointment (data/local/record-windows.ttl).
        assert status(m, authority, "dcs-appointed") == NOT_EVIDENCED
    before = audit_store(embedded_store, as_of=dt.date(2019, 9, 29))
    assert status(before, BROMLEY, "lscb-partner-representative") == NOT_EVIDENCED
    assert status(before, BROMLEY, "lscb-superseded") == NOT_APPLICABLE


def test_before_working_together_2013_its_requirements_are_not_applicable(
        embedded_store: Store) -> None:
    m = audit_store(embedded_store, as_of=dt.date(2011, 3, 28))
    assert status(m, HARROW, "lscb-chair-independent") == NOT_APPLICABLE
    assert status(m, HARROW, "annual-report-recipients") == NOT_APPLICABLE
    assert status(m, HARROW, "lscb-partner-representative") == NOT_EVIDENCED


def test_data_that_show_the_guidance_not_followed_are_not_met(framework: Graph) -> None:
    data = parse_file(CASES_DIR / "a chair recorded as not independent is reported as not met"
                      / "data.ttl")
    m = audit_view(view_of_upload(data, framework), AsOf(dt.date(2013, 5, 7)))
    assert status(m, TESTSHIRE, "lscb-chair-not-independent") == NOT_MET
    assert status(m, TESTSHIRE, "lscb-chair-independent") == MET


def test_the_csv_has_one_row_per_authority_and_requirement(embedded_store: Store) -> None:
    m = audit_store(embedded_store, as_of=dt.date(2015, 4, 1))
    lines = m.to_csv().strip().split("\n")
    assert len(lines) == 1 + len(m.cells)
    assert lines[0].startswith("as_of,authority,authority_label,requirement")


@pytest.mark.parametrize("day", [dt.date(2011, 3, 28), dt.date(2013, 5, 7), dt.date(2015, 4, 1)],
                         ids=["2011-03-28", "2013-05-07", "2015-04-01"])
def test_validate_and_audit_give_each_authority_the_same_outcomes(
        day: dt.date, embedded_store: Store) -> None:
    from dutygraph.validation import validate_store

    matrix = audit_store(embedded_store, as_of=day)
    for iri, _label in matrix.authorities:
        report = validate_store(embedded_store, authority=iri, as_of=day)
        cells = [c for (a, _s), c in matrix.cells.items() if a == iri]
        column = {k: sum(1 for c in cells if c.status == k) for k in report.requirements}
        assert report.requirements == column
        outcomes = {k: sum(1 for c in cells for f in c.findings if f.outcome == k)
                    for k in report.outcomes()}
        assert report.outcomes() == outcomes


def test_silence_is_never_not_met_in_the_shipped_data_unless_a_statement_says_so(
        embedded_store: Store) -> None:
    """Every not-met finding of the shipped data rests on a record a document states."""
    for day in (dt.date(2011, 3, 28), dt.date(2013, 5, 7), dt.date(2015, 4, 1)):
        m = audit_store(embedded_store, as_of=day)
        for c in m.cells.values():
            for f in c.findings:
                if f.outcome == NOT_MET:
                    assert f.evidence and all(e.source and e.locator for e in f.evidence), f
