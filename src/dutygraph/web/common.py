"""Helpers every blueprint may use: where our IRIs live on this server, how errors become
responses, the size cap on answers, and reading an uploaded RDF document.

For the pages blueprint: link an IRI with `local_path_for(iri)` (None when it is not served
here); read the store only through `dutygraph.web.get_store()` (a read-only store whose calls
run under the app's time limit and row cap); give long-running work other than store calls
(validation) to `run_limited(fn, ...)`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

from flask import Request, current_app, jsonify
from flask import Response as FlaskResponse
from werkzeug.exceptions import HTTPException

from ..errors import DutygraphError, InputError, QueryTimeout, ResultTooLarge, StoreError
from ..namespaces import BASE
from ..rdfio import MEDIA_TYPES, SUFFIXES, TooLarge
from ..validation.dates import parse_day
from .negotiation import NotAcceptable

T = TypeVar("T")

ID_PREFIX = BASE + "id/"
DEF_PREFIX = BASE + "def#"
# Characters that may stand in an /id/ path as they are; anything else is percent-encoded.
_PATH_SAFE = "/-._~!$&'()*+,;=:@"


def local_path_for(iri: str) -> str | None:
    """The path on this server that serves one of our IRIs, or None if it is not ours.

    https://w3id.org/dutygraph/id/role/dcs -> /id/role/dcs (the entities blueprint answers it
    with content negotiation, and with .ttl/.jsonld/.nt/.html suffixes); an ontology term
    https://w3id.org/dutygraph/def#Duty -> /ontology#Duty (the generated documentation).
    """
    if iri.startswith(ID_PREFIX):
        rest = iri[len(ID_PREFIX):]
        if not rest or "#" in rest or "?" in rest:
            return None
        return "/id/" + quote(rest, safe=_PATH_SAFE)
    if iri.startswith(DEF_PREFIX):
        name = iri[len(DEF_PREFIX):]
        return "/ontology#" + quote(name, safe="-._~") if name else "/ontology"
    if iri == BASE + "def":
        return "/ontology"
    return None


def iri_for_local_path(path: str) -> str:
    """The IRI an /id/ path stands for (the inverse of local_path_for for entities)."""
    return ID_PREFIX + path


# ------------------------------------------------------------------------------------------
# Errors
# ------------------------------------------------------------------------------------------

# An answer over the row or byte cap (MAX_ROWS, MAX_RESULT_BYTES), on pages, /api, /sparql and
# /id alike: the client must narrow the query, so a client error; not 413, which says the
# *request* was too large and is kept for request bodies and uploads over their caps.
RESULT_TOO_LARGE_STATUS = 400


def status_for(exc: BaseException) -> int:
    """The HTTP status of an error we raise: bad input 400, unacceptable format 406, upload
    too large 413, upload format unsupported 415, time limit or unreachable store 503, an
    answer over the size cap RESULT_TOO_LARGE_STATUS (400)."""
    if isinstance(exc, HTTPException):
        return exc.code or 500
    if isinstance(exc, NotAcceptable):
        return 406
    if isinstance(exc, UnsupportedMediaType):
        return 415
    if isinstance(exc, UploadTooLarge):
        return 413
    if isinstance(exc, ResultTooLarge):
        return RESULT_TOO_LARGE_STATUS
    if isinstance(exc, InputError):
        return 400
    if isinstance(exc, QueryTimeout | StoreError):
        return 503
    return 500


def error_message(exc: BaseException) -> str:
    if isinstance(exc, HTTPException):
        return str(exc.description or exc.name)
    return str(exc)


def json_error(exc: BaseException, status: int | None = None) -> FlaskResponse:
    """The API's error body: {"error": message, "parameter": name or null}."""
    code = status or status_for(exc)
    response = jsonify({"error": error_message(exc),
                        "parameter": getattr(exc, "parameter", None)})
    response.status_code = code
    if code == 503:
        response.headers["Retry-After"] = "5"
    if isinstance(exc, HTTPException) and code == 405:
        allow = exc.get_headers()
        for name, value in allow:
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


def text_error(exc: BaseException, status: int | None = None) -> FlaskResponse:
    """The SPARQL endpoint's error body: the message as plain text, as SPARQL clients show."""
    code = status or status_for(exc)
    response = FlaskResponse(error_message(exc) + "\n", status=code,
                             mimetype="text/plain")
    if code == 503:
        response.headers["Retry-After"] = "5"
    if isinstance(exc, HTTPException) and code == 405:
        for name, value in exc.get_headers():
            if name.lower() == "allow":
                response.headers["Allow"] = value
    return response


# ------------------------------------------------------------------------------------------
# Limits
# ------------------------------------------------------------------------------------------

def run_limited(fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run work that is not a store call (validation) under the app's time limit."""
    executor = current_app.extensions["dutygraph.executor"]
    result: T = executor.call(fn, *args, **kwargs)
    return result


def check_size(body: bytes) -> bytes:
    """Refuse an answer over MAX_RESULT_BYTES, rather than send an unbounded body."""
    limit = int(current_app.config["MAX_RESULT_BYTES"])
    if len(body) > limit:
        raise ResultTooLarge(
            f"the answer is larger than {limit} bytes (the limit of this service); narrow "
            "the query or add a LIMIT")
    return body


# ------------------------------------------------------------------------------------------
# Uploads
# ------------------------------------------------------------------------------------------

# Media types of RDF documents we accept for upload (Turtle, N-Triples, JSON-LD; no XML).
UPLOAD_TYPES = dict(MEDIA_TYPES)
UPLOAD_TYPES["application/x-ntriples"] = "nt"
UPLOAD_TYPES["text/plain"] = "nt"


class UnsupportedMediaType(InputError):
    """An upload in a format we do not read (HTTP 415)."""


def _format_of(content_type: str | None, filename: str | None = None,
               parameter: str = "Content-Type") -> str:
    media = (content_type or "").split(";")[0].strip().lower()
    if media in UPLOAD_TYPES:
        return UPLOAD_TYPES[media]
    if filename:
        suffix = re.search(r"\.[A-Za-z]+$", filename)
        if suffix and suffix.group().lower() in SUFFIXES:
            return SUFFIXES[suffix.group().lower()]
    raise UnsupportedMediaType(
        f"cannot read '{media or 'no type'}'{f' ({filename[:80]})' if filename else ''}: send "
        "Turtle (text/turtle), N-Triples (application/n-triples) or JSON-LD "
        "(application/ld+json)", parameter=parameter)


def upload_source(request: Request, field: str = "file") -> tuple[bytes, str, str]:
    """The raw upload in a request, its format and a name for messages: a body in
    Turtle/N-Triples/JSON-LD by Content-Type, or a multipart form file `field` (its type or
    file suffix; a form value `format` overrides), or a form's `text`.

    Nothing is parsed here: the bytes go to a query worker (web.uploads.validate_upload), where
    the one reader (dutygraph.rdfio.read_rdf) holds them to MAX_CONTENT_LENGTH and
    MAX_UPLOAD_TRIPLES (413) under the time and memory limits and the sandbox.
    """
    mimetype = request.mimetype
    if mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        upload = request.files.get(field)
        if upload is not None and upload.filename is not None:
            fmt = request.form.get("format") or _format_of(upload.mimetype, upload.filename)
            name = upload.filename or "upload"
            raw = upload.read()
        elif request.form.get("text"):
            fmt = request.form.get("format") or "turtle"
            name = "pasted text"
            raw = request.form["text"].encode("utf-8", "replace")
        else:
            raise InputError(f"no file in the form field '{field}' (or text in 'text')",
                             parameter=field)
    else:
        fmt = _format_of(mimetype)
        name = "request body"
        raw = request.get_data(cache=False)
    if not raw.strip():
        raise InputError("the upload is empty", parameter=field)
    return raw, fmt, name




UploadTooLarge = TooLarge  # an upload over a cap: HTTP 413 (the name the web knew)


def parse_as_of(value: str | None, parameter: str = "as_of") -> dt.date | None:
    """An optional date, by the one rule for dates (validation.dates.parse_day)."""
    return parse_day(value, parameter)


__all__ = ["RESULT_TOO_LARGE_STATUS", "DutygraphError", "check_size", "json_error",
           "local_path_for", "parse_as_of", "run_limited", "status_for", "text_error",
           "upload_source"]
