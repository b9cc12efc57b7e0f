"""The one SPARQL front door (issue 16 §1, issue 22 §2): families of spellings, not examples.

Every spelling the grammar allows for SERVICE (case, SILENT, comments and newlines between
tokens, codepoint escapes, prefixed names ending where a dot begins, variables as endpoints,
every place a group can stand) is refused with a 400 naming SERVICE, and a loopback listener
that stands for "another host" hears nothing, on every store kind: rdflib in memory, Oxigraph
embedded and Oxigraph's own server behind the remote store (which would call the listener
itself if a SERVICE reached it). Every spelling of a dataset clause naming a graph the store
does not hold is an empty graph: 2xx, nothing fetched. Updates in every form are refused.
Deep or long expressions and paths get a 400 naming the limit, never a 5xx.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from flask import Flask
from rdflib import Graph, Literal, URIRef

from dutygraph.errors import InputError
from dutygraph.sparql import check_query
from dutygraph.sparql.limits import MAX_DEPTH, MAX_NESTING
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store.remote import RemoteStore
from dutygraph.web import create_app

from ..serving import SEND_WAYS, Listener, send_query
from ..stores.servers import oxigraph_server

GRAPH = URIRef("https://w3id.org/dutygraph/graph/front-door")
THING = URIRef("https://w3id.org/dutygraph/id/thing/a")
KINDS = ["memory", "embedded", "oxigraph-server"]


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    heard = Listener()
    yield heard
    heard.close()


@pytest.fixture(scope="module")
def oxigraph_store() -> Iterator[RemoteStore]:
    with oxigraph_server() as server:
        yield RemoteStore(server.query, update=server.update, graphs=server.graphs)


def _data() -> dict[URIRef, Graph]:
    graph = Graph()
    graph.add((THING, URIRef("https://w3id.org/dutygraph/def#p"), Literal("a thing")))
    return {GRAPH: graph}


@pytest.fixture(scope="module", params=KINDS)
def front(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Flask]:
    store: Store
    if request.param == "memory":
        store = MemoryStore()
    elif request.param == "embedded":
        store = EmbeddedStore(tmp_path_factory.mktemp("front") / "store")
    else:
        store = request.getfixturevalue("oxigraph_store")
    store.replace_graphs(_data(), drop_others=True)
    app = create_app(store)
    yield app
    app.extensions["dutygraph.executor"].close()


# --- SERVICE: every spelling ---------------------------------------------------------------

KEYWORDS = ["SERVICE", "service", "Service", "sErViCe", "\\u0053ERVICE", "\\u0073ervice",
            "SERVIC\\u0045", "\\U00000053ERVICE"]
GAPS = [" ", "\n", "\t", " # a comment\n", "\r\n#\n  "]
SILENT = ["", "SILENT", "silent", "\\u0053ILENT"]
ENDPOINTS = ["<URL/sparql>", "?svc", "h:sparql", "<URL/sp\\u0061rql>"]
PLACES = [  # SVC stands for the SERVICE clause, GAP for the gap between tokens
    "{ SVC }",
    "{ ?s ?p ?o . SVC }",
    "{ { { SVC } } }",
    "{ OPTIONAL { SVC } }",
    "{ { ?s ?p ?o } UNION { SVC } }",
    "{ ?s ?p ?o MINUS { SVC } }",
    "{ GRAPH ?g { SVC } }",
    "{ { SELECT * WHERE { SVC } } }",
    "{ FILTER EXISTS { SVC } }",
    "{ FILTER NOT EXISTS { SVC } }",
    "{ BIND(EXISTS { SVC } AS ?e) }",
    "{ VALUES ?x { 1 } SVC }",
    "{ ?s a h:.SVC }",  # a prefixed name, then a dot, then SERVICE
    "{ ?s a h:GAP.SVC }",
]
FORMS = ["SELECT * WHERE WHERE_PART", "ASK WHERE_PART",
         "CONSTRUCT { ?s ?p ?o } WHERE WHERE_PART", "DESCRIBE ?s WHERE WHERE_PART",
         "SELECT (COUNT(*) AS ?n) WHERE_PART GROUP BY ?s"]


def service_queries(url: str) -> list[str]:
    """A family of SERVICE spellings: every place in every form, with the keyword, gap,
    SILENT and endpoint varied against them (each value of each appears)."""
    found = []
    for i in range(len(PLACES) * len(FORMS)):  # every place in every form
        keyword, gap, silent = KEYWORDS[i % 8], GAPS[i % 5], SILENT[(i // 5) % 4]
        endpoint, place, form = ENDPOINTS[(i // 3) % 4], PLACES[i % 14], FORMS[i // 14]
        svc = f"{keyword}{gap}{silent}{gap if silent else ''}{endpoint}{gap}{{ ?s ?p ?o }}"
        where = place.replace("SVC", svc).replace("GAP", gap)
        values = f"VALUES ?svc {{ <{url}/sparql> }} " if "?svc" in svc else ""
        where = "{ " + values + where[1:]
        query = form.replace("WHERE_PART", where).replace("URL", url)
        found.append(f"PREFIX h: <{url}/>\n{query}")
    return found


def test_the_service_family_covers_every_spelling() -> None:
    text = "\n".join(service_queries("http://127.0.0.1:9"))
    for part in [*KEYWORDS, *SILENT[1:], *GAPS, "h:sparql", "?svc", "sp\\u0061rql"]:
        assert part in text, part
    for form in FORMS:
        assert form.split("WHERE_PART")[0].split("{")[0].strip() in text, form
    for place in PLACES:
        assert place.split("SVC")[0].replace("GAP", "").strip("{ ") in text, place


@pytest.mark.parametrize("query", service_queries("http://127.0.0.1:9"))
def test_the_guard_refuses_every_spelling_of_service(query: str) -> None:
    with pytest.raises(InputError) as caught:
        check_query(query)
    message = str(caught.value)
    assert "SERVICE is not allowed" in message or "malformed SPARQL" in message, message


def test_most_of_the_family_is_well_formed_so_the_refusal_is_for_service() -> None:
    refused_for_service = 0
    queries = service_queries("http://127.0.0.1:9")
    for query in queries:
        try:
            check_query(query)
        except InputError as exc:
            refused_for_service += "SERVICE is not allowed" in str(exc)
    assert refused_for_service >= len(queries) * 3 // 4


def test_every_spelling_of_service_gets_400_and_nothing_is_contacted(
        front: Flask, listener: Listener) -> None:
    client = front.test_client()
    for query in service_queries(listener.url):
        for how in SEND_WAYS:
            response = send_query(client, query, how)
            assert response.status_code == 400, (query, how, response.status_code)
    assert listener.connections() == []


@pytest.mark.parametrize("keyword", [k for k in KEYWORDS if "\\" in k])
def test_codepoint_escapes_reach_no_engine_whichever_way_it_reads_them(
        keyword: str, listener: Listener) -> None:
    """rdflib applies \\u escapes everywhere (SPARQL 1.1 §19.2), so to the guard an escaped
    SERVICE is SERVICE; Oxigraph applies them only in strings and IRIs, so to it the same
    text does not parse. Neither reading contacts anything; the guard refuses, and what an
    engine runs is the guard's reading (escapes applied), never the raw text."""
    query = f"SELECT * WHERE {{ {keyword} <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(InputError, match="SERVICE is not allowed"):
        check_query(query)
    with pytest.raises(SyntaxError):
        ox.Store().query(query)
    assert listener.connections() == []
    accepted = check_query('SELECT ?x WHERE { BIND("\\u0041" AS ?x) }')
    assert str(accepted) == 'SELECT ?x WHERE { BIND("A" AS ?x) }'


ACCEPTED_LOOKALIKES = [
    'SELECT ?x WHERE { BIND("SERVICE <{url}/> {{ }}" AS ?x) }',
    "PREFIX service: <{url}/> SELECT * WHERE {{ service:a ?p ?o }}",
    "PREFIX h: <{url}/> SELECT * WHERE {{ ?s h:SERVICE ?o }}",
    "SELECT * WHERE {{ ?service ?p ?o }} # SERVICE <{url}/> {{ }}",
    "SELECT * WHERE {{ ?s ?p <{url}/SERVICE> }}",
    "PREFIX h: <{url}/> SELECT * WHERE {{ ?s a h:x.SERVICE }}",
    'SELECT * WHERE {{ ?s ?p """SERVICE\n<{url}/> {{ }}""" }}',
]


@pytest.mark.parametrize("template", ACCEPTED_LOOKALIKES)
def test_service_in_names_strings_iris_and_comments_is_not_service(
        template: str, front: Flask, listener: Listener) -> None:
    query = template.replace("{url}", listener.url).replace("{{", "{").replace("}}", "}")
    response = front.test_client().get("/sparql", query_string={"query": query})
    assert response.status_code == 200, (query, response.get_data(as_text=True)[:300])
    assert listener.connections() == []


# --- dataset clauses: graphs the store does not hold are empty -----------------------------

DATASETS = [
    "SELECT * FROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * from <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM # comment\n <{url}/d.ttl>\nWHERE {{ ?s ?p ?o }}",
    "SELECT * \\u0046ROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <{url}/d\\u002ettl> WHERE {{ ?s ?p ?o }}",
    "PREFIX h: <{url}/> SELECT * FROM h:d WHERE {{ ?s ?p ?o }}",
    "BASE <{url}/> SELECT * FROM <d.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}/d.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * FROM named <{url}/d.ttl> FROM <{url}/e.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{file}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "ASK FROM <{url}/d.ttl> {{ ?s ?p ?o }}",
    "CONSTRUCT {{ ?s ?p ?o }} FROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "CONSTRUCT FROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "DESCRIBE ?s FROM <{url}/d.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <{url}/d.ttl> WHERE {{ {{ SELECT * WHERE {{ ?s ?p ?o }} }} }}",
]


def _empty(response_json: dict[str, object]) -> bool:
    if "boolean" in response_json:
        return response_json["boolean"] is False
    results = response_json["results"]
    assert isinstance(results, dict)
    return results["bindings"] == []


def test_every_spelling_of_a_foreign_dataset_is_an_empty_graph_and_nothing_is_fetched(
        front: Flask, listener: Listener, tmp_path: Path) -> None:
    secret = tmp_path / "secret.ttl"
    secret.write_text("<urn:secret> <urn:secret> <urn:secret> .\n", encoding="utf-8")
    client = front.test_client()
    for template in DATASETS:
        query = (template.replace("{url}", listener.url).replace("{file}", secret.as_uri())
                 .replace("{{", "{").replace("}}", "}"))
        graph_query = query.startswith(("CONSTRUCT", "DESCRIBE"))
        response = client.get("/sparql", query_string={
            "query": query, "format": "nt" if graph_query else "json"})
        assert response.status_code == 200, (query, response.get_data(as_text=True)[:300])
        body = response.get_data(as_text=True)
        assert "urn:secret" not in body
        if graph_query:
            assert body.strip() == "", query
        else:
            assert _empty(response.get_json()), query
    for parameter in ("default-graph-uri", "named-graph-uri"):
        for iri in (f"{listener.url}/g.ttl", secret.as_uri()):
            response = client.get("/sparql", query_string={
                "query": "SELECT * WHERE { ?s ?p ?o }", parameter: iri})
            assert response.status_code == 200
            assert _empty(response.get_json())
    assert listener.connections() == []


def test_the_protocol_dataset_replaces_the_query_s_own(front: Flask) -> None:
    client = front.test_client()
    query = "SELECT ?o FROM <urn:nothing> WHERE { ?s ?p ?o }"
    assert _empty(client.get("/sparql", query_string={"query": query}).get_json())
    response = client.get("/sparql", query_string={"query": query,
                                                   "default-graph-uri": str(GRAPH)})
    assert [b["o"]["value"] for b in response.get_json()["results"]["bindings"]] == ["a thing"]


@pytest.mark.parametrize("iri", ["not an iri", "relative", "http://x/a b", "http://x/<", ""])
def test_a_protocol_graph_that_is_not_an_iri_is_a_400_naming_the_parameter(
        front: Flask, iri: str) -> None:
    response = front.test_client().get("/sparql", query_string={
        "query": "ASK { ?s ?p ?o }", "default-graph-uri": iri})
    assert response.status_code == 400
    assert "default-graph-uri" in response.get_data(as_text=True)


# --- updates: every form refused ------------------------------------------------------------

UPDATES = [
    "LOAD <{url}/d.ttl>", "load silent <{url}/d.ttl> into graph <urn:g>",
    "\\u004cOAD <{url}/d.ttl>", "INSERT DATA {{ <urn:a> <urn:b> <urn:c> }}",
    "DELETE DATA {{ <urn:a> <urn:b> <urn:c> }}", "DELETE WHERE {{ ?s ?p ?o }}",
    "WITH <urn:g> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p 1 }} WHERE {{ ?s ?p ?o }}",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}/> {{ ?s ?p ?o }} }}",
    "CLEAR ALL", "DROP SILENT GRAPH <urn:g>", "CREATE GRAPH <urn:g>", "ADD <urn:a> TO <urn:b>",
    "MOVE DEFAULT TO <urn:b>", "COPY <urn:a> TO DEFAULT",
    "PREFIX h: <{url}/> # comment\nINSERT DATA {{ h:a h:b h:c }} ; LOAD <{url}/d.ttl>",
]


def test_every_update_form_is_refused_on_every_route(front: Flask, listener: Listener) -> None:
    client = front.test_client()
    for template in UPDATES:
        update = template.replace("{url}", listener.url).replace("{{", "{").replace("}}", "}")
        for response in (
                client.get("/sparql", query_string={"query": update}),
                client.post("/sparql", data={"update": update}),
                client.post("/sparql", data=update.encode(),
                            content_type="application/sparql-update"),
                client.post("/sparql", data=update.encode(),
                            content_type="application/sparql-query")):
            assert response.status_code == 400, (update, response.status_code)
            assert "read-only" in response.get_data(as_text=True), update
    assert listener.connections() == []


# --- limits: deep and long expressions and paths ----------------------------------------

def _deep(kind: str, n: int) -> str:
    return {
        "sum": "SELECT (" + "+".join(["1"] * n) + " AS ?x) WHERE {}",
        "difference": "SELECT * WHERE { FILTER(" + "-".join(["1"] * n) + " > 0) }",
        "product": "SELECT (" + "*".join(["2"] * n) + " AS ?x) WHERE {}",
        "and": "ASK { FILTER(" + " && ".join(["true"] * n) + ") }",
        "or": "ASK { FILTER(" + " || ".join(["false"] * n) + ") }",
        "brackets": "SELECT (" + "(" * n + "1" + ")" * n + " AS ?x) WHERE {}",
        "calls": "SELECT (" + "STR(" * n + "1" + ")" * n + " AS ?x) WHERE {}",
        "sequence": "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * n) + " ?o }",
        "alternative": "SELECT * WHERE { ?s " + "|".join(["<urn:p>"] * n) + " ?o }",
        "inverse": "SELECT * WHERE { ?s " + "/".join(["^<urn:p>"] * n) + " ?o }",
        "path brackets": "SELECT * WHERE { ?s " + "(" * n + "<urn:p>" + ")" * n + " ?o }",
        "groups": "SELECT * " + "{" * n + "}" * n,
        "optionals": "SELECT * { ?s ?p ?o " + " ".join(["OPTIONAL { ?s ?p ?o }"] * n) + " }",
        "unions": "SELECT * { " + " UNION ".join(["{ ?s ?p ?o }"] * n) + " }",
        "subqueries": "SELECT * " + "{ SELECT * " * n + "{}" + " }" * n,
        "exists": "ASK { FILTER(" + "EXISTS { FILTER(" * n + "true" + ") }" * n + ") }",
    }[kind]


DEEP_KINDS = ["sum", "difference", "product", "and", "or", "brackets", "calls", "sequence",
              "alternative", "inverse", "path brackets", "groups", "optionals", "unions",
              "subqueries", "exists"]
SIZES = [MAX_DEPTH + 1, 3000]


@pytest.mark.parametrize("kind", DEEP_KINDS)
def test_deep_or_long_queries_get_a_400_naming_the_limit(kind: str) -> None:
    for n in SIZES:
        with pytest.raises(InputError) as caught:
            check_query(_deep(kind, n))
        message = str(caught.value)
        assert str(MAX_DEPTH) in message or "characters long; the limit" in message, message


@pytest.mark.parametrize("kind", DEEP_KINDS)
def test_the_same_shapes_within_the_limits_are_answered(kind: str, front: Flask) -> None:
    n = 3 if kind in ("brackets", "calls", "path brackets", "groups", "subqueries",
                      "exists") else 20
    response = front.test_client().get("/sparql", query_string={"query": _deep(kind, n)})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


def test_nesting_past_its_limit_is_named_in_the_answer(front: Flask) -> None:
    client = front.test_client()
    for kind, n in itertools.product(["brackets", "groups", "path brackets", "calls"],
                                     [MAX_NESTING + 2, 60, 5000]):
        response = client.get("/sparql", query_string={"query": _deep(kind, n)})
        assert response.status_code == 400, (kind, n)
        assert f"{MAX_NESTING} levels of nesting" in response.get_data(as_text=True)


def test_a_nine_thousand_term_sum_is_a_400_on_the_endpoint(front: Flask) -> None:
    response = front.test_client().post("/sparql", data={"query": _deep("sum", 9000)})
    assert response.status_code == 400
    assert f"depth of {MAX_DEPTH}" in response.get_data(as_text=True) or \
        "took the parser more than" in response.get_data(as_text=True)


# --- the engines' own handling of foreign graphs, checked directly --------------------------

def test_oxigraph_reads_a_graph_it_does_not_hold_as_empty_and_fetches_nothing(
        listener: Listener, tmp_path: Path) -> None:
    secret = tmp_path / "secret.nt"
    secret.write_text("<urn:secret> <urn:secret> <urn:secret> .\n", encoding="utf-8")
    engine = ox.Store()
    for iri in (f"{listener.url}/d.ttl", secret.as_uri()):
        assert list(engine.query(f"SELECT * FROM <{iri}> WHERE {{ ?s ?p ?o }}")) == []
        assert list(engine.query(
            f"SELECT * FROM NAMED <{iri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}")) == []
    assert listener.connections() == []


def test_the_memory_store_never_loads_a_from_graph_even_with_rdflib_s_loading_on(
        listener: Listener, monkeypatch: pytest.MonkeyPatch) -> None:
    """By construction: rdflib is handed the dataset and never sees the dataset clauses, so
    its loader (which would fetch FROM graphs it does not hold) is not reached even when the
    process-wide switch that is meant to stop it is turned back on."""
    import rdflib.plugins.sparql

    monkeypatch.setattr(rdflib.plugins.sparql, "SPARQL_LOAD_GRAPHS", True)
    store = MemoryStore()
    store.replace_graphs(_data(), drop_others=True)
    for query in (f"SELECT * FROM <{listener.url}/d.ttl> WHERE {{ ?s ?p ?o }}",
                  f"ASK FROM NAMED <{listener.url}/d.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}"):
        result = store.ask(query) if query.startswith("ASK") else store.select(query).rows
        assert not result
    assert store.select(f"SELECT ?o FROM <{GRAPH}> WHERE {{ ?s ?p ?o }}").rows == [
        {"o": Literal("a thing")}]
    assert listener.connections() == []


def test_the_command_line_binds_values_naming_other_hosts_without_contacting_them(
        listener: Listener, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`dutygraph query`: every named query, every parameter given a value that tries to
    close the IRI or string and add a SERVICE; exit 0 (answered as a plain value) or 2
    (refused, naming the parameter), never a contact."""
    from dutygraph.cli import main
    from dutygraph.queries import catalogue

    folder = tmp_path / "store"
    store = EmbeddedStore(folder)
    store.replace_graphs(_data(), drop_others=True)
    store.close()
    items = catalogue()
    queries = items.values() if isinstance(items, dict) else items
    values = [f"{listener.url}/x", f"{listener.url}/x> . SERVICE <{listener.url}/y> {{ }} #",
              f'x" }} SERVICE <{listener.url}/> {{ ?s ?p ?o }} #']
    for query in queries:
        for value in values:
            argv = ["query", query.name, "--store", str(folder), "--format", "json"]
            for param in query.params:
                argv += ["-p", f"{param.name}={value}"]
            code = main(argv)
            capsys.readouterr()
            assert code in (0, 2), (query.name, value, code)
    assert listener.connections() == []


def test_a_parse_stopped_at_its_time_limit_leaves_the_thread_clean(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The parser runs in a thread of its own and is stopped by an exception raised in that
    thread at the time limit; the refusal names the limit, and the next query read by the
    same caller is unaffected, however the stop and the end of parsing race."""
    from dutygraph.sparql import guard

    monkeypatch.setattr(guard, "MAX_PARSE_SECONDS", 0.02)
    slow = "SELECT * WHERE { FILTER(" + " + ".join(f"{i}" for i in range(3000)) + " > 0) }"
    for n in range(20):
        with pytest.raises(InputError, match="took the parser more than"):
            check_query(slow + " " * n)  # a new text each time: not answered from the cache
        assert check_query(f"ASK {{ ?s ?p {n} }}").form == "ASK"
    monkeypatch.setattr(guard, "MAX_PARSE_SECONDS", 5.0)
    with pytest.raises(InputError, match=f"deeper than {MAX_DEPTH}"):
        check_query("SELECT * WHERE { FILTER(" + " + ".join(["1"] * 300) + " > 0) }")


# --- the guard's own promises ---------------------------------------------------------------

def test_a_checked_query_crosses_to_a_worker_process_checked_and_is_not_read_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    import pickle

    from dutygraph.sparql import CheckedQuery, guard

    checked = check_query("SELECT * FROM <urn:g> FROM NAMED <urn:n> WHERE { ?s ?p ?o }")
    copy = pickle.loads(pickle.dumps(checked))
    assert isinstance(copy, CheckedQuery) and copy == checked
    assert (copy.form, copy.default_graphs, copy.named_graphs, copy.variables) == (
        "SELECT", ("urn:g",), ("urn:n",), ("s", "p", "o"))

    def no_parse(*_args: object) -> None:
        raise AssertionError("read again")

    monkeypatch.setattr(guard, "_parse", no_parse)
    assert check_query(copy) is copy
    assert EmbeddedStore().select(copy).rows == []
    with pytest.raises(AssertionError, match="read again"):
        check_query(str(copy) + " ")  # any edit gives a plain text, which is read again


@pytest.mark.parametrize(("query", "where"), [
    ("SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?q }", "line 3, column"),
    ("ASK {\n\n  FILTER(?x = ) }", "line 3, column"),
    ("SELECT * WHERE { ?s ?p ?o . SERVICE <http://x/> { } }", "line 1, column 29"),
    ("PREFIX h: <http://x/>\nSELECT * {\n OPTIONAL {\n  SERVICE h:y { } } }",
     "inside OPTIONAL, at line 4, column 3"),
])
def test_a_refusal_says_where(query: str, where: str) -> None:
    with pytest.raises(InputError) as caught:
        check_query(query)
    assert where in str(caught.value) and caught.value.parameter == "query"


def test_every_named_query_reads_well_within_the_limits() -> None:
    """The catalogue's own queries are far from the limits (at most half the depth), so the
    limits refuse only what no question here needs."""
    from dutygraph.queries import catalogue
    from dutygraph.sparql import guard

    items = catalogue()
    for query in items.values() if isinstance(items, dict) else items:
        text = query.sparql
        assert check_query(text).form == "SELECT"
        parsed = guard.sparql_parser.parseQuery(guard._expand_escapes(text, "query"))
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(guard, "MAX_DEPTH", MAX_DEPTH // 2)
            patch.setattr(guard, "MAX_NESTING", MAX_NESTING // 2)
            guard._walk(parsed, text)


def _at_depth(frames: int, work: Callable[[], object]) -> object:
    return work() if frames == 0 else _at_depth(frames - 1, work)


@pytest.mark.parametrize("kind", ["brackets", "calls", "path brackets", "groups",
                                  "subqueries", "exists"])
def test_the_documented_nesting_is_read_whatever_the_caller_s_own_depth(kind: str) -> None:
    """The parser recurses per level; it runs in a thread of its own, so the deepest query
    the nesting limit allows is read the same from a shallow caller and from one 500 frames
    deep, and one level more is refused by the limit, not by the parser running out."""
    def accepted(n: int, frames: int) -> bool:
        try:
            _at_depth(frames, lambda: check_query(_deep(kind, n) + f" # {frames}"))
        except InputError as exc:
            assert f"nests more than {MAX_NESTING} levels deep" in str(exc), str(exc)
            return False
        return True

    deepest = 0
    while accepted(deepest + 1, 0):  # the first refusal must be the limit's
        deepest += 1
    assert deepest >= MAX_NESTING // 2 - 1  # a level of EXISTS is two levels of nesting
    assert accepted(deepest, 500)
    assert not accepted(deepest + 1, 0) and not accepted(deepest + 1, 500)
