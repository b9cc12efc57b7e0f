"""One suite over every store kind: the repository's data built into memory, embedded,
Oxigraph's server and Virtuoso gives the same graphs, counts, named-query rows, validation
reports and web API answers as the embedded store (the reference).

The catalogue, the authorities and the queries' example parameters are read at collection
time, so a new named query or authority is covered without touching this file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from dutygraph.datasets import repository_files, repository_source
from dutygraph.namespaces import authority_slug
from dutygraph.queries import catalogue, run_query
from dutygraph.sparql.text import order_keys
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store.chains import is_chain_graph
from dutygraph.store.remote import RemoteStore
from dutygraph.validation import validate_store
from dutygraph.web import create_app

from .conftest import KINDS, remote_store

DUTYGRAPH = str(Path(sys.executable).parent / "dutygraph")
QUERIES = catalogue()
AUTHORITIES = sorted({slug for f in repository_files()
                      if (slug := authority_slug(str(f.graph))) is not None})


def example_params(query: Any) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.example}


def same_rows(got: list[dict[str, Any]], want: list[dict[str, Any]], sparql: str,
              key: Callable[[dict[str, Any]], Any]) -> bool:
    """Equal as multisets, and in the same order as far as the ORDER BY keys go (engines
    may order rows that tie on every key differently, and may)."""
    if Counter(map(key, got)) != Counter(map(key, want)):
        return False
    keys = order_keys(sparql)
    if keys is None:
        return [key(r) for r in got] == [key(r) for r in want]
    return [key({k: r.get(k) for k in keys}) for r in got] == \
        [key({k: r.get(k) for k in keys}) for r in want]


def term_key(term: Node) -> tuple[str, ...]:
    if isinstance(term, BNode):
        return ("bnode",)  # labels differ between engines; only the position matters
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return ("iri", str(term))


def row_key(row: dict[str, Node | None]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((var, term_key(value)) for var, value in row.items()
                        if value is not None))


def json_key(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True)


def difference(got: list[dict[str, Any]], want: list[dict[str, Any]],
               key: Callable[[dict[str, Any]], Any]) -> str:
    """What differs, briefly, for the failure message."""
    extra = Counter(map(key, got)) - Counter(map(key, want))
    missing = Counter(map(key, want)) - Counter(map(key, got))
    if extra or missing:
        return (f"only on this store: {list(extra)[:2]}\n"
                f"only on the embedded store: {list(missing)[:2]}")
    return "same rows, in another order"


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = EmbeddedStore(tmp_path_factory.mktemp("reference"))
    store.write(repository_source(), drop_others=True)
    return store


@pytest.fixture(scope="module")
def stores(request: pytest.FixtureRequest, reference: Store,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Store]]:
    """stores(kind) -> that kind holding the repository's data, built once per module (and
    rebuilt if another test changed a shared server meanwhile)."""
    built: dict[str, Store] = {}
    expected = (reference.graph_names(), reference.triple_count())

    def get(kind: str) -> Store:
        store = built.get(kind)
        if store is None:
            if kind == "memory":
                store = MemoryStore()
                store.write(repository_source(), drop_others=True)
            elif kind == "embedded":  # through the command, as a user builds it
                folder = tmp_path_factory.mktemp("embedded") / "store"
                subprocess.run([DUTYGRAPH, "build", "--store", str(folder)], check=True,
                               capture_output=True, timeout=600)
                store = EmbeddedStore(folder, read_only=True)
            else:
                server = request.getfixturevalue(
                    "oxigraph" if kind == "oxigraph-server" else "virtuoso")
                store = remote_store(server)
            built[kind] = store
        if isinstance(store, RemoteStore):
            store._forget_graphs()
            if (store.graph_names(), store.triple_count()) != expected:
                store.write(repository_source(), drop_others=True)
        return store

    yield get
    for store in built.values():
        store.close()


@pytest.fixture(scope="module")
def apps() -> dict[int, Any]:
    return {}


def api_json(apps: dict[int, Any], store: Store, name: str, params: dict[str, str]) -> Any:
    app = apps.get(id(store))
    if app is None:
        # parity is about answers, not speed: rdflib takes its time on the larger queries
        app = apps[id(store)] = create_app(store, config={"QUERY_TIMEOUT": 300})
    response = app.test_client().get(f"/api/queries/{name}", query_string=params)
    return response.status_code, response.get_json()


@pytest.mark.parametrize("kind", KINDS)
def test_every_store_kind_holds_the_same_named_graphs(kind: str, reference: Store,
                                                      stores: Callable[[str], Store]) -> None:
    assert stores(kind).graph_names() == reference.graph_names()
    # (and the chain graphs each store derives from them: dutygraph.store.chains)
    assert len([g for g in reference.graph_names() if not is_chain_graph(str(g))]) == \
        len({f.graph for f in repository_files()})


@pytest.mark.parametrize("kind", KINDS)
def test_every_store_kind_holds_the_same_number_of_triples(
        kind: str, reference: Store, stores: Callable[[str], Store]) -> None:
    store = stores(kind)
    assert store.triple_count() == reference.triple_count()
    per_graph = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
    assert [row_key(r) for r in store.select(per_graph).rows] == \
        [row_key(r) for r in reference.select(per_graph).rows]


# Divergences found and not yet mended, each with what is known of its cause. They are strict
# expected failures: when a query is mended its entry must go, or the suite fails (XPASS).
_CHAIN = ("Virtuoso 7 answers it (with MaxQueryCostEstimationTime 0) but with too few rows; "
          "bisected, three faults: (1) a zero-or-one path (?authority (^dg:authority)? ?c0, "
          "?c0 (org:role|rdf:type)? ?k0) followed by two or more OPTIONALs gives no rows (its "
          "SQL joins the OPTIONALs to the wrong column; passing the path's end through "
          "BIND(?c0p AS ?c0) mends it); (2) an IF over the ?depth of the inline VALUES hangs the "
          "server with no CPU in use (a UNION of BINDs for ?depth answers); (3) after the four "
          "hop OPTIONALs and that UNION, any computed BIND (even IF(?depth = 1, 1, 2)) drops rows "
          "and the hop variables come back unbound, so the one-row-per-link unpivot fails")
KNOWN_DIVERGENCES: dict[tuple[str, str], str] = {}
# Queries whose header names the store's engine in `wrong_on` (the faults above for
# Virtuoso's chains): dutygraph evaluates them itself over the graphs they read, fetched from
# the server, so their rows must still be the embedded store's.
WRONG_ON_SERVER: dict[tuple[str, str], str] = {
    ("virtuoso", "who-is-accountable"): _CHAIN,
    ("virtuoso", "reporting-lines"): _CHAIN,
}


def test_the_queries_virtuoso_answers_wrongly_say_so_in_their_headers() -> None:
    for (kind, name), _why in WRONG_ON_SERVER.items():
        assert kind == "virtuoso"
        assert "Virtuoso" in next(q for q in QUERIES if q.name == name).wrong_on


def expect_known_divergence(request: pytest.FixtureRequest, kind: str, name: str) -> None:
    reason = KNOWN_DIVERGENCES.get((kind, name))
    if reason:
        # rdflib's GROUP_CONCAT order follows Python's per-process hash seed, so that one
        # divergence can vanish in a run; the Virtuoso ones are deterministic, hence strict.
        request.applymarker(pytest.mark.xfail(strict=kind != "memory", reason=reason))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_every_named_query_gives_the_embedded_stores_rows(
        kind: str, query: Any, reference: Store, stores: Callable[[str], Store],
        request: pytest.FixtureRequest) -> None:
    expect_known_divergence(request, kind, query.name)
    params = example_params(query)
    want = run_query(reference, query.name, params)
    got = run_query(stores(kind), query.name, params)
    assert got.variables == want.variables
    assert want.rows, f"{query.name} with its example parameters {params} answers nothing"
    assert same_rows(got.rows, want.rows, query.sparql, row_key), \
        f"{query.name} on {kind}: " + difference(got.rows, want.rows, row_key)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("authority", AUTHORITIES)
def test_validation_gives_the_embedded_stores_report(
        kind: str, authority: str, reference: Store, stores: Callable[[str], Store]) -> None:
    want = validate_store(reference, authority=authority).to_json_dict()
    got = validate_store(stores(kind), authority=authority).to_json_dict()
    assert json.dumps(got, sort_keys=True, default=str) == \
        json.dumps(want, sort_keys=True, default=str)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_the_web_api_gives_the_embedded_stores_answer(
        kind: str, query: Any, reference: Store, stores: Callable[[str], Store],
        apps: dict[int, Any], request: pytest.FixtureRequest) -> None:
    expect_known_divergence(request, kind, query.name)
    params = example_params(query)
    want_status, want = api_json(apps, reference, query.name, params)
    got_status, got = api_json(apps, stores(kind), query.name, params)
    assert (got_status, want_status) == (200, 200), got
    assert {k: v for k, v in got.items() if k != "rows"} == \
        {k: v for k, v in want.items() if k != "rows"}
    assert same_rows(got["rows"], want["rows"], query.sparql, json_key), \
        f"{query.name} on {kind}: " + difference(got["rows"], want["rows"], json_key)


def test_the_reference_answers_something_for_each_authority(reference: Store) -> None:
    """The parity above means something only if the data is there."""
    assert AUTHORITIES
    names = {str(g) for g in reference.graph_names()}
    for slug in AUTHORITIES:
        assert f"https://w3id.org/dutygraph/graph/authority/{slug}" in names
    assert isinstance(URIRef(sorted(names)[0]), URIRef)
