"""Running a named query: check and resolve the parameters, bind them, run, wrap the rows."""

from __future__ import annotations

from collections.abc import Mapping

from ..store import Store
from .binding import bind
from .catalogue import get_query
from .params import resolve
from .result import QueryResult, to_value


def bound_text(store: Store | None, name: str,
               params: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """The query's text with its parameters bound, and the resolved values as strings.

    Raises InputError before anything runs if the query, a parameter name or a value is bad.
    """
    query = get_query(name)
    terms = resolve(store, query, params)
    text = bind(query.sparql, query.param_names, terms)
    shown = {k: str(to_value(v)) for k, v in terms.items()}
    return text, shown


def run_query(store: Store, name: str, params: Mapping[str, str] | None = None, *,
              as_text: bool = False) -> QueryResult:
    """Run a named query with its parameters (labels are resolved to IRIs first).

    With as_text=True nothing is run: the result carries the bound SPARQL text (`.sparql`)
    and no rows, for showing or sending to another endpoint.
    """
    text, shown = bound_text(store, name, params or {})
    if as_text:
        return QueryResult(query=name, params=shown, variables=[], rows=[], sparql=text)
    result = store.select(text)
    variables = list(result.variables)
    # Every catalogue query's first column is always bound (queries/README.md). rdflib answers
    # a GROUP BY over no solutions with one empty row, which this drops.
    rows = [row for row in result.rows if not variables or variables[0] in row]
    return QueryResult(query=name, params=shown, variables=variables, rows=rows, sparql=text)
