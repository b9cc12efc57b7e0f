"""/id/...: our IRIs (https://w3id.org/dutygraph/id/...) dereferenced with content negotiation.

GET /id/role/dcs answers, by Accept: text/html (the pages blueprint's entity page, or a plain
page when there is none), text/turtle (the default), application/ld+json (compacted with
the package's context), application/n-triples or application/rdf+xml. A suffix picks the
format without negotiation: /id/role/dcs.ttl, .jsonld, .nt, .html. The description is the
IRI's statements, those of blank nodes it leads to, and the statements that point at it.
404 for an IRI the store does not mention.
"""

from __future__ import annotations

import importlib
import re
from html import escape

from flask import Blueprint, Response, current_app, g, make_response, redirect, request, url_for
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from ..errors import DutygraphError, InputError
from ..namespaces import DG
from ..queries.internal import page_ask, page_construct
from . import get_store
from .common import ID_PREFIX, check_size, local_path_for, text_error
from .negotiation import GRAPH, choose, media_type
from .results import graph_bytes

bp = Blueprint("entities", __name__)

SUFFIX_FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".nt": "nt", ".html": "text/html"}
# An IRI we will put between < > in SPARQL: nothing that could close it or break the query.
_IRI_SAFE = re.compile(r"^[^\s<>\"{}|\\^`\x00-\x1f\x7f]+$")
_LABELS = (DG.citationLabel, RDFS.label, SKOS.prefLabel, FOAF.name)


class UnknownEntity(InputError):
    """An /id/ path naming nothing in the store (HTTP 404)."""


@bp.errorhandler(DutygraphError)
def _error(exc: DutygraphError) -> Response:
    return text_error(exc, 404 if isinstance(exc, UnknownEntity) else None)


def _exists(iri: str) -> bool:
    if not _IRI_SAFE.match(iri):
        return False
    try:
        return page_ask(get_store(), "entity-known", iri=URIRef(iri))
    except InputError:  # not an IRI the engine accepts, so not one it holds
        return False


@bp.app_template_global("described")
def described(iri: str) -> bool:
    """Whether the graph says anything about the IRI (as subject or object), so that an
    /entity page for it exists; kept for the request, as a page names the same IRI often.

    Why: a page that linked every IRI to /entity sent rdf:type, dcterms:title,
    prov:wasDerivedFrom and the like, which the graph only uses as predicates, to a 404;
    those are linked to their own IRIs (their vocabularies' pages) instead.
    """
    kept: dict[str, bool] = g.setdefault("dutygraph_described", {})
    if iri not in kept:
        kept[iri] = _exists(iri)
    return kept[iri]


def describe(iri: str) -> Graph:
    """What the store says about one IRI: its statements (following blank nodes one step)
    and the statements that point at it."""
    return page_construct(get_store(), "entity-description", iri=URIRef(iri))


@bp.route("/id/<path:rest>", methods=["GET", "HEAD"])
def entity(rest: str) -> Response:
    iri = ID_PREFIX + rest
    fmt: str | None = None
    if not _exists(iri):
        for suffix, key in SUFFIX_FORMATS.items():
            if rest.endswith(suffix) and _exists(iri[: -len(suffix)]):
                iri, fmt = iri[: -len(suffix)], key
                break
        else:
            raise UnknownEntity(f"dutygraph knows nothing about <{iri[:300]}>", parameter="iri")
    negotiated = fmt is None
    if fmt is None:
        fmt = choose(GRAPH, request.accept_mimetypes, (), extra=["text/html"])
    if fmt == "text/html":
        response = _html(iri)
    else:
        body = check_size(graph_bytes(describe(iri), fmt))
        response = Response(body, content_type=media_type(GRAPH, fmt))
    path = local_path_for(iri) or request.path
    if negotiated:
        response.headers["Vary"] = "Accept"
        chosen = {v: k for k, v in SUFFIX_FORMATS.items()}.get(fmt)
        if chosen and response.status_code == 200:
            response.headers["Content-Location"] = path + chosen
    response.headers["Link"] = ", ".join(
        f'<{path}{suffix}>; rel="alternate"; type="{media_type(GRAPH, key).split(";")[0]}"'
        for suffix, key in SUFFIX_FORMATS.items() if key != "text/html")
    return response


def _html(iri: str) -> Response:
    """The pages blueprint's entity page when it is there, else a plain one."""
    if "pages.entity" in current_app.view_functions:
        pages = importlib.import_module(f"{__package__}.pages")
        render = getattr(pages, "render_entity", None)
        if render is not None:
            return make_response(render(iri))
        return redirect(url_for("pages.entity", iri=iri), code=303)  # type: ignore[return-value]
    return Response(_plain_page(iri, describe(iri)), content_type="text/html; charset=utf-8")


def _label(graph: Graph, node: Node) -> str | None:
    for predicate in _LABELS:
        for value in graph.objects(node, predicate):
            return str(value)
    return None


def _cell(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        text = escape(_label(graph, node) or str(node))
        path = local_path_for(str(node)) if described(str(node)) else None
        if path:
            return f'<a href="{escape(path)}">{text}</a>'
        if re.match(r"(?i)https?://", str(node)):
            return f'<a href="{escape(str(node))}">{text}</a>'
        return escape(str(node))
    if isinstance(node, Literal) and node.language:
        return f"{escape(str(node))} @{escape(node.language)}"
    return escape(str(node))


def _plain_page(iri: str, graph: Graph) -> str:
    title = escape(_label(graph, URIRef(iri)) or iri)
    subject = URIRef(iri)
    rows = []
    for p, o in sorted(graph.predicate_objects(subject), key=lambda po: (str(po[0]), str(po[1]))):
        rows.append(f"<tr><td>{_cell(graph, p)}</td><td>{_cell(graph, o)}</td></tr>")
    incoming = []
    for s, p in sorted(graph.subject_predicates(subject), key=lambda sp: (str(sp[0]), str(sp[1]))):
        incoming.append(f"<tr><td>{_cell(graph, s)}</td><td>{_cell(graph, p)}</td></tr>")
    path = escape(local_path_for(iri) or "")
    alternates = " · ".join(f'<a href="{path}{suffix}">{name}</a>' for suffix, name in
                            ((".ttl", "Turtle"), (".jsonld", "JSON-LD"), (".nt", "N-Triples")))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} – dutygraph</title></head>
<body><main><h1>{title}</h1><p><code>{escape(iri)}</code></p>
<p>Also as {alternates}</p>
<h2>Statements</h2><table><thead><tr><th scope="col">property</th><th scope="col">value</th>
</tr></thead><tbody>{''.join(rows)}</tbody></table>
<h2>Referred to by</h2><table><thead><tr><th scope="col">subject</th>
<th scope="col">property</th></tr></thead><tbody>{''.join(incoming)}</tbody></table>
</main></body></html>"""
