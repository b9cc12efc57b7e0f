"""Validating all authorities in batches gives what validating each one alone gives.

validation.api.run_view runs every step per batch of authorities (the records left out on
the day, the shapes, the report, the cells) because an authority's findings depend only on
its own graphs and the shared ones (validation/dataset.py). These tests hold it to that on the
repository's data plus six synthetic authorities, half of them with planted defects, on days
with records from the future (2013) and with stale records (2019, data/local/record-windows.ttl):
batches of two give the report of the whole view in one batch, and the report of all
authorities is the union of the reports of each authority alone.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from tools import synth

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.store import EmbeddedStore
from dutygraph.validation.api import run_view, validate_store
from dutygraph.validation.dataset import Layout, view_of_store
from dutygraph.validation.dates import AsOf
from dutygraph.validation.records import left_out
from dutygraph.validation.report import ValidationReport

SYNTHETIC = 6
DAYS = [dt.date(2013, 5, 7), synth.AS_OF, dt.date(2019, 9, 30)]
WHOLE = 10**6  # a batch larger than any data: the whole view at once


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    """The repository's graphs and six synthetic authorities, each authority in its own named
    graph as `dutygraph build --with` puts it."""
    path: Path = tmp_path_factory.mktemp("union") / "six.nt"
    synth.write(path, SYNTHETIC, seed=7, defect_rate=0.5)
    held = EmbeddedStore()
    held.replace_graphs(load_graphs(repository_files(), [path]), drop_others=True)
    return held


def _cells(report: ValidationReport) -> dict[tuple[str, str], Any]:
    return {key: (cell.status, [f.to_json_dict() for f in cell.findings], cell.satisfied,
                  [f.to_json_dict() for f in cell.answered])
            for key, cell in report.cells.items()}


def _whole(report: ValidationReport) -> dict[str, Any]:
    return {"json": report.to_json_dict(), "text": report.to_text(),
            "authorities": report.authorities, "source_dates": report.source_dates,
            "cells": _cells(report)}


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_the_days_have_records_from_the_future_or_stale_ones(
        store: EmbeddedStore, day: dt.date) -> None:
    found = left_out(view_of_store(store, None), AsOf(day))
    assert found.future or found.stale
    if day.year < 2015:
        assert found.future, "no record from the future to leave out"
    if day.year > 2018:
        assert found.stale, "no stale record to leave out"


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_validating_in_batches_of_two_gives_the_report_of_the_whole_view(
        store: EmbeddedStore, day: dt.date) -> None:
    whole = run_view(view_of_store(store, None), AsOf(day), "fast", None, batch=WHOLE)
    batched = run_view(view_of_store(store, None), AsOf(day), "fast", None, batch=2)
    assert whole.authorities and whole.ignored_records > 0
    if day >= synth.AS_OF:  # the synthetic authorities' records begin after 2013
        assert len(whole.authorities) > SYNTHETIC
    assert _whole(batched) == _whole(whole)


@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_validating_all_authorities_gives_the_union_of_validating_each_alone(
        store: EmbeddedStore, day: dt.date) -> None:
    every = validate_store(store, as_of=day)
    slugs = sorted(Layout.of(str(n) for n in store.graph_names()).owned)
    alone = [validate_store(store, authority=slug, as_of=day) for slug in slugs]
    assert len(slugs) > SYNTHETIC
    # An authority named alone is reported even when the day leaves all of it out (the
    # synthetic ones in 2013); all authorities are those the day's records show.
    validated = {iri for iri, _label in every.authorities}
    shown = [r for r in alone if r.authorities[0][0] in validated]
    assert sorted(a for r in shown for a in r.authorities) == sorted(every.authorities)
    assert (Counter(str(f.to_json_dict()) for r in alone for f in r.results)
            == Counter(str(f.to_json_dict()) for f in every.results))
    assert {k: c for r in shown for k, c in _cells(r).items()} == _cells(every)
    assert sum(r.ignored_records for r in alone) == every.ignored_records
    assert every.results and every.ignored_records > 0
