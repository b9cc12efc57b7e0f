"""Each benchmark stage has a budget of its own: a stage past it, or failing, is recorded and
the next stage still runs; a failed command's standard error is kept for the report.

Nothing here asserts how long anything took: the stages sleep far past their budgets, and the
tests check only what results.json says about them.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest
from tools.bench import __main__ as bench
from tools.bench.procs import CommandFailed, run_command


@pytest.fixture
def run(tmp_path: Path) -> bench.Run:
    return bench.Run(tmp_path, [20], seconds=600)


def test_a_stage_past_its_budget_is_stopped_and_the_next_runs(run: bench.Run) -> None:
    ran = []
    with run.stage(20, "slow", budget_s=1):
        time.sleep(60)
        ran.append("slow finished")
    with run.stage(20, "next", budget_s=30):
        ran.append("next")
    assert ran == ["next"]
    [error] = run.results["errors"]
    assert error["stage"] == "slow" and error["over_budget"]
    assert error["error"] == "stopped at its budget of 1 s"
    assert [name for name, _s in run.results["stage_seconds"]] == ["20:slow", "20:next"]


def test_a_worker_process_is_stopped_with_its_stage(run: bench.Run) -> None:
    """run_command's process group dies with the stage, and the stage says why."""
    with run.stage(20, "sleeper", budget_s=1):
        run_command([sys.executable, "-c", "import time; time.sleep(60)"], timeout=120)
    [error] = run.results["errors"]
    assert error["error"] == "stopped at its budget of 1 s"


@pytest.mark.parametrize(("code", "stderr"), [(3, "dutygraph build: store error: full disk"),
                                              (2, "dutygraph build: error: no such file")])
def test_a_failing_command_s_standard_error_is_recorded(run: bench.Run, code: int,
                                                        stderr: str) -> None:
    script = f"import sys; sys.stderr.write({stderr!r} + '\\n'); sys.exit({code})"
    with pytest.raises(CommandFailed) as failed:
        run_command([sys.executable, "-c", script], timeout=60)
    assert f"exited {code}: {stderr}" in str(failed.value)
    with run.stage(20, "build", budget_s=60):
        raise failed.value
    [error] = run.results["errors"]
    assert stderr in error["stderr"] and f"exited {code}" in error["error"]


def test_a_stage_that_would_start_after_the_run_s_limit_is_recorded_as_not_run(
        tmp_path: Path) -> None:
    late = bench.Run(tmp_path, [20], seconds=5)
    ran = []
    with late.stage(20, "late", budget_s=60):
        late.go()
        ran.append("late")
    assert ran == []
    [error] = late.results["errors"]
    assert error["error"].startswith("not run: the run's")


@pytest.mark.parametrize(("costs", "timed"), [
    ([2.0, 0.01, 0.01, 0.01, 0.01], 4),  # a slow first call is a warm-up, not the figure
    ([0.01, 5.0, 5.0, 5.0], 1),  # a warm call over the budget: one figure says so
])
def test_named_queries_are_timed_warm(monkeypatch: pytest.MonkeyPatch,
                                      costs: list[float], timed: int) -> None:
    """time_calls counts calls, not seconds: a fake clock advances by each call's cost."""
    from tools.bench import queries

    clock = [0.0]
    left = list(costs)

    def call() -> list[int]:
        clock[0] += left.pop(0) if left else 0.01
        return [1, 2]

    monkeypatch.setattr(queries.time, "perf_counter", lambda: clock[0])
    sample = queries.time_calls(call, reps=4, budget_s=1.0)
    assert len(sample.runs) == timed and sample.extra["rows"] == 2
    assert max(sample.runs) < 1.0 or timed == 1
