"""LimitedStore: the read-only store every reader of a served store is handed.

Each call goes to an Executor (time limit, worker processes) and its answer is held to the
row cap; answers of repeated questions come from the ResultCache. It knows nothing of HTTP:
the web app, the CLI and library callers wrap a store in it alike.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from rdflib import Graph, URIRef

from ..errors import ResultTooLarge, StoreError
from ..store import SelectResult, Store
from .base import Executor
from .cache import ResultCache

T = TypeVar("T")

READ_ONLY_STORE_MESSAGE = "the service opens its store read-only"


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
