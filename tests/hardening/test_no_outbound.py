"""No request makes the server contact another host or read a local file (issue 8 §1).

Each case is a request naming "another host" (a listener on a loopback port, which must
receive nothing) or a local file (a file:/// IRI). A local file is watched two ways: a
regular file whose triple must appear in no answer, and a named pipe whose writer end waits
in a thread, so that any process opening it for reading, even briefly, is caught.

Every case runs on every store kind: the guard in front of the engines must hold whatever
engine answers, and the engines themselves are checked with the endpoint out of the way. A
FROM, FROM NAMED or protocol dataset naming another host or a file is an empty graph: the
answer is 2xx (as the W3C protocol tests expect) and nothing is contacted or read.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from dutygraph.errors import InputError
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import Store
from dutygraph.web import create_app

from .conftest import SECRET, Listener

DG = "https://w3id.org/dutygraph/def#"
AUTHORITY = (f"@prefix dg: <{DG}> .\n"
             "<https://w3id.org/dutygraph/id/authority/x> a dg:LocalAuthority .\n")


class Pipe:
    """A named pipe that records whether anyone opened it for reading."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "sentinel.ttl"
        os.mkfifo(self.path)
        self.opened = threading.Event()
        self._closing = False
        self._thread = threading.Thread(target=self._wait, daemon=True)
        self._thread.start()

    @property
    def uri(self) -> str:
        return self.path.as_uri()

    def _wait(self) -> None:
        with open(self.path, "w", encoding="utf-8") as fh:  # blocks until a reader opens it
            if not self._closing:
                self.opened.set()
                fh.write(f"<{SECRET}> <{SECRET}> <{SECRET}> .\n")

    def was_read(self) -> bool:
        """Whether anyone opened it; unblocks the writer (by reading it ourselves) first."""
        self._closing = not self.opened.is_set()
        fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)  # never blocks
        try:
            self._thread.join(timeout=5)
        finally:
            os.close(fd)
        return self.opened.is_set() and not self._closing


@pytest.fixture()
def pipe(tmp_path: Path) -> Iterator[Pipe]:
    yield Pipe(tmp_path)


@dataclass(frozen=True)
class Target:
    host: str  # the listener's base URL
    file: str  # file:/// IRI of the secret file
    pipe: str  # file:/// IRI of the watched pipe


@dataclass(frozen=True)
class Case:
    name: str
    send: Callable[[FlaskClient, Target], TestResponse]
    statuses: tuple[int, ...] = (400,)


def _sparql(text: str, how: str = "get") -> Callable[[FlaskClient, Target], TestResponse]:
    def send(client: FlaskClient, t: Target) -> TestResponse:
        query = text.format(host=t.host, file=t.file, pipe=t.pipe)
        if how == "get":
            return client.get("/sparql", query_string={"query": query})
        if how == "form":
            return client.post("/sparql", data={"query": query})
        if how == "update-form":
            return client.post("/sparql", data={"update": query})
        if how == "update":
            return client.post("/sparql", data=query.encode(),
                               content_type="application/sparql-update")
        return client.post("/sparql", data=query.encode(),
                           content_type="application/sparql-query")
    return send


def _protocol(parameter: str, which: str) -> Callable[[FlaskClient, Target], TestResponse]:
    def send(client: FlaskClient, t: Target) -> TestResponse:
        iri = {"host": f"{t.host}/g.ttl", "file": t.file, "pipe": t.pipe}[which]
        return client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }",
                                                   parameter: iri})
    return send


def _upload(body: str, content_type: str, path: str = "/api/validate",
            as_file: str | None = None) -> Callable[[FlaskClient, Target], TestResponse]:
    def send(client: FlaskClient, t: Target) -> TestResponse:
        text = body.replace("HOST", t.host).replace("FILE", t.file).replace("PIPE", t.pipe)
        if as_file:
            from io import BytesIO

            data: dict[str, Any] = {"file": (BytesIO(text.encode()), as_file, content_type)}
            if path == "/validate":
                data["format"] = "json-ld" if as_file.endswith("jsonld") else "turtle"
            return client.post(path, data=data, content_type="multipart/form-data")
        if path == "/validate":
            fmt = "json-ld" if "json" in content_type else "turtle"
            return client.post(path, data={"text": text, "format": fmt})
        return client.post(path, data=text.encode(), content_type=content_type)
    return send


SPARQL_CASES = [
    Case("SERVICE", _sparql("SELECT * WHERE {{ SERVICE <{host}/sparql> {{ ?s ?p ?o }} }}")),
    Case("SERVICE SILENT by form",
         _sparql("SELECT * WHERE {{ SERVICE SILENT <{host}/> {{ ?s ?p ?o }} }}", "form")),
    Case("SERVICE in a body",
         _sparql("ASK {{ service <{host}/sparql> {{ ?s ?p ?o }} }}", "body")),
    Case("SERVICE through a variable",
         _sparql("SELECT * WHERE {{ VALUES ?e {{ <{host}/> }} SERVICE ?e {{ ?s ?p ?o }} }}")),
    Case("SERVICE glued to a prefixed name",
         _sparql("PREFIX x: <{host}/> SELECT * WHERE {{ SERVICEx:q {{ ?s ?p ?o }} }}")),
    Case("SERVICE as a codepoint escape",
         _sparql("SELECT * WHERE {{ \\u0053ERVICE <{host}/> {{ ?s ?p ?o }} }}")),
    Case("SERVICE inside a subquery",
         _sparql("SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{host}/> {{ ?s ?p ?o }} }} }} "
                 "}}")),
    Case("SERVICE in CONSTRUCT",
         _sparql("CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{host}/> {{ ?s ?p ?o }} }}")),
    Case("FROM another host", _sparql("SELECT * FROM <{host}/d.ttl> WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("FROM NAMED another host",
         _sparql("SELECT * FROM NAMED <{host}/d.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"), (200,)),
    Case("FROM through a prefix",
         _sparql("PREFIX h: <{host}/> SELECT * FROM h:d WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("FROM relative to BASE",
         _sparql("BASE <{host}/> SELECT * FROM <d.ttl> WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("FROM as a codepoint escape",
         _sparql("SELECT * \\u0046ROM <{host}/d.ttl> WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("FROM a local file", _sparql("SELECT * FROM <{file}> WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("FROM NAMED a local pipe",
         _sparql("SELECT * FROM NAMED <{pipe}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", "body"),
         (200,)),
    Case("FROM in DESCRIBE", _sparql("DESCRIBE ?s FROM <{pipe}> WHERE {{ ?s ?p ?o }}"), (200,)),
    Case("default-graph-uri another host", _protocol("default-graph-uri", "host"), (200,)),
    Case("named-graph-uri another host", _protocol("named-graph-uri", "host"), (200,)),
    Case("default-graph-uri a local file", _protocol("default-graph-uri", "file"), (200,)),
    Case("named-graph-uri a local pipe", _protocol("named-graph-uri", "pipe"), (200,)),
    Case("LOAD as a query", _sparql("LOAD <{host}/d.ttl>")),
    Case("LOAD as an update", _sparql("LOAD <{host}/d.ttl>", "update")),
    Case("LOAD by form", _sparql("LOAD <{pipe}> INTO GRAPH <urn:g>", "update-form")),
    Case("LOAD SILENT a file", _sparql("LOAD SILENT <{file}>", "update")),
    Case("INSERT DATA", _sparql("INSERT DATA {{ <urn:a> <urn:b> <{host}/> }}", "update")),
    Case("INSERT WHERE with SERVICE",
         _sparql("INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{host}/> {{ ?s ?p ?o }} }}", "body")),
    Case("DELETE WHERE", _sparql("DELETE WHERE {{ ?s ?p ?o }}", "update-form")),
    Case("CLEAR ALL", _sparql("CLEAR ALL", "body")),
    Case("DROP a graph", _sparql("DROP GRAPH <https://w3id.org/dutygraph/graph/framework>")),
    Case("CREATE", _sparql("CREATE GRAPH <{host}/g>", "update")),
    Case("ADD", _sparql("ADD <{host}/a> TO <{host}/b>", "update")),
    Case("COPY", _sparql("COPY DEFAULT TO <{host}/b>", "body")),
    Case("MOVE", _sparql("MOVE <{file}> TO DEFAULT", "update")),
    Case("WITH ... DELETE", _sparql("WITH <{host}/g> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}")),
    # Allowed, and still nothing is fetched: IRIs in patterns are only names.
    Case("DESCRIBE another host's IRI", _sparql("DESCRIBE <{host}/thing>"), (200,)),
    Case("GRAPH naming a local file",
         _sparql("SELECT * WHERE {{ GRAPH <{pipe}> {{ ?s ?p ?o }} }}"), (200,)),
    Case("BASE of another host", _sparql("BASE <{host}/> ASK {{ <x> ?p ?o }}"), (200,)),
]

UPLOAD_CASES = [
    Case("JSON-LD remote @context",
         _upload('{"@context": "HOST/ctx.jsonld", "@id": "urn:x", "label": "x"}',
                 "application/ld+json")),
    Case("JSON-LD remote @context in a list",
         _upload('{"@context": [{"a": "urn:a"}, "HOST/ctx"], "@id": "urn:x"}',
                 "application/json")),
    Case("JSON-LD @import",
         _upload('{"@context": {"@version": 1.1, "@import": "HOST/ctx"}, "@id": "urn:x"}',
                 "application/ld+json")),
    Case("JSON-LD nested remote @context",
         _upload('{"@context": {"a": "urn:a"}, "@graph": [{"@context": "HOST/c", '
                 '"@id": "urn:x"}]}', "application/ld+json")),
    Case("JSON-LD scoped remote @context",
         _upload('{"@context": {"p": {"@id": "urn:p", "@context": "HOST/c"}}, '
                 '"@id": "urn:x", "p": {"q": 1}}', "application/ld+json")),
    Case("JSON-LD local @context file",
         _upload('{"@context": "FILE", "@id": "urn:x"}', "application/ld+json")),
    Case("JSON-LD local pipe as @context",
         _upload('{"@context": "PIPE", "@id": "urn:x"}', "application/ld+json")),
    Case("JSON-LD remote @context, uploaded as a file",
         _upload('{"@context": "HOST/ctx", "@id": "urn:x"}', "application/ld+json",
                 as_file="a.jsonld")),
    Case("JSON-LD remote @context on the page",
         _upload('{"@context": "HOST/ctx", "@id": "urn:x"}', "application/ld+json",
                 path="/validate")),
    Case("JSON-LD local pipe on the page, as a file",
         _upload('{"@context": "PIPE", "@id": "urn:x"}', "application/ld+json",
                 path="/validate", as_file="a.jsonld")),
    Case("RDF/XML", _upload('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/'
                            '02/22-rdf-syntax-ns#"/>', "application/rdf+xml"), (415,)),
    Case("XML with an external entity",
         _upload('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "PIPE">]>'
                 '<r>&x;</r>', "application/xml"), (400, 415)),
    Case("XML with a remote DTD",
         _upload('<?xml version="1.0"?><!DOCTYPE r SYSTEM "HOST/r.dtd"><r/>', "text/xml"),
         (400, 415)),
    Case("a DOCTYPE in Turtle",
         _upload('<!DOCTYPE r [<!ENTITY x SYSTEM "FILE">]>\n' + AUTHORITY, "text/turtle")),
    Case("RDF/XML as a file on the page",
         _upload('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>',
                 "application/rdf+xml", path="/validate", as_file="a.rdf")),
    Case("N3 with @include-like directives",
         _upload("@prefix log: <http://www.w3.org/2000/10/swap/log#> .\n"
                 "<HOST/x> log:semantics ?f .\n", "text/n3"), (415,)),
    # Accepted uploads that merely name other hosts and files: validated, nothing fetched.
    Case("Turtle with owl:imports of another host",
         _upload(AUTHORITY + "<https://w3id.org/dutygraph/id/authority/x> "
                 "<http://www.w3.org/2002/07/owl#imports> <HOST/more.ttl>, <PIPE> .\n",
                 "text/turtle"), (200,)),
    Case("Turtle with @base of another host",
         _upload(f"@base <HOST/> .\n{AUTHORITY}<a> <b> <PIPE> .\n", "text/turtle"), (200,)),
    Case("JSON-LD with an inline context naming another host",
         _upload(json.dumps({"@context": {"@vocab": "HOST/v#", "@base": "HOST/"},
                             "@id": "https://w3id.org/dutygraph/id/authority/x",
                             "@type": DG + "LocalAuthority", "seeAlso": {"@id": "PIPE"}}),
                 "application/ld+json"), (200,)),
]


def _check(client: FlaskClient, case: Case, target: Target, listener: Listener,
           pipe: Pipe) -> None:
    response = case.send(client, target)
    body = response.get_data(as_text=True)
    assert response.status_code in case.statuses, (case.name, response.status_code, body[:300])
    assert SECRET not in body, case.name
    assert listener.connections() == [], case.name
    assert not pipe.was_read(), case.name
    if response.status_code == 400 and "sparql" in case.name.lower():
        assert body.strip(), case.name


@pytest.fixture()
def target(listener: Listener, secret_file: Path, pipe: Pipe) -> Target:
    return Target(listener.url, secret_file.as_uri(), pipe.uri)


@pytest.mark.parametrize("case", SPARQL_CASES + UPLOAD_CASES, ids=lambda c: c.name)
def test_nothing_is_fetched_or_read(app: Flask, store: Store, case: Case, target: Target,
                                    listener: Listener, pipe: Pipe) -> None:
    if case in UPLOAD_CASES:
        # reading and validating an upload can pass the short limit on a machine busy with
        # other tests; the point here is what is contacted, so these get a generous limit
        app = create_app(store, {"QUERY_TIMEOUT": 120.0})
    _check(app.test_client(), case, target, listener, pipe)


def test_refusals_say_why(app: Flask, target: Target) -> None:
    client = app.test_client()
    words = {"SERVICE": "SERVICE is not allowed", "LOAD as an update": "read-only",
             "JSON-LD remote @context": "remote",
             "RDF/XML": "Turtle"}
    for case in SPARQL_CASES + UPLOAD_CASES:
        if case.name in words:
            response = case.send(client, target)
            assert words[case.name] in response.get_data(as_text=True), case.name


def test_named_query_parameters_naming_other_hosts_fetch_nothing(
        app: Flask, target: Target, listener: Listener, pipe: Pipe) -> None:
    from dutygraph.queries import catalogue

    client = app.test_client()
    items = catalogue()
    for q in items.values() if isinstance(items, dict) else items:
        for value in (f"{target.host}/x", target.pipe, f"<{target.host}/x>",
                      f"{target.host}/x> . SERVICE <{target.host}/y> {{ ?s ?p ?o }} #"):
            params = {p.name: value for p in q.params}
            response = client.get(f"/api/queries/{q.name}", query_string=params)
            # (rdflib's `search` may run past the tests' short limit: a 503 that says so)
            assert response.status_code < 500 or (
                response.status_code == 503
                and "time limit" in response.get_json()["error"]), response.data[:300]
    assert listener.connections() == []
    assert not pipe.was_read()


def test_the_engines_behind_the_guard_fetch_nothing_either(
        store: Store, target: Target, listener: Listener, pipe: Pipe) -> None:
    """Defence in depth: with the endpoint out of the way, each store kind's own handling
    (the guard again, the memory store's explicit dataset, Oxigraph's dataset semantics) fetches
    nothing, in the worker processes where the engines run."""
    app = create_app(store)
    executor = app.extensions["dutygraph.executor"]
    assert isinstance(executor, ProcessExecutor)
    queries = [
        f"SELECT * FROM <{target.pipe}> WHERE {{ ?s ?p ?o }}",
        f"SELECT * FROM NAMED <{target.file}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * FROM <{target.host}/d.ttl> WHERE {{ ?s ?p ?o }}",
        f"ASK FROM NAMED <{target.host}/d.ttl> {{ GRAPH ?g {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{target.host}/> {{ ?s ?p ?o }} }}",
        f"LOAD <{target.host}/d.ttl>",
    ]
    for query in queries:
        try:
            result = executor.store_call(store, "ask" if query.startswith("ASK") else "select",
                                         query)
        except InputError:
            continue  # refused by the store's own guard
        rows = getattr(result, "rows", [])
        assert SECRET not in str(rows)
    assert listener.connections() == []
    assert not pipe.was_read()


def test_the_pipe_detector_catches_a_reader(pipe: Pipe) -> None:
    """The detector works: reading the pipe is noticed (so the other tests can fail)."""
    with open(pipe.path, encoding="utf-8") as fh:
        assert SECRET in fh.read()
    assert pipe.was_read()


def test_the_listener_hears_a_connection(listener: Listener) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", listener.port), timeout=5) as conn:
        conn.sendall(b"hello")
    assert listener.connections() == [b"hello"]
