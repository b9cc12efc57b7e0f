"""What every executor shares: its interface, its refusal, its message, its settings.

Kept apart from the executors themselves so that the thread and process executors and the
limited store each import this module and never each other (no import circle).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from ..errors import InputError, QueryTimeout
from ..store import Store

T = TypeVar("T")

# Settings of the limits layer, read from any mapping (the web app merges them into its
# config, so each can also be set as DUTYGRAPH_<NAME>; the CLI passes its own). QUERY_TIMEOUT,
# QUERY_THREADS, MAX_ROWS and MAX_RESULT_BYTES are read too, with the defaults below.
LIMITS_CONFIG: dict[str, Any] = {
    "QUERY_EXECUTOR": "process",  # "process" (stoppable, sandboxed) or "thread" (abandons)
    "QUERY_WORKERS": 3,  # worker processes per server process that answer ordinary calls
    "MAX_SLOW_QUERIES": 2,  # long (demoted) queries running at once per server process
    "SLOW_QUERY_CPU": 0.5,  # CPU seconds after which a call counts as a long query
    "QUERY_MEMORY_LIMIT": 1024 * 1024 * 1024,  # bytes a worker may grow by during one call
    "WORKER_MAX_CALLS": 200,  # calls after which a worker is retired (memory it kept goes)
    "TIMED_OUT_REFUSAL": 60.0,  # seconds a call that ran out of time is refused for
    "REFUSAL_PAUSE": 1.0,  # seconds before answering a call refused without running it
    "SANDBOX": True,  # workers enter their own network namespace and Landlock rules
    "CLIENT_REQUESTS": 6,  # requests one client address may have in progress (0: no limit)
}


class QueryRefused(QueryTimeout):
    """A call refused or stopped before its time limit to protect the service (HTTP 503)."""


class EngineLimitExceeded(InputError):
    """Work that stopped its worker (the engine or parser crashed on it, or it needed more
    memory than a worker may have): the input's fault, so HTTP 400, not the 503 of overload."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"the query exceeded the engine's limits ({detail}); narrow or "
                         "simplify it (fewer nested terms, shorter paths, a LIMIT)")


class Executor(Protocol):
    """Runs store calls and other bounded work (parsing, validation) under a time limit."""

    timeout: float

    def store_call(self, store: Store, method: str, *args: Any) -> Any: ...

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


def timeout_message(timeout: float, stopped: str = "stopped") -> str:
    return (f"the query ran past the time limit of {timeout:g} s and was {stopped}; narrow it "
            "(fewer unbound patterns, a LIMIT) and try again")
