"""/api/*: the named-query catalogue, its answers, validation of an upload, and search.

  GET  /api/queries                  the catalogue: name, summary, description, params,
                                     provisions, sparql, links
  GET  /api/queries/<name>?p=v       rows as JSON {"query","params","rows"}, or CSV by
       /api/queries/<name>.csv|.json Accept: text/csv or by the suffix
  GET  /api/search?text=...          the `search` named query
  POST /api/validate[?as_of=&authority=]  Turtle / N-Triples / JSON-LD body (by Content-Type)
                                     or a multipart `file`; the validation report as JSON
  GET  /api/openapi.json             the OpenAPI description of all of this and /sparql, /id

A named query runs, and its rows are written, in a query worker (queries.answers), with the
bytes `dutygraph query --format json|csv` prints.

Errors are {"error": message, "parameter": name or null}: 400 bad input or an answer over
the row/byte cap (as on the pages and /sparql), 404 unknown query, 413 upload over the size
caps, 415 upload type we do not read, 503 time limit or store down.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from ..errors import DutygraphError, InputError
from ..limits.answers import written_json
from ..sparql.results import Serialised
from . import get_store
from .common import json_error, parse_as_of, run_limited, upload_source
from .uploads import validate_limited

bp = Blueprint("api", __name__, url_prefix="/api")

SUFFIXES = {".csv": "csv", ".json": "json"}
# Parameters of /api/validate itself (everything else in its query string is refused).
VALIDATE_PARAMS = ("as_of", "authority")


class UnknownQuery(InputError):
    """A query name not in the catalogue (HTTP 404)."""


@bp.errorhandler(DutygraphError)
def _error(exc: DutygraphError) -> Response:
    return json_error(exc, 404 if isinstance(exc, UnknownQuery) else None)


# ------------------------------------------------------------------------------------------
# The catalogue
# ------------------------------------------------------------------------------------------

def named_queries() -> list[Any]:
    """Every named query, by name (the catalogue may be a list or a mapping)."""
    from ..queries import catalogue

    items = catalogue()
    values: Iterable[Any] = items.values() if isinstance(items, dict) else items
    return sorted(values, key=lambda q: q.name)


def find_query(name: str) -> Any:
    for q in named_queries():
        if q.name == name:
            return q
    raise UnknownQuery(f"there is no named query '{name[:80]}' (GET /api/queries lists them)",
                       parameter="name")


def param_json(param: Any) -> dict[str, Any]:
    out = {"name": param.name, "type": str(getattr(param, "type", "string") or "string"),
           "required": bool(getattr(param, "required", False)),
           "example": _plain(getattr(param, "example", None)),
           "description": str(getattr(param, "description", "") or "")}
    to_dict = getattr(param, "to_dict", None)
    return {**(to_dict() if callable(to_dict) else {}), **out}


def _plain(value: Any) -> Any:
    return None if value is None else value if isinstance(value, int | float | bool) else str(value)


def query_json(q: Any) -> dict[str, Any]:
    links = {"self": url_for("api.query_rows", name=q.name),
             "json": url_for("api.query_rows", name=q.name + ".json"),
             "csv": url_for("api.query_rows", name=q.name + ".csv")}
    if "pages.query" in current_app.view_functions:
        links["page"] = url_for("pages.query", name=q.name)
    to_dict = getattr(q, "to_dict", None)
    return {**(to_dict() if callable(to_dict) else {}),
            "name": q.name, "summary": str(q.summary or ""),
            "description": str(getattr(q, "description", "") or ""),
            "params": [param_json(p) for p in q.params],
            "provisions": [str(p) for p in (getattr(q, "provisions", None) or [])],
            "sparql": str(getattr(q, "sparql", "") or ""),
            "links": links}


@bp.get("/queries")
def catalogue_json() -> Response:
    return jsonify([query_json(q) for q in named_queries()])


# ------------------------------------------------------------------------------------------
# Running a named query
# ------------------------------------------------------------------------------------------

def _params(args: MultiDict[str, str], ignore: Iterable[str] = ()) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in args:
        if key in ignore:
            continue
        values = [v for v in args.getlist(key) if v.strip()]
        if len(values) > 1:
            raise InputError("give one value", parameter=key)
        if values:
            out[key] = values[0].strip()
    return out


def _rows_response(name: str, params: dict[str, str], fmt: str | None) -> Response:
    from ..queries.answers import named_answer

    q = find_query(name)
    if fmt is None:
        best = request.accept_mimetypes.best_match(["application/json", "text/csv"])
        fmt = "csv" if best == "text/csv" else "json"
    store = get_store()
    limit = int(current_app.config["MAX_RESULT_BYTES"])

    def answer() -> Serialised:
        # Run and written in a query worker: the named query's store calls, its row cap,
        # the writing of its rows and the byte cap, under one time and memory limit.
        written: Serialised = store.executor.call(named_answer, store.inner, q.name, params,
                                                  fmt, store.max_rows, limit)
        return written

    # A repeated question is answered with the bytes of the first answer, for as long as the
    # store is unchanged (limits.cache): the common case of a busy service, at a dictionary's cost.
    kept = store.remember(("answer", q.name, tuple(sorted(params.items())), fmt),
                          answer, lambda value: value.rows)
    response = Response(kept.body, content_type=kept.content_type)
    if fmt == "csv":
        response.headers["Content-Disposition"] = f'inline; filename="{q.name}.csv"'
    response.headers["Vary"] = "Accept"
    return response


@bp.get("/queries/<name>")
def query_rows(name: str) -> Response:
    fmt = None
    for suffix, key in SUFFIXES.items():
        if name.endswith(suffix) and len(name) > len(suffix):
            name, fmt = name[: -len(suffix)], key
            break
    return _rows_response(name, _params(request.args), fmt)


@bp.get("/search")
def search() -> Response:
    params = _params(request.args)
    if not params.get("text"):
        raise InputError("give the text to search for as ?text=", parameter="text")
    return _rows_response("search", params, None)


# ------------------------------------------------------------------------------------------
# Validation
# ------------------------------------------------------------------------------------------

@bp.post("/validate")
def validate() -> Response:
    unknown = [k for k in request.args if k not in VALIDATE_PARAMS]
    if unknown:
        raise InputError(f"unknown parameter (use {', '.join(VALIDATE_PARAMS)})",
                         parameter=unknown[0])
    values = request.form if request.mimetype == "multipart/form-data" else MultiDict()
    as_of = parse_as_of(request.args.get("as_of") or values.get("as_of"))
    authority = (request.args.get("authority") or values.get("authority") or "").strip() or None
    raw, fmt, name = upload_source(request)
    # Read and validated in a query worker (web.uploads): time and memory limits, the sandbox,
    # and the worker's own handle on the store for the framework (the limited store passed
    # here stands for it).
    # The report is written as JSON in that worker too (limits.answers.written_json), held
    # to MAX_RESULT_BYTES there.
    limit = int(current_app.config["MAX_RESULT_BYTES"])

    def run_and_write(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> bytes:
        return run_limited(written_json, limit, fn, *args, **kwargs)

    body = validate_limited(
        run_and_write, get_store(), raw, fmt, name, as_of=as_of, authority=authority,
        max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
        max_triples=int(current_app.config.get("MAX_UPLOAD_TRIPLES", 100_000)))
    return Response(body, content_type="application/json")


@bp.get("/openapi.json")
def openapi() -> Response:
    from .openapi import build_spec

    graphs = [str(g) for g in get_store().graph_names()]
    return jsonify(build_spec(named_queries(), graphs))
