"""A time limit on a whole command: the CLI's counterpart of the query workers' limit.

A command is one process that does one job, so at its limit the job stops by stopping the
process's work: SIGALRM raises QueryTimeout in the main thread (the command reports it like
any store error, exit 3, and its `with` blocks close the store). An engine call in native
code that holds the interpreter and never returns to Python for the signal is ended a few
seconds later by a watchdog *process* (a thread would need the interpreter too): it writes
the same message and kills the command (SIGKILL: nothing of it can still be running, and the
store's writes are crash-safe by design).
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from typing import Any

from ..errors import QueryTimeout

GRACE = 3.0  # seconds the signal has before the watchdog ends the process


def deadline_message(seconds: float) -> str:
    return (f"the command ran past its time limit of {seconds:g} s and was stopped; narrow "
            "it, or give it more time with --timeout (or $DUTYGRAPH_COMMAND_TIMEOUT)")


@contextlib.contextmanager
def command_deadline(seconds: float | None, name: str = "dutygraph") -> Iterator[None]:
    """Run the block under a time limit of `seconds` (None or 0: none)."""
    if not seconds or seconds <= 0:
        yield
        return
    message = deadline_message(seconds)

    def on_alarm(_signum: int, _frame: Any) -> None:
        raise QueryTimeout(message)

    script = (f"sleep {seconds + GRACE:.3f} && printf '%s\\n' \"$1\" >&2 && "
              f"kill -KILL {os.getpid()}")
    watchdog = subprocess.Popen(["/bin/sh", "-c", script, "watchdog",
                                 f"{name}: store error: {message}"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                start_new_session=True)
    # Signals reach the main thread only; elsewhere (a command run from a thread) the
    # watchdog alone keeps the limit.
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGALRM, on_alarm) if main else None
    if main:
        signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        if main:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        with contextlib.suppress(OSError):
            os.killpg(watchdog.pid, signal.SIGKILL)
        watchdog.wait()
