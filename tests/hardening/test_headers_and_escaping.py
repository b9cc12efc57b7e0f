"""Security headers on every response (pages, static files, the API, every kind of error),
and data shown as text, never as markup (issue 8 §2)."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS, XSD

from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app
from tests.serving import front_error

HOSTILE = URIRef("https://w3id.org/dutygraph/id/function/zz-hardening-hostile")
HOSTILE_GRAPH = URIRef("https://w3id.org/dutygraph/graph/source/hardening-hostile")
SCRIPT = "<script>window.__dgHardening = 1;</script>"
IMG = '<img src="x" onerror="window.__dgHardening = 2">'


@pytest.fixture(scope="module")
def hostile_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    graphs = dict(repo_graphs)
    extra = Graph()
    dg = "https://w3id.org/dutygraph/def#"
    extra.add((HOSTILE, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
               URIRef(dg + "Function")))
    extra.add((HOSTILE, RDFS.label, Literal(f"{SCRIPT}Hostile hardening label", lang="en")))
    extra.add((HOSTILE, SKOS.definition, Literal(f"Markup {IMG} shown as text", lang="en")))
    extra.add((HOSTILE, URIRef(dg + "bearer"), URIRef(dg + "LSCB")))
    extra.add((HOSTILE, URIRef(dg + "modality"), URIRef(dg + "May")))
    extra.add((HOSTILE, URIRef(dg + "validFrom"), Literal("2006-04-01", datatype=XSD.date)))
    graphs[HOSTILE_GRAPH] = extra
    store = EmbeddedStore(None)
    store.replace_graphs(graphs, drop_others=True)
    return store


@pytest.fixture(scope="module")
def hostile_app(hostile_store: Store) -> Flask:
    return create_app(hostile_store, {"MAX_CONTENT_LENGTH": 64 * 1024})


def _static_path(app: Flask) -> str:
    folder = Path(str(app.static_folder))
    first = next(p for p in sorted(folder.rglob("*")) if p.is_file())
    return f"{app.static_url_path}/{first.relative_to(folder).as_posix()}"


def _requests(app: Flask) -> list[tuple[str, str, dict[str, Any]]]:
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    return [
        ("GET", "/", {}),
        ("GET", "/queries", {}),
        ("GET", "/validate", {}),
        ("GET", "/sparql/editor", {}),
        ("GET", "/ontology", {}),
        ("GET", "/authority/", {}),
        ("GET", _static_path(app), {}),
        ("GET", "/id/role/dcs", {"headers": {"Accept": "text/html"}}),
        ("GET", "/id/role/dcs", {"headers": {"Accept": "text/turtle"}}),
        ("GET", "/api/queries", {}),
        ("GET", "/api/openapi.json", {}),
        ("GET", "/sparql?query=ASK%7B%7D", {}),
        ("GET", "/sparql?query=nonsense", {}),  # 400
        ("GET", "/no-such-page", {}),  # 404
        ("GET", "/api/no-such-thing", {}),  # 404 JSON
        ("GET", "/id/no/such/thing", {}),  # 404 text
        ("DELETE", "/", {}),  # 405
        ("PUT", "/sparql", {}),  # 405
        ("POST", "/api/validate", {"data": big, "content_type": "text/turtle"}),  # 413
        ("POST", "/validate", {"data": {"file": (BytesIO(big), "big.ttl")},
                               "content_type": "multipart/form-data"}),  # 413
        ("POST", "/sparql", {"data": big, "content_type": "application/sparql-query"}),
        ("POST", "/api/validate", {"data": b"<r/>", "content_type": "application/xml"}),  # 415
        ("GET", "/sparql?query=SELECT%20*%20WHERE%20%7B%3Fs%20%3Fp%20%3Fo%7D",
         {"headers": {"Accept": "image/png"}}),  # 406
    ]


def _assert_headers(response: Any, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert csp, where
    directives = {d.split()[0]: d for d in (x.strip() for x in csp.split(";")) if d}
    script = directives.get("script-src") or directives.get("default-src", "")
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, where
    assert "frame-ancestors" in directives, where
    assert "'none'" in directives["frame-ancestors"] or "'self'" in directives["frame-ancestors"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where


def test_every_response_carries_the_security_headers(hostile_app: Flask) -> None:
    client = hostile_app.test_client()
    statuses = set()
    for method, path, kwargs in _requests(hostile_app):
        response = client.open(path, method=method, **kwargs)
        statuses.add(response.status_code)
        _assert_headers(response, f"{method} {path} -> {response.status_code}")
    assert {200, 400, 404, 405, 406, 413, 415} <= statuses


class Failing(Store):
    """A store whose every read fails with an unexpected error (a bug, not bad input)."""

    kind = "test"

    def select(self, query: str) -> Any:
        raise RuntimeError("boom")

    ask = construct = raw_query = graph_names = export_graph = select  # type: ignore[assignment]

    def write(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no writes")


def test_even_an_internal_error_carries_the_headers() -> None:
    app = create_app(Failing())
    client = app.test_client()
    for path in ("/", "/id/role/dcs", "/api/queries/search?text=x", "/authority/"):
        response = client.get(path)
        _assert_headers(response, f"GET {path} -> {response.status_code}")
        assert "boom" not in response.get_data(as_text=True) or response.status_code < 500


def _no_markup(html: str) -> None:
    assert SCRIPT not in html
    assert IMG not in html
    assert "<script>window.__dgHardening" not in html


@pytest.mark.parametrize("path", [
    "/entity?iri=" + str(HOSTILE),
    "/id/function/zz-hardening-hostile",
    "/answer?function=" + str(HOSTILE),
    "/?q=Hostile+hardening",
])
def test_a_label_with_markup_is_shown_as_text(hostile_app: Flask, path: str) -> None:
    client: FlaskClient = hostile_app.test_client()
    response = client.get(path, headers={"Accept": "text/html"}, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 404), (path, response.status_code)
    _no_markup(html)
    if response.status_code == 200 and "Hostile hardening label" in html:
        assert "&lt;script&gt;" in html


def test_the_entity_page_shows_the_hostile_label_escaped(hostile_app: Flask) -> None:
    response = hostile_app.test_client().get("/id/function/zz-hardening-hostile",
                                             headers={"Accept": "text/html"},
                                             follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "&lt;script&gt;window.__dgHardening = 1;&lt;/script&gt;" in html
    assert "&lt;img" in html
    _no_markup(html)


def test_an_uploaded_label_with_markup_is_shown_as_text(hostile_app: Flask) -> None:
    turtle = ("@prefix dg: <https://w3id.org/dutygraph/def#> .\n"
              "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
              "<https://w3id.org/dutygraph/id/authority/zz> a dg:LocalAuthority ;\n"
              f"  rdfs:label {Literal(SCRIPT + 'Upload council').n3()} .\n")
    response = hostile_app.test_client().post(
        "/validate", data={"text": turtle, "format": "turtle"})
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400)
    _no_markup(html)


def test_the_api_answers_json_not_html(hostile_app: Flask) -> None:
    response = hostile_app.test_client().get("/api/search", query_string={"text": "Hostile"})
    assert response.status_code == 200
    assert response.mimetype == "application/json"


# ------------------------------------------------------------------------------------------
# gunicorn's own answers (they never reach Flask)
# ------------------------------------------------------------------------------------------

GUNICORN_ERRORS = {
    "a malformed request line": (b"NOT A REQUEST LINE AT ALL\r\n\r\n", 400),
    "an unknown HTTP version": (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    "a request line over the limit": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    "a header with a bad name": (b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400),
}


@pytest.mark.server
@pytest.mark.xdist_group("hardening-serve")
@pytest.mark.parametrize("case", GUNICORN_ERRORS.values(), ids=GUNICORN_ERRORS.keys())
def test_gunicorns_own_error_answers_carry_the_security_headers(
        served: str, case: tuple[bytes, int]) -> None:
    headers, body = front_error(served, *case)
    assert "default-src 'none'" in headers["content-security-policy"]
    assert int(headers["content-length"]) == len(body)
    assert b"<script" not in body.lower()
