"""Writing SELECT/ASK results and graphs in the formats of the SPARQL protocol, from the
store layer's own terms, for the stores whose engine's own output we must first correct
(rdflib's and remote servers' literals are made canonical before they are written out)."""

from __future__ import annotations

from rdflib import Graph, Variable
from rdflib.query import Result

from ..errors import InputError
from .base import GRAPH_MEDIA_TYPES, SELECT_MEDIA_TYPES, SelectResult


def serialize_select(result: SelectResult | bool, result_format: str) -> tuple[bytes, str]:
    if result_format not in SELECT_MEDIA_TYPES:
        raise InputError(f"'{result_format}' is not a result format for SELECT or ASK",
                         parameter="format")
    if isinstance(result, bool):
        out = Result("ASK")
        out.askAnswer = result
    else:
        out = Result("SELECT")
        out.vars = [Variable(v) for v in result.variables]
        out.bindings = [{Variable(k): v for k, v in row.items()}  # type: ignore[misc]
                        for row in result.rows]
    body = out.serialize(format=result_format)
    data = body if isinstance(body, bytes) else str(body or "").encode("utf-8")
    return data, SELECT_MEDIA_TYPES[result_format]


def serialize_graph(graph: Graph, result_format: str) -> tuple[bytes, str]:
    if result_format not in GRAPH_MEDIA_TYPES:
        raise InputError(f"'{result_format}' is not a format for CONSTRUCT or DESCRIBE",
                         parameter="format")
    return graph.serialize(format=result_format, encoding="utf-8"), \
        GRAPH_MEDIA_TYPES[result_format]
