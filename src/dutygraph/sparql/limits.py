"""The documented size limits of a SPARQL query, checked on its parsed form.

Why these exist: Oxigraph evaluates expressions, property paths and patterns recursively, and a
query deep enough overflows the query process's stack (the process dies: a 503 for what is bad
input). Its parser and evaluator build left-deep trees from chains, so `1+1+…+1` with 9,000
terms, a path `p/p/…/p` of 3,000 steps or 1,000 OPTIONALs in a row are as deep as 9,000, 3,000
or 1,000 nested brackets. The limits count both: every operand of a chain, every step of a path,
every pattern of a group and every level of nesting adds one to a query's depth. Measured:
Oxigraph survives depth 200 on a 1 MB thread stack and crashes near 400; the default 8 MB stack
survives a few thousand. rdflib's parser, run in a thread of its own (sparql/guard.py), reads
function calls nested 23 deep and brackets about 30 deep before Python's recursion limit stops
it (that too is reported as this limit), so the nesting limit is set below both.

README, "Security": the same numbers, in words.
"""

from __future__ import annotations

MAX_QUERY_CHARS = 100_000
"""Characters in one query (the endpoint's own MAX_QUERY_LENGTH may be lower)."""

MAX_PARSE_SECONDS = 5.0
"""CPU time the parser may spend reading one query (its own thread's CPU time, so a busy
machine does not turn a good query into a refused one). rdflib's parser reads 1 to 3 ms per
operand of a long chain (`1+1+…`), so a query within MAX_QUERY_CHARS could keep it busy for a
minute before its depth is known; it is stopped here instead."""

MAX_NESTING = 20
"""Brackets, groups, subqueries and parenthesised paths nested inside each other."""

MAX_DEPTH = 200
"""Depth as the engine builds it: each operand of a chain of operators (`+ - * / && ||`), each
step of a property path (`/` and `|`), each pattern in a group (OPTIONAL, UNION, MINUS...) and
each level of nesting, counted along the deepest branch of the query."""
