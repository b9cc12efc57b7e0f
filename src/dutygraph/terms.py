"""Converting terms between pyoxigraph and rdflib, the two term models we use.

Below the store layer: the data files are read into pyoxigraph terms (datasets) and checked
as rdflib graphs (validation) whichever store holds them.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def to_rdflib(term: object) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == _XSD_STRING:
            return Literal(term.value)
        # normalize=False keeps the lexical form the store holds ("100" stays "100" for a
        # double; rdflib would write "100.0"), so every store kind prints the same text.
        return Literal(term.value, datatype=URIRef(dt), normalize=False)
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype and str(term.datatype) not in (_XSD_STRING, _RDF_LANG):
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def solution_rows(solutions: ox.QuerySolutions, each: Callable[[int], None] | None = None
                  ) -> tuple[list[str], list[dict[str, Node]]]:
    """A SELECT's variables and its rows as rdflib terms (unbound variables left out).

    each(n) is called before row n is read: the embedded store checks its time limit there.
    """
    variables = [v.value for v in solutions.variables]
    rows = []
    for n, solution in enumerate(solutions):
        if each is not None:
            each(n)
        row = {}
        for v in variables:
            value = solution[v]
            if value is not None:
                row[v] = to_rdflib(value)
        rows.append(row)
    return variables, rows
