"""The data a validation sees: the national framework and one or more authorities' graphs.

Validation is scoped per authority: an authority's findings depend only on its own graphs
(graph/authority/{slug} and its derived graph/chains/{slug}) and the shared ones (framework,
ontology, source documents, national chains), so validating some authorities reads those and
no other authority's graph (that is what keeps re-validating one changed authority fast), and
validating all of them reads the union. The shared graphs go into every such view, as into
every batch a validation runs (view_batches, and engine.authority_batches for the engine
alone; same graph_owners): a view that left one out (the source graphs hold the documents'
dates) could judge an authority differently alone than with all the others, and auditing in
groups must give the whole audit. An embedded store's view is read in place (Oxigraph
restricts the default graph to the chosen named graphs) and each batch copied from it once;
any other store, an upload or a set of files is first copied into an in-memory Oxigraph
store. An embedded store's graph names and shared graphs are read once per version of the
store (store_graph_names, store_shared_quads).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

from .. import paths
from ..errors import InputError, StoreError
from ..namespaces import (
    BASE,
    DG,
    FRAMEWORK_GRAPH,
    authority_graph,
    authority_slug,
    bind_prefixes,
)
from ..queries.internal import page_text
from ..rdfio import parse_file
from ..store import Store
from ..store.per_version import PerVersion
from ..terms import solution_rows, to_oxigraph, to_rdflib

UPLOAD_GRAPH = URIRef("urn:dutygraph:graph:upload")


class DataView:
    """A pyoxigraph store and the graphs of it that make up the data graph."""

    def __init__(self, store: ox.Store, graphs: list[URIRef] | None = None) -> None:
        self._store = store
        self._graphs = graphs  # None: the union of every named graph

    @property
    def graphs(self) -> list[URIRef] | None:
        return self._graphs

    @property
    def store(self) -> ox.Store:
        return self._store

    def select(self, sparql: str) -> list[dict[str, Node]]:
        if self._graphs is None:
            solutions = self._store.query(sparql, use_default_graph_as_union=True)
        else:
            solutions = self._store.query(
                sparql, default_graph=[ox.NamedNode(str(g)) for g in self._graphs])
        return solution_rows(solutions)[1]  # type: ignore[arg-type]

    def to_rdflib(self) -> Graph:
        """The data graph as one rdflib graph (for pyshacl)."""
        g = Graph()
        bind_prefixes(g)
        if self._graphs is None:
            names = [q for q in self._store.named_graphs() if isinstance(q, ox.NamedNode)]
        else:
            names = [ox.NamedNode(str(n)) for n in self._graphs]
        for name in names:
            for q in self._store.quads_for_pattern(None, None, None, name):
                g.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return g

    def authorities(self) -> list[URIRef]:
        rows = self.select(page_text("authorities", {}))
        return sorted(r["a"] for r in rows if isinstance(r.get("a"), URIRef))  # type: ignore[misc]


def _load_graph(store: ox.Store, name: URIRef, graph: Graph) -> None:
    store.extend(_quads(name, graph))


def _quads(name: URIRef, graph: Graph) -> list[ox.Quad]:
    target = ox.NamedNode(str(name))
    return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)  # type: ignore[arg-type]
            for s, p, o in graph]


def view_of_graphs(graphs: Mapping[URIRef, Graph]) -> DataView:
    """A fresh in-memory view holding these named graphs (their union is the data graph)."""
    store = ox.Store()
    for name, graph in graphs.items():
        _load_graph(store, name, graph)
    return DataView(store, None)


def repository_framework() -> Graph:
    """The national framework from data/framework/*.ttl (parsed once per change of files)."""
    return _parse_framework(_framework_files())


def repository_framework_quads() -> tuple[ox.Quad, ...]:
    """The same framework as Oxigraph quads in the framework graph (made once per change of
    files), for building views without converting it again."""
    return _framework_quads(_framework_files())


def _framework_files() -> tuple[tuple[str, int], ...]:
    folder = paths.data_dir() / "framework"
    files = sorted(p for p in folder.glob("*.ttl") if p.is_file()) if folder.is_dir() else []
    if not files:
        raise InputError("the national framework is missing (no data/framework/*.ttl); "
                         "validation would check nothing", file=str(folder))
    return tuple((str(p), p.stat().st_mtime_ns) for p in files)


@lru_cache(maxsize=2)
def _parse_framework(key: tuple[tuple[str, int], ...]) -> Graph:
    g = Graph()
    for name, _ in key:
        g += parse_file(Path(name))
    return g


@lru_cache(maxsize=2)
def _framework_quads(key: tuple[tuple[str, int], ...]) -> tuple[ox.Quad, ...]:
    return tuple(_quads(FRAMEWORK_GRAPH, _parse_framework(key)))


def store_framework(store: Store) -> tuple[ox.Quad, ...]:
    """The store's national framework graph as Oxigraph quads, read once per version of the
    store and shared by every upload validated against it (a store that cannot tell its
    version is read each time)."""
    return _STORE_FRAMEWORKS(store)


def _read_framework(store: Store) -> tuple[ox.Quad, ...]:
    if FRAMEWORK_GRAPH not in set(store.graph_names()):
        raise StoreError(f"the store at {store.location} has no national framework graph "
                         f"<{FRAMEWORK_GRAPH}>; run 'dutygraph build' first")
    return tuple(store.graph_quads(FRAMEWORK_GRAPH))


_STORE_FRAMEWORKS = PerVersion(_read_framework)


_GRAPHS = BASE + "graph/"
_AUTHORITY_GRAPHS = _GRAPHS + "authority/"
_PER_AUTHORITY = {"authority", "chains"}


def graph_owners(names: Sequence[str]) -> dict[str, str | None]:
    """The authority slug each named graph belongs to, None for a shared graph.

    An authority's graph is graph/authority/{slug}; its chains, derived from it alone, are
    graph/chains/{slug}. Every other graph (framework, ontology, seed documents, national
    chains) is shared and goes into every view of some authorities and every batch: sharing
    too much costs time, never a finding; sharing too little changes findings.
    """
    slugs = {n[len(_AUTHORITY_GRAPHS):] for n in names
             if n.startswith(_AUTHORITY_GRAPHS) and "/" not in n[len(_AUTHORITY_GRAPHS):]}
    out: dict[str, str | None] = {}
    for name in names:
        rest = name[len(_GRAPHS):] if name.startswith(_GRAPHS) else ""
        kind, _, slug = rest.partition("/")
        out[name] = slug if kind in _PER_AUTHORITY and slug in slugs else None
    return out


@dataclass(frozen=True)
class Layout:
    """A view's named graphs: the shared ones, and each authority's own (graph_owners)."""

    shared: tuple[str, ...]
    owned: dict[str, tuple[str, ...]]  # authority slug -> its graphs

    @classmethod
    def of(cls, names: Iterable[str]) -> Layout:
        owner = graph_owners(sorted(set(names)))
        owned: dict[str, list[str]] = {}
        for name, slug in owner.items():
            if slug is not None:
                owned.setdefault(slug, []).append(name)
        return cls(tuple(n for n, slug in owner.items() if slug is None),
                   {slug: tuple(gs) for slug, gs in sorted(owned.items())})


@dataclass(frozen=True)
class Batch:
    """Some authorities of a view in a store of their own: the shared graphs' quads and
    their own graphs' quads, read once from the view's store (records.audited_batch makes
    the store, leaving out what the day may not use). The first batch also answers for what
    no authority of the view owns (an authority known only from a shared graph, a finding on
    a shared node), so that it is reported once and not once per batch."""

    slugs: frozenset[str]
    everyone: frozenset[str]  # the slugs of every batch of the view
    shared: Sequence[ox.Quad]
    own: Sequence[ox.Quad]
    first: bool

    def answers_for(self, authority: str | None) -> bool:
        """Whether a finding or a cell of this authority (None: of no authority) is this
        batch's to report: its own authorities', and the unowned ones in the first batch."""
        slug = authority_slug(authority) if authority else None
        if slug is not None and slug in self.slugs:
            return True
        return self.first and (slug is None or slug not in self.everyone)


def _graph_quads(store: ox.Store, names: Iterable[str]) -> list[ox.Quad]:
    out: list[ox.Quad] = []
    for name in names:
        out.extend(store.quads_for_pattern(None, None, None, ox.NamedNode(name)))
    return out


def view_batches(view: DataView, size: int,
                 shared: Sequence[ox.Quad] | None = None) -> Iterator[Batch]:
    """The view's authorities in batches of at most `size`, each with the shared graphs:
    what an authority's findings depend on (this module's docstring), so every step of a
    validation (the records left out, the shapes, the report, the cells) costs the same per
    batch at any national size, and validating all authorities grows with their number.
    `shared`: the view's shared graphs' quads, when the caller keeps them (store_layout)."""
    if view.graphs is None:
        names = [g.value for g in view.store.named_graphs() if isinstance(g, ox.NamedNode)]
    else:
        names = [str(g) for g in view.graphs]
    layout = Layout.of(names)
    common = _graph_quads(view.store, layout.shared) if shared is None else shared
    slugs = sorted(layout.owned)
    everyone = frozenset(slugs)
    starts = range(0, len(slugs), max(size, 1)) if slugs else range(1)
    for start in starts:
        chosen = slugs[start:start + max(size, 1)]
        yield Batch(frozenset(chosen), everyone, common,
                    _graph_quads(view.store, [g for s in chosen for g in layout.owned[s]]),
                    start == 0)


def _read_layout(store: Store) -> tuple[frozenset[str], Layout, tuple[ox.Quad, ...] | None]:
    names = frozenset(str(n) for n in store.graph_names())
    layout = Layout.of(names)
    if store.oxigraph is None:
        return names, layout, None
    return names, layout, tuple(_graph_quads(store.oxigraph, layout.shared))


_STORE_LAYOUTS = PerVersion(_read_layout)


def store_graph_names(store: Store) -> frozenset[str]:
    """The store's graph names, read once per version of the store: re-validating one
    authority should not sort the names of every other authority's graphs."""
    return _STORE_LAYOUTS(store)[0]


def store_shared_quads(store: Store) -> tuple[ox.Quad, ...] | None:
    """An embedded store's shared graphs (framework, ontology, sources, national chains) as
    quads, read once per version of the store: every batch and every re-validation of one
    authority starts from them instead of reading them from disk again (None for a store
    that is not Oxigraph: its view is a copy already)."""
    return _STORE_LAYOUTS(store)[2]


def view_of_store(store: Store, authorities: Iterable[URIRef] | None = None) -> DataView:
    """The shared graphs and the given authorities' own graphs of a store (all graphs when
    None): what the whole store's view holds, less the other authorities' graphs."""
    names, layout, _shared = _STORE_LAYOUTS(store)
    if str(FRAMEWORK_GRAPH) not in names:
        raise StoreError(f"the store at {store.location} has no national framework graph "
                         f"<{FRAMEWORK_GRAPH}>; run 'dutygraph build' first")
    chosen: list[URIRef] | None = None
    if authorities is not None:
        wanted: set[str] = set()
        for a in authorities:
            slug = authority_slug(str(a))
            graph = authority_graph(slug) if slug else None
            if slug is None or graph is None or str(graph) not in names:
                raise InputError(f"no graph for authority {a} in the store", parameter="authority")
            wanted.add(slug)
        chosen = sorted(URIRef(n) for n in [*layout.shared, *(
            g for slug in sorted(wanted) for g in layout.owned.get(slug, ()))])
    if store.oxigraph is not None:  # read in place, not copied
        return DataView(store.oxigraph, chosen)
    return view_of_graphs({g: store.export_graph(g)
                           for g in (chosen or sorted(URIRef(n) for n in names))})


def view_of_upload(upload: Graph | Iterable[ox.Triple],
                   framework: Graph | Iterable[ox.Quad]) -> DataView:
    """An uploaded or file-read graph of arrangements, with the national framework: each
    given as an rdflib graph, or already in Oxigraph's terms (the reader's triples, the
    framework's quads as store_framework keeps them), which are loaded as they are."""
    store = ox.Store()
    store.extend(_quads(FRAMEWORK_GRAPH, framework) if isinstance(framework, Graph)
                 else framework)
    if isinstance(upload, Graph):
        store.extend(_quads(UPLOAD_GRAPH, upload))
    else:
        target = ox.NamedNode(str(UPLOAD_GRAPH))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, target) for t in upload)
    return DataView(store, None)


def upload_has_authority(view: DataView) -> bool:
    """Whether the upload in a view names a local authority (every arrangement belongs to
    one, so an upload naming none has nothing to validate)."""
    found = view.store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)),
                                         ox.NamedNode(str(DG.LocalAuthority)),
                                         ox.NamedNode(str(UPLOAD_GRAPH)))
    return next(iter(found), None) is not None
