"""Answers run *and written* in a query worker: the query, the row cap, the serialisation and
the byte cap as one call, under one time limit and one memory limit.

Why: a result is as hostile as the query that made it. Ten thousand rows of megabyte
literals, a CONSTRUCT whose predicate RDF/XML cannot write, a template nested so deep that a
serialiser recurses past its stack: written in the server process, each would be work outside
the limits (and an RDF/XML refusal was a 500). Here the worker that ran the query writes its
answer with the one copy of the writers (dutygraph.sparql.results) and hands back bytes with
their Content-Type; past the byte cap it hands back ResultTooLarge instead, and a writer that
needs more memory than a worker may have stops that worker (EngineLimitExceeded: the query's
fault, HTTP 400). What comes back is what the answer cache keeps: bytes, never rows.

For /sparql the worker also *reads* the client's text (protocol_answer): the guard's parse is
work the client chooses, so it too runs only under the worker's limits and sandbox, once, and
the guard's refusal comes back as the InputError it is. Named queries (the API, the CLI) need
no such move: their text is our own templates, and the client's values are typed terms bound
into it by queries.binding, which reads only the VALUES block it writes.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from ..errors import DutygraphError, InputError, ResultTooLarge
from ..sparql import CheckedQuery, check_query
from ..sparql.results import RESULT_NAMES, Serialised, write_ask, write_graph, write_select
from ..sparql.text import with_dataset
from ..store import Store
from ..store.search_file import ROWS as SEARCH_ROWS
from . import reading
from .store import LimitedStore

T = TypeVar("T")


def api_json(value: Any) -> bytes:
    """The API's JSON: compact, keys sorted, ASCII, a final newline (the bytes Flask's jsonify
    gives for plain values), written wherever the answer is made."""
    text = json.dumps(value, ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return (text + "\n").encode("ascii")


def written_json(limit: int, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> bytes:
    """fn(*args, **kwargs)'s to_json_dict() as the API's JSON, no longer than `limit` bytes:
    handed to an executor, the work (an upload's reading and validation) and the writing of
    its report run in one worker call. (The first two are positional-only: fn's own keyword
    arguments, such as an upload's max_bytes, pass through.)"""
    body = api_json(fn(*args, **kwargs).to_json_dict())
    if len(body) > limit:
        raise too_large(limit)
    return body


def too_large(limit: int) -> ResultTooLarge:
    return ResultTooLarge(f"the answer is larger than {limit} bytes (the limit of this "
                          "service); narrow the query or add a LIMIT")


def _too_many(count: int, limit: int, what: str) -> None:
    if count > limit:
        raise ResultTooLarge(f"the result has more than {limit} {what} (the limit of this "
                             "service); narrow the query or add a LIMIT")


def answer(store: Store, query: str, keys: Sequence[str], max_rows: int,
           max_bytes: int) -> Serialised:
    """Run `query` on `store` and write its answer in the first of `keys` that can carry it
    (a graph query may name a second: the next format the client accepts). Runs in the
    worker (ProcessExecutor.call gives it the worker's own store)."""
    if not keys:
        raise ValueError("no format to write the answer in")
    checked = query if isinstance(query, CheckedQuery) else check_query(query)
    if checked.is_graph_query:
        graph = store.construct(checked)
        _too_many(len(graph), max_rows, "triples")
        written = write_graph(graph, keys)
    elif checked.form == "ASK":
        written = write_ask(bool(store.ask(checked)), keys[0])
    else:
        result = store.select(checked)
        _too_many(len(result.rows), max_rows, "rows")
        columns = checked.column_order(result.variables)
        try:
            written = write_select(columns, result.rows, keys[0])
        except (MemoryError, DutygraphError):
            raise
        except Exception as exc:
            raise InputError(f"this answer cannot be written as "
                             f"{RESULT_NAMES.get(keys[0], keys[0])} ({type(exc).__name__}: "
                             f"{exc})"[:400], parameter="Accept") from exc
    if len(written.body) > max_bytes:
        raise too_large(max_bytes)
    return written


@dataclass(frozen=True)
class Refusal:
    """A refusal kept as data: one made in the server process (a format nobody can carry),
    sent to the worker to be raised there only if the answer needs it, in the order the
    guard's own come; or the guard's, kept by the server process (_GuardVerdicts)."""

    kind: type[InputError]
    reason: str
    parameter: str | None
    line: int | None = None

    @classmethod
    def of(cls, exc: InputError) -> Refusal:
        return cls(type(exc), exc.reason, exc.parameter, exc.line)

    def error(self) -> InputError:
        return self.kind(self.reason, line=self.line, parameter=self.parameter)


class GuardRefusal(InputError):
    """The guard's refusal of a client's text, as the worker sends it back: an InputError
    (the same 400 and words), of its own kind so the server process can keep it."""


class _GuardVerdicts:
    """The guard's last refusals, by a digest of the text, in the server process.

    Why: the guard's verdict depends on the text alone, and a refusal can cost its worker
    seconds of CPU (a query the parser stops at its budget). When the server process parsed,
    its cache of verdicts answered a repeat at once; now that the parse is the worker's (and a
    worker that went long is retired with its cache), the server keeps what it was told, a
    digest and a message a refusal, so a client repeating a refused query costs no parse."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._kept: OrderedDict[bytes, Refusal] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(text: str) -> bytes:
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()

    def get(self, key: bytes) -> Refusal | None:
        with self._lock:
            return self._kept.get(key)

    def put(self, key: bytes, refusal: Refusal) -> None:
        with self._lock:
            self._kept[key] = refusal
            self._kept.move_to_end(key)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)


_VERDICTS = _GuardVerdicts()


Formats = tuple[str, ...] | Refusal


@dataclass(frozen=True)
class ProtocolQuery:
    """A /sparql request as the server process has it: the client's text, not yet read.

    Why unread: the guard's parse of a client's text is work a client chooses (a 100 KB query
    is tens of megabytes of parse tree), so it is done once, in the worker (under its memory
    cap, in its sandbox: `protocol_answer`), never in the server process. What the server
    needs of the parse it does not ask for: the query form decides which family of formats
    answers, so the server sends the formats it negotiated for both families (cheap: Accept
    and `format` only) and the worker takes the one its parse calls for. Hashable: it is the
    answer cache's key, so a repeated question is answered with no parse at all."""

    text: str
    default_graphs: tuple[str, ...]  # the protocol's default-graph-uri (replaces FROM)
    named_graphs: tuple[str, ...]  # named-graph-uri
    results: Formats  # formats to try for SELECT / ASK, best first, or why there is none
    graph: Formats  # for CONSTRUCT / DESCRIBE


@reading.reads_first
def protocol_answer(store: Store, request: ProtocolQuery, max_rows: int,
                    max_bytes: int) -> Serialised:
    """Read the client's query with the guard (its refusal, an InputError naming the limit or
    the parameter, goes back as it is), put the protocol's dataset in place, and run and
    write the answer: in the worker, as one call. The time limit counts from the end of the
    guard's reading (limits.reading); the guard's own CPU budget bounds the reading."""
    try:
        checked = check_query(request.text)
    except InputError as exc:
        raise Refusal(GuardRefusal, exc.reason, exc.parameter, exc.line).error() from None
    reading.done_reading()
    query = checked
    if request.default_graphs or request.named_graphs:
        query = with_dataset(checked, request.default_graphs, request.named_graphs)
    formats = request.graph if checked.is_graph_query else request.results
    if isinstance(formats, Refusal):
        raise formats.error()
    return answer(store, query, formats, max_rows, max_bytes)


def protocol_serialised(store: LimitedStore, request: ProtocolQuery,
                        max_bytes: int) -> Serialised:
    """The written answer of a /sparql request, from the answer cache or from a worker. An
    answer refused (too many rows or bytes, no format can carry it) raises, so it is never
    kept; a refusal of the guard's is kept (_GuardVerdicts) and said again without a worker."""
    key = _VERDICTS.key(request.text)
    kept = _VERDICTS.get(key)
    if kept is not None:
        raise kept.error()

    def compute() -> Serialised:
        try:
            written: Serialised = store.executor.call(protocol_answer, store.inner, request,
                                                      store.max_rows, max_bytes)
        except GuardRefusal as exc:
            _VERDICTS.put(key, Refusal.of(exc))
            raise
        return written

    return store.remember(("sparql", request, max_bytes), compute,
                          lambda written: written.rows)


class Inline:
    """The executor of work already inside a worker: calls run where they are (the worker's
    own time limit and memory cap hold them), so a LimitedStore over it keeps only the row
    cap and the manners of a served store (the search index answers only where
    _InWorker says it may)."""

    def __init__(self, timeout: float = 0.0) -> None:
        self.timeout = timeout

    def store_call(self, store: Store, method: str, *args: Any) -> Any:
        return getattr(store, method)(*args)

    def call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return fn(*args, **kwargs)


class _InWorker(LimitedStore):
    """A served store as the work a worker runs whole sees it.

    Its text index may answer `search` (Store.indexes_in_process) where the store's generation
    was written with an index file: the worker's time limit, memory cap and sandbox hold the
    index's reading as they hold a select (the sandbox already lets the worker read the store's
    folder; the file is opened read-only and immutable), and the index gives at most
    search.rq's LIMIT rows, so the row cap it would step around cannot be passed when that cap
    is at least the LIMIT. Elsewhere (a remote store, the memory store, an old generation
    without the file) search.rq runs as before: building an index in each worker would cost
    more than the scan it saves."""

    def indexes_in_process(self) -> bool:
        return self.max_rows >= SEARCH_ROWS and self.inner.search_index_file() is not None


def inside_worker(store: Store, max_rows: int) -> LimitedStore:
    """The store as a served reader sees it (read-only, row cap), for work that a worker
    runs whole (a named query's several calls and the writing of its rows)."""
    return _InWorker(store, Inline(), max_rows=max_rows)
