"""Answers of the store's read calls, kept for the store version they were computed on.

Why: the same questions come again and again (a council's board partners, its reporting
lines), and a named query is a pure function of the store's contents and its parameters. Each
answer costs a query in a worker process (10-150 ms at 1,530 councils); a repeated one, read
from here, costs a dictionary lookup. An answer is only ever served for the store version
(Store.version: the embedded store's published generation, the in-memory store's write count)
it was computed on, so a rebuild or a `dutygraph load` is seen by the next request; stores that
cannot tell their version (remote servers, whose data others may change) are never cached.

Bounded by entries and by the rows held; least recently used answers go first. A client that
sends `Cache-Control: no-cache` gets a freshly computed answer (which then replaces the kept
one). Configured by RESULT_CACHE_ENTRIES (0 turns it off) and RESULT_CACHE_ROWS.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any


class ResultCache:
    def __init__(self, max_entries: int = 2048, max_rows: int = 500_000) -> None:
        self.max_entries = max_entries
        self.max_rows = max_rows
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._rows = 0
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

    def put(self, version: Hashable, key: Hashable, value: Any, rows: int) -> None:
        if not self.enabled or rows > self.max_rows:
            return
        with self._lock:
            self._align(version)
            old = self._items.pop(key, None)
            if old is not None:
                self._rows -= old[1]
            self._items[key] = (value, rows)
            self._rows += rows
            while self._items and (len(self._items) > self.max_entries
                                   or self._rows > self.max_rows):
                _, (_, dropped) = self._items.popitem(last=False)
                self._rows -= dropped

    def __len__(self) -> int:
        return len(self._items)
