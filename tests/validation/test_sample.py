"""The committed audit sample (docs/audit-sample.md) still says what the data give.

Each committed row is recomputed from the repository's data: its outcome and the guidance
edition it cites must be as committed, so a change to the data, the framework or the shapes
that changes a sampled finding fails here until the table is regenerated
(`dutygraph audit --sample 30 --seed 7 --sample-out docs/audit-sample.md`) and reviewed.
The population has one row per finding (a paired requirement sharing it is named in its
row), says exactly how old an expired record is, and marks a record held uncertain.
"""

from __future__ import annotations

import datetime as dt

import pytest

from dutygraph import paths
from dutygraph.validation.records import age
from dutygraph.validation.sample import (
    Row,
    draw,
    parse_markdown,
    population,
    repository_store,
    to_markdown,
)

TABLE = paths.root() / "docs" / "audit-sample.md"


@pytest.fixture(scope="module")
def rows() -> list[Row]:
    return population(repository_store())


def test_the_committed_sample_has_thirty_rows() -> None:
    assert len(parse_markdown(TABLE.read_text(encoding="utf-8"))) == 30


def test_every_sampled_row_has_the_outcome_and_edition_the_data_now_give(
        rows: list[Row]) -> None:
    now = {r.key(): r for r in rows}
    stale = []
    for committed in parse_markdown(TABLE.read_text(encoding="utf-8")):
        current = now.get(committed.key())
        if current is None:
            stale.append(f"{committed.key()}: was {committed.outcome}, now not assessed")
        elif (current.outcome, current.edition) != (committed.outcome, committed.edition):
            stale.append(f"{committed.key()}: was {committed.outcome} / "
                         f"{committed.edition or '-'}, now {current.outcome} / "
                         f"{current.edition or '-'}")
    assert not stale, "regenerate docs/audit-sample.md and review: " + "; ".join(stale)


def test_a_changed_outcome_is_caught(rows: list[Row]) -> None:
    """The check above can fail: a table whose first row's outcome is altered is stale."""
    table = parse_markdown(to_markdown(draw(rows, 30, 7), 30, 7, len(rows)))
    first = table[0]
    altered = Row(**{**first.__dict__, "outcome": "not met" if first.outcome != "not met"
                     else "met"})
    now = {r.key(): r for r in rows}
    assert now[altered.key()].outcome != altered.outcome


def test_the_same_seed_draws_the_same_rows_and_another_seed_others(rows: list[Row]) -> None:
    assert draw(rows, 30, 7) == draw(rows, 30, 7)
    assert draw(rows, 30, 7) != draw(rows, 30, 8)


def test_the_table_round_trips(rows: list[Row]) -> None:
    sample = draw(rows, 30, 7)
    assert parse_markdown(to_markdown(sample, 30, 7, len(rows))) == sample


def test_no_finding_is_drawn_twice(rows: list[Row]) -> None:
    """One row per finding: a paired requirement that shares its finding (chair independent /
    not independent, DCS appointed / single) is named in the same row, not drawn again."""
    seen: dict[tuple[str, str, str, str], str] = {}
    twice = []
    for r in rows:
        key = (r.authority, r.as_of, r.about, r.why)
        if key in seen:
            twice.append(f"{r.requirement} repeats {seen[key]} ({key[:3]})")
        seen[key] = r.requirement
    assert not twice
    assert any(" + " in r.requirement for r in rows), "no paired requirement was merged"


def test_a_row_resting_on_an_expired_record_names_it_and_never_calls_the_documents_silent(
        rows: list[Row]) -> None:
    expired = [r for r in rows if "is older than its window" in r.why]
    assert expired
    for r in expired:
        assert "no record of it" not in r.locator, r
        assert r.locator.startswith("the latest record ("), r
        assert "data/local/record-windows.ttl" in r.locator, r


def test_a_met_row_resting_on_a_record_marked_uncertain_says_so(rows: list[Row]) -> None:
    uncertain = [r for r in rows if r.outcome == "met" and "marked uncertain" in r.locator]
    assert uncertain, "the Bromley DCS read from a job title is marked uncertain in the data"
    for r in uncertain:
        assert "the record is marked uncertain" in r.why, r


@pytest.mark.parametrize(("then", "day", "said"), [
    ("2013-05-07", "2019-04-30", "5 years 11 months"),
    ("2013-05-07", "2019-05-07", "6 years"),
    ("2013-05-07", "2019-05-06", "5 years 11 months"),
    ("2013-05-07", "2014-06-01", "1 year"),
    ("2025-11-11", "2026-03-12", "4 months"),
    ("2026-11-30", "2026-12-07", "7 days"),
    ("2026-12-06", "2026-12-07", "1 day"),
])
def test_an_age_is_said_exactly_in_years_and_months(then: str, day: str, said: str) -> None:
    assert age(dt.date.fromisoformat(then), dt.date.fromisoformat(day)) == said


def _document_days() -> dict[str, dt.date]:
    """Each source document's stem and the first day of its dcterms:date (data/sources)."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS

    out: dict[str, dt.date] = {}
    for f in sorted((paths.data_dir() / "sources").glob("*.ttl")):
        g = Graph().parse(f)
        for s, d in g.subject_objects(DCTERMS.date):
            parts = [int(x) for x in str(d)[:10].split("-")] + [1, 1]
            out[str(s).rsplit("/", 1)[-1]] = dt.date(parts[0], parts[1], parts[2])
    return out


def _qualified_citations() -> dict[tuple[str, str], str]:
    """(record, document stem) -> the paragraphs the record's qualified citations tie to
    that document, as a finding prints them (sorted, '; '-joined)."""
    from rdflib import Graph
    from rdflib.namespace import PROV

    from dutygraph.namespaces import DG

    g = Graph()
    for f in sorted((paths.data_dir() / "local").glob("*/*.ttl")):
        g.parse(f)
    locs: dict[tuple[str, str], set[str]] = {}
    for record, c in g.subject_objects(PROV.qualifiedDerivation):
        key = (str(record).replace("https://w3id.org/dutygraph/id/", ""),
               str(g.value(c, PROV.entity)).rsplit("/", 1)[-1])
        locs.setdefault(key, set()).update(str(x) for x in g.objects(c, DG.locator))
    return {k: "; ".join(sorted(v)) for k, v in locs.items()}


def test_no_row_cites_a_document_dated_after_its_audit_day(rows: list[Row]) -> None:
    """Issue 18, records from the future: Bromley's partnership audited on 30 April 2019
    once cited the 2023 governance page and the 2025 briefing beside the 2019 arrangements."""
    days = _document_days()
    late = [f"{r.as_of} {r.requirement} {r.about}: seed {stem} ({days[stem]})"
            for r in rows for stem in days
            if f"(seed {stem}," in r.locator and days[stem] > dt.date.fromisoformat(r.as_of)]
    assert not late
    assert any("(seed web-bscp-arrangements-2019," in r.locator and r.as_of == "2019-04-30"
               for r in rows)  # the check met the rows it is about


def test_each_cited_paragraph_is_printed_under_its_own_document(rows: list[Row]) -> None:
    """A record described by several documents prints "DOCUMENT, PARA" per document, with
    exactly the paragraphs its qualified citation ties to that document."""
    cited = _qualified_citations()
    assert cited
    seen, wrong = 0, []
    for r in rows:
        for (record, stem), paras in cited.items():
            head = f"{record} (seed {stem}, "
            at = r.locator.find(head)
            if at < 0:
                continue
            seen += 1
            rest = r.locator[at + len(head):]
            if not (rest == paras + ")" or rest.startswith(paras + "); ")):
                wrong.append(f"{r.as_of} {r.requirement}: {head}{rest[:120]}")
    assert seen and not wrong, wrong
