"""make_executor: the executor a store's readers use, from a mapping of settings.

- ProcessExecutor (limits.process_executor; the default for every store kind) runs each
  call in a sandboxed worker process (limits.sandbox) and kills that process when the call
  passes QUERY_TIMEOUT: the engine's work stops there and then. It also keeps long queries
  from slowing short ones, and caps a call's memory.
- ThreadExecutor (limits.threads; only when QUERY_EXECUTOR = "thread") runs calls on a small
  thread pool: the caller gets its refusal on time, but the engine call runs on.

With a remote store the work is the remote server's: the worker's HTTP request gives up at
the limit and carries it to the server (`timeout=<ms>`, Virtuoso's per-query limit); killing
the worker closes the connection. Oxigraph's server has no per-query limit: only its
`serve --timeout-s` stops the work there.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import StoreError
from ..store import Store
from .base import LIMITS_CONFIG, Executor
from .process_executor import make_process_executor
from .threads import ThreadExecutor


def make_executor(store: Store, config: Mapping[str, Any]) -> Executor:
    """The executor readers of `store` use, from the settings (LIMITS_CONFIG's names)."""
    timeout = float(config.get("QUERY_TIMEOUT", 10.0))
    kind = str(config.get("QUERY_EXECUTOR", LIMITS_CONFIG["QUERY_EXECUTOR"]))
    if kind not in ("process", "thread"):
        raise StoreError(f"QUERY_EXECUTOR is '{kind}'; use 'process' or 'thread'")
    store.bound_time(timeout)
    if kind == "thread":
        return ThreadExecutor(timeout, workers=int(config.get("QUERY_THREADS", 4)))
    return make_process_executor(store, config, LIMITS_CONFIG)
