"""Binding parameters into a query's text as a VALUES block, never by splicing strings.

Every parameter is validated and turned into a typed rdflib term first; its N3 form (.n3())
is what is written, so a value can never close an IRI, a string or a group. The block goes
at the top of the outermost WHERE group, where it joins with the rest of the query on every
engine (rdflib, Oxigraph, any SPARQL 1.1 server reached over HTTP); parameters not given are
UNDEF, which the queries test with BOUND or COALESCE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rdflib.term import Node

from ..errors import InputError


def _skip_string(text: str, i: int) -> int:
    """Index just past the SPARQL string literal starting at i (short or long form)."""
    quote = text[i]
    if text.startswith(quote * 3, i):
        end = text.find(quote * 3, i + 3)
        while end != -1 and text[end - 1] == "\\":
            end = text.find(quote * 3, end + 1)
        return len(text) if end == -1 else end + 3
    j = i + 1
    while j < len(text) and text[j] != quote:
        j += 2 if text[j] == "\\" else 1
    return j + 1


def where_brace(text: str) -> int:
    """Index of the `{` that opens the outermost WHERE group (comments, IRIs, strings skipped).

    The outer SELECT's WHERE is the first WHERE keyword in the text; nested sub-SELECTs come
    after it. Queries in the catalogue always write the keyword.
    """
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            nl = text.find("\n", i)
            i = n if nl == -1 else nl + 1
        elif c == "<" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "=<":
            end = text.find(">", i)
            i = n if end == -1 else end + 1
        elif c in "\"'":
            i = _skip_string(text, i)
        elif c in "wW" and text[i:i + 5].upper() == "WHERE" and (i == 0 or not (
                text[i - 1].isalnum() or text[i - 1] in "_?$:")) and (
                i + 5 >= n or not (text[i + 5].isalnum() or text[i + 5] == "_")):
            j = i + 5
            while j < n and text[j].isspace():
                j += 1
            if j < n and text[j] == "{":
                return j
            i = j
        else:
            i += 1
    raise InputError("the query has no 'WHERE {' to bind parameters into", parameter="query")


def values_block(names: Sequence[str], values: Mapping[str, Node | None]) -> str:
    """`VALUES (?a ?b) { (<...> UNDEF) }` for the given names (UNDEF where no value)."""
    cells = []
    for name in names:
        term = values.get(name)
        cells.append("UNDEF" if term is None else term.n3())
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{ ({' '.join(cells)}) }}"


def bind(text: str, names: Sequence[str], values: Mapping[str, Node | None]) -> str:
    """The query text with the parameters' VALUES block at the top of its WHERE group."""
    if not names:
        return text
    brace = where_brace(text)
    block = values_block(names, values)
    return f"{text[:brace + 1]}\n  # parameters bound by dutygraph\n  {block}\n{text[brace + 1:]}"
