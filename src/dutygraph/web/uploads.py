"""Uploads checked where untrusted work runs: in a sandboxed, time- and memory-limited worker.

Reading an upload (Turtle, N-Triples, JSON-LD) and validating it took 15-49 s in the server
process itself for hostile inputs, outside every limit. The web now hands the raw bytes to a
query worker (limits.process_executor) with `validate_upload`: the one reader
(dutygraph.rdfio.read_rdf, with its caps), then the validation against the framework that
the worker reads from its own handle on the store. The function lives at module level and
imports no Flask, so it travels to a worker by name.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from ..errors import InputError, QueryTimeout, StoreError
from ..limits import QueryRefused
from ..namespaces import FRAMEWORK_GRAPH
from ..store import Store
from ..workbook.read import is_workbook

WORKBOOK_FORMAT = "xlsx"  # an upload of the spreadsheet template (xlsx, or a zip of its CSVs)


def validate_upload(store: Store, raw: bytes | str, fmt: str, name: str, *,
                    as_of: dt.date | None = None, authority: str | None = None,
                    max_bytes: int | None = None, max_triples: int | None = None) -> Any:
    """The validation report of an upload: read, capped and validated in one worker call."""
    # Imported when used: validation loads the shapes engine, which most calls never need.
    from ..rdfio import read_rdf
    from ..validation import validate_graph

    workbook = fmt == WORKBOOK_FORMAT or (isinstance(raw, bytes) and is_workbook(raw))
    if workbook:
        # The spreadsheet template (xlsx, or a zip of its CSVs): read by the workbook reader
        # with its own caps, and the report keeps the row behind each subject for the page.
        from ..workbook.api import import_bytes, workbook_rows
        from ..workbook.read import Limits

        limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
        graph = import_bytes(raw if isinstance(raw, bytes) else raw.encode(), name, store,
                             limits=limits)
    else:
        graph = read_rdf(raw, fmt, name=name, max_bytes=max_bytes, max_triples=max_triples)
    if FRAMEWORK_GRAPH not in set(store.graph_names()):
        raise StoreError(f"the store has no national framework graph <{FRAMEWORK_GRAPH}>, so "
                         "there is nothing to validate against")
    report = validate_graph(graph, as_of=as_of, authority=authority, framework=store, name=name)
    if workbook:
        vars(report)["workbook_rows"] = workbook_rows(graph)
    return report


def validate_limited(run: Callable[..., Any], store: Store, raw: bytes | str, fmt: str,
                     name: str, **options: Any) -> Any:
    """validate_upload through `run` (the app's run_limited). An upload whose reading and
    checking run past the time limit is the upload's fault (400, naming it), unlike a query
    refused because the service is busy (QueryRefused: 503, try again)."""
    try:
        return run(validate_upload, store, raw, fmt, name, **options)
    except QueryRefused:
        raise
    except QueryTimeout as exc:
        raise InputError("reading and checking it took longer than the time limit of this "
                         "service; send a smaller or simpler file", file=name) from exc
