"""ThreadExecutor: calls on a small thread pool, abandoned (not stopped) at the time limit.

The client gets its answer on time, but the engine call runs on to completion in its thread:
no thread can be killed. Used only where asked for (QUERY_EXECUTOR = "thread"); every other
executor is a ProcessExecutor, whose workers are killed at the limit.
"""

from __future__ import annotations

import concurrent.futures
import queue
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from ..errors import QueryTimeout
from ..store import Store
from . import reading
from .base import timeout_message

T = TypeVar("T")


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
        """fn(*args, **kwargs) on a pool thread, abandoned at the time limit. A call that
        reads untrusted text first (limits.reading) has the same two phases as in a process
        worker: the time limit starts when it says it is done reading."""
        self._ensure_threads()
        future: concurrent.futures.Future[T] = concurrent.futures.Future()
        phase = _Phase(reading.allowance(fn))
        work: Callable[..., T] = fn
        if phase.allowance:
            future.add_done_callback(lambda _f: phase.event.set())
            work = phase.wrap(fn)
        self._queue.put((future, work, args, kwargs))
        try:
            return future.result(timeout=phase.remaining(self.timeout))
        except TimeoutError:
            future.cancel()  # only helps if it had not started
            raise QueryTimeout(timeout_message(self.timeout, "abandoned")) from None

    def store_call(self, store: Store, method: str, *args: Any) -> Any:
        return self.call(getattr(store, method), *args)

    def shutdown(self) -> None:
        """Let idle threads end (busy ones end when their call returns)."""
        with self._lock:
            for _ in self._threads:
                self._queue.put(None)
            self._threads = []

    close = shutdown


class _Phase:
    """The reading phase of one call on a pool thread: the waiting caller gives it up to its
    allowance, then the time limit from the moment the call said it was done reading."""

    def __init__(self, allowance: float) -> None:
        self.allowance = allowance
        self.event = threading.Event()  # set when reading is done, or the call has ended
        self.read_at: float | None = None

    def wrap(self, fn: Callable[..., T]) -> Callable[..., T]:
        def run(*args: Any, **kwargs: Any) -> T:
            with reading.reporting(self._done):
                return fn(*args, **kwargs)

        return run

    def _done(self) -> None:
        self.read_at = time.monotonic()
        self.event.set()

    def remaining(self, timeout: float) -> float:
        """Seconds the caller still waits for the result (after the reading phase, if any)."""
        if not self.allowance:
            return timeout
        self.event.wait(self.allowance)
        if self.read_at is None:  # ended while reading, or read past its allowance
            return 0.0
        return max(0.0, timeout - (time.monotonic() - self.read_at))
