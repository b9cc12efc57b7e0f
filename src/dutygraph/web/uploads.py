"""Uploads checked where untrusted work runs: in a sandboxed, time- and memory-limited worker.

Reading an upload (Turtle, N-Triples, JSON-LD) and validating it took 15-49 s in the server
process itself for hostile inputs, outside every limit. The web now hands the raw bytes to a
query worker (limits.process_executor) with `validate_upload`: the one reader
(dutygraph.rdfio.read_triples, with read_rdf's caps and answers), then the validation against
the framework that the worker reads from its own handle on the store. The function lives at
module level and imports no Flask, so it travels to a worker by name.

An RDF upload goes to the validation as Oxigraph triples (validation.validate_triples), with
no rdflib graph made on the way: turning every triple into rdflib terms and back into
Oxigraph's for the validation's store cost more than the parse. The spreadsheet template is
read by the workbook reader, which builds an rdflib graph (its report keeps the row behind
each subject from it).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from ..errors import InputError, QueryTimeout, StoreError
from ..limits import QueryRefused
from ..namespaces import FRAMEWORK_GRAPH
from ..rdfio import TooLarge, read_triples
from ..store import Store
from ..workbook.read import is_workbook

WORKBOOK_FORMAT = "xlsx"  # an upload of the spreadsheet template (xlsx, or a zip of its CSVs)


def validate_upload(store: Store, raw: bytes | str, fmt: str, name: str, *,
                    as_of: dt.date | None = None, authority: str | None = None,
                    max_bytes: int | None = None, max_triples: int | None = None) -> Any:
    """The validation report of an upload: read, capped and validated in one worker call."""
    # Imported when used: validation loads the shapes engine, which most calls never need.
    from ..validation.api import validate_graph, validate_triples

    workbook = fmt == WORKBOOK_FORMAT or (isinstance(raw, bytes) and is_workbook(raw))
    if workbook:
        # The spreadsheet template (xlsx, or a zip of its CSVs): read by the workbook reader
        # with its own caps, and the report keeps the row behind each subject for the page.
        from ..workbook.api import import_bytes, workbook_rows
        from ..workbook.read import Limits

        limits = Limits(max_bytes=max_bytes) if max_bytes else Limits()
        graph = import_bytes(raw if isinstance(raw, bytes) else raw.encode(), name, store,
                             limits=limits)
        _check_framework(store)
        report = validate_graph(graph, as_of=as_of, authority=authority, framework=store,
                                name=name)
        vars(report)["workbook_rows"] = workbook_rows(graph)
        return report
    try:
        triples = read_triples(raw, fmt, name=name, max_bytes=max_bytes,
                               max_triples=max_triples)
    except TooLarge:
        raise
    except InputError as exc:
        raise _as_xml(exc, raw, name) from exc
    _check_framework(store)
    return validate_triples(triples, as_of=as_of, authority=authority, framework=store,
                            name=name)


# How an RDF/XML document begins (its XML declaration, or its rdf:RDF element).
_XML_START = re.compile(rb"^\s*(?:\xef\xbb\xbf)?\s*<(?:\?xml[\s?]|rdf:RDF[\s>/])")


def _as_xml(exc: InputError, raw: bytes | str, name: str) -> InputError:
    """An upload that failed to read and begins as RDF/XML does: said in those words (the
    reader has no XML parser, by design: rdfio), rather than as malformed Turtle at line 1.
    Only the words of an upload refused anyway change."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    if not _XML_START.match(data[:512]):
        return exc
    return InputError("this looks like RDF/XML, which is not read here (no XML parser is "
                      "run on uploads); send Turtle, N-Triples or JSON-LD", file=name)


def _check_framework(store: Store) -> None:
    if FRAMEWORK_GRAPH not in set(store.graph_names()):
        raise StoreError(f"the store has no national framework graph <{FRAMEWORK_GRAPH}>, so "
                         "there is nothing to validate against")


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
