"""The answer to a named query, in the forms its callers want: rdflib terms (rows), plain
Python values (records), JSON and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

Value = str | dt.date | int | bool | float | None

_INTEGER_TYPES = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.nonNegativeInteger,
                  XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
                  XSD.unsignedInt, XSD.unsignedLong}


def to_value(node: Node | None) -> Value:
    """A term as plain Python: IRIs as str, xsd:date as date, integers, booleans, else str."""
    if node is None:
        return None
    if isinstance(node, URIRef | BNode):
        return str(node)
    if isinstance(node, Literal):
        dtype = node.datatype
        if dtype == XSD.date:
            try:
                return dt.date.fromisoformat(str(node))
            except ValueError:
                return str(node)
        if dtype in _INTEGER_TYPES:
            try:
                return int(str(node))
            except ValueError:
                return str(node)
        if dtype == XSD.boolean:
            return str(node).strip().lower() in ("true", "1")
        if dtype in (XSD.decimal, XSD.double, XSD.float):
            try:
                return float(str(node))
            except ValueError:
                return str(node)
        return str(node)
    return str(node)


def _json_value(value: Value) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


@dataclass
class QueryResult:
    """Rows of one named query: `rows` keep rdflib terms (unbound values are absent)."""

    query: str
    params: dict[str, str]
    variables: list[str]
    rows: list[dict[str, Node]] = field(default_factory=list)
    sparql: str = ""  # the text that ran, with its VALUES block

    def __len__(self) -> int:
        return len(self.rows)

    def records(self) -> list[dict[str, Value]]:
        """Every row as {variable: plain value}, with None where a variable is unbound."""
        return [{v: to_value(row.get(v)) for v in self.variables} for row in self.rows]

    def to_json_dict(self) -> dict[str, Any]:
        """{"query": NAME, "params": {...}, "rows": [{VAR: VALUE}]}: dates as ISO strings."""
        return {
            "query": self.query,
            "params": dict(self.params),
            "rows": [{k: _json_value(v) for k, v in rec.items()} for rec in self.records()],
        }

    def to_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.variables)
        for rec in self.records():
            writer.writerow(["" if rec[v] is None else _json_value(rec[v]) for v in self.variables])
        return out.getvalue()
