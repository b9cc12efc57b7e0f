"""The product's own queries: what the HTML pages read around the named questions (labels, an
entity's statements, an authority's bodies and posts, the choices of a form), and the counts
`dutygraph info` prints; and the product's internal mechanisms' queries in queries/internal/
(what a validation report reads around its findings, how a label given for a parameter is
resolved).

Each is a .rq file with the standard header in queries/pages/ or queries/internal/, read by
the same catalogue as
the public questions and bound the same way, with a VALUES block and never by splicing text,
so no value from a request can change a query's shape. They are not offered by
`dutygraph query` or /api/queries: their names and columns may change with the pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import product

from rdflib import Graph
from rdflib.term import Node

from .. import paths
from ..store import SelectResult, Store
from .binding import bind_rows
from .catalogue import NamedQuery, get_query

FOLDER = "pages"
MECHANISMS = "internal"

# A parameter's value: one term, or several (one VALUES row each; when several parameters
# have several values, every combination is a row).
Value = Node | Iterable[Node] | None


def page_query(name: str) -> NamedQuery:
    return get_query(name, paths.queries_dir() / FOLDER)


def internal_query(name: str) -> NamedQuery:
    return get_query(name, paths.queries_dir() / MECHANISMS)


def page_text(name: str, values: Mapping[str, Value]) -> str:
    """The page query's text with its parameters bound; a parameter not given is UNDEF."""
    return bound(page_query(name), values)


def internal_text(name: str, values: Mapping[str, Value]) -> str:
    """The internal query's text with its parameters bound; a parameter not given is UNDEF."""
    return bound(internal_query(name), values)


def bound(query: NamedQuery, values: Mapping[str, Value]) -> str:
    """A query's text with its parameters bound by the one binder (a VALUES block)."""
    unknown = sorted(set(values) - set(query.param_names))
    if unknown:
        raise TypeError(f"{query.path.name} has no parameter {', '.join(unknown)}")
    names = list(query.param_names)
    columns: list[list[Node | None]] = []
    for n in names:
        value = values.get(n)
        columns.append([value] if value is None or isinstance(value, Node) else list(value))
    rows = [dict(zip(names, combo, strict=True)) for combo in product(*columns)]
    return bind_rows(query.sparql, names, rows)


def page_select(store: Store, name: str, **values: Value) -> SelectResult:
    return store.select(page_text(name, values))


def page_ask(store: Store, name: str, **values: Value) -> bool:
    return store.ask(page_text(name, values))


def page_construct(store: Store, name: str, **values: Value) -> Graph:
    return store.construct(page_text(name, values))


def internal_select(store: Store, name: str, **values: Value) -> SelectResult:
    return store.select(internal_text(name, values))
