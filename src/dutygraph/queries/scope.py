"""The dataset a named query reads: the shared graphs, and at most one authority's graph.

Why: a question about one council (or about the law alone) has its answer in the ontology, the
framework, the seed documents and that council's own graph. Left to the union of every graph,
each engine matches the national kinds (an LSCB, a Chief Executive) against every council's
posts and bodies before it gets to the one asked about: at 1,530 councils that made one
question take tens of seconds on Oxigraph and minutes on Virtuoso. Naming the graphs in FROM
clauses makes the cost that of one council, on every engine, whatever plan it picks, and the
answer cannot change: no catalogue query joins two councils' data.

The rule (queries/README.md, "Which graphs a query reads"):
- every graph that is not an authority graph (graph/authority/{slug}) is shared and always read;
- with an authority (the `authority` parameter, or the council a `subject` IRI belongs to), its
  own graph is read too;
- a query whose header says `graphs: all` (search) reads the whole store;
- when the council's graph is not in the store (data loaded some other way, as in the tests'
  small case files), nothing is narrowed: the query reads the whole store, as before.
"""

from __future__ import annotations

from collections.abc import Mapping

from rdflib import URIRef
from rdflib.term import Node

from ..namespaces import BASE, authority_graph, authority_slug
from ..store import Store
from .binding import where_brace
from .catalogue import NamedQuery

_AUTHORITY_IRI = f"{BASE}id/authority/"
_NOT_IN_IRIREF = set('<>"{}|^`\\ \t\n\r')


def _council_of(term: Node | None) -> str | None:
    """The slug of the council an IRI is, or belongs to (.../id/authority/{slug}[/...])."""
    if not isinstance(term, URIRef) or not str(term).startswith(_AUTHORITY_IRI):
        return None
    slug = str(term)[len(_AUTHORITY_IRI):].split("/", 1)[0]
    return slug or None


def graphs_for(store: Store, query: NamedQuery,
               terms: Mapping[str, Node | None]) -> list[URIRef] | None:
    """The graphs the query should read, or None for the whole store."""
    if query.graphs == "all":
        return None
    names = store.graph_names()
    if any(_NOT_IN_IRIREF & set(str(g)) for g in names):
        return None  # a graph name that cannot be written as <IRI>: read the whole store
    shared = [g for g in names if authority_slug(str(g)) is None]
    if len(shared) == len(names):
        return None  # no council graphs: nothing to narrow
    slug = _council_of(terms.get("authority")) or _council_of(terms.get("subject"))
    if slug is None:
        if any(_council_of(v) for v in terms.values()):
            return None
        return shared
    own = authority_graph(slug)
    if own not in names:
        return None
    return [*shared, own]


def with_dataset(text: str, graphs: list[URIRef] | None) -> str:
    """The query text with a FROM clause for each graph, just before its outer WHERE."""
    if graphs is None:
        return text
    brace = where_brace(text)
    keyword = text.upper().rfind("WHERE", 0, brace)
    clauses = "".join(f"FROM <{g}>\n" for g in graphs)
    return f"{text[:keyword]}# the graphs this question reads (dutygraph.queries.scope)\n" \
           f"{clauses}{text[keyword:]}"
