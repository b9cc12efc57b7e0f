"""Which links, reports or arrangements a document only proposes (dg:proposed true), read
from the data (queries/pages/proposed.rq) once per store version.

Why from the data: a proposal told apart by the words of its label ("... (proposed)") was
missed by any label worded otherwise and caught any label that merely mentioned a proposal;
the record now says it, and every page, the authority graph and the answers' CSV and JSON
read that one flag.

Why every proposal at once, kept per store version (store.per_version): proposals are few
(four records in Bromley's documents), and every answer asks about the IRIs of its rows;
asking per answer cost a query and the binding of a VALUES block of its IRIs on each fresh
answer (Cache-Control: no-cache), more than the answer's own query at 153 authorities.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..queries import QueryResult
from ..queries.internal import page_select
from ..store import Store
from ..store.per_version import PerVersion

COLUMN = "proposed"


def _read_all(store: Store) -> frozenset[str]:
    rows = page_select(store, "proposed")  # ?x unbound: every IRI flagged as proposed
    return frozenset(str(r["x"]) for r in rows if isinstance(r.get("x"), URIRef))


_ALL: PerVersion[frozenset[str]] = PerVersion(_read_all)


def proposed(store: Store, iris: Iterable[Node]) -> set[str]:
    """The IRIs among these that the data records as only proposed by their document."""
    every = _ALL(store)
    return {str(i) for i in iris if isinstance(i, URIRef) and str(i) in every}


def marked(store: Store, result: QueryResult) -> QueryResult:
    """The result with a `proposed` column: true on a row that names something only proposed
    (its link, its statement or its report), false on every other row."""
    found = proposed(store, [v for row in result.rows for v in row.values()])
    rows = [{**row, COLUMN: Literal(any(str(v) in found for v in row.values()
                                         if isinstance(v, URIRef)), datatype=XSD.boolean)}
            for row in result.rows]
    variables = list(result.variables) + ([COLUMN] if COLUMN not in result.variables else [])
    return QueryResult(query=result.query, params=result.params, variables=variables,
                       rows=rows, sparql=result.sparql)
