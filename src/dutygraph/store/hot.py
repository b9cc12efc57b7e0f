"""An in-memory copy of the graphs that recent questions read, kept beside the on-disk store.

Why: a question about one council names its graphs in FROM clauses (dutygraph.queries.scope):
the ontology, the framework and that council's graph, about 4,000 triples at any scale. On disk
Oxigraph pays a RocksDB lookup for each pattern, for each graph named, and the chain queries
look up thousands of patterns; the same text on an in-memory Oxigraph holding just those graphs
ran 1.7 to 2.5 times faster at 1,530 councils (`make bench`, bench/report.md). So the embedded
store evaluates a query that names its graphs (FROM, no FROM NAMED) on this copy: the same
engine, the same text, the same graphs, so the same answer (tests/stores/test_hot.py runs
every catalogue example both ways).

Safe by construction:
- a graph is copied whole, under a lock, and only then marked present, so no query ever reads
  half of one;
- nothing is ever removed from a copy a query may be reading: when the copy would pass its
  size, a fresh one is started with the graphs of the question at hand, and queries still on
  the old one finish there (it is freed when the last drops it);
- the copy belongs to one handle on one generation of the store: when the store publishes a
  new generation (a rebuild or a load from another process), the next query starts a fresh copy;
- a question whose graphs do not fit in the size runs on disk, as before.

The size is in triples, `DUTYGRAPH_HOT_TRIPLES` (default 10,000: the shared graphs and about
8 councils; 0 turns the copy off). `make bench` measures what it costs: at 1,530 councils the
server peaked 44 MB higher with the copy than without, about 15 MB per query process.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence

import pyoxigraph as ox

HOT_TRIPLES = int(os.environ.get("DUTYGRAPH_HOT_TRIPLES", "10000"))


class HotGraphs:
    """The in-memory copy for one EmbeddedStore (one per process, like the store's handle)."""

    def __init__(self, max_triples: int = HOT_TRIPLES) -> None:
        self.max_triples = max_triples
        self._lock = threading.Lock()
        self._source: ox.Store | None = None  # the on-disk handle the copy was taken from
        self._copy = ox.Store()
        self._held: dict[str, int] = {}  # graph IRI -> triples in the copy
        self._too_big: set[str] = set()
        self.fresh_starts = 0  # how often the copy filled and was started afresh (tests, bench)

    @property
    def held(self) -> dict[str, int]:
        """The graphs in the copy and their sizes (a snapshot)."""
        with self._lock:
            return dict(self._held)

    def store_for(self, source: ox.Store, graphs: Sequence[str]) -> ox.Store | None:
        """An in-memory store holding every one of the graphs, copied from source if need be,
        or None when the query should run on source (the copy is off, or a graph is too big)."""
        if self.max_triples <= 0 or not graphs:
            return None
        with self._lock:
            if source is not self._source:
                self._too_big = set()
                self._restart(source, {})
            if any(g in self._too_big for g in graphs):
                return None
            missing = [g for g in dict.fromkeys(graphs) if g not in self._held]
            if not missing:
                return self._copy
            copies: dict[str, list[ox.Quad]] = {}
            for graph in missing:
                try:
                    name = ox.NamedNode(graph)
                except ValueError:  # a relative IRI, resolved by the engine against a BASE
                    return None
                quads = list(source.quads_for_pattern(None, None, None, name))
                if len(quads) > self.max_triples:
                    self._too_big.add(graph)
                    return None
                copies[graph] = quads
            incoming = sum(len(q) for q in copies.values())
            if sum(self._held.values()) + incoming > self.max_triples:
                kept = [g for g in graphs if g in self._held]
                if sum(self._held[g] for g in kept) + incoming > self.max_triples:
                    return None  # this question alone does not fit: it runs on disk
                self._restart(source, {g: list(self._copy.quads_for_pattern(
                    None, None, None, ox.NamedNode(g))) for g in kept})
                self.fresh_starts += 1
            for graph, quads in copies.items():
                self._copy.extend(quads)
                self._held[graph] = len(quads)
            return self._copy

    def _restart(self, source: ox.Store, kept: dict[str, list[ox.Quad]]) -> None:
        """A new copy holding only `kept`; the old one is left to the queries still on it."""
        self._source = source
        self._copy = ox.Store()
        self._held = {}
        for graph, quads in kept.items():
            self._copy.extend(quads)
            self._held[graph] = len(quads)
