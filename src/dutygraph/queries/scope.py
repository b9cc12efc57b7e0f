"""The dataset a named query reads: the shared graphs, and at most one authority's graph.

Why: a question about one council (or about the law alone) has its answer in the ontology, the
framework, the seed documents and that council's own graph. Left to the union of every graph,
each engine matches the national kinds (an LSCB, a Chief Executive) against every council's
posts and bodies before it gets to the one asked about: at 1,530 councils that made one
question take tens of seconds on Oxigraph and minutes on Virtuoso. Naming the graphs in FROM
clauses makes the cost that of one council, on every engine, whatever plan it picks, and the
answer cannot change: no catalogue query joins two councils' data.

The rule (queries/README.md, "Which graphs a query reads"):
- every graph that is neither a council's (graph/authority/{slug}) nor a seed document's
  (graph/source/{stem}) is shared and always read: the ontology and the framework;
- with an authority (the `authority` parameter, or the council a `subject` IRI belongs to), its
  own graph is read too;
- so is the graph of each seed document that the graphs read cite (prov:wasDerivedFrom), for
  the document's title. (Each graph named costs Oxigraph an index lookup per pattern, so the
  seed documents nobody asked about are left out: 8 graphs ran twice as slowly as 3.)
- a query whose header says `graphs: all` (search) reads the whole store;
- when the council's graph is not in the store (data loaded some other way, as in the tests'
  small case files), nothing is narrowed: the query reads the whole store, as before.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from rdflib import URIRef
from rdflib.term import Node

from ..namespaces import BASE, authority_graph, authority_iri, authority_slug, source_graph
from ..sparql import text as sparql_text
from ..store import Store
from ..store.chains import NATIONAL as NATIONAL_CHAINS
from ..store.chains import chain_graph, is_chain_graph
from .catalogue import NamedQuery
from .internal import page_text

_AUTHORITY_IRI = f"{BASE}id/authority/"
_SOURCE_IRI = f"{BASE}id/source/"
_SOURCE_GRAPH = str(source_graph(""))
_NOT_IN_IRIREF = set('<>"{}|^`\\ \t\n\r')


def _council_of(term: Node | None) -> str | None:
    """The slug of the council an IRI is, or belongs to (.../id/authority/{slug}[/...])."""
    if not isinstance(term, URIRef) or not str(term).startswith(_AUTHORITY_IRI):
        return None
    slug = str(term)[len(_AUTHORITY_IRI):].split("/", 1)[0]
    return slug or None


# The graphs found for a council (or for none), per store version: they change only when the
# store does, and finding them costs two store calls, more than a small query itself.
_KEPT: dict[Hashable, list[URIRef] | None] = {}
_KEPT_MAX = 4096


def graphs_for(store: Store, query: NamedQuery,
               terms: Mapping[str, Node | None]) -> list[URIRef] | None:
    """The graphs the query should read, or None for the whole store."""
    if query.graphs == "all":
        return None
    slug = _council_of(terms.get("authority")) or _council_of(terms.get("subject"))
    if slug is None and any(_council_of(v) for v in terms.values()):
        return None
    version = store.version()
    if version is None:
        return _find(store, slug)
    key = (version, slug)
    if key not in _KEPT:
        if len(_KEPT) >= _KEPT_MAX:
            _KEPT.clear()
        _KEPT[key] = _find(store, slug)
    found = _KEPT[key]
    return None if found is None else list(found)


def _find(store: Store, slug: str | None) -> list[URIRef] | None:
    names = store.graph_names()
    if any(_NOT_IN_IRIREF & set(str(g)) for g in names):
        return None  # a graph name that cannot be written as <IRI>: read the whole store
    # A council's chains (store/chains.py) are read with its graph; the national ones are shared.
    shared = [g for g in names if authority_slug(str(g)) is None
              and not str(g).startswith(_SOURCE_GRAPH)
              and (not is_chain_graph(str(g)) or g == NATIONAL_CHAINS)]
    if len(shared) == len(names):
        return None  # no council or document graphs: nothing to narrow
    if slug is None:
        graphs = shared
    else:
        own = authority_graph(slug)
        if own not in names:
            return None
        graphs = [*shared, own]
        if chain_graph(authority_iri(slug)) in names:
            graphs.append(chain_graph(authority_iri(slug)))
    return graphs + _cited_documents(store, graphs, set(names))


def _cited_documents(store: Store, graphs: list[URIRef], names: set[URIRef]) -> list[URIRef]:
    """The graphs of the seed documents that the given graphs cite."""
    rows = store.select(with_dataset(page_text("cited-documents", {}), graphs)).rows
    found = set()
    for row in rows:
        document = str(row.get("document", ""))
        if document.startswith(_SOURCE_IRI):
            graph = source_graph(document[len(_SOURCE_IRI):])
            if graph in names:
                found.add(graph)
    return sorted(found)


def with_dataset(text: str, graphs: list[URIRef] | None) -> str:
    """The query text with a FROM clause for each graph, where the parser finds its dataset
    clauses (just before its outer WHERE)."""
    if graphs is None:
        return text
    return sparql_text.with_dataset(text, [str(g) for g in graphs], [])
