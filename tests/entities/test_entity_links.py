"""Every link on an entity page leads somewhere: an IRI the graph describes goes to its
/entity page, and one it only uses as a predicate or class from another vocabulary
(rdf:type, rdfs:comment, prov:wasDerivedFrom, foaf:page, dcterms:title...) goes to its own
IRI, never to an /entity page that is a 404."""

from __future__ import annotations

import html
import re
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.store import EmbeddedStore
from dutygraph.web import create_app

# One worker runs this module (`pytest -n 2 --dist loadgroup`): the pages share most of their
# links, and each link is fetched once (_CHECKED) only within one process, over one store.
pytestmark = pytest.mark.xdist_group("entity-links")

ID = "https://w3id.org/dutygraph/id/"
PAGES = [
    "/id/role/dcs",
    "/id/authority/bromley",
    "/id/source/004_def069e8213006cd",
    "/entity?iri=" + ID + "role/lscb-chair",
    "/entity?iri=https://w3id.org/dutygraph/def%23Role",
]
OTHER_VOCABULARIES = ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
                      "http://www.w3.org/ns/prov#wasDerivedFrom")


@pytest.fixture(scope="module")
def client(repo_graphs: dict[URIRef, Graph]) -> FlaskClient:
    store = EmbeddedStore(None)
    store.replace_graphs(repo_graphs, drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 120.0})
    return app.test_client()


_CHECKED: dict[str, int] = {}


def _links(body: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'<a [^>]*href="([^"]+)"', body)]


@pytest.mark.parametrize("page", PAGES)
def test_every_entity_link_on_an_entity_page_answers(client: FlaskClient, page: str) -> None:
    response = client.get(page, headers={"Accept": "text/html"})
    assert response.status_code == 200, page
    links = sorted({h for h in _links(response.get_data(as_text=True))
                    if h.startswith(("/entity", "/id/"))})
    assert links, f"{page} links to no entity"
    broken = []
    for href in links:
        if href not in _CHECKED:  # a link several pages share is fetched once
            _CHECKED[href] = client.get(href, headers={"Accept": "text/html"}).status_code
        if _CHECKED[href] == 404:
            broken.append(href)
    assert not broken, f"{page} links to pages that are 404: {broken[:10]}"


def test_predicates_from_other_vocabularies_link_to_their_own_iris(
        client: FlaskClient) -> None:
    body = client.get("/id/source/004_def069e8213006cd",
                      headers={"Accept": "text/html"}).get_data(as_text=True)
    body += client.get("/id/role/dcs", headers={"Accept": "text/html"}).get_data(as_text=True)
    links = set(_links(body))
    entity_targets = {urlparse(h).query for h in links if h.startswith("/entity")}
    for iri in OTHER_VOCABULARIES:
        assert not any(iri in html.unescape(q) or iri.replace("#", "%23") in q
                       for q in entity_targets), f"{iri} is linked to an /entity page"
    assert "http://www.w3.org/1999/02/22-rdf-syntax-ns#type" in links
