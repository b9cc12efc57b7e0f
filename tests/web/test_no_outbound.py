"""No request makes the server contact another host or read a local file (issue 8 §1).

A listener on a loopback port stands for "another host": every query or upload that names
it must be refused and the listener must receive nothing. A file beside the tests stands for
a local file: naming it by a file:/// IRI must not bring its triple into any answer. The
first tests prove the threat is real (the engines do fetch when asked directly), so the
others cannot pass for want of a working listener.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from flask.testing import FlaskClient

from tests.serving import SEND_WAYS, Listener, send_query

SECRET = "urn:dutygraph-test:secret"


def test_the_listener_hears_a_connection(listener: Listener) -> None:
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as conn:
        conn.sendall(b"hello")
    assert listener.connections() == [b"hello"]


def test_oxigraph_left_to_itself_would_call_a_service(listener: Listener) -> None:
    store = ox.Store()
    with pytest.raises(OSError):
        list(store.query(f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"))
    assert listener.connections(), "pyoxigraph no longer calls SERVICE: revisit dutygraph.sparql"


def service_queries(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <{url}/> SELECT * WHERE {{ SERVICEex:sparql {{ ?s ?p ?o }} }}",
        f"PREFIX : <{url}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"ASK {{ service <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
        f"LOAD <{url}/data.ttl>",
    ]


def dataset_queries(url: str) -> list[str]:
    """Graphs the store does not hold: empty graphs, answered from (2xx), never fetched."""
    return [
        f"SELECT * FROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{url}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * \\u0046ROM <{url}/data.ttl> WHERE {{ ?s ?p ?o }}",
    ]


@pytest.mark.parametrize("how", SEND_WAYS)
def test_queries_naming_another_host_are_refused_and_nothing_is_sent(
        client: FlaskClient, listener: Listener, how: str) -> None:
    for query in service_queries(listener.url):
        assert send_query(client, query, how).status_code == 400, query
    for query in dataset_queries(listener.url):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 200, query
        assert response.get_json()["results"]["bindings"] == [], query
    assert listener.connections() == []


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graphs_on_another_host_are_empty_and_nothing_is_sent(
        client: FlaskClient, listener: Listener, parameter: str) -> None:
    response = client.get("/sparql", query_string={
        "query": "SELECT * WHERE { ?s ?p ?o } LIMIT 1", parameter: f"{listener.url}/g.ttl"})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []
    assert listener.connections() == []


def test_an_update_naming_another_host_is_refused_and_nothing_is_sent(
        client: FlaskClient, listener: Listener) -> None:
    for data, content_type in (({"update": f"LOAD <{listener.url}/x.ttl>"}, None),
                               (f"LOAD <{listener.url}/x.ttl>".encode(),
                                "application/sparql-update")):
        kwargs: dict[str, Any] = {"data": data}
        if content_type:
            kwargs["content_type"] = content_type
        assert client.post("/sparql", **kwargs).status_code == 400
    assert listener.connections() == []


@pytest.mark.parametrize("context", ["{url}/context.jsonld", "{url}"])
def test_json_ld_uploads_with_remote_contexts_are_refused_and_nothing_is_sent(
        client: FlaskClient, listener: Listener, context: str) -> None:
    remote = context.format(url=listener.url)
    for doc in (f'{{"@context": "{remote}", "@id": "urn:x", "label": "x"}}',
                f'{{"@context": [{{"@import": "{remote}"}}], "@id": "urn:x"}}',
                f'{{"@context": ["{remote}"], "@graph": []}}'):
        response = client.post("/api/validate", data=doc.encode(),
                               content_type="application/ld+json")
        assert response.status_code == 400
        assert "remote" in response.get_json()["error"]
    assert listener.connections() == []


@pytest.fixture()
def local_file(tmp_path: Path) -> str:
    path = tmp_path / "secret.ttl"
    path.write_text(f"<{SECRET}> <{SECRET}> <{SECRET}> .\n")
    return path.as_uri()


def test_from_a_local_file_is_an_empty_graph(client: FlaskClient, local_file: str) -> None:
    for query in (f"SELECT * FROM <{local_file}> WHERE {{ ?s ?p ?o }}",
                  f"SELECT * FROM NAMED <{local_file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        response = client.get("/sparql", query_string={"query": query})
        assert response.status_code == 200
        assert SECRET not in response.data.decode()
    response = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }",
                                                   "default-graph-uri": local_file})
    assert response.status_code == 200
    assert response.get_json()["boolean"] is False


def test_a_graph_pattern_on_a_local_file_finds_nothing(client: FlaskClient,
                                                        local_file: str) -> None:
    query = f"SELECT * WHERE {{ GRAPH <{local_file}> {{ ?s ?p ?o }} }}"
    response = client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []
    described = client.get("/sparql", query_string={"query": f"DESCRIBE <{SECRET}>"},
                           headers={"Accept": "application/n-triples"})
    assert SECRET not in described.data.decode()


def test_json_ld_uploads_naming_a_local_context_file_are_refused(client: FlaskClient,
                                                                 tmp_path: Path) -> None:
    context = tmp_path / "context.jsonld"
    context.write_text('{"@context": {"secret": "urn:dutygraph-test:secret"}}')
    doc = f'{{"@context": "{context.as_uri()}", "@id": "urn:x", "secret": "x"}}'
    response = client.post("/api/validate", data=doc.encode(),
                           content_type="application/ld+json")
    assert response.status_code == 400
    assert "secret" not in response.get_json()["error"].replace(context.as_uri(), "")
