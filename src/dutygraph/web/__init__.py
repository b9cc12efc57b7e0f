"""The Flask application: an app factory and one blueprint per concern.

Blueprints (each its own module, registered when present): pages (policy officers' HTML
pages), api (/api/*), sparql (/sparql protocol endpoint), entities (dereferencing our IRIs
at /id/...). Every page and API reads through the named-query catalogue and the store layer,
never through rdflib directly, and always through `get_store()`, which applies the limits.

The app is read-only and never fetches: no route writes to the store (get_store() refuses
writes), SPARQL is screened by web.guard before any engine sees it, rdflib's loading of FROM
graphs is switched off for the process, and uploads are parsed by rdfio, which refuses remote
JSON-LD contexts and XML. Every response carries the security headers below; GET responses
of the developer routes allow any origin (CORS), so other sites can embed the answers.
"""

from __future__ import annotations

import importlib
from typing import Any

import rdflib.plugins.sparql
from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..errors import DutygraphError
from ..limits import LIMITS_CONFIG, LimitedStore, QueryRefused, ResultCache, make_executor
from ..limits.clients import ClientLimit
from ..store import Store, as_store

# rdflib would otherwise load any FROM / FROM NAMED graph it does not hold from its IRI
# (http: or file:), which is an outbound request or a local file read on a client's behalf.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

BLUEPRINTS = ["pages", "api", "sparql", "entities", "ask", "amendments"]

DEFAULT_CONFIG: dict[str, Any] = {
    "QUERY_TIMEOUT": 10.0,  # seconds per store call (and per validation)
    "QUERY_THREADS": 4,  # threads per process that run store calls
    "MAX_ROWS": 10_000,  # rows of a SELECT, triples of a CONSTRUCT
    "MAX_RESULT_BYTES": 16 * 1024 * 1024,  # bytes of one serialised answer
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # bytes of one request body (Flask answers 413)
    "MAX_FORM_MEMORY_SIZE": 2 * 1024 * 1024,  # bytes of a form field (a query sent by POST)
    "MAX_UPLOAD_TRIPLES": 100_000,  # triples of one validation upload
    "MAX_QUERY_LENGTH": 100_000,  # characters of one SPARQL query
    "WRITE_TOKEN": None,  # no route writes; kept for a future Graph Store route
    "STORE_READ_ONLY": True,  # open a named store folder read-only (several workers may)
    "CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"),
    "REFERRER_POLICY": "same-origin",
    "RESULT_CACHE_ENTRIES": 2048,  # answers kept per process (0: no cache; limits.cache)
    "RESULT_CACHE_ROWS": 500_000,  # rows those answers may hold together
    "RESULT_CACHE_BYTES": 64 * 1024 * 1024,  # bytes they may hold (one: MAX_RESULT_BYTES)
    **LIMITS_CONFIG,  # worker processes, long-query and memory limits, sandbox (limits)
}

# Paths whose GET answers any site may read (CORS), and whose errors are not HTML.
API_PREFIX = "/api/"
ENTITY_PREFIX = "/id/"
SPARQL_PATH = "/sparql"


def create_app(store: Store | str | None = None, config: dict[str, Any] | None = None) -> Flask:
    """The app over `store`: a Store, or a spec for open_store (folder, 'memory', URL)."""
    app = Flask(__name__)
    app.config.update(DEFAULT_CONFIG)
    if config:
        app.config.update(config)
    app.extensions["dutygraph.store"] = as_store(
        store, read_only=bool(app.config["STORE_READ_ONLY"]))
    # The one seam for how limits are enforced: replace this object to change it.
    app.extensions["dutygraph.executor"] = make_executor(app.extensions["dutygraph.store"],
                                                         app.config)
    app.extensions["dutygraph.cache"] = ResultCache(
        int(app.config["RESULT_CACHE_ENTRIES"]), int(app.config["RESULT_CACHE_ROWS"]),
        max_bytes=int(app.config["RESULT_CACHE_BYTES"]),
        max_entry_bytes=int(app.config["MAX_RESULT_BYTES"]))
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        app.register_blueprint(module.bp)
    app.extensions["dutygraph.clients"] = ClientLimit(int(app.config["CLIENT_REQUESTS"]))
    app.add_url_rule("/health", "health", _health)
    app.before_request(_admit_client)
    app.teardown_request(_release_client)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(DutygraphError, _error)
    return app


def get_store() -> LimitedStore:
    """The store of the current app (inside a request), read-only and under the app's limits:
    every call runs through the app's executor (time limit) and is held to MAX_ROWS."""

    inner: Store = current_app.extensions["dutygraph.store"]
    fresh = "no-cache" in request.headers.get("Cache-Control", "").lower()
    return LimitedStore(inner, current_app.extensions["dutygraph.executor"],
                        max_rows=int(current_app.config["MAX_ROWS"]),
                        cache=current_app.extensions.get("dutygraph.cache"), fresh=fresh)


# Paths that read no store and cost nothing: never counted against a client's limit.
_UNCOUNTED = ("/static/", "/health")


def _admit_client() -> Response | None:
    """Refuse at once (503) a request over its client's limit of requests in progress."""
    if request.path.startswith(_UNCOUNTED):
        return None
    client = request.remote_addr or "unknown"
    limit: ClientLimit = current_app.extensions["dutygraph.clients"]
    if not limit.enter(client):
        from .common import json_error, text_error

        exc = QueryRefused(f"this address already has {limit.per_client} requests in "
                           "progress (the limit of this service); wait for them to finish")
        if request.path.startswith(API_PREFIX):
            return json_error(exc)
        return text_error(exc)
    g.dutygraph_client = client
    return None


def _release_client(_exc: BaseException | None) -> None:
    client = g.pop("dutygraph_client", None)
    if client is not None:
        current_app.extensions["dutygraph.clients"].leave(client)


def _health() -> Response:
    """Whether the service answers, and which protections its query workers hold: the
    answer comes from a worker (its own report of the sandbox it entered), so it says what
    holds on this machine, not what was asked for. 200 while the service answers, also when
    the OS refused a protection (then "complete" is false and "notes" say which and why)."""
    from ..limits import sandbox

    executor = current_app.extensions["dutygraph.executor"]
    store: Store = current_app.extensions["dutygraph.store"]
    if getattr(executor, "pool", None) is None:
        held = sandbox.SandboxStatus(
            notes=["QUERY_EXECUTOR is 'thread': no worker processes"]).as_dict()
    elif executor.pool.policy is None:
        held = sandbox.SandboxStatus(notes=["SANDBOX is off"]).as_dict()
    else:
        held = executor.call(sandbox.status)
    return jsonify({"status": "ok", "store": store.kind, "sandbox": held})


def _is_developer_path(path: str) -> bool:
    return path.startswith((API_PREFIX, ENTITY_PREFIX)) or path == SPARQL_PATH


def _headers(response: Response) -> Response:
    """Security headers on every response; CORS on the developer routes' GET answers."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", current_app.config["REFERRER_POLICY"])
    headers.setdefault("X-Frame-Options", "DENY")
    if _is_developer_path(request.path):
        if request.method in ("GET", "HEAD"):
            headers["Access-Control-Allow-Origin"] = "*"
            headers.setdefault("Access-Control-Expose-Headers", "Content-Type, Link")
        elif request.method == "OPTIONS":
            headers["Access-Control-Allow-Origin"] = "*"
            headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            headers["Access-Control-Allow-Headers"] = "Accept"
            headers["Access-Control-Max-Age"] = "86400"
    return response


def _http_error(exc: HTTPException) -> Response | HTTPException:
    """404, 405, 413... as JSON under /api/, as text at /sparql and /id/, else Flask's page."""
    from .common import json_error, text_error

    if request.path.startswith(API_PREFIX):
        return json_error(exc)
    if _is_developer_path(request.path):
        return text_error(exc)
    return exc


def _error(exc: DutygraphError) -> Response:
    """Our errors raised outside a blueprint that handles them: 4xx for bad input, 503 when
    the store is out of time or out of reach; never a 500 for what a client sent."""
    from .common import json_error, text_error

    if request.path.startswith(API_PREFIX):
        return json_error(exc)
    return text_error(exc)
