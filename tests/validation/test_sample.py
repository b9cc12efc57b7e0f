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
