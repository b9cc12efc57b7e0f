"""/sparql: the SPARQL 1.1 Protocol for queries, read-only.

Requests: GET ?query=; POST application/x-www-form-urlencoded (query=); POST
application/sparql-query (the query as the body); default-graph-uri / named-graph-uri in the
URL or form. Answers: SELECT/ASK as SPARQL results JSON (default), XML, CSV or TSV; CONSTRUCT/
DESCRIBE as Turtle (default), JSON-LD, N-Triples or RDF/XML; chosen by Accept or by a
`format` parameter (json, xml, csv, tsv, turtle, jsonld, nt, rdfxml, or a media type).

Refused with 400 and a message: malformed queries (the store parser's message), updates
(update=, application/sparql-update, or an update sent as a query: "this endpoint is
read-only"), SERVICE anywhere, and queries past the limits of dutygraph.sparql.limits, all
judged by the one guard (dutygraph.sparql) on the parsed query, in the query worker (the
server process never parses a client's text: limits.answers.protocol_answer). FROM / FROM NAMED /
default-graph-uri / named-graph-uri naming a graph the store does not hold read it as an empty
graph (never fetched), as the W3C protocol tests expect. 406 when Accept admits no format we
can write, 415 for other POST bodies, 503 past QUERY_TIMEOUT, 400 past MAX_ROWS / MAX_RESULT_BYTES.
The query runs, and its answer is written, in a query worker (limits.answers): an answer no
accepted format can carry is a 406 naming why, one whose writing needs more memory than a
worker may have a 400, and the answer cache keeps the bytes.
A browser asking for HTML with no query is sent to the SPARQL editor.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from html import escape
from typing import TypeVar

from flask import Blueprint, Response, current_app, redirect, request, url_for
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from ..errors import DutygraphError, InputError, StoreError
from ..limits.answers import Formats, ProtocolQuery, Refusal, protocol_serialised
from ..sparql import READ_ONLY_MESSAGE
from . import get_store
from .common import UnsupportedMediaType, text_error
from .negotiation import GRAPH, RESULTS, Family, candidates

T = TypeVar("T")
bp = Blueprint("sparql", __name__)
log = logging.getLogger(__name__)

QUERY_MEDIA_TYPE = "application/sparql-query"
UPDATE_MEDIA_TYPE = "application/sparql-update"
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


@bp.errorhandler(DutygraphError)
def _error(exc: DutygraphError) -> Response:
    return text_error(exc)


@bp.route("/sparql", methods=["GET", "POST", "HEAD", "OPTIONS"])
def sparql() -> Response:
    if request.method == "OPTIONS":
        return Response(status=204, headers={"Allow": "GET, HEAD, POST, OPTIONS"})
    query, defaults, nameds = _read_request()
    if query is None:
        if _wants_html():
            return _editor()
        raise InputError("no query: send one as ?query=, as the form field 'query', or as an "
                         "application/sparql-query body", parameter="query")
    return _answer(query, defaults, nameds)


def _read_request() -> tuple[str | None, list[str], list[str]]:
    """The query text and the protocol's dataset, from whichever way the client sent them."""
    if request.method == "POST":
        mimetype = request.mimetype
        if mimetype == UPDATE_MEDIA_TYPE:
            raise InputError(READ_ONLY_MESSAGE, parameter="update")
        if mimetype == QUERY_MEDIA_TYPE:
            _no_update(request.args.getlist("update"))
            body = request.get_data(cache=False)
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"the query is not UTF-8 (byte {exc.start})",
                                 parameter="query") from exc
            return (_one([text], "query") if text.strip() else None,
                    request.args.getlist("default-graph-uri"),
                    request.args.getlist("named-graph-uri"))
        if mimetype in (FORM_MEDIA_TYPE, "multipart/form-data"):
            form = request.form
            _no_update(form.getlist("update"))
            return (_one(form.getlist("query"), "query"),
                    form.getlist("default-graph-uri") + request.args.getlist("default-graph-uri"),
                    form.getlist("named-graph-uri") + request.args.getlist("named-graph-uri"))
        raise _unsupported(mimetype)
    _no_update(request.args.getlist("update"))
    return (_one(request.args.getlist("query"), "query"),
            request.args.getlist("default-graph-uri"), request.args.getlist("named-graph-uri"))


def _unsupported(mimetype: str) -> InputError:
    return UnsupportedMediaType(
        f"cannot read a '{mimetype or 'untyped'}' body: POST a query as "
        f"{FORM_MEDIA_TYPE} (query=...) or as {QUERY_MEDIA_TYPE}", parameter="Content-Type")


def _no_update(values: list[str]) -> None:
    if values:
        raise InputError(READ_ONLY_MESSAGE, parameter="update")


def _one(values: list[str], parameter: str) -> str | None:
    if not values:
        return None
    if len(values) > 1:
        raise InputError("give exactly one query", parameter=parameter)
    text = values[0]
    limit = int(current_app.config["MAX_QUERY_LENGTH"])
    if len(text) > limit:
        raise InputError(f"the query is {len(text)} characters long; the limit is {limit}",
                         parameter=parameter)
    if "\x00" in text:
        raise InputError("the query contains a NUL character", parameter=parameter)
    return text if text.strip() else None


def _wants_html() -> bool:
    accept = request.accept_mimetypes
    if not accept or request.args.get("format"):
        return False
    return accept.best_match([*RESULTS.offers(), "text/html"]) == "text/html"


def _editor() -> Response:
    """The SPARQL editor page, when the pages blueprint provides one; else a plain form."""
    if "pages.sparql_editor" in current_app.view_functions:
        return redirect(url_for("pages.sparql_editor"), code=303)  # type: ignore[return-value]
    page = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>SPARQL endpoint – dutygraph</title></head>
<body><main><h1>SPARQL endpoint</h1>
<p>This is a read-only SPARQL 1.1 endpoint. Send a query with GET or POST.</p>
<form method="get" action="{escape(url_for('sparql.sparql'))}">
<p><label for="query">Query</label><br>
<textarea id="query" name="query" rows="12" cols="80">SELECT ?g (COUNT(*) AS ?triples)
WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g</textarea></p>
<p><label for="format">Results format</label>
<select id="format" name="format"><option value="json">JSON</option>
<option value="xml">XML</option><option value="csv">CSV</option>
<option value="tsv">TSV</option><option value="turtle">Turtle (CONSTRUCT)</option>
</select></p>
<p><button type="submit">Run query</button></p></form></main></body></html>"""
    return Response(page, mimetype="text/html")


def _answer(query: str, defaults: list[str], nameds: list[str]) -> Response:
    """The client's text goes to a query worker unread: the guard reads it there, once,
    under the worker's memory cap and in its sandbox (limits.answers.protocol_answer), and
    its refusal comes back as the same InputError (400) it always was. The one fact of the
    parse the server would need, the query form (results or graph formats?), it does without:
    it negotiates both families from Accept and `format` alone and the worker picks."""
    formats = request.args.getlist("format") + (
        request.form.getlist("format") if request.method == "POST" else [])
    results, graph = _negotiated(request.headers.get("Accept", ""), tuple(formats))
    protocol = ProtocolQuery(query, tuple(defaults), tuple(nameds), results, graph)
    limit = int(current_app.config["MAX_RESULT_BYTES"])
    store = get_store()
    written = _run(lambda: protocol_serialised(store, protocol, limit))
    response = Response(written.body, mimetype=None, content_type=written.content_type)
    response.headers["Vary"] = "Accept"
    return response


@functools.lru_cache(maxsize=256)
def _negotiated(accept: str, formats: tuple[str, ...]) -> tuple[Formats, Formats]:
    """The formats to try for each family (results, graph), kept by the Accept header and
    `format` values: clients send few distinct ones, and negotiating both families took
    three times what reading a cached query's verdict did (werkzeug's best_match)."""
    offered = parse_accept_header(accept, MIMEAccept)
    return _formats(RESULTS, offered, formats), _formats(GRAPH, offered, formats)


def _formats(family: Family, accept: MIMEAccept, formats: tuple[str, ...]) -> Formats:
    """The formats to try for one family of answers, or why none can be (a 406, or a 400
    naming `format`), raised by the worker only if the query's form calls for this family."""
    try:
        return tuple(candidates(family, accept, formats))
    except InputError as exc:
        return Refusal.of(exc)


def _run(work: Callable[[], T]) -> T:
    """The call to the worker; an engine failure on a client's query is the client's 400,
    not a 500 (rdflib raises assorted errors while evaluating odd but parseable queries)."""
    try:
        return work()
    except DutygraphError:
        raise
    except OSError as exc:
        raise StoreError(f"the store could not answer: {exc}") from exc
    except Exception as exc:  # an engine's evaluation error on a user's query
        log.info("query evaluation failed: %r", exc)
        raise InputError(f"the query could not be evaluated: {type(exc).__name__}: {exc}",
                         parameter="query") from exc
