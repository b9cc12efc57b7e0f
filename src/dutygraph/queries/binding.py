"""Binding parameters into a query's text as a VALUES block, never by splicing strings.

Every parameter is validated and turned into a typed rdflib term first; its N3 form (.n3())
is what is written, so a value can never close an IRI, a string or a group (rdflib refuses to
write an IRI that is not one). The block is read back by the SPARQL grammar's VALUES rule and
goes at the top of the outermost WHERE group, a place the guard's parser finds
(dutygraph.sparql.text), where it joins with the rest of the query on every engine (rdflib,
Oxigraph, any SPARQL 1.1 server reached over HTTP); parameters not given are UNDEF, which the
queries test with BOUND or COALESCE. The template is checked by the guard once, and the bound
text comes back checked, so the store does not read it again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib.term import Node

from ..sparql import CheckedQuery, check_query
from ..sparql import text as sparql_text

Row = Mapping[str, Node | None]


def where_brace(text: str) -> int:
    """Index of the `{` that opens the outermost WHERE group of a query (as the guard's
    parser reads it; the text must be one the guard accepts)."""
    return sparql_text.where_brace(text)


def values_block(names: Sequence[str], rows: Row | Sequence[Row]) -> str:
    """`VALUES (?a ?b) { (<...> UNDEF) ... }`: one row per mapping (UNDEF where no value); no
    rows at all is a block that no solution joins. One mapping is one row."""
    table = [rows] if isinstance(rows, Mapping) else list(rows)
    lines = []
    for values in table:
        cells = []
        for name in names:
            term = values.get(name)
            cells.append("UNDEF" if term is None else term.n3())
        lines.append(f"({' '.join(cells)})")
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{ {' '.join(lines)} }}"


def bind(text: str, names: Sequence[str], values: Row) -> CheckedQuery:
    """The query text with the parameters' VALUES block at the top of its WHERE group."""
    return bind_rows(text, names, [values])


def bind_rows(text: str, names: Sequence[str], rows: Sequence[Row]) -> CheckedQuery:
    """The query text with a VALUES block of several rows at the top of its WHERE group."""
    if not names:
        return check_query(text)
    return sparql_text.with_values(text, values_block(names, rows))
