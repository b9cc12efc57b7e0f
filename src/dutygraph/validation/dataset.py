"""The data a validation sees: the national framework and one or more authorities' graphs.

Validation is scoped per authority: an authority's findings depend only on its own graphs
(graph/authority/{slug} and its derived graph/chains/{slug}) and the shared ones (framework,
ontology, source documents, national chains), so validating some authorities reads those and
no other authority's graph (that is what keeps re-validating one changed authority fast), and
validating all of them reads the union. The shared graphs go into every such view, as into
every batch the engine runs (engine.authority_batches, same graph_owners): a view that left
one out (the source graphs hold the documents' dates) could judge an authority differently
alone than with all the others, and auditing in groups must give the whole audit.
An embedded store is queried in place (Oxigraph restricts the default graph to the chosen
named graphs); any other store, an upload or a set of files is first copied into an
in-memory Oxigraph store.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
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


def view_of_store(store: Store, authorities: Iterable[URIRef] | None = None) -> DataView:
    """The shared graphs and the given authorities' own graphs of a store (all graphs when
    None): what the whole store's view holds, less the other authorities' graphs."""
    names = set(store.graph_names())
    if FRAMEWORK_GRAPH not in names:
        raise StoreError(f"the store at {store.location} has no national framework graph "
                         f"<{FRAMEWORK_GRAPH}>; run 'dutygraph build' first")
    chosen: list[URIRef] | None = None
    if authorities is not None:
        wanted: set[str] = set()
        for a in authorities:
            slug = authority_slug(str(a))
            graph = authority_graph(slug) if slug else None
            if slug is None or graph is None or graph not in names:
                raise InputError(f"no graph for authority {a} in the store", parameter="authority")
            wanted.add(slug)
        owner = graph_owners(sorted(str(n) for n in names))
        chosen = [URIRef(n) for n, slug in owner.items() if slug is None or slug in wanted]
    if store.oxigraph is not None:  # read in place, not copied
        return DataView(store.oxigraph, chosen)
    return view_of_graphs({g: store.export_graph(g) for g in (chosen or sorted(names))})


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
