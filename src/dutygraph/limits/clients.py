"""ClientLimit: how many requests one client may have in progress at once.

Why: the query workers, the long-query lane and the time limit bound the work of each call,
but one client that opens many connections would still take every request thread and every
ordinary query worker, and everyone else would wait behind it. Counting requests in progress
per client (the web passes its address) and refusing the one over the limit at once keeps a
share of the service for everyone else; the refusal costs a dictionary update.
"""

from __future__ import annotations

import threading


class ClientLimit:
    def __init__(self, per_client: int) -> None:
        self.per_client = per_client
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def enter(self, client: str) -> bool:
        """Count one more request of `client`; False (nothing counted) over the limit."""
        if self.per_client <= 0:
            return True
        with self._lock:
            count = self._counts.get(client, 0)
            if count >= self.per_client:
                return False
            self._counts[client] = count + 1
            return True

    def leave(self, client: str) -> None:
        if self.per_client <= 0:
            return
        with self._lock:
            count = self._counts.get(client, 0) - 1
            if count > 0:
                self._counts[client] = count
            else:
                self._counts.pop(client, None)

    def in_progress(self, client: str) -> int:
        with self._lock:
            return self._counts.get(client, 0)
