"""The rows of a named query written as JSON or CSV: one writer for the API and the CLI, and
the whole answer (query, rows, bytes) as one call a query worker runs.

Why here: the API's /api/queries/<name>.json and `dutygraph query --format json` must give
the same bytes, and the writing of an answer is as much untrusted work as the query (a
search that matches every label, written out): the web hands `named_answer` to its executor,
so the several store calls of a named query, its row cap, its writing and its byte cap all
run in one worker under one time and memory limit, and the answer cache keeps the bytes.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..errors import InputError
from ..limits.answers import api_json, inside_worker, too_large
from ..sparql.results import Serialised
from ..store import Store
from .result import QueryResult
from .run import run_query

CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8"}


def rows_bytes(result: QueryResult, fmt: str) -> bytes:
    """{"query","params","rows"} as compact JSON with sorted keys and a final newline (the
    bytes Flask's jsonify gave the API), or CSV with a header row; UTF-8."""
    if fmt == "json":
        return api_json(result.to_json_dict())
    if fmt == "csv":
        return result.to_csv().encode("utf-8", "replace")
    raise InputError(f"unknown rows format '{fmt[:20]}' (use json or csv)", parameter="format")


def named_answer(store: Store, name: str, params: Mapping[str, str], fmt: str, max_rows: int,
                 max_bytes: int) -> Serialised:
    """Run the named query on `store` (in a worker: the worker's own store) and write its
    rows; ResultTooLarge past `max_rows` rows or `max_bytes` bytes."""
    if fmt not in CONTENT_TYPES:
        raise InputError(f"unknown rows format '{fmt[:20]}' (use json or csv)",
                         parameter="format")
    result = run_query(inside_worker(store, max_rows), name, dict(params))
    body = rows_bytes(result, fmt)
    if len(body) > max_bytes:
        raise too_large(max_bytes)
    return Serialised(body, fmt, CONTENT_TYPES[fmt], len(result.rows))
