"""The policy officers' HTML pages: ask who is accountable, browse entities and authorities,
run named queries, validate and audit arrangements, and the SPARQL editor and ontology docs.

Pages answer through the named-query catalogue (dutygraph.queries) and the store layer
(pagedata); templates autoescape everything that comes from data or uploads, and no page has
an inline script, so the app's Content-Security-Policy can say script-src 'self'.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from rdflib import Literal, URIRef
from rdflib.term import Node

from ..ask.proposals import proposed
from ..errors import InputError, QueryTimeout, ResultTooLarge, StoreError
from ..namespaces import authority_slug
from ..queries import (
    NamedQuery,
    Param,
    QueryResult,
    bound_text,
    catalogue,
    get_query,
    run_query,
)
from ..store import Store
from ..store.per_version import PerVersion
from . import get_store, pagedata
from .common import (
    RESULT_TOO_LARGE_STATUS,
    local_path_for,
    parse_as_of,
    run_limited,
    status_for,
)
from .pagedata import Term

bp = Blueprint("pages", __name__)

NAV_ITEMS = [
    ("pages.home", "Ask"),
    ("pages.authorities", "Authorities"),
    ("pages.queries", "Queries"),
    ("pages.validate", "Validate"),
    ("pages.audit", "Audit"),
    ("pages.sparql_editor", "SPARQL"),
    ("pages.ontology", "Ontology"),
]

# Relaxed policy for the generated ontology documentation only: pyLODE writes an inline
# <style> and data: icons; it has no script we need, so scripts stay off entirely.
ONTOLOGY_CSP = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'")


# ------------------------------------------------------------------------------------------
# Shared bits
# ------------------------------------------------------------------------------------------

@bp.app_context_processor
def _layout() -> dict[str, Any]:
    """Nav and footer for every page template, including the entity page that the entities
    blueprint renders for /id/... (so this is app-wide); the footer names the data's sources,
    read only when a page is drawn."""
    return {"nav_items": NAV_ITEMS, "footer_sources": _footer_sources,
            "footer_sources_total": _footer_sources_total}


# Source documents named in every page's footer: with a national store (thousands of
# documents) the footer would outweigh the page, so it names the first few and counts the rest.
FOOTER_SOURCES = 12


_SOURCES = "dutygraph.pages.sources"  # the app's kept source documents (app.extensions)


def _read_sources(store: Store) -> list[dict[str, str]]:
    # pagedata.source_documents is looked up when called, so a test can count the reads.
    return pagedata.source_documents(store)


def _all_sources() -> list[dict[str, str]]:
    """The source documents, kept per store version (store.per_version) by each app, also
    for a request that asks for a fresh answer (Cache-Control: no-cache): the footer is not
    the answer, and with 1,530 authorities there are as many documents, whose labelling
    re-binds 1,530 VALUES rows: seconds on every page (the footer asks twice) when it was
    recomputed."""
    kept: PerVersion[list[dict[str, str]]] | None = current_app.extensions.get(_SOURCES)
    if kept is None:
        kept = current_app.extensions[_SOURCES] = PerVersion(_read_sources)
    try:
        return kept(get_store())
    except StoreError:
        return []


def _footer_sources() -> list[dict[str, str]]:
    return _all_sources()[:FOOTER_SOURCES]


def _footer_sources_total() -> int:
    return len(_all_sources())


@bp.app_template_filter("web_url")
def _web_url(url: str) -> str:
    """A link from the data (a legislation.gov.uk page) only if it is http(s): a javascript:
    or data: IRI in a dg:legislationPage must not become a live link."""
    return url if re.match(r"(?i)https?://", str(url)) else "#"


@bp.errorhandler(InputError)
def _bad_input(exc: InputError) -> tuple[str, int]:
    return render_template("pages/error.html", title="That did not work",
                           message=str(exc), status=400), 400


@bp.errorhandler(QueryTimeout)
def _timeout(exc: QueryTimeout) -> tuple[str, int]:
    return render_template("pages/error.html", title="The store took too long",
                           message=str(exc), status=503), 503


@bp.errorhandler(ResultTooLarge)
def _too_large(exc: ResultTooLarge) -> tuple[str, int]:
    return render_template("pages/error.html", title="Too many results", message=str(exc),
                           status=RESULT_TOO_LARGE_STATUS), RESULT_TOO_LARGE_STATUS


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError) -> tuple[str, int]:
    return render_template("pages/error.html", title="The store could not answer",
                           message=str(exc), status=503), 503


def _date_arg(name: str = "as_of") -> str | None:
    """An optional YYYY-MM-DD request value, or InputError naming the parameter."""
    day = parse_as_of(request.values.get(name), parameter=name)
    return day.isoformat() if day else None


def _authorities() -> list[Term]:
    """Every authority by label, kept per store version: with 1,530 authorities, reading their
    labels costs seconds (the label look-up's VALUES rows are parsed on every call), and the
    home, authority and audit pages all need the list."""
    store = get_store()
    return store.remember(("page:authorities",), lambda: pagedata.authorities(store), len)


def _catalogue() -> list[NamedQuery]:
    return sorted(catalogue(), key=lambda q: q.name)


def _get_query(name: str) -> NamedQuery:
    try:
        return get_query(name)
    except InputError:
        abort(404)


def _run(name: str, params: dict[str, str]) -> QueryResult:
    return run_query(get_store(), name, {k: v for k, v in params.items() if v})


def _cell(row: dict[str, Node], var: str) -> Term | None:
    """One result cell as a page shows it: an IRI with the label of its companion column."""
    value = row.get(var)
    if value is None:
        return None
    if isinstance(value, URIRef) and var.endswith("Page"):  # legislationPage: a web page
        return Term(str(value), re.sub(r"^https?://(www\.)?", "", str(value)), True,
                    external=True)
    if isinstance(value, URIRef):
        label = row.get(var + "Label")
        text = str(label) if label is not None else pagedata.fallback_label(str(value))
        return Term(str(value), text, True)
    if isinstance(value, Literal):
        return Term(str(value), str(value), False,
                    pagedata.curie(str(value.datatype)) if value.datatype else None, value.language)
    return Term(str(value), str(value), False)


# Query parameters and result columns in the words people use, not SPARQL variable names.
# A header may give a parameter its own `label`; otherwise these, then the name split into words.
WORDS = {
    "as_of": "On this day", "since": "From this day", "until": "Up to this day",
    "authority": "Authority", "function": "Function", "provision": "Provision",
    "subject": "Role, body or post", "text": "Words to look for",
    "from": "Who", "to": "To whom", "fromHolder": "Who holds it", "toHolder": "Who holds that",
    "relation": "Relation", "statement": "Recorded link or duty", "scope": "National or local",
    "legislationPage": "On legislation.gov.uk", "validFrom": "In force from",
    "validThrough": "In force until", "asAt": "Date of the document", "day": "Answered for",
    "depth": "Steps up the chain", "modality": "Force", "phrase": "Force", "locator": "Where",
    "locators": "Where", "source": "Source document", "root": "Starting from",
    "bearer": "Who carries it", "holder": "Holder", "partner": "Partner",
    "partnerKind": "Kind of partner", "recipient": "Who receives it", "report": "Report",
    "reportKind": "Kind of report", "requirement": "What it requires", "changedOn": "Changed on",
    "inForce": "In force", "old": "Before", "new": "After", "score": "Match",
}


def words(name: str) -> str:
    """A variable name as words: the WORDS entry, or camelCase and snake_case split."""
    if name in WORDS:
        return WORDS[name]
    split = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("_", " ").strip().lower()
    return split[:1].upper() + split[1:] if split else name


@bp.app_template_filter("words")
def _words_filter(name: str) -> str:
    return words(str(name))


def param_label(param: Param) -> str:
    """The label a query header gives a parameter, else its name in words."""
    return str(getattr(param, "label", "") or "") or words(param.name)


def _table(result: QueryResult) -> tuple[list[str], list[list[Term | None]]]:
    """Result columns without their companion label columns, and the rows' cells."""
    variables = list(result.variables)
    shown = [v for v in variables if not (v.endswith("Label") and v[:-5] in variables)]
    return shown, [[_cell(row, v) for v in shown] for row in result.rows]


# ------------------------------------------------------------------------------------------
# Home and the answer to "who is accountable for ...?"
# ------------------------------------------------------------------------------------------

# The home page links each function in each authority only while that stays a short list;
# with a national store (1,530 authorities: 40,000 links) one form chooses both instead.
HOME_AUTHORITY_LINKS = 10


@bp.get("/")
def home() -> str:
    store = get_store()
    authorities = _authorities()
    return render_template(
        "pages/home.html",
        authorities=authorities,
        link_authorities=len(authorities) <= HOME_AUTHORITY_LINKS,
        functions=pagedata.functions(store),
        text=request.args.get("q", ""),
        chosen_authority=request.args.get("authority", ""),
        as_of=request.args.get("as_of", ""),
        message=None, candidates=[],
    )


@bp.get("/answer")
def answer() -> Response | str | tuple[str, int]:
    store = get_store()
    function = (request.args.get("function") or "").strip()
    text = (request.args.get("q") or "").strip()
    authority = (request.args.get("authority") or "").strip()
    as_of = _date_arg()
    if not function:
        # A typed question goes to the question box (web/ask.py), which reads every kind of
        # question the graph answers, not only this one.
        return redirect(url_for("ask.ask", q=text), 303)  # type: ignore[return-value]
    pagedata.iri_ref(function, "function")
    if authority:
        pagedata.iri_ref(authority, "authority")
    params = {"function": function, "authority": authority, "as_of": as_of or ""}
    result = _run("who-is-accountable", params)
    fn = pagedata.entity(store, function)
    if not fn.exists:
        raise InputError(f"no function <{function}> in the store", parameter="function")
    view = _answer_view(result)
    return render_template(
        "pages/answer.html", fn=fn, view=view, result=result, function=function,
        table=_table(result),
        authorities=_authorities(), chosen_authority=authority,
        authority_label=pagedata.label_of(store, authority) if authority else None,
        as_of=as_of or "",
        api_params=urlencode({k: v for k, v in params.items() if v}),
    )


def _answer_view(result: QueryResult) -> dict[str, Any]:
    """The who-is-accountable rows for reading: depth 0 says who carries the function, each
    further depth is one step up the chain of accountability, every link with its force in
    words, its provision (and legislation.gov.uk page) and its source."""
    steps: dict[int, list[dict[str, Any]]] = {}
    day = None
    proposals = proposed(get_store(), [r["statement"] for r in result.rows
                                                if "statement" in r])
    for row in result.rows:
        depth = int(str(row.get("depth", 0)))
        day = day or (str(row["day"]) if "day" in row else None)
        steps.setdefault(depth, []).append({
            "from": _cell(row, "from"), "from_holder": _text(row, "fromHolder"),
            "relation": _text(row, "relationLabel") or "",
            "to": _cell(row, "to"), "to_holder": _text(row, "toHolder"),
            "statement": _cell(row, "statement"), "scope": _text(row, "scope"),
            "provision": _cell(row, "provision"), "page": _text(row, "legislationPage"),
            "phrase": _text(row, "phrase") or _text(row, "modalityLabel"),
            "proposed": str(row.get("statement", "")) in proposals,
            "source": _cell(row, "source"), "locator": _text(row, "locator"),
            "valid_from": _text(row, "validFrom"), "valid_through": _text(row, "validThrough"),
        })
    return {"carriers": steps.get(0, []),
            "chain": [(depth, links) for depth, links in sorted(steps.items()) if depth > 0],
            "day": day}


def _text(row: dict[str, Node], var: str) -> str | None:
    value = row.get(var)
    return str(value) if value is not None and str(value) != "" else None


# ------------------------------------------------------------------------------------------
# Entities
# ------------------------------------------------------------------------------------------

@bp.get("/entity")
def entity() -> tuple[str, int] | str:
    iri = (request.args.get("iri") or "").strip()
    if not iri:
        raise InputError("which entity? give its IRI as ?iri=", parameter="iri")
    return render_entity(iri)


def render_entity(iri: str) -> tuple[str, int] | str:
    """The HTML page of one IRI; the entities blueprint calls this for text/html at /id/..."""
    store = get_store()
    ent = pagedata.entity(store, iri)
    if not ent.exists:
        return render_template("pages/error.html", title="Not in the graph", status=404,
                               message=f"dutygraph knows nothing about <{iri}>."), 404
    return render_template("pages/entity.html", ent=ent, queries=_queries_about(ent),
                           authority_slug=authority_slug(iri),
                           formats=_formats(iri))


def _formats(iri: str) -> list[tuple[str, str]]:
    """Other renderings of one of our IRIs: Turtle, JSON-LD and N-Triples from the entities
    blueprint, or the generated documentation for an ontology term."""
    path = local_path_for(iri)
    if path and path.startswith("/ontology"):
        return [("the ontology documentation", path)]
    if not path or not path.startswith("/id/"):
        return []
    return [(label, f"{path}.{suffix}") for label, suffix in
            (("Turtle", "ttl"), ("JSON-LD", "jsonld"), ("N-Triples", "nt"))]


def _queries_about(ent: pagedata.Entity) -> list[dict[str, str]]:
    """Named queries that take the entity as a parameter (by the parameter's kinds), or
    mention it in their SPARQL."""
    out: list[dict[str, str]] = []
    store = get_store()
    short = pagedata.curie(ent.iri)
    for q in _catalogue():
        for p in q.params:
            if p.type == "iri" and pagedata.is_of_kind(store, ent.iri, p.kinds, p.kind_classes):
                out.append({"name": q.name, "summary": q.summary, "how": f"as its {p.name}",
                            "url": url_for("pages.query", name=q.name) + "?"
                            + urlencode({p.name: ent.iri})})
                break
        else:
            text = q.sparql or ""
            if f"<{ent.iri}>" in text or (short != ent.iri and re.search(
                    re.escape(short) + r"(?![A-Za-z0-9_\-])", text)):
                out.append({"name": q.name, "summary": q.summary, "how": "in its SPARQL",
                            "url": url_for("pages.query", name=q.name)})
    return out


# ------------------------------------------------------------------------------------------
# Authorities
# ------------------------------------------------------------------------------------------

# Authorities listed per page of /authority/ (1,530 in a national store).
AUTHORITIES_PAGE_SIZE = 100


@bp.get("/authority/")
def authorities() -> str:
    """Every authority by name, a page at a time, with a search by name."""
    search = (request.args.get("q") or "").strip()
    page = _page_number()
    everyone = _authorities()
    chosen = [a for a in everyone if not search or search.casefold() in a.label.casefold()]
    pages = max(1, -(-len(chosen) // AUTHORITIES_PAGE_SIZE))
    if page > pages:
        raise InputError(f"there are only {pages} pages", parameter="page")
    shown = chosen[(page - 1) * AUTHORITIES_PAGE_SIZE: page * AUTHORITIES_PAGE_SIZE]
    return render_template(
        "pages/authorities.html", authorities=[(a, authority_slug(a.value)) for a in shown],
        search=search, total=len(everyone), matching=len(chosen), page=page, pages=pages,
        page_links=_page_links(page, pages, {"q": search} if search else {},
                               "pages.authorities"))


def _authority_or_404(slug: str) -> URIRef:
    iri = pagedata.authority_from_slug(get_store(), slug)
    if iri is None:
        abort(404)
    return iri


@bp.get("/authority/<slug>")
def authority(slug: str) -> str:
    store = get_store()
    iri = _authority_or_404(slug)
    as_of = _date_arg()
    auth = pagedata.authority(store, iri)
    lines = _run("reporting-lines", {"authority": str(iri), "as_of": as_of or ""})
    return render_template("pages/authority.html", auth=auth, lines=_reporting_lines(lines),
                           as_of=as_of or "", day=_text(lines.rows[0], "day") if lines.rows
                           else as_of,
                           graph_url=url_for("pages.authority_graph", slug=slug,
                                             as_of=as_of or None))


def _reporting_lines(result: QueryResult) -> list[dict[str, Any]]:
    """Each distinct link of the reporting-lines rows once (the query repeats a link for
    every post or body whose chain passes through it), in reading order."""
    seen: set[tuple[str, ...]] = set()
    out = []
    proposals = proposed(get_store(), [r["statement"] for r in result.rows
                                                if "statement" in r])
    for row in result.rows:
        key = tuple(str(row.get(v, "")) for v in ("from", "relation", "to", "statement"))
        if key in seen:
            continue
        seen.add(key)
        out.append({
            "from": _cell(row, "from"), "from_holder": _text(row, "fromHolder"),
            "relation": _text(row, "relationLabel") or "", "to": _cell(row, "to"),
            "to_holder": _text(row, "toHolder"), "scope": _text(row, "scope"),
            "provision": _cell(row, "provision"), "page": _text(row, "legislationPage"),
            "phrase": _text(row, "phrase") or _text(row, "modalityLabel"),
            "proposed": str(row.get("statement", "")) in proposals,
            "source": _cell(row, "source"), "locator": _text(row, "locator"),
            "valid_from": _text(row, "validFrom"), "valid_through": _text(row, "validThrough")})
    return sorted(out, key=lambda link: (link["from"].label if link["from"] else "",
                                         link["relation"], link["to"].label if link["to"] else ""))


@bp.get("/authority/<slug>/graph.json")
def authority_graph(slug: str) -> Response:
    """The graph view's data: the reporting lines of the authority as Cytoscape elements."""
    store = get_store()
    iri = _authority_or_404(slug)
    as_of = _date_arg()
    lines = _run("reporting-lines", {"authority": str(iri), "as_of": as_of or ""})
    return jsonify({"authority": {"iri": str(iri), "label": pagedata.label_of(store, str(iri))},
                    "as_of": _text(lines.rows[0], "day") if lines.rows else as_of,
                    "elements": pagedata.graph_elements(store, lines.rows)})


# ------------------------------------------------------------------------------------------
# Named queries
# ------------------------------------------------------------------------------------------

@bp.get("/queries")
def queries() -> str:
    return render_template("pages/queries.html", queries=_catalogue())


# A parameter whose kinds have at most this many instances gets a drop-down list.
MAX_OPTIONS = 400


def _field_options(param: Param) -> list[Term] | None:
    """Choices for an IRI parameter: the things of its kinds in the store, by label."""
    if param.type != "iri" or not (param.kinds or param.kind_classes):
        return None
    options = pagedata.instances_of(get_store(), param.kinds, param.kind_classes,
                                    limit=MAX_OPTIONS + 1)
    return options if 0 < len(options) <= MAX_OPTIONS else None


@bp.get("/queries/<name>")
def query(name: str) -> str | tuple[str, int]:
    q = _get_query(name)
    values = {p.name: (request.args.get(p.name) or "").strip() for p in q.params}
    fields = [{"param": p, "value": values[p.name], "options": _field_options(p),
               "label": param_label(p),
               "input_type": "date" if p.type == "date" else "text"} for p in q.params]
    submitted = any(values.values()) or request.args.get("run") == "1"
    result = None
    table = None
    error = None
    if submitted:
        try:
            result = _run(name, values)
            table = _table(result)
        except InputError as exc:
            error = exc
    given = {k: v for k, v in values.items() if v}
    downloads = []
    if result is not None:
        qs = ("?" + urlencode(given)) if given else ""
        downloads = [("CSV", f"/api/queries/{name}.csv{qs}"),
                     ("JSON", f"/api/queries/{name}.json{qs}")]
    return render_template("pages/query.html", q=q, fields=fields, result=result, table=table,
                           error=error, downloads=downloads), (400 if error else 200)


# ------------------------------------------------------------------------------------------
# Validation and audit
# ------------------------------------------------------------------------------------------

_UPLOAD_FORMATS = {"turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples"}
# The force of a requirement (a shape), by the severity of a finding against it.
REQUIREMENT_WORDS = {"Violation": "Legal duty (must)",
                     "Warning": "Statutory guidance (should)",
                     "Info": "Good practice or local commitment"}


@bp.route("/validate", methods=["GET", "POST"])
def validate() -> str | tuple[str, int]:
    form = {"as_of": request.values.get("as_of", ""), "text": request.form.get("text", ""),
            "format": request.form.get("format", "turtle")}
    context: dict[str, Any] = {"form": form, "report": None, "groups": [], "counts": {},
                               "formats": _UPLOAD_FORMATS, "error": None, "name": None}
    if request.method == "GET":
        return render_template("pages/validate.html", **context)
    try:
        as_of = _date_arg()
        raw, fmt, name = _uploaded_source(form)
        report = _validate(raw, fmt, name, as_of)
    except InputError as exc:
        context["error"] = exc
        return render_template("pages/validate.html", **context), status_for(exc)
    counts: dict[str, int] = {}
    for f in report.results:
        counts[f.severity] = counts.get(f.severity, 0) + 1
    context.update(report=report, name=name, groups=_group_findings(report), counts=counts,
                   outcomes=report.outcomes(), requirements=report.requirements,
                   meanings=OUTCOMES)
    return render_template("pages/validate.html", **context)


def _uploaded_source(form: dict[str, str]) -> tuple[bytes | str, str, str]:
    """The RDF a user uploaded or pasted, its format and a name for messages; read later, in
    a query worker, by the one reader (the same caps and answers as /api/validate)."""
    from ..rdfio import SUFFIXES

    upload = request.files.get("file")
    fmt = form["format"] if form["format"] in _UPLOAD_FORMATS else "turtle"
    raw: bytes | str
    if upload is not None and upload.filename:
        name = Path(upload.filename).name
        fmt = SUFFIXES.get(Path(name).suffix.lower(), fmt)
        raw = upload.read()
    else:
        name = "the pasted text"
        raw = form["text"]
    if not raw.strip():
        raise InputError("choose a file or paste some Turtle", parameter="file")
    return raw, fmt, name


def _validate(raw: bytes | str, fmt: str, name: str, as_of: str | None) -> Any:
    """Read and validate the upload in a query worker (web.uploads): time and memory limits,
    the sandbox, and the worker's own handle on the store for the framework."""
    from .uploads import validate_limited

    day = dt.date.fromisoformat(as_of) if as_of else None
    return validate_limited(
        run_limited, get_store(), raw, fmt, name, as_of=day,
        max_bytes=current_app.config.get("MAX_CONTENT_LENGTH"),
        max_triples=int(current_app.config.get("MAX_UPLOAD_TRIPLES", 100_000)))


def _group_findings(report: Any) -> list[dict[str, Any]]:
    """Findings grouped by the provisions they cite, groups with breaches of duty first."""
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    groups: dict[tuple[str, ...], dict[str, Any]] = {}
    all_provisions = {p for f in report.results for p in f.provisions}
    pages = pagedata.legislation_pages(get_store(), [URIRef(p) for p in all_provisions])
    for f in report.results:
        key = tuple(f.provisions)
        if key not in groups:
            labels = list(getattr(f, "provision_labels", ()) or ())
            groups[key] = {"provisions": [
                {"term": Term(p, labels[i] if i < len(labels) else pagedata.fallback_label(p),
                              True), "page": pages.get(p)}
                for i, p in enumerate(f.provisions)], "findings": []}
        groups[key]["findings"].append({
            "outcome": f.outcome, "outcome_css": _outcome_class(f.outcome),
            "outcome_symbol": OUTCOMES.get(f.outcome, ("",))[0],
            "editions": list(f.editions),
            "evidence": [e.line() for e in f.evidence],
            "severity": f.severity, "words": REQUIREMENT_WORDS.get(f.severity, f.severity),
            "message": f.message, "path": pagedata.curie(f.path) if f.path else None,
            "focus": Term(f.focus, f.focus_label or f.focus, not f.focus.startswith("_:")),
            "authority": (Term(f.authority, getattr(f, "authority_label", "") or f.authority, True)
                          if f.authority else None)})
    outcome_order = {"not met": 0, "not evidenced": 1, "superseded": 2}
    for g in groups.values():
        g["findings"].sort(key=lambda f: (outcome_order.get(f["outcome"], 3),
                                          order.get(f["severity"], 3)))
        g["worst"] = g["findings"][0]["severity"] if g["findings"] else "Info"
    return sorted(groups.values(), key=lambda g: (
        order.get(g["worst"], 3), [p["term"].label for p in g["provisions"]] or ["~"]))


# Each audit outcome in words, with a symbol, so colour is never the only signal.
OUTCOMES = {
    "met": ("✓", "met", "The data show the requirement met."),
    "not met": ("✗", "not met", "A document states the contrary, or a list it gives as "
                "complete leaves out what the law requires."),
    "not evidenced": ("?", "not evidenced", "The documents are silent: nothing shows it met "
                      "or not met."),
    "not applicable": ("–", "not applicable", "The requirement was not in force on the date."),
    "superseded": ("↷", "superseded",
                   "The arrangement had been replaced by law on the date."),
}


# Authorities per page of the matrix: rows a laptop screen can scan, a page that stays small.
AUDIT_PAGE_SIZE = 50
# Each cell's findings and evidence are written out only when this few authorities are shown
# (a search); a full page gives a "why" link per authority instead, keeping the page small.
AUDIT_DETAIL_LIMIT = 5


@bp.get("/audit")
def audit() -> str:
    """The compliance matrix: one row per authority (paged, searchable, filterable by
    outcome), one column per requirement under a short heading (R1, R2...) whose full words
    are in the key above. The whole matrix is computed once per store version and day."""
    as_of = _date_arg()
    search = (request.args.get("q") or "").strip()
    outcome = (request.args.get("outcome") or "").strip()
    if outcome and outcome not in OUTCOMES:
        raise InputError(f"outcome must be one of: {', '.join(OUTCOMES)}", parameter="outcome")
    page = _page_number()
    everyone = [(a.value, a.label) for a in _authorities()]
    chosen = [(iri, label) for iri, label in everyone
              if not search or search.casefold() in label.casefold()]
    unaudited = 0
    if outcome:
        data, chosen, unaudited = _filtered_audit(as_of, chosen, outcome, page)
    pages = max(1, -(-len(chosen) // AUDIT_PAGE_SIZE))
    if unaudited and len(chosen) <= page * AUDIT_PAGE_SIZE:
        pages = max(pages, page) + 1  # a further page may follow once more are audited
    if page > pages:
        raise InputError(f"there are only {pages} pages", parameter="page")
    page_iris = tuple(iri for iri, _ in chosen[(page - 1) * AUDIT_PAGE_SIZE:
                                               page * AUDIT_PAGE_SIZE])
    if not outcome:
        # Only the authorities on this page are audited: the time a page takes does not
        # grow with the number of authorities in the store.
        data = _audit_units(as_of, page_iris)
    by_iri = {a["iri"]: a for a in data["authorities"]}
    shown = [by_iri[i] for i in page_iris if i in by_iri]
    shown_iris = {a["iri"] for a in shown}
    dates = [(a, d) for a, d in get_store().remember(
        ("page:authority-dates",), lambda: pagedata.authority_dates(get_store()), len)
        if a.value in shown_iris]
    query = {k: v for k, v in (("as_of", as_of or ""), ("q", search), ("outcome", outcome)) if v}
    return render_template(
        "pages/audit.html", as_of=as_of or "", day=data["day"], search=search,
        outcome=outcome, outcomes=OUTCOMES, requirements=data["requirements"],
        authorities=shown, total=len(everyone), matching=len(chosen),
        page=page, pages=pages, first=(page - 1) * AUDIT_PAGE_SIZE + 1 if shown else 0,
        unaudited=unaudited,
        detailed=len(shown) <= AUDIT_DETAIL_LIMIT, detail_limit=AUDIT_DETAIL_LIMIT,
        page_links=_page_links(page, pages, query), document_dates=dates,
        legend=[(OUTCOMES[k], _outcome_class(k),
                 sum(a["cells_count"].get(k, 0) for a in shown)) for k in OUTCOMES])


# Authorities audited in one call (one validation under the time limit, kept on its own):
# a page is made of several, so that each call stays well within the limit however slow the
# validation of one authority is (about 0.9 s on a busy two-core machine at 1,530).
AUDIT_UNIT = 10


def _audit_units(as_of: str | None, iris: tuple[str, ...]) -> dict[str, Any]:
    """The matrix data of these authorities, audited AUDIT_UNIT at a time (each kept)."""
    merged: dict[str, Any] | None = None
    for start in range(0, len(iris), AUDIT_UNIT):
        data = _cached_audit(as_of, iris[start:start + AUDIT_UNIT])
        if merged is None:
            merged = {**data, "authorities": list(data["authorities"])}
        else:
            merged["authorities"] += data["authorities"]
    return merged if merged is not None else _cached_audit(as_of, ())


# Of the web time limit, the share an outcome filter may spend auditing further pages of
# authorities before it shows what it has found (each page's audit is kept, so asking again
# goes further): at 1,530 authorities auditing them all takes minutes.
FILTER_TIME_SHARE = 0.5


def _filtered_audit(as_of: str | None, chosen: list[tuple[str, str]], outcome: str,
                    page: int) -> tuple[dict[str, Any], list[tuple[str, str]], int]:
    """The authorities with the outcome, found AUDIT_UNIT authorities at a time (the same
    audits, kept per store version and day, that paging without a filter computes):
    it stops once it has this page and one more row, or when its share of the time limit is
    spent. Returns the merged matrix data of what it audited, the matching authorities, and
    how many authorities it has not audited yet (0: the list is complete)."""
    deadline = time.monotonic() + FILTER_TIME_SHARE * float(
        current_app.config["QUERY_TIMEOUT"])
    wanted = page * AUDIT_PAGE_SIZE + 1
    merged: dict[str, Any] | None = None
    matching: list[tuple[str, str]] = []
    audited = 0
    computed: list[bool] = []  # whether this request has audited a page itself
    for start in range(0, len(chosen), AUDIT_UNIT):
        if len(matching) >= wanted or (computed and time.monotonic() > deadline):
            break  # audits already kept cost nothing: each request goes at least one further
        chunk = tuple(iri for iri, _ in chosen[start:start + AUDIT_UNIT])
        data = _cached_audit(as_of, chunk, computed)
        audited = start + len(chunk)
        if merged is None:
            merged = {**data, "authorities": list(data["authorities"])}
        else:
            merged["authorities"] += data["authorities"]
        matching += [(a["iri"], a["label"]) for a in data["authorities"]
                     if a["cells_count"].get(outcome, 0) > 0]
    if merged is None:
        merged = _cached_audit(as_of, ())
    return merged, matching, len(chosen) - audited


def _cached_audit(as_of: str | None, authorities: tuple[str, ...] | None,
                  computed: list[bool] | None = None) -> dict[str, Any]:
    """The matrix data of these authorities (None: all) on the day, kept in the answer cache
    for the store's version, so paging back and forth or filtering computes nothing;
    `computed` is told (True appended) when it had to be worked out."""
    def compute() -> dict[str, Any]:
        if computed is not None:
            computed.append(True)
        return _audit_data(as_of, authorities)

    kept: dict[str, Any] = get_store().remember(
        ("audit-page", as_of or "", authorities), compute,
        lambda d: len(d["authorities"]) * max(1, len(d["requirements"])))
    return kept


def _page_number() -> int:
    raw = (request.args.get("page") or "1").strip()
    if not raw.isdigit() or int(raw) < 1:
        raise InputError("page must be a whole number from 1", parameter="page")
    return int(raw)


def _page_links(page: int, pages: int, query: dict[str, str],
                endpoint: str = "pages.audit") -> list[dict[str, Any]]:
    """Previous, the first, last and nearby pages, next: a bounded list however many pages."""
    def url(n: int) -> str:
        params: dict[str, Any] = {**query, "page": n if n > 1 else None}
        return url_for(endpoint, **params)

    numbers = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    links: list[dict[str, Any]] = []
    if page > 1:
        links.append({"text": "Previous", "url": url(page - 1), "rel": "prev"})
    last = 0
    for n in numbers:
        if n > last + 1:
            links.append({"text": "…", "url": None})
        links.append({"text": str(n), "url": url(n), "current": n == page})
        last = n
    if page < pages:
        links.append({"text": "Next", "url": url(page + 1), "rel": "next"})
    return links


def _audit_data(as_of: str | None, which: tuple[str, ...] | None = None) -> dict[str, Any]:
    """What the matrix page shows, as plain data (kept in the answer cache): requirements
    with short keys, and each authority's cells in requirement order with its counts."""
    day = dt.date.fromisoformat(as_of) if as_of else None
    # The whole audit, reading the graphs included, runs in a query worker under the time
    # limit: the worker reads the store through its own handle (the limited store passed
    # here stands for it), so nothing that cannot be sent to a process is built out here.
    matrix = run_limited(_audit_matrix, get_store(), day,
                         None if which is None else [URIRef(a) for a in which])
    provisions = {str(p) for s in matrix.requirements for p in s.provisions}
    pages = pagedata.legislation_pages(get_store(), [URIRef(p) for p in provisions])
    requirements = [{
        "key": f"R{i}", "label": shape.label, "description": shape.description,
        "severity": REQUIREMENT_WORDS.get(shape.severity_name, shape.severity_name),
        "severity_name": shape.severity_name,
        "provisions": [{"term": Term(str(p), matrix.provision_labels.get(
            str(p), pagedata.fallback_label(str(p))), True), "page": pages.get(str(p))}
            for p in shape.provisions]}
        for i, shape in enumerate(matrix.requirements, start=1)]
    authorities = []
    for iri, label in matrix.authorities:
        cells = []
        for req, shape in zip(requirements, matrix.requirements, strict=True):
            cell = matrix.cell(iri, shape)
            symbol, words_, _meaning = OUTCOMES.get(cell.status, ("", cell.status, ""))
            cells.append({"status": cell.status, "css": _outcome_class(cell.status),
                          "symbol": symbol, "words": words_, "key": req["key"],
                          "requirement": req["label"],
                          "messages": [f"{f.outcome}: {f.message}" for f in cell.findings],
                          "evidence": [e.line() for e in getattr(cell, "evidence", [])]})
        findings = [f for shape in matrix.requirements
                    for f in matrix.cell(iri, shape).findings]
        authorities.append({
            "iri": iri, "label": label, "cells": cells,
            "cells_count": {k: sum(1 for c in cells if c["status"] == k) for k in OUTCOMES},
            "findings": {k: sum(1 for f in findings if f.outcome == k)
                         for k in ("not met", "not evidenced", "superseded")}})
    return {"day": matrix.as_of.isoformat(), "requirements": requirements,
            "authorities": authorities, "counts": dict(matrix.counts())}


def _audit_matrix(store: Any, day: dt.date | None,
                  authorities: list[URIRef] | None = None) -> Any:
    """The audit matrix of these authorities (None: every one) in `store` on `day`; run in a
    query worker."""
    from ..validation.audit import audit_view
    from ..validation.dataset import view_of_store
    from ..validation.dates import resolve

    return audit_view(view_of_store(store, authorities), resolve(day))


def _outcome_class(status: str) -> str:
    slug = status.replace(" ", "-")
    return f"outcome-{slug}" if status in OUTCOMES else "outcome-other"


# ------------------------------------------------------------------------------------------
# SPARQL editor and ontology documentation
# ------------------------------------------------------------------------------------------

@bp.get("/sparql/editor")
def sparql_editor() -> Response:
    response = Response(render_template("pages/sparql_editor.html",
                                        examples_url=url_for("pages.sparql_examples")),
                        mimetype="text/html")
    response.headers["Content-Security-Policy"] = _editor_csp()
    return response


def _editor_csp() -> str:
    """The app's policy with inline styles allowed: YASGUI's table column resizer adds
    <style> elements at run time. Scripts stay 'self' only."""
    policy = str(current_app.config["CONTENT_SECURITY_POLICY"])
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    out = [("style-src 'self' 'unsafe-inline'" if d.startswith("style-src") else d)
           for d in directives]
    if not any(d.startswith("style-src") for d in directives):
        out.append("style-src 'self' 'unsafe-inline'")
    return "; ".join(out)


@bp.get("/sparql/editor/examples.json")
def sparql_examples() -> Response:
    """The named queries as YASGUI tabs: each query's SPARQL with its header's example
    parameters bound (so running a tab shows rows at once)."""
    tabs = [{"name": q.name, "summary": q.summary,
             "query": f"# {q.name}: {q.summary}\n" + _without_header(_example_sparql(q))}
            for q in _catalogue()]
    return jsonify({"endpoint": "/sparql", "tabs": tabs})


def _without_header(text: str) -> str:
    """The SPARQL without the catalogue's `#+` header lines (the page shows a summary)."""
    lines = text.splitlines()
    while lines and lines[0].startswith("#+"):
        lines.pop(0)
    return "\n".join(lines)


def _example_sparql(q: NamedQuery) -> str:
    """The query with its example parameters bound, or as written if they do not resolve."""
    examples = {p.name: p.example for p in q.params if p.example}
    try:
        text, _ = bound_text(get_store(), q.name, examples)
    except InputError:
        return str(q.sparql)
    return text


@bp.get("/ontology")
def ontology() -> Response | tuple[str, int]:
    """The pyLODE documentation of the ontology (generated on first request, web.ontology_doc),
    with the site's nav added."""
    from .ontology_doc import DocsUnavailable, ontology_html

    try:
        html = ontology_html()
    except DocsUnavailable as exc:
        return render_template("pages/error.html", title="Ontology documentation unavailable",
                               status=503, message=f"{exc}. The ontology itself is at "
                               "/ontology/dutygraph.ttl in the repository."), 503
    header = render_template("pages/ontology_header.html")
    html = html.replace("</head>", render_template("pages/ontology_head.html") + "</head>", 1)
    html = re.sub(r"<body[^>]*>", lambda m: m.group(0) + header, html, count=1)
    # pyLODE's <html> names no language; screen readers need it to pick a voice.
    html = re.sub(r"<html(?![^>]*\blang=)", '<html lang="en"', html, count=1)
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = ONTOLOGY_CSP
    return response
