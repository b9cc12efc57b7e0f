"""Query worker processes: where store calls and untrusted parsing run, so they can be stopped.

Neither rdflib nor pyoxigraph can interrupt a query from Python, and a thread cannot be
killed; a process can. So every store call the app makes is sent (pickled: the method name
and its arguments, or a module-level function and its arguments) to a long-lived worker
process, which answers with the pickled result (for the endpoint and the API, the answer
already written as bytes: limits.answers). The app's thread waits for the answer and,
past the time limit, kills the worker with SIGKILL: the work stops there, whatever the engine
was doing, and the operating system takes back its memory.

Workers are forked from a *zygote*, a single-threaded process that exists only to fork them,
so a replacement costs one fork (milliseconds), not an interpreter start:

- for a store held in memory (rdflib, in-memory Oxigraph, anything else), the zygote is
  forked from the app process itself and its workers inherit the data copy-on-write;
- for an Oxigraph store on disk, the zygote is a fresh interpreter (never a fork of a process
  that has RocksDB open, whose background threads do not survive a fork) and each worker opens
  the store read-only for itself.

Safety nets that do not depend on the app: a worker sets an alarm (SIGALRM, default action:
terminate) a few seconds past each request's limit, and exits when the app's end of its
socket closes; the zygote exits when the app's end of its control socket closes. Both close
every file descriptor they inherit, so they never hold a client connection or the server's
listening socket open.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any, NoReturn

from ..errors import ResultTooLarge, StoreError
from . import reading, sandbox
from .base import EngineLimitExceeded

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Store methods a worker runs for the app: reads only, whatever a request asks for.
READ_METHODS = frozenset({"select", "ask", "construct", "graph_names", "export_graph",
                          "triple_count"})
# Modules an exec'd zygote imports once, so that its forked workers start warm.
PRELOAD = ("rdflib", "pyoxigraph", "dutygraph.store", "dutygraph.queries",
           "dutygraph.sparql.results", "dutygraph.limits.answers",
           "dutygraph.validation", "dutygraph.validation.audit",
           # the text index a worker answers `search` from (sqlite3 and its reader)
           "dutygraph.search",
           # an uploaded workbook: openpyxl reads /etc/mime.types when imported, which the
           # sandbox would refuse
           "openpyxl", "dutygraph.workbook.api")
_SIGNALS_TO_RESET = ("SIGINT", "SIGTERM", "SIGQUIT", "SIGHUP", "SIGUSR1", "SIGUSR2",
                     "SIGWINCH", "SIGABRT", "SIGALRM", "SIGCHLD", "SIGTTIN", "SIGTTOU")


class OwnStore:
    """Stands in a pickled call's arguments for "the store this worker has open"."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (OwnStore, ())


@dataclass
class Request:
    """One unit of work: ("store", method, args) or ("call", fn, args, kwargs)."""

    op: tuple[Any, ...]
    max_rows: int
    max_bytes: int
    backstop: float  # seconds after which the worker kills itself
    memory_limit: int = 0  # bytes of address space the worker may add (0: no cap)
    reading: float = 0.0  # seconds of reading phase before the backstop counts (limits.reading)


# ------------------------------------------------------------------------------------------
# Inside a worker
# ------------------------------------------------------------------------------------------

def _reset_process(keep: set[int]) -> None:
    """A clean slate after a fork: default signal actions, no inherited descriptors except
    stdio and `keep` (a copy of a client's socket would keep its connection open)."""
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)
    for name in _SIGNALS_TO_RESET:
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(OSError, ValueError):
                signal.signal(number, signal.SIG_DFL)
    try:
        fds = [int(n) for n in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 4096))
    for fd in fds:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def exception_state(exc: BaseException) -> tuple[Any, ...]:
    """An exception as picklable parts that rebuild to the same type, message and attributes
    (InputError's `parameter` must survive the trip: the API's error names it)."""
    state = (type(exc), exc.args, dict(getattr(exc, "__dict__", {})))
    try:
        str(rebuild_exception(pickle.loads(pickle.dumps(state))))
        return state
    except Exception:
        return (RuntimeError, (f"{type(exc).__name__}: {exc}",), {})


def rebuild_exception(state: tuple[Any, ...]) -> BaseException:
    cls, args, attributes = state
    exc: BaseException = cls.__new__(cls)
    exc.args = args
    if attributes:
        exc.__dict__.update(attributes)
    return exc


def _too_many(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ResultTooLarge(f"the result has more than {limit} {what} (the limit of this "
                             "service); narrow the query or add a LIMIT")


def _run(store: Any, request: Request) -> Any:
    op = request.op
    if op[0] == "store":
        _, method, args = op
        if method not in READ_METHODS:
            raise StoreError(f"a query worker runs reads only, not '{method}'")
        value = getattr(store, method)(*args)
        if method == "select":
            _too_many(len(value.rows), request.max_rows, "rows")
        elif method == "construct":
            _too_many(len(value), request.max_rows, "triples")
        return value
    _, fn, args, kwargs = op
    args = tuple(store if isinstance(a, OwnStore) else a for a in args)
    kwargs = {k: store if isinstance(v, OwnStore) else v for k, v in kwargs.items()}
    return fn(*args, **kwargs)


def _cap_memory(limit: int) -> None:
    """Cap the worker's writable private memory (RLIMIT_DATA: heap and anonymous mappings,
    counted when made writable, so address space merely reserved by allocators does not
    count) at what it has now plus twice the per-call allowance, once its store is open: a
    parser or engine that allocates past it fails (MemoryError, or the process ends) at once,
    before the watchdog's next look, and before it takes the machine's memory from others."""
    if limit <= 0:
        return
    text = _read_proc("/proc/self/statm")
    try:
        size = int(text.split()[5]) * PAGE_SIZE if text else 0
    except (IndexError, ValueError):
        return
    cap = size + 2 * limit + (256 << 20)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_DATA, (cap, cap))


def _read_reporter(conn: Connection, request: Request) -> Callable[[], None]:
    """What done_reading() does in a worker: tell the app the reading phase is over (its
    time limit starts now) and move the worker's own backstop to the time limit's."""
    def report() -> None:
        if request.reading > 0:
            signal.setitimer(signal.ITIMER_REAL, max(request.backstop, 1.0))
            conn.send_bytes(reading.READ_MARK)

    return report


def worker_main(conn: Connection, open_store: Callable[[], Any],
                policy: sandbox.Policy | None = None) -> NoReturn:
    """Enter the sandbox (when given a policy), then answer requests until the app closes its
    end; never returns. The sandbox comes first: no request is read outside it."""
    if policy is not None:
        sandbox.enter(policy)
    store = None
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            os._exit(0)
        try:
            request: Request = pickle.loads(data)
            signal.setitimer(signal.ITIMER_REAL, max(request.backstop + request.reading, 1.0))
            if store is None:
                store = open_store()
                _cap_memory(request.memory_limit)
            with reading.reporting(_read_reporter(conn, request)):
                value = _run(store, request)
            reply = pickle.dumps((True, value), protocol=pickle.HIGHEST_PROTOCOL)
            if len(reply) > request.max_bytes:
                raise ResultTooLarge(f"the answer is larger than {request.max_bytes} bytes (the "
                                     "limit of this service); narrow the query or add a LIMIT")
        except MemoryError:
            # Past the memory cap: the input's fault (HTTP 400). The allocation that failed
            # took nothing, so the worker goes on (the pool retires it if it kept memory).
            error = EngineLimitExceeded("it needed more memory than a query worker may have")
            reply = pickle.dumps((False, exception_state(error)), protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException as exc:
            reply = pickle.dumps((False, exception_state(exc)), protocol=pickle.HIGHEST_PROTOCOL)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            conn.send_bytes(reply)
        except OSError:
            os._exit(0)


def zygote_main(ctrl: socket.socket, open_store: Callable[[], Any],
                policy: sandbox.Policy | None = None) -> NoReturn:
    """Fork a worker for every descriptor the app sends; exit when the app goes away."""
    _reset_process({ctrl.fileno()})
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps our workers
    ctrl.setblocking(True)
    while True:
        try:
            _msg, fds, _flags, _addr = socket.recv_fds(ctrl, 16, 4)
        except OSError:
            os._exit(0)
        if not _msg:
            os._exit(0)
        if not fds:
            continue
        pid = os.fork()
        if pid == 0:
            _reset_process({fds[0]})
            worker_main(Connection(fds[0]), open_store, policy)
        for fd in fds:
            os.close(fd)
        try:
            ctrl.sendall(struct.pack("!i", pid))
        except OSError:
            os._exit(0)


def _open_embedded(location: str) -> Callable[[], Any]:
    def open_store() -> Any:
        from ..store import open_store

        return open_store(location, read_only=True)

    return open_store


def policy_to_text(policy: sandbox.Policy | None) -> str:
    return json.dumps(None if policy is None else dataclasses.asdict(policy))


def policy_from_text(text: str) -> sandbox.Policy | None:
    data = json.loads(text)
    if data is None:
        return None
    remote = data.get("remote")
    return sandbox.Policy(read=tuple(data["read"]), write=tuple(data["write"]),
                          remote=(str(remote[0]), int(remote[1])) if remote else None)


def main(argv: list[str] | None = None) -> NoReturn:
    """The exec'd zygote for a store on disk: arguments FD LOCATION POLICY (JSON)."""
    import importlib

    args = sys.argv[1:] if argv is None else argv
    fd, location = int(args[0]), args[1]
    policy = policy_from_text(args[2]) if len(args) > 2 else None
    for name in PRELOAD:
        with contextlib.suppress(Exception):
            importlib.import_module(name)
    # The guard's first parse in a process costs ten times the next (pyparsing sets up its
    # grammar): paid once here, not by the first query of every forked worker.
    with contextlib.suppress(Exception):
        from ..sparql import check_query

        check_query("ASK {}")
    zygote_main(socket.socket(fileno=fd), _open_embedded(location), policy)


# ------------------------------------------------------------------------------------------
# In the app: handles on the zygote and the workers
# ------------------------------------------------------------------------------------------

def _read_proc(path: str) -> str | None:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            return fh.read()
    except OSError:
        return None


@dataclass(eq=False)
class Worker:
    """The app's handle on one worker process."""

    pid: int
    conn: Connection
    pidfd: int | None = None
    generation: int = 0
    slow: bool = False  # running a long query, outside the ordinary pool; retired after it
    demoted: bool = False  # at the lowest CPU priority
    closed: bool = False
    base_rss: int = 0
    calls: int = 0  # calls answered (the pool retires a worker after its share)
    costly: bool = False  # holding a call not known to be cheap (limits.process_executor)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.pidfd is None and hasattr(os, "pidfd_open"):
            try:
                self.pidfd = os.pidfd_open(self.pid)
            except OSError:
                self.pidfd = None
        self.base_rss = self.rss()

    def cpu_seconds(self) -> float:
        """User plus system CPU time the worker has used (0 when it is gone)."""
        text = _read_proc(f"/proc/{self.pid}/stat")
        if not text:
            return 0.0
        fields = text.rpartition(")")[2].split()
        try:
            return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        except (IndexError, ValueError):
            return 0.0

    def rss(self) -> int:
        text = _read_proc(f"/proc/{self.pid}/statm")
        try:
            return int(text.split()[1]) * PAGE_SIZE if text else 0
        except (IndexError, ValueError):
            return 0

    def demote(self) -> None:
        """Run at the lowest CPU priority from now on: a long query keeps going only on time
        that the short ones leave free. (Unprivileged processes cannot raise their priority
        again, so a demoted worker is retired after its query.)"""
        self.demoted = True
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, 19)
        if hasattr(os, "SCHED_IDLE"):
            with contextlib.suppress(OSError):
                os.sched_setscheduler(self.pid, os.SCHED_IDLE, os.sched_param(0))

    def alive(self) -> bool:
        if self.closed:
            return False
        if self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], 0)
            return not readable
        return os.path.exists(f"/proc/{self.pid}")

    def kill(self, wait: float = 0.0) -> bool:
        """SIGKILL the worker; with `wait`, until it is gone (True) or the wait is over."""
        with self.lock:
            if not self.closed:
                self.closed = True
                try:
                    if self.pidfd is not None:
                        signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
                    else:
                        os.kill(self.pid, signal.SIGKILL)
                except (ProcessLookupError, OSError):
                    pass
                with contextlib.suppress(OSError):
                    self.conn.close()
        return self.wait_gone(wait) if wait > 0 else False

    def wait_gone(self, wait: float) -> bool:
        if self.pidfd is not None:
            readable, _, _ = select.select([self.pidfd], [], [], wait)
            return bool(readable)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            stat = _read_proc(f"/proc/{self.pid}/stat")
            if stat is None or stat.rpartition(")")[2].split()[:1] == ["Z"]:
                return True
            time.sleep(0.01)
        return False

    def release_pidfd(self) -> None:
        if self.pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self.pidfd)
            self.pidfd = None


class Zygote:
    """The app's end of a zygote: ask it for workers; closing the socket ends it."""

    def __init__(self, ctrl: socket.socket, pid: int, popen: subprocess.Popen[bytes] | None,
                 ) -> None:
        self.ctrl = ctrl
        self.pid = pid
        self.popen = popen
        self._lock = threading.Lock()
        self.closed = False

    @classmethod
    def fork(cls, store: Any, policy: sandbox.Policy | None = None) -> Zygote:
        """A zygote forked from this process: its workers inherit `store` as it is now."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            try:
                parent.close()
                zygote_main(child, lambda: store, policy)
            finally:
                os._exit(0)
        child.close()
        return cls(parent, pid, None)

    @classmethod
    def exec(cls, location: str, policy: sandbox.Policy | None = None) -> Zygote:
        """A fresh interpreter whose workers each open the on-disk store at `location`."""
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        popen = subprocess.Popen(
            [sys.executable, "-c", "from dutygraph.limits.workers import main; main()",
             str(child.fileno()), location, policy_to_text(policy)],
            pass_fds=(child.fileno(),), stdin=subprocess.DEVNULL, close_fds=True)
        child.close()
        return cls(parent, popen.pid, popen)

    def spawn(self, wait: float = 30.0) -> Worker:
        """A new worker, connected to this process by a socket of its own."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            with self._lock:
                if self.closed:
                    raise StoreError("the query worker zygote has been closed")
                self.ctrl.settimeout(wait)
                try:
                    socket.send_fds(self.ctrl, [b"w"], [theirs.fileno()])
                    data = b""
                    while len(data) < 4:
                        chunk = self.ctrl.recv(4 - len(data))
                        if not chunk:
                            raise StoreError("the query worker zygote has stopped")
                        data += chunk
                except (OSError, TimeoutError) as exc:
                    raise StoreError(f"could not start a query worker: {exc}") from exc
        finally:
            theirs.close()
        (pid,) = struct.unpack("!i", data)
        return Worker(pid, Connection(ours.detach()))

    def alive(self) -> bool:
        if self.closed:
            return False
        if self.popen is not None:
            return self.popen.poll() is None
        try:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
        except ChildProcessError:
            return False
        return done == 0

    def close(self) -> None:
        """Close the control socket (the zygote exits on it) and reap the zygote."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
            with contextlib.suppress(OSError):
                self.ctrl.close()
        if self.popen is not None:
            try:
                self.popen.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.popen.wait(timeout=2)
            return
        for _ in range(200):
            try:
                done, _ = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                return
            if done:
                return
            time.sleep(0.01)
        with contextlib.suppress(OSError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)


if __name__ == "__main__":  # pragma: no cover - the exec'd zygote
    main()
