"""rdflib's in-memory store: for tests and tiny data.

Its answers are made to match the embedded store's term for term: data goes in through an
in-memory Oxigraph store (so literals are held in Oxigraph's canonical spelling) and every
literal that comes out is rewritten in that spelling (rdflib computes "100.0" where Oxigraph
writes "100"). Writes build a new rdflib Dataset and swap it in, so readers never see a
half-written one.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Iterable

import pyoxigraph as ox
import rdflib.plugins.sparql
from rdflib import Dataset, Graph, URIRef
from rdflib.plugins.sparql.evaluate import evalPart
from rdflib.plugins.sparql.processor import SPARQLResult
from rdflib.plugins.sparql.sparql import QueryContext

from ..datasets import Progress
from ..errors import InputError, StoreError
from ..sparql import check_query
from ..sparql.guard import algebra_of
from ..terms import to_rdflib
from .base import QuadSource, SelectResult, Store, WriteResult, affected_graphs
from .canonical import canonical_term
from .chains import add_chains, without_chains

# rdflib would fetch a FROM graph it does not hold from the web; dutygraph never fetches.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

_DEFAULT_GRAPH = "urn:x-rdflib:default"

# How many query datasets (one per set of FROM / FROM NAMED graphs) a snapshot keeps built.
_VIEWS_KEPT = 32

_View = tuple[Dataset, Graph]

class MemoryStore(Store):
    kind = "memory"
    persistent = False

    def __init__(self) -> None:
        self.location = "memory"
        # The data and the query datasets built from it, swapped together in one assignment, so
        # a reader never pairs one snapshot's data with another's views.
        self._snapshot: tuple[Dataset, dict[tuple[tuple[str, ...], tuple[str, ...]], _View]] = (
            Dataset(default_union=True), {})
        self._writes = 0  # bumped on every write: the store's version (see Store.version)
        self._identity = object()  # unlike id(self), never reused while a cache holds it
        self._lock = threading.Lock()  # serialises writers; readers use a snapshot

    @property
    def _dataset(self) -> Dataset:
        return self._snapshot[0]

    @_dataset.setter
    def _dataset(self, dataset: Dataset) -> None:
        # (Tests share one parsed dataset between stores this way.) New data is a new version:
        # what was worked out from the old (answers, resolved labels) no longer holds.
        self._snapshot = (dataset, {})
        self._writes += 1

    def _query(self, query: str):  # type: ignore[no-untyped-def]
        checked = check_query(query)
        algebra = algebra_of(checked)
        try:
            return checked.form, SPARQLResult(evalPart(self._context(checked, algebra),
                                                       algebra.algebra))
        except RecursionError as exc:  # rdflib's evaluator recurses per path step and join
            raise InputError("the query is too deep for the in-memory engine",
                             parameter="query") from exc
        except Exception as exc:
            raise StoreError(f"memory store: the query failed: {exc}") from exc

    def _context(self, checked, algebra) -> QueryContext:  # type: ignore[no-untyped-def]
        """The dataset the query reads, given to rdflib explicitly: the union of the store's
        graphs, or the query's FROM / FROM NAMED graphs taken from the store (a graph it does
        not hold is empty). rdflib never sees the dataset clauses, so its loader, which would
        fetch them from the web or read them from disk, is never reached."""
        dataset, views = self._snapshot
        if not checked.names_dataset:
            context = QueryContext(dataset, initBindings={})
        else:
            # Built once per snapshot and set of graphs, not per query: copying the graphs
            # cost more than evaluating most named queries. rdflib only reads them.
            key = (tuple(checked.default_graphs), tuple(checked.named_graphs))
            view = views.get(key)
            if view is None:
                view = self._view(dataset, key)
                if len(views) >= _VIEWS_KEPT:
                    views.clear()
                views[key] = view
            named, default = view
            context = QueryContext(named, initBindings={})
            context.graph = default
        context.prologue = algebra.prologue
        return context

    @staticmethod
    def _view(dataset: Dataset, key: tuple[tuple[str, ...], tuple[str, ...]]) -> _View:
        defaults, nameds = key
        held = {str(g.identifier) for g in dataset.graphs() if isinstance(g.identifier, URIRef)}
        named = Dataset()
        for name in nameds:
            target = named.graph(URIRef(name))
            if name in held:
                for triple in dataset.graph(URIRef(name)):
                    target.add(triple)
        default = Graph()
        for name in defaults:
            if name in held:
                for triple in dataset.graph(URIRef(name)):
                    default.add(triple)
        return named, default

    def select(self, query: str) -> SelectResult:
        form, result = self._query(query)
        if form != "SELECT":
            raise InputError("not a SELECT query", parameter="query")
        variables = [str(v) for v in (result.vars or [])]
        rows = []
        for row in result:
            rows.append({v: canonical_term(row[v]) for v in variables if row[v] is not None})
        return SelectResult(variables, rows)

    def ask(self, query: str) -> bool:
        form, result = self._query(query)
        if form != "ASK":
            raise InputError("not an ASK query", parameter="query")
        return bool(result.askAnswer)

    def construct(self, query: str) -> Graph:
        form, result = self._query(query)
        if form not in ("CONSTRUCT", "DESCRIBE"):
            raise InputError("not a CONSTRUCT or DESCRIBE query", parameter="query")
        graph = Graph()
        for s, p, o in result:
            graph.add((s, p, canonical_term(o)))
        return graph

    def indexes_in_process(self) -> bool:
        """A bare store of this process: the text index may answer for it (its graphs are
        copied into Oxigraph once per version)."""
        return True

    def version(self) -> Hashable | None:
        return ("memory", self._identity, self._writes)

    def graph_names(self) -> list[URIRef]:
        dataset = self._dataset
        return sorted(
            URIRef(g.identifier) for g in dataset.graphs()
            if isinstance(g.identifier, URIRef) and len(g)
            and str(g.identifier) != _DEFAULT_GRAPH
        )

    def export_graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for triple in self._dataset.graph(name):
            graph.add(triple)
        return graph

    def write(self, source: QuadSource, *, drop_others: bool = False,
              replace: Iterable[URIRef] = (), progress: Progress | None = None) -> WriteResult:
        names = None if drop_others else affected_graphs(source, list(replace))
        staging = ox.Store()  # canonical spelling of literals, as the embedded store holds
        staging.bulk_extend(without_chains(source.quads(progress)))
        with self._lock:
            old = self._dataset
            # The chains of the data as it will be, computed now (chains.py): from the new
            # graphs and the kept graphs they read, on an Oxigraph copy of both.
            names = add_chains(staging, names, [str(n) for n in self.graph_names()],
                               lambda name: old.graph(URIRef(name)))
            fresh = Dataset(default_union=True)
            if names is not None:
                for name in self.graph_names():
                    if name not in names:
                        target = fresh.graph(name)
                        for triple in old.graph(name):
                            target.add(triple)
            written: set[URIRef] = set()
            count = 0
            for quad in staging:
                name = URIRef(quad.graph_name.value)
                written.add(name)
                fresh.graph(name).add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                                       to_rdflib(quad.object)))
                count += 1
            self._snapshot = (fresh, {})
            self._writes += 1
        graphs = sorted(written) if names is None else sorted(names)
        return WriteResult(graphs, count, self.location)
