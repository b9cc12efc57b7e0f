"""ProcessExecutor: store calls in worker processes that are killed at the time limit.

Neither rdflib nor pyoxigraph can interrupt a query, and a thread cannot be killed; a process
can. Every call a reader makes (a store method and its arguments, or a module-level function
such as parsing or validation) is sent to a long-lived worker process (limits.workers) and
answered with the pickled result. Past QUERY_TIMEOUT the waiting thread kills the worker
(SIGKILL), waits until it is gone, and answers 503: the engine's work stops there and then,
and the next call goes to another worker. Beyond the time limit it keeps one runaway query
from slowing everyone else:

- *Long queries.* A call that has used SLOW_QUERY_CPU seconds of CPU is a long query: its
  worker leaves the pool of workers that answer ordinary calls (which gets a fresh one in its
  place) and, while other calls of this server process are in flight, drops to the lowest CPU
  priority (SCHED_IDLE / nice 19), so it runs on time the short calls leave free; alone, it
  runs at full speed. At most MAX_SLOW_QUERIES long queries run at once per server process;
  one more is stopped at once with a 503 ("busy").
- *Memory of outcomes.* The store is read-only, so the same call does the same work: a call
  that was long goes straight to the long-query lane next time (or is refused at once when
  its slots are full), and one that computed for its whole time limit and ran out of it is
  refused for TIMED_OUT_REFUSAL seconds without being run again. The key is the exact call
  (method and text); a client that rewrites its query each time still pays only
  SLOW_QUERY_CPU of full-priority CPU per try.
- *Memory cap.* A worker that grows by more than QUERY_MEMORY_LIMIT bytes is killed (503).
- *Pause before a refusal.* A call refused without being run (a repeat of one that ran out of
  time, or a long one with the slots full) is answered after REFUSAL_PAUSE seconds, so a
  client that repeats it in a loop costs a sleeping thread, not the CPU of a request flood.

The fast path stays short: an idle worker, the request pickled in, the result pickled out
(well under a millisecond of overhead for a small query).

What comes back from the endpoint's and the API's calls is bytes, not rows: the worker runs
the query *and writes its answer* (limits.answers, with dutygraph.sparql.results' writers),
so a hostile result (huge, deep, or one a format cannot carry) is written under the same time
limit, memory cap and byte cap as the query, and a writer that exhausts the worker is the
query's fault (400) like an engine that does. Bytes also cross the socket faster than pickled
terms (20,000 rows: 0.41 s against 0.85 s on the embedded store), and keep the engine's
lexical forms (an unpickled dateTime Literal is rewritten from its Python value).
"""

from __future__ import annotations

import hashlib
import heapq
import itertools
import logging
import pickle
import shutil
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import QueryTimeout, StoreError
from ..store import Store
from . import reading, sandbox
from .base import EngineLimitExceeded, QueryRefused, timeout_message
from .store import LimitedStore
from .workers import OwnStore, Request, Worker, Zygote, rebuild_exception

T = TypeVar("T")
log = logging.getLogger(__name__)

POLL = 0.05  # seconds between watchdog checks while a call runs
BACKSTOP = 5.0  # a worker kills itself this long after its limit, if the app has not
_HISTORY_SIZE = 4096
HEAVY, TIMED_OUT, CRASHED, CHEAP = "heavy", "timed-out", "crashed", "cheap"
CHEAP_CPU = 0.05  # CPU seconds under which a finished call counts as cheap next time
CHEAP_METHODS = frozenset({"graph_names", "triple_count"})  # store calls cheap by nature


def _on_disk(store: Store) -> str | None:
    """The folder of an Oxigraph store on disk (workers open it themselves), else None."""
    return store.folder()


def _snapshot(store: Store) -> object | None:
    """What a forked worker's copy of an in-memory store is a copy of: both in-memory kinds
    swap in a new object on every write, so a changed object means the copies are stale."""
    for name in ("_dataset", "_store"):
        value: object | None = getattr(store, name, None)
        if value is not None:
            return value
    return None


class _History:
    """What happened to recent calls, by key: HEAVY (was long), TIMED_OUT or CRASHED."""

    def __init__(self) -> None:
        self._entries: OrderedDict[bytes, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: bytes, ttl: Mapping[str, float]) -> tuple[str, float] | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            verdict, when = entry
            if time.monotonic() - when > ttl.get(verdict, 0.0):
                del self._entries[key]
                return None
            return entry

    def mark(self, key: bytes, verdict: str) -> None:
        with self._lock:
            self._entries.pop(key, None)
            self._entries[key] = (verdict, time.monotonic())
            while len(self._entries) > _HISTORY_SIZE:
                self._entries.popitem(last=False)


def _policy(store: Store, location: str | None) -> sandbox.Policy:
    """The sandbox of the workers over `store`: its folder, or its server's port."""
    return sandbox.default_policy(store_location=location, remote_url=store.server_url())


class WorkerPool:
    """The worker processes of one store in this process, shared by every app over it."""

    def __init__(self, store: Store, *, sandboxed: bool = True) -> None:
        self._store_ref = weakref.ref(store)
        self.location = _on_disk(store)
        self.policy = _policy(store, self.location) if sandboxed else None
        self.max_calls = 200  # calls a worker answers before it is retired
        self.max_growth = 256 << 20  # bytes a worker may keep after a call before it is retired
        self.max_fast = 1
        self.max_slow = 1
        self.history = _History()
        self._cond = threading.Condition()
        self._idle: list[Worker] = []
        self._fast = 0  # workers in the ordinary pool (idle or busy)
        self._slow = 0  # long queries running now
        self._inflight = 0  # calls running now
        self._costly = 0  # ordinary workers held by calls not known to be cheap
        self._waiting: list[tuple[int, int]] = []  # (cost, arrival) of calls waiting
        self._tickets = itertools.count()
        self._generation = 0
        self._token = _snapshot(store) if self.location is None else None
        self._zygote = self._start_zygote(store)

    @property
    def zygote_pid(self) -> int:
        return self._zygote.pid

    def _start_zygote(self, store: Store) -> Zygote:
        if self.location is not None:
            return Zygote.exec(self.location, self.policy)
        return Zygote.fork(store, self.policy)

    def configure(self, workers: int, slow: int, max_calls: int | None = None,
                  max_growth: int | None = None) -> None:
        with self._cond:
            self.max_fast = max(self.max_fast, workers)
            self.max_slow = max(self.max_slow, slow)
            if max_calls is not None:
                self.max_calls = max(1, max_calls)
            if max_growth is not None:
                self.max_growth = max_growth

    # --- keeping the workers' copy of an in-memory store current --------------------------

    def refresh(self) -> None:
        if self.location is not None:
            return  # each worker reopens the on-disk store when it changes
        store = self._store_ref()
        if store is None or _snapshot(store) is self._token:
            return
        with self._cond:
            if _snapshot(store) is self._token:
                return
            old, idle = self._zygote, self._idle
            self._idle = []
            self._fast -= len(idle)
            self._generation += 1
            self._token = _snapshot(store)
            self._zygote = Zygote.fork(store, self.policy)
            self._cond.notify_all()
        for worker in idle:
            worker.kill()
            worker.release_pidfd()
        old.close()

    # --- workers ---------------------------------------------------------------------------

    def _spawn(self) -> Worker:
        try:
            worker = self._zygote.spawn()
        except StoreError:
            with self._cond:
                if not self._zygote.alive():
                    self._zygote.close()
                    store = self._store_ref()
                    if store is None:
                        raise
                    self._zygote = self._start_zygote(store)
            worker = self._zygote.spawn()
        worker.generation = self._generation
        return worker

    def _can_take(self, cheap: bool) -> bool:
        """Whether a worker is free for a call of this cost (with the lock held): calls not
        known to be cheap leave the last ordinary worker to the cheap ones, so a trivial
        query is answered while expensive ones queue."""
        if not self._idle and self._fast >= self.max_fast:
            return False
        return cheap or self.max_fast < 2 or self._costly < self.max_fast - 1

    def acquire(self, deadline: float, cheap: bool = False) -> Worker:
        """An ordinary worker: an idle one, a new one while under max_fast, or the first to
        come free before the deadline (QueryRefused after it). Waiting calls are served by
        cost, then by arrival: cheap ones first (admission by cost)."""
        with self._cond:
            ticket = (0 if cheap else 1, next(self._tickets))
            heapq.heappush(self._waiting, ticket)
            try:
                while True:
                    if self._waiting[0] == ticket and self._can_take(cheap):
                        worker = self._take_idle()
                        if worker is not None:
                            break
                        if self._fast < self.max_fast:
                            self._fast += 1
                            worker = None
                            break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        raise QueryRefused(
                            f"all {self.max_fast} query workers of this server process stayed "
                            "busy for as long as the time limit; try again shortly")
                    self._cond.wait(remaining)
            finally:
                self._waiting.remove(ticket)
                heapq.heapify(self._waiting)
                self._cond.notify_all()
            if not cheap:
                self._costly += 1
        if worker is not None:
            worker.costly = not cheap
            return worker
        try:
            worker = self._spawn()
        except BaseException:
            with self._cond:
                self._fast -= 1
                if not cheap:
                    self._costly -= 1
                self._cond.notify_all()
            raise
        worker.costly = not cheap
        return worker

    def _take_idle(self) -> Worker | None:
        while self._idle:
            worker = self._idle.pop()
            if worker.alive():
                return worker
            self._fast -= 1
            worker.kill()
            worker.release_pidfd()
        return None

    def _done_costly(self, worker: Worker) -> None:
        """The worker no longer holds a costly call's place (with the lock held)."""
        if worker.costly:
            worker.costly = False
            self._costly -= 1

    def release(self, worker: Worker) -> None:
        """An ordinary worker back to the pool after a call that finished; retired instead
        after max_calls calls, or when it kept more than max_growth bytes (memory a parser or
        an engine does not give back is given back with the process)."""
        worker.calls += 1
        worn = (worker.calls >= self.max_calls
                or worker.rss() - worker.base_rss > self.max_growth)
        with self._cond:
            self._done_costly(worker)
            if worker.generation == self._generation and not worker.closed and not worn:
                self._idle.append(worker)
                self._cond.notify_all()
                return
            self._fast -= 1
            self._cond.notify_all()
        worker.kill()
        worker.release_pidfd()

    def discard(self, worker: Worker, wait: float = 0.0) -> bool:
        """Kill a worker that will not be reused; True if it is gone within `wait`. Its place
        in the pool is free as soon as the signal is sent."""
        worker.kill()
        if not worker.slow:
            with self._cond:
                self._done_costly(worker)
                self._fast -= 1
                self._cond.notify_all()
        gone = worker.wait_gone(wait) if wait > 0 else False
        worker.release_pidfd()
        return gone

    def spawn_slow(self) -> Worker:
        """A worker for a long query, outside the ordinary pool (retired after the call)."""
        worker = self._spawn()
        worker.slow = True
        return worker

    def leave_fast(self, worker: Worker) -> None:
        """A worker whose call turned out long no longer counts against the ordinary pool."""
        worker.slow = True
        with self._cond:
            self._done_costly(worker)
            self._fast -= 1
            self._cond.notify_all()

    def enter(self) -> None:
        with self._cond:
            self._inflight += 1

    def leave(self) -> None:
        with self._cond:
            self._inflight -= 1

    def others_in_flight(self) -> int:
        return self._inflight - 1

    def take_slow_slot(self) -> bool:
        with self._cond:
            if self._slow >= self.max_slow:
                return False
            self._slow += 1
            return True

    def release_slow_slot(self) -> None:
        with self._cond:
            self._slow -= 1

    def stats(self) -> dict[str, int]:
        with self._cond:
            return {"idle": len(self._idle), "fast": self._fast, "slow": self._slow,
                    "inflight": self._inflight, "max_fast": self.max_fast,
                    "max_slow": self.max_slow}

    def close(self) -> None:
        with self._cond:
            idle, self._idle = self._idle, []
            self._fast -= len(idle)
            self._generation += 1
        for worker in idle:
            worker.kill()
            worker.release_pidfd()
        self._zygote.close()
        if self.policy is not None:
            for folder in self.policy.write:
                shutil.rmtree(folder, ignore_errors=True)


_POOLS: weakref.WeakKeyDictionary[Store, WorkerPool] = weakref.WeakKeyDictionary()
_POOLS_LOCK = threading.Lock()


def pool_for(store: Store, *, sandboxed: bool = True) -> WorkerPool:
    """The one worker pool of a store in this process (apps over the same store share it;
    the first decides whether its workers are sandboxed)."""
    with _POOLS_LOCK:
        pool = _POOLS.get(store)
        if pool is None:
            pool = WorkerPool(store, sandboxed=sandboxed)
            _POOLS[store] = pool
            weakref.finalize(store, pool.close)
        return pool


@dataclass
class _Call:
    key: bytes
    deadline: float
    slot: bool = False  # holds one of the long-query slots
    reading: float = 0.0  # seconds of reading phase not yet over (limits.reading)


class ProcessExecutor:
    """Store calls in worker processes that are killed at the time limit (module docstring)."""

    def __init__(self, store: Store, *, timeout: float, workers: int = 4, max_slow: int = 2,
                 slow_cpu: float = 0.5, memory_limit: int = 1 << 30, max_rows: int = 10_000,
                 max_bytes: int = 16 << 20, refusal: float = 60.0,
                 pause: float = 1.0, sandboxed: bool = True, max_calls: int | None = None,
                 ) -> None:
        self.timeout = float(timeout)
        self.pause = min(float(pause), self.timeout)
        self.slow_cpu = float(slow_cpu)
        self.memory_limit = int(memory_limit)
        self.max_rows = int(max_rows)
        # The answer in transit may be bigger than when written out (pickle's overhead).
        self.max_bytes = 4 * int(max_bytes) + (1 << 20)
        self.ttl = {HEAVY: 10 * max(refusal, 60.0), TIMED_OUT: float(refusal),
                    CRASHED: float(refusal), CHEAP: 3600.0}
        self.store = store
        self.pool = pool_for(store, sandboxed=sandboxed)
        self.pool.configure(workers, max_slow, max_calls=max_calls,
                            max_growth=self.memory_limit // 4)

    # --- the Executor interface ----------------------------------------------------------

    def store_call(self, store: Store, method: str, *args: Any) -> Any:
        if store is not self.store and not self._is_own(store):
            raise TypeError(f"this executor runs calls on {self.store!r}, not {store!r}")
        return self._execute(("store", method, args))

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run fn(*args, **kwargs) in a worker; a Store argument that is this executor's
        store (or a LimitedStore over it) becomes the worker's own handle on it. Work that
        cannot be sent to another process (a closure, an unpicklable argument) is refused
        with TypeError: it would otherwise run outside the time limit and the sandbox, and a
        caller must pass the worker what it needs to build such things itself."""
        own = OwnStore()

        def swap(value: Any) -> Any:
            return own if self._is_own(value) else value

        op = ("call", fn, tuple(swap(a) for a in args), {k: swap(v) for k, v in kwargs.items()})
        try:
            pickle.dumps(op, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            raise TypeError(f"{fn!r} and its arguments cannot be sent to a query worker "
                            f"({exc}); pass what the worker can rebuild them from") from exc
        result: T = self._execute(op, reading.allowance(fn))
        return result

    def _is_own(self, value: Any) -> bool:
        return value is self.store or (isinstance(value, LimitedStore)
                                       and value.inner is self.store)

    def close(self) -> None:
        """The pool is shared by every executor over the store and ends with the store."""

    shutdown = close

    # --- one call ----------------------------------------------------------------------------

    def _execute(self, op: tuple[Any, ...], read_first: float = 0.0) -> Any:
        request = Request(op, self.max_rows, self.max_bytes, self.timeout + BACKSTOP,
                          self.memory_limit, read_first)
        data = pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)
        key = hashlib.blake2b(data, digest_size=16).digest()
        deadline = time.monotonic() + self.timeout
        pool = self.pool
        pool.refresh()
        seen = pool.history.get(key, self.ttl)
        if seen is not None and seen[0] not in (HEAVY, CHEAP):
            time.sleep(self.pause)
            raise self._refused(*seen)
        call = _Call(key=key, deadline=deadline, reading=read_first)
        if seen is not None and seen[0] == HEAVY:  # a long query: to the long-query lane
            if not pool.take_slow_slot():
                time.sleep(self.pause)
                raise self._busy()
            call.slot = True
            try:
                worker = pool.spawn_slow()
            except BaseException:
                pool.release_slow_slot()
                raise
        else:
            # Waiting for a free worker has its own allowance (as long as a runaway in every
            # worker could still hold it, and a second for its replacement); the call's limit
            # starts when it starts running.
            cheap = (seen is not None and seen[0] == CHEAP) or (
                op[0] == "store" and op[1] in CHEAP_METHODS)
            worker = pool.acquire(deadline + 1.0, cheap=cheap)
        # A call that reads untrusted text first is held to the reader's own budget until it
        # says it is done reading, then to the time limit (limits.reading).
        call.deadline = time.monotonic() + (call.reading or self.timeout)
        pool.enter()
        try:
            reply = self._wait(worker, data, call)
        finally:
            pool.leave()
            if call.slot:
                pool.release_slow_slot()
        ok, value = pickle.loads(reply)
        if not ok:
            raise rebuild_exception(value)
        return value

    def _refused(self, verdict: str, when: float) -> QueryRefused | EngineLimitExceeded:
        ago = time.monotonic() - when
        left = max(self.ttl[verdict] - ago, 1.0)
        if verdict == CRASHED:
            return EngineLimitExceeded(
                f"this exact query stopped its query worker {ago:.0f} s ago, out of memory or "
                f"failing the engine, and is refused for {left:.0f} s more")
        return QueryRefused(
            f"this exact query ran past the time limit of {self.timeout:g} s {ago:.0f} s ago, "
            f"and is refused for {left:.0f} s more; narrow it (fewer unbound patterns, a "
            "LIMIT) and try again")

    def _busy(self) -> QueryRefused:
        return QueryRefused(
            f"this query needs more than {self.slow_cpu:g} s of processing and this server "
            f"is already running its limit of {self.pool.max_slow} long queries; try again "
            "in a minute, or narrow the query")

    def _wait(self, worker: Worker, data: bytes, call: _Call) -> bytes:
        """Send the request and wait for the answer, watching time, CPU and memory."""
        pool = self.pool
        cpu0 = start = worker.cpu_seconds()  # cpu0: since the time limit started
        try:
            worker.conn.send_bytes(data)
            while True:
                remaining = call.deadline - time.monotonic()
                if remaining <= 0:
                    # Refuse repeats only of a call that computed for (nearly) all of its time:
                    # one slowed down by a busy machine may well finish next time.
                    used = worker.cpu_seconds() - cpu0
                    if used >= 0.9 * self.timeout:
                        pool.history.mark(call.key, TIMED_OUT)
                    elif used > self.slow_cpu:
                        pool.history.mark(call.key, HEAVY)
                    pool.discard(worker, wait=1.0)
                    raise QueryTimeout(timeout_message(self.timeout))
                if worker.conn.poll(min(POLL, remaining)):
                    reply = worker.conn.recv_bytes()
                    if reply == reading.READ_MARK and call.reading:
                        call.reading = 0.0  # the time limit starts now, for the rest only
                        call.deadline = time.monotonic() + self.timeout
                        cpu0 = worker.cpu_seconds()
                        continue
                    break
                if worker.rss() - worker.base_rss > self.memory_limit:
                    pool.history.mark(call.key, CRASHED)
                    pool.discard(worker, wait=1.0)
                    raise EngineLimitExceeded(
                        f"it needed more than {self.memory_limit // (1 << 20)} MB of memory, "
                        "the limit of this service, and was stopped")
                if not worker.slow and worker.cpu_seconds() - cpu0 > self.slow_cpu:
                    pool.history.mark(call.key, HEAVY)
                    if not pool.take_slow_slot():
                        pool.discard(worker, wait=1.0)
                        raise self._busy()
                    call.slot = True
                    pool.leave_fast(worker)
                if worker.slow and not worker.demoted and pool.others_in_flight() > 0:
                    worker.demote()
        except (EOFError, OSError):
            if worker.closed:
                raise
            pool.history.mark(call.key, CRASHED)
            pool.discard(worker)
            raise EngineLimitExceeded("its worker stopped while answering: out of memory, "
                                      "or the engine failed on it") from None
        except BaseException:
            if not worker.closed:
                pool.discard(worker)
            raise
        if worker.cpu_seconds() - start < CHEAP_CPU:
            pool.history.mark(call.key, CHEAP)
        if worker.slow:
            worker.kill()
            worker.release_pidfd()
        else:
            pool.release(worker)
        return reply


def make_process_executor(store: Store, config: Mapping[str, Any],
                          defaults: Mapping[str, Any]) -> ProcessExecutor:
    def setting(name: str) -> Any:
        return config.get(name, defaults.get(name))

    return ProcessExecutor(
        store, timeout=float(config.get("QUERY_TIMEOUT", 10.0)),
        workers=int(setting("QUERY_WORKERS")), max_slow=int(setting("MAX_SLOW_QUERIES")),
        slow_cpu=float(setting("SLOW_QUERY_CPU")),
        memory_limit=int(setting("QUERY_MEMORY_LIMIT")),
        max_rows=int(config.get("MAX_ROWS", 10_000)),
        max_bytes=int(config.get("MAX_RESULT_BYTES", 16 << 20)),
        refusal=float(setting("TIMED_OUT_REFUSAL")),
        pause=float(setting("REFUSAL_PAUSE")), sandboxed=bool(setting("SANDBOX")),
        max_calls=int(setting("WORKER_MAX_CALLS")))
