"""The one place where the web app's limits are applied to store work.

Every read the app makes goes through `get_store()`, which hands out a LimitedStore: a Store
that passes each call to an Executor (app.extensions["dutygraph.executor"]) and checks the
row cap on what comes back. Calls reach the executor as data (the store, the method name, its
arguments), never as closures, so the executor can run them in another process.

make_executor picks the executor from the app's settings:

- ProcessExecutor (web.process_executor; the default for every local store kind) runs each
  call in a worker process and kills that process when the call passes QUERY_TIMEOUT: the
  engine's work stops there and then. It also keeps long queries from slowing short ones, and
  caps a call's memory (see that module).
- ThreadExecutor runs calls on a small thread pool: the client gets its 503 on time, but the
  engine call runs on to completion in its thread. It serves remote stores, where the work is
  the remote server's: there the limit is the HTTP request's timeout (the client side gives
  up and closes the connection), sent to the server with each query as well, plus whatever
  limit the server itself is started with (Oxigraph's `--timeout-s`).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import queue
import threading
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Protocol, TypeVar

from rdflib import Graph, URIRef

from ..errors import QueryTimeout, ResultTooLarge, StoreError
from ..store import SelectResult, Store
from .cache import ResultCache

T = TypeVar("T")

READ_ONLY_STORE_MESSAGE = "the web service opens its store read-only"

# App settings of the executor (merged into the app's DEFAULT_CONFIG, so each can also be set
# as DUTYGRAPH_<NAME> in the environment). QUERY_TIMEOUT and QUERY_THREADS are the app's.
EXECUTOR_CONFIG: dict[str, Any] = {
    "QUERY_EXECUTOR": "process",  # "process" (stoppable) or "thread" (abandons, see above)
    "QUERY_WORKERS": 3,  # worker processes per server process that answer ordinary calls
    "MAX_SLOW_QUERIES": 2,  # long (demoted) queries running at once per server process
    "SLOW_QUERY_CPU": 0.5,  # CPU seconds after which a call counts as a long query
    "QUERY_MEMORY_LIMIT": 1024 * 1024 * 1024,  # bytes a worker may grow by during one call
    "TIMED_OUT_REFUSAL": 60.0,  # seconds a call that ran out of time is refused for
    "REFUSAL_PAUSE": 1.0,  # seconds before answering a call refused without running it
}

class QueryRefused(QueryTimeout):
    """A call refused or stopped before its time limit to protect the service (HTTP 503)."""


class Executor(Protocol):
    """Runs store calls and other bounded work (validation) under the app's time limit."""

    timeout: float

    def store_call(self, store: Store, method: str, *args: Any) -> Any: ...

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T: ...


def timeout_message(timeout: float, stopped: str = "stopped") -> str:
    return (f"the query ran past the time limit of {timeout:g} s and was {stopped}; narrow it "
            "(fewer unbound patterns, a LIMIT) and try again")


# ------------------------------------------------------------------------------------------
# Threads (remote stores; or QUERY_EXECUTOR = "thread")
# ------------------------------------------------------------------------------------------

class ThreadExecutor:
    def __init__(self, timeout: float, workers: int = 4) -> None:
        self.timeout = float(timeout)
        self.workers = workers
        self._queue: queue.SimpleQueue[
            tuple[concurrent.futures.Future[Any], Callable[..., Any], tuple[Any, ...],
                  dict[str, Any]] | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def _ensure_threads(self) -> None:
        # Started on first use, so a process forked after create_app gets its own threads.
        # Daemon threads: an abandoned runaway query must not keep the process from exiting.
        with self._lock:
            self._threads = [t for t in self._threads if t.is_alive()]
            while len(self._threads) < self.workers:
                thread = threading.Thread(target=self._work, daemon=True,
                                          name=f"dutygraph-query-{len(self._threads)}")
                thread.start()
                self._threads.append(thread)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:
                future.set_exception(exc)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self._ensure_threads()
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._queue.put((future, fn, args, kwargs))
        try:
            return future.result(timeout=self.timeout)
        except TimeoutError:
            future.cancel()  # only helps if it had not started
            raise QueryTimeout(
                f"the query ran past the time limit of {self.timeout:g} s and was abandoned; "
                "narrow it (fewer unbound patterns, a LIMIT) and try again") from None

    def store_call(self, store: Store, method: str, *args: Any) -> Any:
        return self.call(getattr(store, method), *args)

    def shutdown(self) -> None:
        """Let idle threads end (busy ones end when their call returns)."""
        with self._lock:
            for _ in self._threads:
                self._queue.put(None)
            self._threads = []

    close = shutdown


def make_executor(store: Store, config: Mapping[str, Any]) -> Executor:
    """The executor an app over `store` uses, from the app's settings."""
    timeout = float(config.get("QUERY_TIMEOUT", 10.0))
    kind = str(config.get("QUERY_EXECUTOR", EXECUTOR_CONFIG["QUERY_EXECUTOR"]))
    if kind not in ("process", "thread"):
        raise StoreError(f"QUERY_EXECUTOR is '{kind}'; use 'process' or 'thread'")
    if kind == "thread" or store.kind == "remote":
        if store.kind == "remote":
            # The HTTP request gives up (and closes its connection) at the limit, and carries
            # it to the server (`timeout=<ms>`, Virtuoso's per-query limit). Oxigraph's server
            # has no per-query limit: only its `serve --timeout-s` stops the work there.
            current = getattr(store, "timeout", None)
            with contextlib.suppress(AttributeError):
                store.timeout = min(current, timeout) if current else timeout
        return ThreadExecutor(timeout, workers=int(config.get("QUERY_THREADS", 4)))
    from .process_executor import make_process_executor

    return make_process_executor(store, config, EXECUTOR_CONFIG)


class LimitedStore(Store):
    """A read-only view of a store whose every call runs under the executor's limits."""

    def __init__(self, inner: Store, executor: Executor, *, max_rows: int,
                 cache: ResultCache | None = None, fresh: bool = False) -> None:
        self.inner = inner
        self.executor = executor
        self.max_rows = max_rows
        # Answers of select/ask/graph_names kept per store version (web.cache); `fresh`
        # (the client sent Cache-Control: no-cache) recomputes and replaces them.
        self.cache = cache if cache is not None and cache.enabled else None
        self.fresh = fresh
        self.kind = inner.kind
        self.location = inner.location
        self.timeout = getattr(inner, "timeout", None)

    def _too_many(self, count: int, what: str) -> None:
        if count > self.max_rows:
            raise ResultTooLarge(
                f"the result has more than {self.max_rows} {what} (the limit of this "
                "service); narrow the query or add a LIMIT")

    def remember(self, key: Hashable, compute: Callable[[], T],
                 rows: Callable[[T], int]) -> T:
        """The answer kept under key for the store's current version, or compute() kept
        (with its size in rows) when there is none, the client asked for a fresh one, or the
        store cannot tell its version (then nothing is kept)."""
        version = self.inner.version() if self.cache is not None else None
        if version is None:
            return compute()
        if not self.fresh:
            kept = self.cache.get(version, key)  # type: ignore[union-attr]
            if kept is not None:
                return kept  # type: ignore[no-any-return]
        value = compute()
        self.cache.put(version, key, value, rows(value))  # type: ignore[union-attr]
        return value

    def _select(self, query: str) -> SelectResult:
        result: SelectResult = self.executor.store_call(self.inner, "select", query)
        self._too_many(len(result.rows), "rows")
        return result

    def select(self, query: str) -> SelectResult:
        kept = self.remember(("select", query), lambda: self._select(query), len)
        # a copy: callers may sort or trim the rows they are given
        return SelectResult(list(kept.variables), [dict(row) for row in kept.rows])

    def ask(self, query: str) -> bool:
        return self.remember(("ask", query),
                             lambda: bool(self.executor.store_call(self.inner, "ask", query)),
                             lambda _: 1)

    def construct(self, query: str) -> Graph:
        graph: Graph = self.executor.store_call(self.inner, "construct", query)
        self._too_many(len(graph), "triples")
        return graph

    def raw_query(self, query: str, result_format: str) -> tuple[bytes, str]:
        body, media = self.executor.store_call(self.inner, "raw_query", query, result_format)
        return body, media

    def graph_names(self) -> list[URIRef]:
        names: list[URIRef] = self.remember(
            ("graph_names",), lambda: list(self.executor.store_call(self.inner, "graph_names")),
            len)
        return list(names)

    def version(self) -> Any:
        return self.inner.version()

    def server_software(self) -> str | None:
        return self.inner.server_software()

    def export_graph(self, name: URIRef) -> Graph:
        graph: Graph = self.executor.store_call(self.inner, "export_graph", name)
        return graph

    def write(self, *args: Any, **kwargs: Any) -> Any:
        raise StoreError(READ_ONLY_STORE_MESSAGE)

    def replace_graphs(self, *args: Any, **kwargs: Any) -> None:
        raise StoreError(READ_ONLY_STORE_MESSAGE)

    def triple_count(self) -> int:
        count: int = self.executor.store_call(self.inner, "triple_count")
        return count

    def close(self) -> None:
        """The app owns the underlying store; a request must not close it."""
