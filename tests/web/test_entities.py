"""/id/...: our IRIs dereferenced with content negotiation and suffixes; 404 for strangers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.rdfio import parse_file
from dutygraph.store import MemoryStore, Store
from dutygraph.web import create_app
from dutygraph.web.common import local_path_for

DCS = "https://w3id.org/dutygraph/id/role/dcs"
DATA = Path(__file__).resolve().parent / "data"
HOSTILE = "https://w3id.org/dutygraph/id/function/zz-web-test-hostile"

FORMATS = [("text/turtle", "turtle", ".ttl"), ("application/ld+json", "json-ld", ".jsonld"),
           ("application/n-triples", "nt", ".nt")]


def description(store: Store, iri: str) -> Graph:
    return store.construct(
        f"CONSTRUCT {{ <{iri}> ?p ?o . ?o ?bp ?bo . ?s ?ip <{iri}> }} WHERE {{ "
        f"{{ <{iri}> ?p ?o OPTIONAL {{ FILTER(isBlank(?o)) ?o ?bp ?bo }} }} "
        f"UNION {{ ?s ?ip <{iri}> }} }}")


@pytest.mark.parametrize(("media", "rdf_format", "suffix"), FORMATS)
def test_an_iri_answers_in_each_format_by_accept(client: FlaskClient, store: Store, media: str,
                                                 rdf_format: str, suffix: str) -> None:
    response = client.get("/id/role/dcs", headers={"Accept": media})
    assert response.status_code == 200
    assert response.mimetype == media
    assert response.headers["Vary"] == "Accept"
    assert response.headers["Content-Location"] == "/id/role/dcs" + suffix
    graph = Graph().parse(data=response.data.decode(), format=rdf_format)
    assert (URIRef(DCS), None, None) in graph
    assert graph.isomorphic(description(store, DCS))


@pytest.mark.parametrize(("media", "rdf_format", "suffix"), FORMATS)
def test_a_suffix_picks_the_format_whatever_accept_says(client: FlaskClient, media: str,
                                                        rdf_format: str, suffix: str) -> None:
    response = client.get(f"/id/role/dcs{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.mimetype == media
    graph = Graph().parse(data=response.data.decode(), format=rdf_format)
    assert (URIRef(DCS), None, None) in graph


def test_turtle_is_the_default_and_statements_pointing_at_the_iri_are_included(
        client: FlaskClient, store: Store) -> None:
    response = client.get("/id/role/dcs")
    assert response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data.decode(), format="turtle")
    incoming = store.select(f"SELECT ?s WHERE {{ ?s ?p <{DCS}> }} LIMIT 1")
    assert incoming.rows, "the data should refer to the DCS role"
    assert (incoming.rows[0]["s"], None, URIRef(DCS)) in graph


def test_json_ld_is_compacted_with_the_package_context(client: FlaskClient) -> None:
    doc = json.loads(client.get("/id/role/dcs.jsonld").data)
    assert doc["@context"]["dg"] == "https://w3id.org/dutygraph/def#"
    assert "role:dcs" in json.dumps(doc)


def test_alternates_are_linked_from_every_answer(client: FlaskClient) -> None:
    link = client.get("/id/role/dcs").headers["Link"]
    for suffix in (".ttl", ".jsonld", ".nt"):
        assert f"</id/role/dcs{suffix}>" in link


def test_a_browser_gets_the_entity_page(client: FlaskClient) -> None:
    response = client.get("/id/role/dcs", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert "Director of Children" in response.data.decode()
    by_suffix = client.get("/id/role/dcs.html")
    assert by_suffix.status_code == 200
    assert by_suffix.mimetype == "text/html"


@pytest.mark.parametrize("path", ["/id/role/no-such-role", "/id/role/no-such-role.ttl",
                                  "/id/nothing", "/id/role/dcs%3E%20%3Fp%20%3Fo",
                                  "/id/role/dcs%20x"])
def test_an_iri_the_store_does_not_mention_gets_404(client: FlaskClient, path: str) -> None:
    response = client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 404
    assert "knows nothing about" in response.data.decode()


def test_an_accept_we_cannot_meet_gets_406(client: FlaskClient) -> None:
    assert client.get("/id/role/dcs", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(("iri", "path"), [
    (DCS, "/id/role/dcs"),
    ("https://w3id.org/dutygraph/id/authority/bromley/bscb", "/id/authority/bromley/bscb"),
    ("https://w3id.org/dutygraph/def#Duty", "/ontology#Duty"),
    ("https://w3id.org/dutygraph/def", "/ontology"),
    ("http://www.legislation.gov.uk/id/ukpga/2004/31/section/13", None),
    ("https://w3id.org/dutygraph/graph/framework", None),
    ("https://w3id.org/dutygraph/id/", None),
])
def test_local_path_for_maps_our_iris_to_this_server(iri: str, path: str | None) -> None:
    assert local_path_for(iri) == path


@pytest.fixture(scope="module")
def hostile_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    store = MemoryStore()
    graphs = dict(repo_graphs)
    graphs[URIRef("https://w3id.org/dutygraph/graph/source/web-test-fixtures")] = parse_file(
        DATA / "hostile.ttl")
    store.replace_graphs(graphs, drop_others=True)
    return store


def test_without_the_pages_blueprint_a_plain_page_shows_markup_as_text(
        hostile_store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dutygraph.web.BLUEPRINTS", ["api", "sparql", "entities"])
    client = create_app(hostile_store).test_client()
    response = client.get("/id/function/zz-web-test-hostile", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.data.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
    assert 'href="/id/function/zz-web-test-hostile.ttl"' in page
    assert 'href="/ontology#Function"' in page
