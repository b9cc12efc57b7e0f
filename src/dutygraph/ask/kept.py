"""Facts about one thing in the graph that the question box reads on many requests (what
replaced a duty, a kind of body or a role), kept per store version and per thing.

Why: a fresh answer (Cache-Control: no-cache) must recompute the answer, but what replaced the
LSCB's duty cannot change while the store's version does not, and reading it again cost a
query and the binding of its parameters on every reading of a question. Built on the one
mechanism for things kept per store version (store.per_version): each version holds a memo
of the things asked about, dropped with its version.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from ..store import Store
from ..store.per_version import PerVersion

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


def _memo(_store: Store) -> dict[object, object]:
    return {}


class PerThing(Generic[K, T]):
    """compute(store, key), kept for the store's version and the key. A store that cannot tell
    its version (PerVersion gives it a fresh memo) gets a fresh answer each time. The keys
    are things the lexicon names, so a version's memo is bounded by the graph's size."""

    def __init__(self, compute: Callable[[Store, K], T]) -> None:
        self._compute = compute
        self._memos: PerVersion[dict[object, object]] = PerVersion(_memo)

    def __call__(self, store: Store, key: K) -> T:
        memo = self._memos(store)
        if key in memo:
            return memo[key]  # type: ignore[return-value]
        value = self._compute(store, key)
        memo[key] = value  # two requests may compute one key at once; either answer is right
        return value

    def clear(self) -> None:
        self._memos.clear()
