"""The reading phase of a call: untrusted text parsed in the worker, before the time limit.

Why a phase of its own: the SPARQL guard reads a client's text under a budget of its own
thread's CPU time (sparql.limits.MAX_PARSE_SECONDS), so that whether a query is refused does
not depend on how busy the machine is. Since the guard's parse moved from the server process
into the query worker (where the memory cap and the sandbox hold it), it would otherwise also
count against the call's time limit on the clock (QUERY_TIMEOUT): on a loaded machine a query
the parser rightly refuses after 5 s of CPU takes 15 s on the clock and would become a 503
instead of the guard's 400 naming the limit. So a call made of a function marked here
(`reads_first`) has two phases:

1. reading, bounded by the guard's CPU budget and its clock backstop (READING_ALLOWANCE, the
   executor's own deadline for the phase, in case the guard's stop failed), and
2. everything after the function says `done_reading()`, bounded by the time limit as before.

Both phases run in the same worker, under the same memory cap and sandbox; only the clock
that ends them differs. Executors that know nothing of phases (a test's stand-in, the Inline
executor inside a worker) run the whole call under their one limit, which only makes them
stricter.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from ..sparql.guard import WALL_FACTOR
from ..sparql.limits import MAX_PARSE_SECONDS

F = TypeVar("F", bound=Callable[..., Any])

READING_ALLOWANCE = MAX_PARSE_SECONDS * WALL_FACTOR + 1.0
"""Seconds on the clock the reading phase may take before the executor stops the worker:
past the guard's own backstop (WALL_FACTOR times its CPU budget), so the guard's refusal, not
the executor's kill, is what a client normally gets."""

READ_MARK = b"\x00read"
"""What a process worker sends when its call has finished reading (a reply is a pickle,
which never starts with a NUL byte)."""

_local = threading.local()


def reads_first(fn: F) -> F:
    """Mark `fn` as a call that reads untrusted text first and says when it is done."""
    fn.reading_allowance = READING_ALLOWANCE  # type: ignore[attr-defined]
    return fn


def allowance(fn: Callable[..., Any]) -> float:
    """Seconds of reading phase `fn` asks for (0: none, the call is one phase)."""
    return float(getattr(fn, "reading_allowance", 0.0))


@contextlib.contextmanager
def reporting(callback: Callable[[], None]) -> Iterator[None]:
    """Within the block, done_reading() on this thread calls `callback` (once)."""
    _local.callback = callback
    try:
        yield
    finally:
        _local.callback = None


def done_reading() -> None:
    """Tell the executor running this call that its reading phase is over (the time limit
    starts now). Does nothing outside an executor that keeps phases, or when said twice."""
    callback = getattr(_local, "callback", None)
    _local.callback = None
    if callback is not None:
        callback()
