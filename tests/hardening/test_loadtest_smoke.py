"""A few seconds of `make loadtest` (issue 8 §4): the production server under a small mixed
load answers every normal request and gives pathological queries their 503; the report is
written. (The full run is `make loadtest`; its figures are in bench/loadtest.md.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools import attack, loadtest


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.xdist_group("hardening-serve")
def test_a_short_load_run_has_no_errors_and_writes_its_report(built_store: Path,
                                                             tmp_path: Path) -> None:
    loadtest.main(["--store", str(built_store), "--out", str(tmp_path), "--clients", "4",
                   "--seconds", "3", "--client-processes", "2", "--query-timeout", "2"])
    results = json.loads((tmp_path / "loadtest.json").read_text(encoding="utf-8"))
    normal, pathological = results["phases"]
    assert normal["errors"] == 0, normal["error_examples"]
    assert pathological["errors"] == 0, pathological["error_examples"]
    assert normal["normal"]["requests"] > 0
    assert pathological["pathological"]["requests"] > 0
    assert set(pathological["pathological"]["statuses"]) == {"503"}
    assert {"page", "named", "sparql", "validate"} <= set(normal["by_kind"])
    assert results["memory"]["before"]["processes"] >= 3  # gunicorn and two workers
    report = (tmp_path / "loadtest.md").read_text(encoding="utf-8")
    assert "requests/s" in report and "p99" in report


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.xdist_group("hardening-serve")
def test_a_short_attack_run_leaves_the_cheap_client_answered_and_writes_its_report(
        built_store: Path, tmp_path: Path) -> None:
    """A few seconds of the attack profile (slow-header sockets, heavy queries, uploads):
    the ordinary client from another address gets every answer (its latency is reported,
    not asserted: no timed assertions on a shared machine)."""
    attack.main(["--store", str(built_store), "--out", str(tmp_path), "--seconds", "4",
                 "--query-timeout", "2"])
    results = json.loads((tmp_path / "attack.json").read_text(encoding="utf-8"))
    assert results["cheap"]["requests"] > 0
    assert results["cheap"]["errors"] == 0, results["cheap"]["statuses"]
    assert results["slow_sockets"].get("opened", 0) >= 24
    assert sum(results["heavy"].values()) > 0
    assert set(results["heavy"]) <= {"503"}, results["heavy"]
    report = (tmp_path / "attack.md").read_text(encoding="utf-8")
    assert "cheap query p99" in report and "MB PSS" in report
