"""Which links, reports or arrangements a document only proposes (dg:proposed true), read
from the data with one page query per 200 IRIs (queries/pages/proposed.rq).

Why from the data: a proposal told apart by the words of its label ("... (proposed)") was
missed by any label worded otherwise and caught any label that merely mentioned a proposal;
the record now says it, and every page, the authority graph and the answers' CSV and JSON
read that one flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..queries import QueryResult
from ..queries.internal import page_select
from ..store import Store

# Characters no IRI may contain: such a value is not looked up.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
CHUNK = 200
COLUMN = "proposed"


def proposed(store: Store, iris: Iterable[Node]) -> set[str]:
    """The IRIs among these that the data records as only proposed by their document."""
    wanted = sorted({str(i) for i in iris
                     if isinstance(i, URIRef) and not _BAD_IRI.search(str(i))})
    found: set[str] = set()
    for start in range(0, len(wanted), CHUNK):
        rows = page_select(store, "proposed", x=[URIRef(i) for i in wanted[start:start + CHUNK]])
        found.update(str(r["x"]) for r in rows if isinstance(r.get("x"), URIRef))
    return found


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
