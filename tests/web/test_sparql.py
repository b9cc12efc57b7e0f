"""/sparql: the SPARQL 1.1 Protocol for queries, on each store kind, and every refusal."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.errors import QueryTimeout
from dutygraph.limits.threads import ThreadExecutor
from dutygraph.namespaces import FRAMEWORK_GRAPH, ONTOLOGY_GRAPH
from dutygraph.store import Store
from dutygraph.web import create_app

SRX = "{http://www.w3.org/2005/sparql-results#}"
ROLES = ("PREFIX dg: <https://w3id.org/dutygraph/def#> "
         "SELECT ?role ?label WHERE { ?role a dg:Role ; "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?role ?label")
DCS = "https://w3id.org/dutygraph/id/role/dcs"
CONSTRUCT_DCS = f"CONSTRUCT {{ <{DCS}> ?p ?o }} WHERE {{ <{DCS}> ?p ?o }}"
COUNT_IN = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def rows_json(body: bytes) -> list[dict[str, str]]:
    doc = json.loads(body)
    return [{v: b["value"] for v, b in row.items()} for row in doc["results"]["bindings"]]


def rows_xml(body: bytes) -> list[dict[str, str]]:
    root = ET.fromstring(body)
    out = []
    for result in root.iter(f"{SRX}result"):
        out.append({b.attrib["name"]: "".join(b.itertext()) for b in result.iter(f"{SRX}binding")})
    return out


def rows_csv(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))


def rows_tsv(body: bytes) -> list[dict[str, str]]:
    lines = body.decode("utf-8").rstrip("\n").split("\n")
    names = [h.lstrip("?") for h in lines[0].split("\t")]

    def plain(cell: str) -> str:
        if cell.startswith("<") and cell.endswith(">"):
            return cell[1:-1]
        if cell.startswith('"'):
            return cell[1:cell.rindex('"')].replace('\\"', '"').replace("\\\\", "\\")
        return cell

    return [dict(zip(names, [plain(c) for c in line.split("\t")], strict=True))
            for line in lines[1:]]


READERS = {"application/sparql-results+json": rows_json,
           "application/sparql-results+xml": rows_xml,
           "text/csv": rows_csv, "text/tab-separated-values": rows_tsv}


def expected_roles(store: Store) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in store.select(ROLES)]


def test_a_select_answers_in_json_by_default(client: FlaskClient, store: Store) -> None:
    response = client.get("/sparql", query_string={"query": ROLES})
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    assert json.loads(response.data)["head"]["vars"] == ["role", "label"]
    assert rows_json(response.data) == expected_roles(store)
    assert {"role": DCS, "label": "Director of Children's Services"} in rows_json(response.data)


@pytest.mark.parametrize("media", list(READERS))
def test_a_select_answers_in_each_results_format_by_accept(client: FlaskClient, store: Store,
                                                         media: str) -> None:
    response = client.get("/sparql", query_string={"query": ROLES}, headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    assert READERS[media](response.data) == expected_roles(store)


@pytest.mark.parametrize(("fmt", "media"), [("json", "application/sparql-results+json"),
                                            ("xml", "application/sparql-results+xml"),
                                            ("csv", "text/csv"),
                                            ("tsv", "text/tab-separated-values"),
                                            ("text/csv", "text/csv")])
def test_the_format_parameter_overrides_accept(client: FlaskClient, fmt: str,
                                               media: str) -> None:
    response = client.get("/sparql", query_string={"query": ROLES, "format": fmt},
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert response.mimetype == media


def test_json_aliases_that_clients_send_are_honoured(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROLES},
                          headers={"Accept": "application/json"})
    assert response.mimetype == "application/sparql-results+json"


def test_both_store_kinds_give_the_same_answer(memory_store: Store, embedded_store: Store) -> None:
    bodies = []
    for store in (memory_store, embedded_store):
        response = create_app(store).test_client().get("/sparql", query_string={"query": ROLES})
        bodies.append(rows_json(response.data))
    assert bodies[0] == bodies[1]
    assert bodies[0]


def test_post_form_and_post_query_body_answer_like_get(client: FlaskClient) -> None:
    by_get = client.get("/sparql", query_string={"query": ROLES}).data
    by_form = client.post("/sparql", data={"query": ROLES})
    by_body = client.post("/sparql", data=ROLES.encode(),
                          content_type="application/sparql-query; charset=utf-8")
    assert by_form.status_code == by_body.status_code == 200
    assert rows_json(by_form.data) == rows_json(by_body.data) == rows_json(by_get)


@pytest.mark.parametrize(("media", "true_text"), [
    ("application/sparql-results+json", None), ("application/sparql-results+xml", "true"),
    ("text/csv", "true"), ("text/tab-separated-values", "true")])
def test_ask_answers_in_each_results_format(client: FlaskClient, media: str,
                                            true_text: str | None) -> None:
    query = f"ASK {{ <{DCS}> ?p ?o }}"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": media})
    assert response.status_code == 200
    if true_text is None:
        assert json.loads(response.data) == {"head": {}, "boolean": True}
    else:
        assert true_text in response.data.decode()
    no = client.get("/sparql", query_string={"query": "ASK { <urn:x:nothing> ?p ?o }"})
    assert json.loads(no.data)["boolean"] is False


@pytest.mark.parametrize(("media", "rdf_format"), [
    ("text/turtle", "turtle"), ("application/ld+json", "json-ld"),
    ("application/n-triples", "nt"), ("application/rdf+xml", "xml")])
def test_construct_answers_in_each_graph_format(client: FlaskClient, store: Store, media: str,
                                                rdf_format: str) -> None:
    response = client.get("/sparql", query_string={"query": CONSTRUCT_DCS},
                          headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    graph = Graph().parse(data=response.data.decode(), format=rdf_format)
    expected = store.construct(CONSTRUCT_DCS)
    assert len(expected) > 0
    assert graph.isomorphic(expected)


def test_construct_defaults_to_turtle_and_json_ld_uses_our_context(client: FlaskClient) -> None:
    default = client.get("/sparql", query_string={"query": CONSTRUCT_DCS})
    assert default.mimetype == "text/turtle"
    assert b"role:dcs" in default.data  # our prefixes are bound
    jsonld = client.get("/sparql", query_string={"query": CONSTRUCT_DCS, "format": "jsonld"})
    doc = json.loads(jsonld.data)
    assert doc["@context"]["role"] == "https://w3id.org/dutygraph/id/role/"


def test_describe_answers_with_a_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": f"DESCRIBE <{DCS}>"},
                          headers={"Accept": "application/n-triples"})
    assert response.status_code == 200
    assert f"<{DCS}>".encode() in response.data


def test_a_malformed_query_gets_400_with_the_parsers_message(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"})
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert "malformed SPARQL" in text
    assert "query" in text


@pytest.mark.parametrize("request_kwargs", [
    {"method": "GET", "query_string": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": {"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
     "content_type": "application/sparql-update"},
    {"method": "GET", "query_string": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}},
    {"method": "POST", "data": b"DROP ALL", "content_type": "application/sparql-query"},
    {"method": "POST", "data": {"query": "CLEAR ALL"}},
    {"method": "GET", "query_string": {"query": "LOAD <http://example.org/x.ttl>"}},
])
def test_every_update_is_refused_as_read_only(client: FlaskClient, store: Store,
                                              request_kwargs: dict[str, Any]) -> None:
    before = store.triple_count()
    response = client.open("/sparql", **request_kwargs)
    assert response.status_code == 400
    assert "this endpoint is read-only" in response.data.decode()
    assert store.triple_count() == before
    assert not store.ask("ASK { <urn:a> <urn:b> <urn:c> }")


def test_a_service_clause_is_refused(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    assert response.status_code == 400
    assert "SERVICE is not allowed" in response.data.decode()


def test_from_a_graph_the_store_does_not_hold_is_an_empty_graph(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT * FROM <http://example.org/elsewhere> WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert rows_json(response.data) == []


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graphs_the_store_does_not_hold_are_empty_graphs(client: FlaskClient,
                                                                  parameter: str) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", parameter: "http://example.org/g"})
    assert response.status_code == 200
    assert rows_json(response.data) == []


def test_from_one_of_the_stores_own_graphs_reads_that_graph(client: FlaskClient,
                                                            store: Store) -> None:
    query = (f"SELECT (COUNT(*) AS ?n) FROM <{ONTOLOGY_GRAPH}> WHERE {{ ?s ?p ?o }}")
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert int(rows_json(response.data)[0]["n"]) == len(store.export_graph(ONTOLOGY_GRAPH))


def test_default_graph_uri_names_the_default_graph(client: FlaskClient, store: Store) -> None:
    response = client.get("/sparql", query_string={"query": COUNT_IN,
                                                   "default-graph-uri": str(FRAMEWORK_GRAPH)})
    assert response.status_code == 200
    assert int(rows_json(response.data)[0]["n"]) == len(store.export_graph(FRAMEWORK_GRAPH))


def test_named_graph_uri_limits_the_named_graphs(client: FlaskClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    response = client.post("/sparql", data={"query": query,
                                            "named-graph-uri": str(ONTOLOGY_GRAPH)})
    assert response.status_code == 200
    assert rows_json(response.data) == [{"g": str(ONTOLOGY_GRAPH)}]


@pytest.mark.parametrize(("query_string", "message"), [
    ({}, "no query"),
    ({"query": "   "}, "no query"),
    ({"query": ["ASK {}", "ASK {}"]}, "exactly one query"),
    ({"query": "ASK {}\x00"}, "NUL"),
    ({"query": "ASK {}", "format": "bogus"}, "unknown format"),
])
def test_bad_requests_get_400_naming_the_fault(client: FlaskClient, query_string: dict[str, Any],
                                               message: str) -> None:
    response = client.get("/sparql", query_string=query_string,
                          headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 400
    assert message in response.data.decode()


def test_an_overlong_query_is_refused(store: Store) -> None:
    client = create_app(store, {"MAX_QUERY_LENGTH": 100}).test_client()
    response = client.get("/sparql", query_string={"query": "ASK {}" + " " * 200})
    assert response.status_code == 400
    assert "the limit is 100" in response.data.decode()


def test_other_methods_get_405(client: FlaskClient) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        response = client.open("/sparql", method=method)
        assert response.status_code == 405
        assert "GET" in response.headers["Allow"]


def test_a_post_body_of_another_type_gets_415(client: FlaskClient) -> None:
    response = client.post("/sparql", data=b"ASK {}", content_type="text/plain")
    assert response.status_code == 415
    assert "application/sparql-query" in response.data.decode()


def test_an_accept_we_cannot_meet_gets_406(client: FlaskClient) -> None:
    response = client.get("/sparql", query_string={"query": ROLES},
                          headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert "application/sparql-results+json" in response.data.decode()
    construct = client.get("/sparql", query_string={"query": CONSTRUCT_DCS},
                           headers={"Accept": "text/csv"})
    assert construct.status_code == 406


def test_a_browser_without_a_query_is_sent_to_the_editor(client: FlaskClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/sparql/editor")


def test_without_the_pages_blueprint_a_plain_editor_form_is_served(
        memory_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dutygraph.web.BLUEPRINTS", ["api", "sparql", "entities"])
    client = create_app(memory_store).test_client()
    response = client.get("/sparql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.data.decode()
    assert '<textarea id="query" name="query"' in page
    assert "<script" not in page


def test_the_row_cap_refuses_a_large_answer_with_a_message(store: Store) -> None:
    client = create_app(store, {"MAX_ROWS": 1}).test_client()
    response = client.get("/sparql", query_string={"query": ROLES})
    assert response.status_code == 400
    assert "more than 1 rows" in response.data.decode()
    construct = client.get("/sparql", query_string={"query": CONSTRUCT_DCS})
    assert construct.status_code == 400
    assert "more than 1 triples" in construct.data.decode()


def test_the_byte_cap_refuses_a_large_answer_with_a_message(store: Store) -> None:
    client = create_app(store, {"MAX_RESULT_BYTES": 200}).test_client()
    response = client.get("/sparql", query_string={"query": ROLES})
    assert response.status_code == 400
    assert "larger than 200 bytes" in response.data.decode()


class TimingOut:
    """An executor whose every call runs past the limit."""

    timeout = 0.01

    def store_call(self, store: Store, method: str, *args: Any) -> Any:
        raise QueryTimeout("the query ran past the time limit of 0.01 s and was abandoned")

    def call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        raise QueryTimeout("the query ran past the time limit of 0.01 s and was abandoned")


def test_a_query_past_the_time_limit_gets_503_with_a_message(memory_store: Store) -> None:
    app = create_app(memory_store)
    app.extensions["dutygraph.executor"] = TimingOut()
    response = app.test_client().get("/sparql", query_string={"query": ROLES})
    assert response.status_code == 503
    assert "time limit" in response.data.decode()
    assert response.headers["Retry-After"]


def test_the_thread_executor_gives_up_at_its_limit_and_stays_usable() -> None:
    import threading

    release = threading.Event()
    executor = ThreadExecutor(timeout=0.05, workers=2)
    try:
        with pytest.raises(QueryTimeout):
            executor.call(release.wait, 30)
        release.set()
        assert executor.call(lambda: 42) == 42
    finally:
        release.set()
        executor.shutdown()


class Exploding(Store):
    """A store whose engine fails while evaluating (as rdflib does on some odd queries)."""

    kind = "test"

    def select(self, query: str) -> Any:
        raise TypeError("'NoneType' object is not iterable")

    ask = construct = raw_query = select  # type: ignore[assignment]

    def graph_names(self) -> list[URIRef]:
        return []

    def export_graph(self, name: URIRef) -> Graph:
        return Graph()

    def write(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("no writes")


def test_an_engine_failure_on_a_clients_query_is_a_400_not_a_500() -> None:
    client = create_app(Exploding()).test_client()
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert response.status_code == 400
    assert "could not be evaluated" in response.data.decode()


def test_the_app_switches_off_rdflibs_loading_of_from_graphs(app: Flask) -> None:
    import rdflib.plugins.sparql

    assert rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS is False
