"""Running a named query: check and resolve the parameters, bind them, run, wrap the rows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..errors import EngineRefused
from ..sparql import check_query
from ..store import SelectResult, Store, in_memory_copy
from .binding import bind
from .catalogue import NamedQuery, get_query
from .params import resolve
from .result import QueryResult, to_value
from .scope import graphs_for, with_dataset

LIST_SEPARATOR = "; "


def sorted_lists(rows: Iterable[dict[str, Node]], columns: Iterable[str]) -> None:
    """Sort the items of each list column in place, so that every engine gives one answer.

    SPARQL leaves the order of GROUP_CONCAT's items to the engine (rdflib, Oxigraph and
    Virtuoso each differ); the items themselves are the answer, their order is not.
    """
    names = tuple(columns)
    for row in rows:
        for name in names:
            value = row.get(name)
            if isinstance(value, Literal) and LIST_SEPARATOR in str(value):
                items = sorted(str(value).split(LIST_SEPARATOR))
                row[name] = Literal(LIST_SEPARATOR.join(items), lang=value.language,
                                    datatype=value.datatype)


def engine_for(store: Store, query: NamedQuery, text: str) -> Store:
    """The store that should evaluate the bound text: the store itself, unless its engine is
    one the query's header says answers it wrongly (`wrong_on`). Then the graphs the query
    reads (its FROM clauses: the shared graphs and one council's) are fetched from the store
    and the query is evaluated on them by dutygraph's own engine (Oxigraph, in memory): the
    server's data, answered correctly. A query that would read the whole store is refused
    (EngineRefused) rather than answered wrongly: who answers for a child's safety is not a
    question to answer wrongly."""
    if not query.wrong_on:
        return store
    software = (store.server_software() or "").lower()
    for engine, why in query.wrong_on.items():
        if engine.lower() not in software:
            continue
        graphs = check_query(text).default_graphs
        if not graphs:
            raise EngineRefused(
                f"{query.name} is not run on {store.location}: {engine} is known to answer it "
                f"wrongly ({why}), and it would read the whole store; use the embedded store "
                "or an Oxigraph server (README, 'Pointing dutygraph at an existing SPARQL "
                "server')")
        return in_memory_copy(store, [URIRef(g) for g in graphs])
    return store


def bound_text(store: Store | None, name: str,
               params: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The query's text with its parameters bound, and the resolved values as strings.

    Raises InputError before anything runs if the query, a parameter name or a value is bad.
    """
    query = get_query(name)
    terms = resolve(store, query, params)
    text: str = bind(query.sparql, query.param_names, terms)
    if store is not None:
        text = with_dataset(text, graphs_for(store, query, terms))
    shown = {k: str(to_value(v)) for k, v in terms.items()}
    return text, shown


def _from_text_index(store: Store, name: str, shown: Mapping[str, str]) -> SelectResult | None:
    """`search` answered from the store's text index (dutygraph.search), which gives
    search.rq's rows without scanning every label. Only where the store says an index in this
    process may answer for it (Store.indexes_in_process: a bare embedded or memory store, not
    one behind a server or the service's limits); elsewhere search.rq is run as before."""
    if name != "search" or not store.indexes_in_process() or store.version() is None:
        return None
    from ..search import index_for  # (the index reads the store through this package)

    return index_for(store).search(shown["text"])


def run_query(store: Store, name: str, params: Mapping[str, str] | None = None, *,
              as_text: bool = False) -> QueryResult:
    """Run a named query with its parameters (labels are resolved to IRIs first).

    With as_text=True nothing is run: the result carries the bound SPARQL text (`.sparql`)
    and no rows, for showing or sending to another endpoint.
    """
    text, shown = bound_text(store, name, params or {})
    if as_text:
        return QueryResult(query=name, params=shown, variables=[], rows=[], sparql=text)
    result = _from_text_index(store, name, shown) or \
        engine_for(store, get_query(name), text).select(text)
    variables = list(result.variables)
    # Every catalogue query's first column is always bound (queries/README.md). rdflib answers
    # a GROUP BY over no solutions with one empty row, which this drops.
    rows = [row for row in result.rows if not variables or variables[0] in row]
    sorted_lists(rows, get_query(name).lists)
    return QueryResult(query=name, params=shown, variables=variables, rows=rows, sparql=text)
