"""`dutygraph serve` for real: its front (waitress) on a free loopback port over a store built by
`dutygraph build`, queried by SPARQLWrapper in every format it speaks."""

from __future__ import annotations

import io
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

if TYPE_CHECKING:
    from conftest import Listener

DUTYGRAPH = Path(sys.executable).parent / "dutygraph"
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("web-serve")]

DCS = "https://w3id.org/dutygraph/id/role/dcs"
ROLES = ("PREFIX dg: <https://w3id.org/dutygraph/def#> "
         "SELECT ?role WHERE { ?role a dg:Role } ORDER BY ?role")


def wrapper(base: str, fmt: str, query: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(f"{base}/sparql")
    sparql.setReturnFormat(fmt)
    sparql.setQuery(query)
    return sparql


def roles_expected(built_store: Path) -> list[str]:
    from dutygraph.store import EmbeddedStore

    store = EmbeddedStore(built_store, read_only=True)
    return [str(r["role"]) for r in store.select(ROLES)]


def test_the_server_is_a_production_front_not_a_development_server(served: str) -> None:
    with urllib.request.urlopen(f"{served}/sparql?query=ASK%7B%7D") as response:
        assert response.headers["Server"].startswith("waitress")


def test_sparqlwrapper_reads_json(served: str, built_store: Path) -> None:
    result = wrapper(served, JSON, ROLES).queryAndConvert()
    roles = [b["role"]["value"] for b in result["results"]["bindings"]]  # type: ignore[index]
    assert DCS in roles
    assert roles == roles_expected(built_store)


def test_sparqlwrapper_reads_xml(served: str, built_store: Path) -> None:
    document = wrapper(served, XML, ROLES).queryAndConvert()
    uris = [node.firstChild.data for node in document.getElementsByTagName("uri")]  # type: ignore[union-attr]
    assert uris == roles_expected(built_store)


def test_sparqlwrapper_reads_csv(served: str, built_store: Path) -> None:
    body = wrapper(served, CSV, ROLES).queryAndConvert()
    lines = body.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "role"
    assert lines[1:] == roles_expected(built_store)


def test_sparqlwrapper_reads_tsv(served: str, built_store: Path) -> None:
    body = wrapper(served, TSV, ROLES).queryAndConvert()
    lines = body.decode().splitlines()  # type: ignore[union-attr]
    assert lines[0] == "?role"
    assert lines[1:] == [f"<{r}>" for r in roles_expected(built_store)]


def test_sparqlwrapper_reads_turtle_from_a_construct(served: str) -> None:
    query = f"CONSTRUCT {{ <{DCS}> ?p ?o }} WHERE {{ <{DCS}> ?p ?o }}"
    body = wrapper(served, TURTLE, query).queryAndConvert()
    graph = Graph().parse(data=body.decode(), format="turtle")  # type: ignore[union-attr]
    assert (URIRef(DCS), None, None) in graph


def test_sparqlwrapper_reads_json_ld_from_a_describe(served: str) -> None:
    graph = wrapper(served, JSONLD, f"DESCRIBE <{DCS}>").queryAndConvert()
    assert isinstance(graph, Graph)
    assert (URIRef(DCS), None, None) in graph


def test_sparqlwrapper_posting_a_query_works_too(served: str) -> None:
    sparql = wrapper(served, JSON, f"ASK {{ <{DCS}> ?p ?o }}")
    sparql.setMethod("POST")
    assert sparql.queryAndConvert()["boolean"] is True  # type: ignore[index]


def test_sparqlwrapper_sees_updates_refused(served: str) -> None:
    sparql = wrapper(served, JSON, "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    sparql.setMethod("POST")
    with pytest.raises(QueryBadFormed) as caught:
        sparql.query()
    assert "read-only" in str(caught.value)


def test_the_served_endpoint_sends_nothing_to_a_service(served: str, listener: Listener) -> None:
    query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryBadFormed):
        wrapper(served, JSON, query).query()
    assert listener.connections() == []


def test_entities_dereference_on_the_served_app(served: str) -> None:
    request = urllib.request.Request(f"{served}/id/role/dcs",
                                     headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("application/n-triples")
        graph = Graph().parse(io.BytesIO(response.read()), format="nt")
    assert (URIRef(DCS), None, None) in graph


def test_serve_refuses_a_store_that_was_never_built(tmp_path: Path) -> None:
    done = subprocess.run([str(DUTYGRAPH), "serve", "--store", str(tmp_path / "none"),
                           "--port", "1"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert "dutygraph build" in done.stderr


def test_serve_runs_sixteen_threads_a_worker_by_default_as_the_readme_says() -> None:
    """Request threads mostly wait on query workers or a remote server: four would queue a
    64-client load behind a few slow queries (the load test runs 2 x 16)."""
    from dutygraph.cli import make_parser
    from dutygraph.cli.serve import DEFAULT_THREADS

    args = make_parser().parse_args(["serve"])
    assert args.threads == DEFAULT_THREADS == 16
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert "16 threads" in readme
