"""The committed audit sample (docs/audit-sample.md) still says what the data give.

Each committed row is recomputed from the repository's data: its outcome and the guidance
edition it cites must be as committed, so a change to the data, the framework or the shapes
that changes a sampled finding fails here until the table is regenerated
(`dutygraph audit --sample 30 --seed 7 --sample-out docs/audit-sample.md`) and reviewed.
"""

from __future__ import annotations

import pytest

from dutygraph import paths
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
