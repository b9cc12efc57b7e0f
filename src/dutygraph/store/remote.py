"""A SPARQL 1.1 server as the store: Virtuoso, Oxigraph's server, Fuseki, GraphDB, ...

Reading goes through SPARQLWrapper (SELECT/ASK as JSON, CONSTRUCT/DESCRIBE as Turtle), with a
short connect timeout and a configurable query timeout. Writing goes through the Graph Store
HTTP Protocol (PUT per graph) when a graphs URL is given, else SPARQL Update (INSERT DATA in
chunks); either way into temporary graphs first, then one SPARQL Update request swaps them in
(MOVE), so readers see the old graphs until that request commits.

Three differences between servers are absorbed here so answers match the embedded store:
- the default graph: servers differ (Virtuoso's is every graph it holds, its own system
  graphs included), so each query names dutygraph's graphs with the protocol's
  default-graph-uri and named-graph-uri parameters unless the query has its own FROM
  (DUTYGRAPH_STORE_DATASET=server trusts the server's default graph instead);
- literals: made canonical (dutygraph.store.canonical), e.g. Virtuoso's "1"^^xsd:boolean;
- results a server truncates or cuts short at its own limit raise an error, not a short answer.

The time limit is sent to the server as well as kept by the client: each query carries
`timeout=<ms>` (Virtuoso's per-query limit on /sparql, which stops the work there and answers
with what it has and X-SQL-State S1TAT; servers that do not know the parameter ignore it;
DUTYGRAPH_STORE_TIMEOUT_PARAM names another parameter, or is empty to send none). Oxigraph's
server has no per-query limit: its `serve --timeout-s` cancels a query mid-answer, which is
reported here as a timeout too.

Credentials come from DUTYGRAPH_STORE_USER / DUTYGRAPH_STORE_PASSWORD (or user:password@ in a
URL, which is removed from the URL at once). Basic and digest authentication are both answered,
as the server asks. No message, log line or repr contains the password.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import logging
import os
import secrets
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox
import requests
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

from ..datasets import Progress
from ..errors import InputError, QueryTimeout, ResultTooLarge, StoreError
from ..sparql import check_query
from ..terms import to_rdflib
from .base import (
    GRAPH_PREFIX,
    QuadSource,
    SelectResult,
    Store,
    WriteResult,
    affected_graphs,
)
from .canonical import canonical_literal, canonical_term
from .chains import add_chains, without_chains

log = logging.getLogger(__name__)

STAGING_PREFIX = "urn:dutygraph:staging:"
STAGING_MAX_AGE = 3600  # seconds after which a staging graph is a killed writer's leftover
GRAPH_LIST_TTL = 5.0  # seconds a remote store trusts its list of graphs
INSERT_CHUNK = 5000  # triples per INSERT DATA request when there is no Graph Store endpoint
# What servers write when their own time limit stops a query: Oxigraph's `--timeout-s` cuts
# the streamed answer with "The SPARQL operation has been cancelled"; others say timeout.
SERVER_STOPPED = ("has been cancelled", "timeout", "timed out", "time limit")
# dutygraph's non-empty graphs on the server. Every query a remote store sends without FROM
# names them (and the list is asked again after GRAPH_LIST_TTL), so its cost is paid often.
# Read by scanning every quad, it took 17 s at 1,530 councils on Oxigraph's server; from the
# server's list of named graphs, each tested for one triple, 0.4 s. The second form is sent
# only to the servers named in GRAPHS_LISTED_BY (by their Server header), whose GRAPH ?g {}
# enumerates that list; any other server gets the scan, which every SPARQL 1.1 server answers.
GRAPHS_SCANNED = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                  f'FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}")) }}')
# (Every non-empty graph, dutygraph's or not: when all are dutygraph's, the union of all is
# the dataset a query without FROM reads, and Oxigraph's server is asked for it by its
# `union-default-graph` parameter instead of by naming each graph: at 153 councils a query
# over the whole store took 6.6 s with the 323 graphs named, 24 ms as the union.)
GRAPHS_LISTED = "SELECT ?g WHERE { GRAPH ?g { } FILTER EXISTS { GRAPH ?g { ?s ?p ?o } } }"
GRAPHS_LISTED_BY = ("oxigraph",)
UNION_PARAMETER = "union-default-graph"


def stopped_by_server(text: str) -> bool:
    """Whether an error text is a server saying its own time limit stopped the query."""
    lowered = text.lower()
    return any(words in lowered for words in SERVER_STOPPED)


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise InputError(f"{name}={value!r} is not a number of seconds",
                         parameter=name) from exc


def split_credentials(url: str) -> tuple[str, str | None, str | None]:
    """The URL without user:password@, and the user and password it carried."""
    parts = urllib.parse.urlsplit(url)
    if not parts.username and not parts.password:
        return url, None, None
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    clean = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query,
                                     parts.fragment))
    return (clean, urllib.parse.unquote(parts.username or "") or None,
            urllib.parse.unquote(parts.password or "") or None)


def _guess_update_url(query_url: str) -> str:
    """Where updates go when no update URL is given: Oxigraph and Fuseki answer updates at
    .../update beside .../query; Virtuoso, GraphDB and most others at the query URL."""
    parts = urllib.parse.urlsplit(query_url)
    if parts.path.endswith("/query"):
        return urllib.parse.urlunsplit(parts._replace(path=parts.path[: -len("query")] + "update"))
    return query_url


class ConnectTimeout(OSError):
    """No connection within the connect timeout (told apart from a slow answer)."""


def _connector(connect_timeout: float):  # type: ignore[no-untyped-def]
    """socket.create_connection with its own (short) connect timeout; reads then use the
    request's timeout."""

    default = getattr(socket, "_GLOBAL_DEFAULT_TIMEOUT", None)

    def create(address, timeout=default, source_address=None):  # type: ignore[no-untyped-def]
        try:
            sock = socket.create_connection(address, connect_timeout, source_address)
        except TimeoutError as exc:
            raise ConnectTimeout(f"no connection within {connect_timeout:g} s") from exc
        sock.settimeout(None if timeout is default else timeout)
        return sock

    return create


class _HTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connect_timeout: float) -> None:
        super().__init__()
        self._create = _connector(connect_timeout)

    def http_open(self, req):  # type: ignore[no-untyped-def]
        create = self._create

        class Connection(http.client.HTTPConnection):
            def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                super().__init__(*args, **kwargs)
                self._create_connection = create

        return self.do_open(Connection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connect_timeout: float) -> None:
        super().__init__()
        self._create = _connector(connect_timeout)

    def https_open(self, req):  # type: ignore[no-untyped-def]
        create = self._create

        class Connection(http.client.HTTPSConnection):
            def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
                super().__init__(*args, **kwargs)
                self._create_connection = create

        return self.do_open(Connection, req, context=self._context)  # type: ignore[attr-defined]


class _Wrapper(SPARQLWrapper):
    """SPARQLWrapper sending through our opener: separate connect and read timeouts, and
    authentication handlers that keep the password out of the wrapper (its repr prints every
    attribute, and its own digest support installs a process-wide opener)."""

    def __init__(self, endpoint: str, opener: urllib.request.OpenerDirector,
                 timeout: float) -> None:
        super().__init__(endpoint)
        self._opener = opener
        self.timeout = timeout  # type: ignore[assignment]
        self.setMethod(POST)
        self.setOnlyConneg(True)

    def _query(self) -> tuple[Any, str]:
        return self._opener.open(self._createRequest(), timeout=self.timeout), self.returnFormat


class RemoteStore(Store):
    kind = "remote"

    def __init__(self, query_url: str, *, update: str | None = None, graphs: str | None = None,
                 user: str | None = None, password: str | None = None,
                 timeout: float | None = None, connect_timeout: float | None = None,
                 dataset: str | None = None) -> None:
        query_url, url_user, url_password = split_credentials(query_url)
        update_url, u_user, u_password = split_credentials(update or _guess_update_url(query_url))
        graphs_url, g_user, g_password = split_credentials(graphs) if graphs else (None, None,
                                                                                    None)
        self.location = query_url
        self.query_url = query_url
        self.update_url = update_url
        self.graphs_url = graphs_url
        self._user = user or os.environ.get("DUTYGRAPH_STORE_USER") or url_user or u_user \
            or g_user
        self._password = password or os.environ.get("DUTYGRAPH_STORE_PASSWORD") \
            or url_password or u_password or g_password
        self.timeout = timeout if timeout is not None else \
            _env_float("DUTYGRAPH_STORE_TIMEOUT", 60.0)
        self.connect_timeout = connect_timeout if connect_timeout is not None else \
            _env_float("DUTYGRAPH_STORE_CONNECT_TIMEOUT", 5.0)
        self.write_timeout = _env_float("DUTYGRAPH_STORE_WRITE_TIMEOUT", 600.0)
        self.timeout_param = os.environ.get("DUTYGRAPH_STORE_TIMEOUT_PARAM", "timeout")
        self._server: str | None = None  # the Server header of the endpoint's answers
        mode = dataset or os.environ.get("DUTYGRAPH_STORE_DATASET") or "explicit"
        if mode not in ("explicit", "server"):
            raise InputError(f"dataset mode '{mode}' is not 'explicit' or 'server'",
                             parameter="DUTYGRAPH_STORE_DATASET")
        self.dataset_mode = mode
        self._graphs_cache: tuple[float, list[URIRef]] | None = None
        # Whether every non-empty graph on the server is dutygraph's (learnt with the list of
        # graphs, on the servers in GRAPHS_LISTED_BY), so their union is the store's dataset.
        self._union_is_ours = False
        self._lock = threading.Lock()
        self._opener = self._build_opener()
        self._session: requests.Session | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.query_url!r})"

    # --- HTTP ----------------------------------------------------------------------------

    def _build_opener(self) -> urllib.request.OpenerDirector:
        handlers: list[urllib.request.BaseHandler] = [
            _HTTPHandler(self.connect_timeout), _HTTPSHandler(self.connect_timeout)]
        if self._user and self._password:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            manager.add_password(None, self.query_url, self._user, self._password)
            handlers += [urllib.request.HTTPBasicAuthHandler(manager),
                         urllib.request.HTTPDigestAuthHandler(manager)]
        return urllib.request.build_opener(*handlers)

    def _scrub(self, text: str) -> str:
        if self._password:
            text = text.replace(self._password, "***")
            text = text.replace(urllib.parse.quote(self._password, safe=""), "***")
        return text

    def _error(self, url: str, exc: BaseException, what: str = "query") -> Exception:
        """The exception to raise for a failed request: names the URL, never the password."""
        if isinstance(exc, urllib.error.HTTPError):
            try:
                body = exc.read().decode("utf-8", "replace")
            except Exception:  # the body is only a hint
                body = ""
            return self._http_error(url, exc.code, body, what)
        reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
        if isinstance(reason, ConnectTimeout):
            return StoreError(f"cannot reach the SPARQL server at {url}: {reason}")
        if isinstance(reason, TimeoutError | socket.timeout):
            return QueryTimeout(f"{url} did not answer the {what} within the time limit "
                                f"of {self.timeout:g} s")
        if isinstance(reason, ConnectionRefusedError):
            return StoreError(f"cannot reach the SPARQL server at {url}: connection refused "
                              "(is it running?)")
        return StoreError(self._scrub(f"cannot reach the SPARQL server at {url}: {reason}"))

    def _http_error(self, url: str, status: int, body: str, what: str) -> Exception:
        body = self._scrub(" ".join(body.split())[:500])
        if status in (401, 403):
            hint = "" if self._user else \
                " (set DUTYGRAPH_STORE_USER and DUTYGRAPH_STORE_PASSWORD)"
            return StoreError(f"{url} refused the {what}: HTTP {status}, not authorised{hint}")
        if status == 400 and what == "query":
            return InputError(f"the SPARQL server at {url} refused the query: {body}",
                              parameter="query")
        if status >= 500 and stopped_by_server(body):
            return QueryTimeout(f"{url} stopped the {what} at its time limit: {body}")
        return StoreError(f"{url} answered the {what} with HTTP {status}: {body}")

    def _wrapper(self, query: str, return_format: str, dataset: bool = True) -> _Wrapper:
        checked = check_query(query)
        wrapper = _Wrapper(self.query_url, self._opener, self.timeout or 0)
        wrapper.setQuery(checked)
        # SPARQLWrapper guesses the form from the text with its own regular expressions (it
        # took a word in a comment for DESCRIBE); the guard's parse says what it is.
        wrapper.queryType = checked.form
        wrapper.setReturnFormat(return_format)
        if self.timeout_param and self.timeout:
            # The server's own limit, so its work stops when the client stops waiting.
            wrapper.addParameter(self.timeout_param, str(max(1, round(self.timeout * 1000))))
        if checked.names_dataset:
            # Sent as protocol parameters too: a server whose default graph is the union
            # (Oxigraph's --union-default-graph) ignores FROM in the query text. A graph the
            # server does not hold is an empty graph there too.
            defaults, named = checked.default_graphs, checked.named_graphs
            for name in defaults:
                wrapper.addParameter("default-graph-uri", name)
            for name in named:
                wrapper.addParameter("named-graph-uri", name)
        elif dataset and self.dataset_mode == "explicit":
            names = self.graph_names()
            if self._union_is_ours:  # the same dataset, asked for in one parameter
                wrapper.addParameter(UNION_PARAMETER, "")
                return wrapper
            for graph in names:
                wrapper.addParameter("default-graph-uri", str(graph))
                wrapper.addParameter("named-graph-uri", str(graph))
        return wrapper

    def _fetch(self, query: str, return_format: str, dataset: bool = True,
               accept: str | None = None) -> tuple[bytes, str]:
        """Send a read query; the response body and its media type, or an error naming
        the URL."""
        query = check_query(query)  # the text the guard read (codepoint escapes applied)
        wrapper = self._wrapper(query, return_format, dataset)
        if accept:
            wrapper.addCustomHttpHeader("Accept", accept)
        try:
            response, _ = wrapper._query()
            with response:
                headers = response.info()
                body = response.read()
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            raise self._error(self.query_url, exc) from None
        self._server = str(headers.get("Server", "")) or self._server
        # Virtuoso's "anytime" queries answer with what they found when time ran out.
        if str(headers.get("X-SQL-State", "")).startswith("S1TAT"):
            raise QueryTimeout(f"{self.query_url} stopped the query at its time limit and "
                               "sent partial results")
        media = str(headers.get("Content-Type", "")).split(";")[0].strip().lower()
        return bytes(body), media

    def _check_cut_short(self, body: bytes) -> None:
        """An answer that does not parse because the server's own time limit cut it off
        (Oxigraph streams the answer, then writes its error into it) is a timeout."""
        tail = body[-300:].decode("utf-8", "replace")
        if stopped_by_server(tail):
            raise QueryTimeout(f"{self.query_url} stopped the query at its time limit: "
                               f"{self._scrub(' '.join(tail.split())[-120:])}")

    # --- reading -------------------------------------------------------------------------

    @staticmethod
    def _term(binding: dict[str, Any]) -> Node:
        kind, value = binding.get("type"), binding.get("value", "")
        if kind == "uri":
            return URIRef(value)
        if kind == "bnode":
            return BNode("b" + hashlib.sha1(value.encode()).hexdigest()[:16])
        if kind in ("literal", "typed-literal"):
            return canonical_literal(value, binding.get("datatype"), binding.get("xml:lang"))
        raise StoreError(f"unsupported term in SPARQL results: {kind}")

    def _json(self, query: str, dataset: bool = True) -> dict[str, Any]:
        body, _ = self._fetch(query, JSON, dataset)
        try:
            data = json.loads(body)
        except ValueError as exc:
            self._check_cut_short(body)
            raise StoreError(f"{self.query_url} did not answer with SPARQL JSON results: "
                             f"{body[:200]!r}") from exc
        if not isinstance(data, dict):
            raise StoreError(f"{self.query_url} did not answer with SPARQL JSON results")
        return data

    def _select(self, query: str, dataset: bool = True) -> SelectResult:
        data = self._json(query, dataset)
        if "results" not in data:
            raise InputError("not a SELECT query", parameter="query")
        variables = list(data.get("head", {}).get("vars", []))
        rows = [{k: self._term(v) for k, v in binding.items()}
                for binding in data["results"].get("bindings", [])]
        return SelectResult(variables, rows)

    def select(self, query: str) -> SelectResult:
        return self._select(query)

    def server_url(self) -> str | None:
        return self.query_url

    def bound_time(self, seconds: float) -> None:
        self.timeout = min(self.timeout, seconds) if self.timeout else seconds

    def server_software(self) -> str | None:
        """The endpoint's Server header (e.g. "Virtuoso/07.20.3229 (Linux) ..."), read from
        its answers; one small query is sent to learn it if none has been yet."""
        if self._server is None:
            self.ask("ASK { }")
        return self._server or None

    def ask(self, query: str) -> bool:
        data = self._json(query)
        if "boolean" not in data:
            raise InputError("not an ASK query", parameter="query")
        return bool(data["boolean"])

    def _construct(self, query: str, dataset: bool = True) -> Graph:
        # N-Triples first: Virtuoso's Turtle writes a double as a bare 100.0, which Turtle
        # reads as a decimal; its N-Triples keep the datatype (canonical_term fixes the rest).
        body, media = self._fetch(query, TURTLE, dataset,
                                  accept="application/n-triples, text/turtle;q=0.8")
        fmt = ox.RdfFormat.N_TRIPLES if media in ("application/n-triples", "text/plain") \
            else ox.RdfFormat.TURTLE
        graph = Graph()
        try:
            # Oxigraph's parser keeps lexical forms as sent (rdflib's would respell them).
            for t in ox.parse(input=body, format=fmt):
                graph.add((to_rdflib(t.subject), to_rdflib(t.predicate),
                           canonical_term(to_rdflib(t.object))))
        except SyntaxError as exc:
            self._check_cut_short(body)
            raise StoreError(f"{self.query_url} sent Turtle that does not parse: {exc}") from exc
        return graph

    def construct(self, query: str) -> Graph:
        return self._construct(query)

    def _lists_graphs(self) -> bool:
        """Whether the server is one known to answer GRAPH ?g {} from its list of named
        graphs (GRAPHS_LISTED_BY); asks it once (ASK, with no dataset) if it is not known."""
        if self._server is None:
            self._json("ASK { }", dataset=False)
        software = (self._server or "").lower()
        return any(engine in software for engine in GRAPHS_LISTED_BY)

    def graph_names(self) -> list[URIRef]:
        now = time.monotonic()
        cached = self._graphs_cache
        if cached and now - cached[0] < GRAPH_LIST_TTL:
            return list(cached[1])
        listed = self._lists_graphs()
        found = {URIRef(str(row["g"])) for row in
                 self._select(GRAPHS_LISTED if listed else GRAPHS_SCANNED, dataset=False)}
        names = sorted(g for g in found if str(g).startswith(GRAPH_PREFIX))
        self._union_is_ours = listed and len(names) == len(found) > 0
        self._graphs_cache = (now, names)
        return list(names)

    def _forget_graphs(self) -> None:
        self._graphs_cache = None

    def triple_count(self) -> int:
        query = ("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                 f'FILTER(STRSTARTS(STR(?g), "{GRAPH_PREFIX}")) }}')
        rows = self._select(query, dataset=False).rows
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    def _graph_size(self, name: str) -> int:
        rows = self._select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}",
                            dataset=False).rows
        return int(rows[0]["n"]) if rows else 0  # type: ignore[call-overload]

    def export_graph(self, name: URIRef) -> Graph:
        graph = self._construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}", dataset=False)
        expected = self._graph_size(str(name))
        if len(graph) < expected:
            raise ResultTooLarge(
                f"{self.query_url} returned {len(graph)} of the {expected} triples of {name}: "
                "raise the server's result limit (Virtuoso: [SPARQL] ResultSetMaxRows)")
        return graph

    # --- writing -------------------------------------------------------------------------

    def _http(self) -> requests.Session:
        if self._session is None:
            self._session = requests.Session()
            self._session.trust_env = True
        return self._session

    def _send(self, method: str, url: str, what: str, **kwargs: Any) -> requests.Response:
        """One write request; answers a 401 challenge (basic or digest) once, then keeps
        the scheme for the requests that follow."""
        session = self._http()
        timeout = (self.connect_timeout, self.write_timeout)
        try:
            response = session.request(method, url, timeout=timeout, **kwargs)
            if response.status_code == 401 and self._user and self._password \
                    and session.auth is None:
                challenge = response.headers.get("WWW-Authenticate", "").lower()
                if challenge.startswith("digest"):
                    session.auth = requests.auth.HTTPDigestAuth(self._user, self._password)
                else:
                    session.auth = requests.auth.HTTPBasicAuth(self._user, self._password)
                response = session.request(method, url, timeout=timeout, **kwargs)
        except requests.exceptions.Timeout:
            raise QueryTimeout(f"{url} did not answer the {what} within "
                               f"{self.write_timeout:g} s") from None
        except requests.exceptions.ConnectionError as exc:
            refused = "refused" in str(exc).lower()
            detail = "connection refused (is it running?)" if refused else \
                self._scrub(type(exc).__name__)
            raise StoreError(f"cannot reach the SPARQL server at {url}: {detail}") from None
        except requests.exceptions.RequestException as exc:
            raise StoreError(self._scrub(f"{url}: the {what} failed: {exc}")) from None
        if response.status_code >= 400:
            raise self._http_error(url, response.status_code, response.text, what)
        return response

    def update(self, update: str) -> None:
        """Send one SPARQL Update request (one transaction on servers that honour it)."""
        self._send("POST", self.update_url, "update", data={"update": update},
                   headers={"Accept": "*/*"})

    def _put_graph(self, graph: str, ntriples: bytes) -> None:
        assert self.graphs_url is not None
        separator = "&" if "?" in self.graphs_url else "?"
        url = f"{self.graphs_url}{separator}{urllib.parse.urlencode({'graph': graph})}"
        # N-Triples is Turtle, and text/turtle is the one type every Graph Store accepts.
        self._send("PUT", url, "graph upload", data=ntriples,
                   headers={"Content-Type": "text/turtle; charset=utf-8"})

    def _insert_graph(self, graph: str, ntriples: bytes) -> None:
        lines = ntriples.decode("utf-8").splitlines()
        for start in range(0, len(lines), INSERT_CHUNK):
            chunk = "\n".join(lines[start:start + INSERT_CHUNK])
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{chunk}\n}} }}")

    def _staging_graphs(self) -> list[str]:
        query = ("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                 f'FILTER(STRSTARTS(STR(?g), "{STAGING_PREFIX}")) }}')
        return [str(row["g"]) for row in self._select(query, dataset=False)]

    def _drop_stale_staging(self) -> None:
        """Drop staging graphs a killed writer left (older than STAGING_MAX_AGE)."""
        now = time.time()
        stale = []
        for name in self._staging_graphs():
            try:
                started = int(name[len(STAGING_PREFIX):].split("-", 1)[0])
            except ValueError:
                continue
            if now - started > STAGING_MAX_AGE:
                stale.append(name)
        if stale:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in stale))

    def write(self, source: QuadSource, *, drop_others: bool = False,
              replace: Iterable[URIRef] = (), progress: Progress | None = None) -> WriteResult:
        names = None if drop_others else affected_graphs(source, list(replace))

        def reading(fraction: float, quads: int) -> None:
            if progress:
                progress(fraction / 2, quads)

        staging = ox.Store()  # everything is parsed and checked before the server is touched
        staging.bulk_extend(without_chains(source.quads(reading)))
        # The chains of the data as it will be (chains.py) are computed here, from the new
        # graphs and the kept graphs they read (fetched from the server), and pushed with
        # them: the one MOVE request below swaps sources and chains in together.
        names = add_chains(staging, names, [str(g) for g in self._fresh_graph_names()],
                           lambda name: self.export_graph(URIRef(name)))
        new_graphs = sorted(str(g.value) for g in staging.named_graphs()
                            if isinstance(g, ox.NamedNode))
        token = f"{int(time.time())}-{secrets.token_hex(4)}"
        temp = {g: f"{STAGING_PREFIX}{token}-{i}" for i, g in enumerate(new_graphs)}
        self._drop_stale_staging()
        total = max(1, len(staging))
        done = 0
        try:
            for graph in new_graphs:
                data = staging.dump(format=ox.RdfFormat.N_TRIPLES,
                                    from_graph=ox.NamedNode(graph)) or b""
                if self.graphs_url:
                    self._put_graph(temp[graph], data)
                else:
                    self._insert_graph(temp[graph], data)
                done += data.count(b"\n")
                if progress:
                    progress(0.5 + done / total / 2, done)
            if names is None:
                gone = [str(g) for g in self._fresh_graph_names() if str(g) not in temp]
            else:
                gone = [str(g) for g in names if str(g) not in temp]
            operations = [f"DROP SILENT GRAPH <{g}>" for g in gone]
            operations += [f"MOVE SILENT GRAPH <{temp[g]}> TO GRAPH <{g}>" for g in new_graphs]
            if operations:
                self.update(" ;\n".join(operations))
        except BaseException:
            if temp:
                with contextlib.suppress(Exception):
                    self.update(" ;\n".join(f"DROP SILENT GRAPH <{t}>" for t in temp.values()))
            raise
        finally:
            self._forget_graphs()
        written = [URIRef(g) for g in new_graphs] if names is None else sorted(names)
        if progress:
            progress(1.0, done)
        return WriteResult(written, len(staging), self.location)

    def _fresh_graph_names(self) -> list[URIRef]:
        self._forget_graphs()
        return self.graph_names()

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None
