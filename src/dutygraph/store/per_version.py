"""What is computed from a store's data and stays right while the data does not change, kept
once per version of the store (Store.version) and shared by every caller in the process: the
text index (dutygraph.search), the framework an upload is validated against
(validation.dataset). A store that cannot tell its version gets a fresh answer each time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from .base import Store

T = TypeVar("T")


class PerVersion(Generic[T]):
    """compute(store), kept for the last `kept` versions of stores seen (the oldest dropped
    first). Two callers may compute one version at once; the later answer is kept."""

    def __init__(self, compute: Callable[[Store], T], kept: int = 4) -> None:
        self._compute = compute
        self._kept = kept
        self._values: dict[tuple[Hashable, ...], T] = {}
        self._lock = threading.Lock()

    def __call__(self, store: Store) -> T:
        version = store.version()
        if version is None:
            return self._compute(store)
        key = (store.kind, store.location, version)
        with self._lock:
            if key in self._values:
                return self._values[key]
        value = self._compute(store)
        with self._lock:
            if key not in self._values and len(self._values) >= self._kept:
                self._values.pop(next(iter(self._values)))
            self._values[key] = value
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
