"""/api/*: the catalogue, named-query answers as JSON and CSV, search, validation, errors and
the OpenAPI description. Query cases come from the catalogue itself: every named query is run
with its example parameters and must answer as run_query does."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from dutygraph.store import Store
from dutygraph.web import create_app

TESTSHIRE = """@prefix dg: <https://w3id.org/dutygraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/dutygraph/id/authority/testshire> a dg:LocalAuthority ;
    rdfs:label "Testshire Council"@en .
"""
TESTSHIRE_JSONLD = json.dumps({
    "@context": {"dg": "https://w3id.org/dutygraph/def#",
                 "rdfs": "http://www.w3.org/2000/01/rdf-schema#"},
    "@id": "https://w3id.org/dutygraph/id/authority/testshire", "@type": "dg:LocalAuthority",
    "rdfs:label": {"@value": "Testshire Council", "@language": "en"}})
LSCB_PROVISION = "http://www.legislation.gov.uk/id/ukpga/2004/31/section/13/1"


def catalogue() -> list[Any]:
    from dutygraph.web.api import named_queries

    return named_queries()


def examples(q: Any) -> dict[str, str]:
    return {p.name: str(p.example) for p in q.params if p.example not in (None, "")}


def query_names() -> list[str]:
    try:
        return [q.name for q in catalogue()]
    except ModuleNotFoundError:
        return ["<catalogue missing>"]


def test_the_catalogue_lists_every_named_query_with_its_parameters(client: FlaskClient) -> None:
    response = client.get("/api/queries")
    assert response.status_code == 200
    listed = {q["name"]: q for q in response.get_json()}
    assert set(listed) == {q.name for q in catalogue()}
    assert "search" in listed
    for q in catalogue():
        entry = listed[q.name]
        assert entry["summary"] == q.summary
        assert [p["name"] for p in entry["params"]] == [p.name for p in q.params]
        assert entry["links"]["csv"] == f"/api/queries/{q.name}.csv"
        assert set(entry) >= {"name", "summary", "description", "params", "provisions", "links"}


@pytest.mark.parametrize("name", query_names())
def test_each_named_query_answers_as_run_query_does(client: FlaskClient, store: Store,
                                                    name: str) -> None:
    from dutygraph.queries import run_query

    q = next(q for q in catalogue() if q.name == name)
    params = examples(q)
    # Through the app first: its time limit bounds a slow query, which then fails here.
    response = client.get(f"/api/queries/{name}", query_string=params)
    assert response.status_code == 200, response.data
    expected = run_query(store, name, params).to_json_dict()
    assert response.get_json() == json.loads(json.dumps(expected))
    by_suffix = client.get(f"/api/queries/{name}.json", query_string=params)
    assert by_suffix.get_json() == response.get_json()


@pytest.mark.parametrize("name", query_names())
def test_each_named_query_answers_in_csv_by_accept_and_by_suffix(client: FlaskClient,
                                                                 store: Store, name: str) -> None:
    from dutygraph.queries import run_query

    q = next(q for q in catalogue() if q.name == name)
    params = examples(q)
    by_accept = client.get(f"/api/queries/{name}", query_string=params,
                           headers={"Accept": "text/csv"})
    assert by_accept.status_code == 200, by_accept.data
    by_suffix = client.get(f"/api/queries/{name}.csv", query_string=params)
    expected = run_query(store, name, params).to_csv()
    for response in (by_accept, by_suffix):
        assert response.status_code == 200
        assert response.mimetype == "text/csv"
        assert response.data.decode() == expected
        assert list(csv.reader(io.StringIO(expected)))


def test_an_unknown_query_gets_404_as_json(client: FlaskClient) -> None:
    for path in ("/api/queries/no-such-query", "/api/queries/no-such-query.csv"):
        response = client.get(path)
        assert response.status_code == 404
        body = response.get_json()
        assert "no-such-query" in body["error"]
        assert body["parameter"] == "name"


def test_a_missing_required_parameter_gets_400_naming_it(client: FlaskClient) -> None:
    needs = [(q, p) for q in catalogue() for p in q.params if p.required]
    assert needs, "some named query should require a parameter"
    q, p = needs[0]
    params = {k: v for k, v in examples(q).items() if k != p.name}
    response = client.get(f"/api/queries/{q.name}", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["parameter"] == p.name


def test_a_malformed_date_parameter_gets_400_naming_it(client: FlaskClient) -> None:
    dated = [(q, p) for q in catalogue() for p in q.params if "date" in str(p.type).lower()]
    assert dated, "some named query should take a date"
    q, p = dated[0]
    params = {**examples(q), p.name: "31/02/2014"}
    response = client.get(f"/api/queries/{q.name}", query_string=params)
    assert response.status_code == 400
    assert response.get_json()["parameter"] == p.name


def test_a_parameter_given_twice_gets_400(client: FlaskClient) -> None:
    response = client.get("/api/search?text=chair&text=board")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "text"


def test_search_runs_the_search_query(client: FlaskClient, store: Store) -> None:
    from dutygraph.queries import run_query

    response = client.get("/api/search", query_string={"text": "Director of Children"})
    assert response.status_code == 200
    assert response.get_json() == json.loads(json.dumps(
        run_query(store, "search", {"text": "Director of Children"}).to_json_dict()))
    assert response.get_json()["rows"]


def test_search_without_text_gets_400_naming_text(client: FlaskClient) -> None:
    for query_string in ({}, {"text": "  "}):
        response = client.get("/api/search", query_string=query_string)
        assert response.status_code == 400
        assert response.get_json()["parameter"] == "text"


@pytest.mark.parametrize(("body", "content_type"), [
    (TESTSHIRE, "text/turtle"), (TESTSHIRE, "text/turtle; charset=utf-8"),
    (TESTSHIRE_JSONLD, "application/ld+json"),
])
def test_validate_reports_findings_for_an_upload(client: FlaskClient, body: str,
                                                 content_type: str) -> None:
    response = client.post("/api/validate?as_of=2014-01-01", data=body.encode(),
                           content_type=content_type)
    assert response.status_code == 200, response.data
    report = response.get_json()
    assert report["as_of"] == "2014-01-01"
    assert report["conforms"] is False
    assert report["summary"]["violations"] >= 1
    assert any(LSCB_PROVISION in f["provisions"] for f in report["results"])


def test_validate_takes_a_multipart_file(client: FlaskClient) -> None:
    response = client.post("/api/validate", data={
        "file": (io.BytesIO(TESTSHIRE.encode()), "testshire.ttl"), "as_of": "2014-01-01"},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.data
    assert response.get_json()["as_of"] == "2014-01-01"


@pytest.mark.parametrize(("body", "content_type", "status", "message"), [
    (b"@prefix dg: <x> .\n<a> <b> ", "text/turtle", 400, "malformed"),
    (b'{"@context": "http://example.org/ctx", "@id": "urn:x"}', "application/ld+json", 400,
     "remote"),
    (b"<rdf:RDF/>", "application/rdf+xml", 415, "cannot read"),
    (b"hello", "text/html", 415, "cannot read"),
    (b"", "text/turtle", 400, "empty"),
    (b"\xff\xfe", "text/turtle", 400, "UTF-8"),
    (b"<urn:a> <urn:b> <urn:c> .", "text/turtle", 400, "LocalAuthority"),
])
def test_validate_refuses_bad_uploads_with_a_status_and_message(
        client: FlaskClient, body: bytes, content_type: str, status: int, message: str) -> None:
    response = client.post("/api/validate", data=body, content_type=content_type)
    assert response.status_code == status
    assert message in response.get_json()["error"]


def test_validate_refuses_a_bad_date_naming_it(client: FlaskClient) -> None:
    response = client.post("/api/validate?as_of=2014-13-01", data=TESTSHIRE.encode(),
                           content_type="text/turtle")
    assert response.status_code == 400
    assert response.get_json()["parameter"] == "as_of"


def test_validate_refuses_an_upload_over_the_byte_cap_with_413(store: Store) -> None:
    client = create_app(store, {"MAX_CONTENT_LENGTH": 64}).test_client()
    response = client.post("/api/validate", data=TESTSHIRE.encode(), content_type="text/turtle")
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_validate_refuses_an_upload_over_the_triple_cap_with_413(store: Store) -> None:
    client = create_app(store, {"MAX_UPLOAD_TRIPLES": 1}).test_client()
    response = client.post("/api/validate", data=TESTSHIRE.encode(), content_type="text/turtle")
    assert response.status_code == 413
    assert "limit is 1" in response.get_json()["error"]


def test_validate_answers_only_post(client: FlaskClient) -> None:
    response = client.get("/api/validate")
    assert response.status_code == 405
    assert response.get_json()["error"]


def test_unknown_api_paths_get_404_as_json(client: FlaskClient) -> None:
    response = client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.get_json()["parameter"] is None


def test_the_openapi_description_covers_every_route_and_query(client: FlaskClient) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    paths = spec["paths"]
    for path in ("/api/queries", "/api/queries/{name}", "/api/search", "/api/validate",
                 "/api/openapi.json", "/sparql", "/id/{path}"):
        assert path in paths
    for q in catalogue():
        described = paths[f"/api/queries/{q.name}"]["get"]["parameters"]
        assert [p["name"] for p in described] == [p.name for p in q.params]
        assert f"/api/queries/{q.name}.csv" in paths


def test_the_openapi_description_loads_in_schemathesis(client: FlaskClient) -> None:
    import schemathesis

    schema = schemathesis.openapi.from_dict(client.get("/api/openapi.json").get_json())
    operations = [op.ok() for op in schema.get_all_operations()]
    assert any(op.path == "/sparql" for op in operations)
