"""Timing and memory helpers shared by every benchmark stage.

Every figure in the report is a median of repetitions that are bounded twice: by a count and by
a time budget, so that a slow engine at N = 1,530 costs seconds, not the whole run. A stage
always records how many repetitions it actually ran, so the report can say so.
"""

from __future__ import annotations

import gc
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import psutil


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); with few samples p95/p99 is the maximum."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.4999)))
    return ordered[rank - 1]


@dataclass
class Sample:
    """Repeated timings of one thing, in seconds."""

    runs: list[float] = field(default_factory=list)
    note: str = ""
    error: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    def to_json(self, unit: str = "s") -> dict[str, Any]:
        scale = 1000.0 if unit == "ms" else 1.0
        out: dict[str, Any] = {"n": len(self.runs)}
        if self.runs:
            out[f"median_{unit}"] = round(self.median * scale, 4)
            out[f"p50_{unit}"] = round(percentile(self.runs, 50) * scale, 4)
            out[f"p95_{unit}"] = round(percentile(self.runs, 95) * scale, 4)
            out[f"min_{unit}"] = round(min(self.runs) * scale, 4)
            out[f"max_{unit}"] = round(max(self.runs) * scale, 4)
        if self.note:
            out["note"] = self.note
        if self.error:
            out["error"] = self.error
        out.update(self.extra)
        return out


def repeat(fn: Callable[[], Any], *, reps: int, budget_s: float, warmup: int = 0,
           setup: Callable[[], Any] | None = None) -> Sample:
    """Time fn() up to reps times, stopping early once budget_s is spent (at least once).

    setup() runs before each repetition, outside the timing (e.g. to clear a target folder).
    An exception stops the repetitions and is recorded, not raised: one broken engine must not
    take the whole report down.
    """
    sample = Sample()
    started = time.perf_counter()
    try:
        for _ in range(warmup):
            if setup:
                setup()
            fn()
        for _ in range(reps):
            if setup:
                setup()
            gc.collect()
            t0 = time.perf_counter()
            fn()
            sample.runs.append(time.perf_counter() - t0)
            if time.perf_counter() - started > budget_s:
                break
    except Exception as exc:  # recorded in the report, by design
        sample.error = f"{type(exc).__name__}: {str(exc)[:300]}"
        stderr = getattr(exc, "stderr", None)  # a failed command's (procs.CommandFailed)
        if stderr:
            sample.extra["stderr"] = str(stderr)[-2000:]
    if len(sample.runs) < reps and not sample.error:
        sample.note = f"{len(sample.runs)} of {reps} repetitions within the {budget_s:.0f} s budget"
    return sample


class RssSampler:
    """Samples the resident memory of a process tree in the background; keeps the peak, and
    each PSS reading with its time (`series`, monotonic seconds), so that a long run can say
    whether memory stayed flat."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.peak_pss = 0
        self.last = 0
        self.series: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def tree_rss(self) -> int:
        try:
            root = psutil.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except psutil.Error:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.Error:
                continue
        return total

    def tree_pss(self) -> int:
        """The tree's proportional set size: each shared page counted once across the tree
        (RSS counts a page in every process that maps it, so its sum overstates)."""
        from tools.loadtest import memory

        return memory(self.pid)["pss"]

    def _run(self) -> None:
        k = 0
        while not self._stop.is_set():
            rss = self.tree_rss()
            if rss:
                self.last = rss
                self.peak = max(self.peak, rss)
            if k % 4 == 0:  # reading smaps costs more than RSS: every fourth sample
                pss = self.tree_pss()
                if pss:
                    self.series.append((time.monotonic(), pss))
                self.peak_pss = max(self.peak_pss, pss)
            k += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2)


def mb(value: int | float) -> float:
    return round(value / (1024 * 1024), 1)


def result_size(result: Any) -> int | None:
    """How many rows (or triples) an answer holds, whatever its type; None if it cannot say."""
    for attr in ("rows", "bindings"):
        value = getattr(result, attr, None)
        if value is not None:
            try:
                return len(value)
            except TypeError:
                return None
    try:
        return len(result)
    except TypeError:
        return None
