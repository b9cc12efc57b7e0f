"""Answers of the store's read calls, kept for the store version they were computed on.

Why: the same questions come again and again (a council's board partners, its reporting
lines), and a named query is a pure function of the store's contents and its parameters. Each
answer costs a query in a worker process (10-150 ms at 1,530 councils); a repeated one, read
from here, costs a dictionary lookup. An answer is only ever served for the store version
(Store.version: the embedded store's published generation, the in-memory store's write count)
it was computed on, so a rebuild or a `dutygraph load` is seen by the next request; stores that
cannot tell their version (remote servers, whose data others may change) are never cached.

Bounded by entries, by the rows held and by their bytes (an estimate of what each answer
holds: its text, not Python's per-object overhead); least recently used answers go first. An
answer bigger than one answer may be (MAX_RESULT_BYTES: the size at which the service refuses
it) is never kept, so a result refused as too large does not stay behind in memory. A client
that sends `Cache-Control: no-cache` gets a freshly computed answer (which then replaces the
kept one). Configured by RESULT_CACHE_ENTRIES (0 turns it off), RESULT_CACHE_ROWS and
RESULT_CACHE_BYTES.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from rdflib import Graph

from ..store import SelectResult


def size_of(value: Any) -> int:
    """Roughly the bytes an answer holds: the text of its terms, 16 bytes a cell or item."""
    if isinstance(value, bytes | bytearray | str):
        return len(value)
    if isinstance(value, SelectResult):
        return sum(size_of(row) for row in value.rows) + 16 * len(value.variables)
    if isinstance(value, Mapping):
        return sum(16 + len(str(v)) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return sum(16 + size_of(v) for v in value)
    if isinstance(value, Graph):
        return sum(len(str(s)) + len(str(p)) + len(str(o)) + 48 for s, p, o in value)
    if isinstance(value, bool | int | float | None):
        return 16
    return sys.getsizeof(value)


class ResultCache:
    def __init__(self, max_entries: int = 2048, max_rows: int = 500_000,
                 max_bytes: int = 64 << 20, max_entry_bytes: int = 16 << 20) -> None:
        self.max_entries = max_entries
        self.max_rows = max_rows
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self._items: OrderedDict[Hashable, tuple[Any, int, int]] = OrderedDict()
        self._rows = 0
        self._bytes = 0
        self._version: Hashable | None = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_entries > 0

    def _align(self, version: Hashable) -> None:
        """Forget everything computed on another version (called with the lock held)."""
        if version != self._version:
            self._items.clear()
            self._rows = 0
            self._bytes = 0
            self._version = version

    def get(self, version: Hashable, key: Hashable) -> Any | None:
        with self._lock:
            self._align(version)
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, version: Hashable, key: Hashable, value: Any, rows: int,
            size: int | None = None) -> bool:
        """Keep value (True), unless it alone passes a bound (False: nothing is kept)."""
        if not self.enabled or rows > self.max_rows:
            return False
        size = size_of(value) if size is None else size
        if size > self.max_entry_bytes:
            return False
        with self._lock:
            self._align(version)
            old = self._items.pop(key, None)
            if old is not None:
                self._rows -= old[1]
                self._bytes -= old[2]
            self._items[key] = (value, rows, size)
            self._rows += rows
            self._bytes += size
            while self._items and (len(self._items) > self.max_entries
                                   or self._rows > self.max_rows
                                   or self._bytes > self.max_bytes):
                _, (_, dropped_rows, dropped_bytes) = self._items.popitem(last=False)
                self._rows -= dropped_rows
                self._bytes -= dropped_bytes
        return True

    @property
    def bytes_held(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)
