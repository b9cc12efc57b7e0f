"""The OpenAPI 3.0 description of the developer routes, built from the live catalogue so every
named query appears with its own parameters (a generic /api/queries/{name} stays too)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .. import __version__ as _version
from ..validation.assessment import STATUSES
from ..validation.report import FINDING_OUTCOMES
from .negotiation import GRAPH, RESULTS

_ERROR = {"$ref": "#/components/schemas/Error"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ERROR}}}


def _text_error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/plain": {"schema": {"type": "string"}}}}


def param_schema(kind: str) -> dict[str, Any]:
    """A JSON schema for a named-query parameter type as the catalogue writes it."""
    kind = (kind or "string").lower()
    if "date" in kind:
        return {"type": "string", "format": "date"}
    if kind in ("int", "integer", "xsd:integer"):
        return {"type": "integer"}
    if kind in ("bool", "boolean"):
        return {"type": "boolean"}
    return {"type": "string"}


def _query_parameters(q: Any) -> list[dict[str, Any]]:
    out = []
    for p in q.params:
        schema = param_schema(str(getattr(p, "type", "string") or "string"))
        entry: dict[str, Any] = {"name": p.name, "in": "query",
                                 "required": bool(getattr(p, "required", False)),
                                 "description": str(getattr(p, "description", "") or ""),
                                 "schema": schema}
        example = getattr(p, "example", None)
        if example not in (None, ""):
            entry["example"] = example if schema["type"] != "string" else str(example)
        out.append(entry)
    return out


# The one description of an answer over the caps (status RESULT_TOO_LARGE_STATUS, 400).
TOO_LARGE = "the answer is over the row or byte cap of this service (narrow the query)"


def _rows_responses(csv: bool = True, json: bool = True) -> dict[str, Any]:
    content: dict[str, Any] = {}
    if json:
        content["application/json"] = {"schema": {"$ref": "#/components/schemas/QueryResult"}}
    if csv:
        content["text/csv"] = {"schema": {"type": "string"}}
    return {"200": {"description": "the rows", "content": content},
            "400": _error_response(f"a parameter is missing or malformed; or {TOO_LARGE}"),
            "404": _error_response("no such query"),
            "503": _error_response("the query ran past the time limit, or the store is down")}


def _named_query_paths(queries: Iterable[Any]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for q in queries:
        params = _query_parameters(q)
        summary = str(q.summary or q.name)
        description = str(getattr(q, "description", "") or "")
        provisions = [str(p) for p in (getattr(q, "provisions", None) or [])]
        if provisions:
            description += "\n\nProvisions: " + ", ".join(provisions)
        base = {"summary": summary, "description": description, "parameters": params,
                "tags": ["named queries"]}
        paths[f"/api/queries/{q.name}"] = {"get": {**base, "operationId": f"query_{q.name}",
                                                   "responses": _rows_responses()}}
        paths[f"/api/queries/{q.name}.json"] = {"get": {
            **base, "operationId": f"query_{q.name}_json",
            "responses": _rows_responses(csv=False)}}
        paths[f"/api/queries/{q.name}.csv"] = {"get": {
            **base, "operationId": f"query_{q.name}_csv",
            "responses": _rows_responses(json=False)}}
    return paths


_SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error", "parameter"],
              "properties": {"error": {"type": "string"},
                             "parameter": {"type": "string", "nullable": True}}},
    "Param": {"type": "object", "required": ["name", "type", "required"],
              "properties": {"name": {"type": "string"}, "type": {"type": "string"},
                             "required": {"type": "boolean"}, "example": {"nullable": True},
                             "description": {"type": "string"}}},
    "NamedQuery": {"type": "object",
                   "required": ["name", "summary", "description", "params", "provisions",
                                "links"],
                   "properties": {
                       "name": {"type": "string"}, "summary": {"type": "string"},
                       "description": {"type": "string"},
                       "params": {"type": "array", "items": {"$ref": "#/components/schemas/Param"}},
                       "provisions": {"type": "array", "items": {"type": "string"}},
                       "sparql": {"type": "string"},
                       "links": {"type": "object",
                                 "additionalProperties": {"type": "string"}}}},
    "QueryResult": {"type": "object", "required": ["query", "params", "rows"],
                    "properties": {"query": {"type": "string"},
                                   "params": {"type": "object"},
                                   "rows": {"type": "array", "items": {"type": "object"}}}},
    "Evidence": {"type": "object",
                 "description": "Where a finding's ground, or a met requirement's record, can be "
                                "read: the record, its source document and the paragraph.",
                 "required": ["node", "label", "source", "source_label", "locator", "as_at"],
                 "properties": {
                     "node": {"type": "string",
                              "description": "the record (a dg:Absence, a post, a report...)"},
                     "label": {"type": "string"},
                     "source": {"type": "string",
                                "description": "the source document's IRI, empty when the "
                                               "data do not say"},
                     "source_label": {"type": "string"},
                     "locator": {"type": "string",
                                 "description": "the paragraph(s), e.g. 'para 2.10; Appendix 1'"},
                     "as_at": {"type": "string",
                               "description": "the document's date(s) (dg:asAt), empty when "
                                              "undated"}}},
    "Finding": {"type": "object",
                "description": "One SHACL result of the run, with its outcome (never 'met': a "
                               "met requirement has no finding; the report's requirements "
                               "object counts the met ones).",
                "required": ["outcome", "severity", "message", "focus", "shape", "provisions",
                             "editions", "evidence"],
                "properties": {
                    "outcome": {"type": "string", "enum": list(FINDING_OUTCOMES),
                                "description": "not met: a document states the contrary or a "
                                               "list it presents as complete omits it; not "
                                               "evidenced: the documents are silent; "
                                               "superseded: the law it rests on has ended"},
                    "severity": {"type": "string", "enum": ["Violation", "Warning", "Info"],
                                 "description": "the force of the requirement (Violation: a "
                                                "statutory must; Warning: a guidance should; "
                                                "Info: good practice), not the outcome"},
                    "message": {"type": "string"}, "focus": {"type": "string"},
                    "focus_label": {"type": "string"},
                    "path": {"type": "string", "nullable": True},
                    "shape": {"type": "string"},
                    "provisions": {"type": "array", "items": {"type": "string"}},
                    "authority": {"type": "string", "nullable": True},
                    "editions": {"type": "array", "items": {"type": "string"},
                                 "description": "the guidance edition(s) in force on the "
                                                "judging day that the finding rests on"},
                    "evidence": {"type": "array",
                                 "items": {"$ref": "#/components/schemas/Evidence"},
                                 "description": "for not met, the contrary statement's "
                                                "document and paragraph"}}},
    "ValidationReport": {"type": "object",
                         "required": ["conforms", "as_of", "summary", "outcomes",
                                      "requirements", "ignored_records", "results"],
                         "properties": {
                             "conforms": {"type": "boolean"},
                             "as_of": {"type": "string", "format": "date"},
                             "summary": {"type": "object",
                                         "description": "findings by severity (violations, "
                                                        "warnings, infos) and by outcome "
                                                        "(not_met, not_evidenced, superseded)",
                                         "additionalProperties": {"type": "integer"}},
                             "outcomes": {"type": "object",
                                          "description": "findings by outcome",
                                          "properties": {o: {"type": "integer", "minimum": 0}
                                                         for o in FINDING_OUTCOMES},
                                          "additionalProperties": False},
                             "requirements": {"type": "object",
                                              "description": "(authority, requirement) cells "
                                                             "by outcome, as the audit shows "
                                                             "them: met, not met, not "
                                                             "evidenced, not applicable, "
                                                             "superseded",
                                              "properties": {o: {"type": "integer",
                                                                 "minimum": 0}
                                                             for o in STATUSES},
                                              "additionalProperties": False},
                             "ignored_records": {"type": "integer", "minimum": 0,
                                                 "description": "local records left out "
                                                                "because every document "
                                                                "describing them is dated "
                                                                "after as_of"},
                             "results": {"type": "array",
                                         "items": {"$ref": "#/components/schemas/Finding"}}}},
}

def _sparql_params(graphs: list[str] | None) -> list[dict[str, Any]]:
    """The protocol's parameters; the graph parameters accept only the store's own graphs."""
    graph = {"type": "string", "enum": graphs} if graphs else {"type": "string"}
    return [
        {"name": "default-graph-uri", "in": "query", "required": False, "explode": True,
         "description": "a named graph of this store to use as the default graph",
         "schema": {"type": "array", "items": graph}},
        {"name": "named-graph-uri", "in": "query", "required": False, "explode": True,
         "description": "a named graph of this store to make available to GRAPH",
         "schema": {"type": "array", "items": graph}},
        {"name": "format", "in": "query", "required": False,
         "description": "the answer format, overriding Accept: json, xml, csv, tsv "
                        "(SELECT/ASK); turtle, jsonld, nt, rdfxml (CONSTRUCT/DESCRIBE)",
         "schema": {"type": "string", "enum": sorted({*RESULTS.names, *GRAPH.names})}},
    ]


_QUERY_TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}


# JSON bodies are described as JSON (clients and schemathesis parse them); others as text.
_JSON_RESULTS = {"type": "object", "required": ["head"],
                 "properties": {"head": {"type": "object"}, "boolean": {"type": "boolean"},
                                "results": {"type": "object", "required": ["bindings"],
                                            "properties": {"bindings": {"type": "array"}}}}}
_JSON_LD = {"oneOf": [{"type": "object"}, {"type": "array"}]}


def _body_schema(media: str) -> dict[str, Any]:
    if media == "application/sparql-results+json":
        return {"schema": _JSON_RESULTS}
    if media == "application/ld+json":
        return {"schema": _JSON_LD}
    return {"schema": {"type": "string"}}


_SPARQL_RESPONSES = {
    "200": {"description": "SELECT/ASK results, or the graph of a CONSTRUCT/DESCRIBE",
            "content": {m: _body_schema(m) for m in
                        [*RESULTS.media.values(), *GRAPH.media.values()]}},
    "303": {"description": "a browser asking for HTML without a query: the SPARQL editor"},
    "400": _text_error("malformed query (the parser's message), an update (this endpoint is "
                       "read-only), SERVICE, or a dataset naming a graph this store does "
                       f"not hold; or {TOO_LARGE}"),
    "406": _text_error("Accept admits no format this answer can be written in"),
    "415": _text_error("a POST body that is neither a form nor application/sparql-query"),
    "503": _text_error("the query ran past the time limit, or the store is down"),
}


def build_spec(queries: Iterable[Any], graphs: list[str] | None = None) -> dict[str, Any]:
    """The description; `graphs` (the store's named graphs) bound the dataset parameters."""
    queries = list(queries)
    sparql_params = _sparql_params(graphs)
    graph_item = sparql_params[0]["schema"]["items"]
    search = next((q for q in queries if q.name == "search"), None)
    search_params = _query_parameters(search) if search else [
        {"name": "text", "in": "query", "required": True, "schema": {"type": "string"}}]
    for p in search_params:
        if p["name"] == "text":
            p["required"] = True
            p["schema"] = {"type": "string", "minLength": 1, "pattern": r"\S"}
    paths: dict[str, Any] = {
        "/api/queries": {"get": {
            "summary": "The catalogue of named queries", "operationId": "catalogue",
            "tags": ["named queries"],
            "responses": {"200": {"description": "every named query", "content": {
                "application/json": {"schema": {
                    "type": "array", "items": {"$ref": "#/components/schemas/NamedQuery"}}}}}}}},
        "/api/queries/{name}": {"get": {
            "summary": "Run any named query (its parameters go in the query string)",
            "operationId": "query_by_name", "tags": ["named queries"],
            "parameters": [{"name": "name", "in": "path", "required": True,
                            "description": "a query name, optionally ending .csv or .json",
                            "schema": {"type": "string"}}],
            "responses": _rows_responses()}},
        **_named_query_paths(queries),
        "/api/search": {"get": {
            "summary": "Search labels (the `search` named query)", "operationId": "search",
            "tags": ["named queries"], "parameters": search_params,
            "responses": _rows_responses()}},
        "/api/validate": {"post": {
            "summary": "Validate an authority's arrangements against the law in force",
            "operationId": "validate", "tags": ["validation"],
            "parameters": [
                {"name": "as_of", "in": "query", "required": False,
                 "description": "the day whose law applies (YYYY-MM-DD; default today)",
                 "schema": {"type": "string", "format": "date"}},
                {"name": "authority", "in": "query", "required": False,
                 "description": "which authority in the upload to validate (slug or IRI)",
                 "schema": {"type": "string"}}],
            "requestBody": {"required": True, "content": {
                "text/turtle": {"schema": {"type": "string"}},
                "application/n-triples": {"schema": {"type": "string"}},
                "application/ld+json": {"schema": {"type": "object"}},
                "multipart/form-data": {"schema": {
                    "type": "object", "required": ["file"],
                    "properties": {"file": {"type": "string", "format": "binary"},
                                   "as_of": {"type": "string", "format": "date"},
                                   "authority": {"type": "string"}}}}}},
            "responses": {
                "200": {"description": "the validation report", "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/ValidationReport"}}}},
                "400": _error_response("malformed RDF (with its line), a bad date or "
                                       "authority, or nothing to validate"),
                "413": _error_response("the upload is over the size or triple cap"),
                "415": _error_response("not Turtle, N-Triples or JSON-LD"),
                "503": _error_response("validation ran past the time limit")}}},
        "/api/openapi.json": {"get": {
            "summary": "This description", "operationId": "openapi", "tags": ["meta"],
            "responses": {"200": {"description": "OpenAPI 3.0",
                                  "content": {"application/json": {
                                      "schema": {"type": "object"}}}}}}},
        "/sparql": {
            "get": {"summary": "SPARQL 1.1 Protocol query (read-only)", "operationId": "sparql_get",
                    "tags": ["sparql"],
                    "parameters": [{"name": "query", "in": "query", "required": True,
                                    "schema": _QUERY_TEXT,
                                    "example": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"},
                                   *sparql_params],
                    "responses": _SPARQL_RESPONSES},
            "post": {"summary": "SPARQL 1.1 Protocol query by POST (read-only)",
                     "operationId": "sparql_post", "tags": ["sparql"],
                     "parameters": sparql_params,
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["query"],
                             "properties": {"query": _QUERY_TEXT,
                                            "default-graph-uri": graph_item,
                                            "named-graph-uri": graph_item}}},
                         "application/sparql-query": {"schema": _QUERY_TEXT}}},
                     "responses": {k: v for k, v in _SPARQL_RESPONSES.items() if k != "303"}}},
        "/id/{path}": {"get": {
            "summary": "Dereference one of our IRIs (https://w3id.org/dutygraph/id/{path})",
            "operationId": "entity", "tags": ["entities"],
            "parameters": [{"name": "path", "in": "path", "required": True,
                            "description": "the IRI's path after /id/, e.g. role/dcs; a suffix "
                                           ".ttl, .jsonld, .nt or .html picks the format",
                            "schema": {"type": "string"}}],
            "responses": {
                "200": {"description": "the entity's description", "content": {
                    **{m: _body_schema(m) for m in GRAPH.media.values()},
                    "text/html": {"schema": {"type": "string"}}}},
                "303": {"description": "the HTML page of the entity"},
                "400": _text_error(TOO_LARGE),
                "404": _text_error("the store does not mention this IRI"),
                "406": _text_error("Accept admits no format we write"),
                "503": _text_error("the store is down or out of time")}}},
    }
    return {
        "openapi": "3.0.3",
        "info": {"title": "dutygraph", "version": _version,
                 "description": "Who answers for a child's safety in England: the named "
                                "queries, validation, a read-only SPARQL endpoint and "
                                "dereferenceable IRIs over the duty graph."},
        "paths": paths,
        "components": {"schemas": _SCHEMAS},
    }
