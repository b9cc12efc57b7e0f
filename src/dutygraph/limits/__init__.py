"""The limits layer: time, memory and size limits, the worker pool, the sandbox, the cache.

Whatever reads a store on behalf of someone else (the web app, the CLI's query commands, a
library caller) wraps it in a LimitedStore over an executor from make_executor: each call
then runs in a worker process that is killed at the time limit, whose memory is capped, and
which (limits.sandbox) has no route to any host and reads no file but the store. Nothing
here knows HTTP; the web maps the errors raised here (QueryTimeout, QueryRefused,
ResultTooLarge, InputError) to status codes.
"""

from __future__ import annotations

from .base import (
    LIMITS_CONFIG,
    EngineLimitExceeded,
    Executor,
    QueryRefused,
    timeout_message,
)
from .cache import ResultCache
from .executor import make_executor
from .store import LimitedStore

__all__ = ["LIMITS_CONFIG", "EngineLimitExceeded", "Executor", "LimitedStore", "QueryRefused",
           "ResultCache", "make_executor", "timeout_message"]
