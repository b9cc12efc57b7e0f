"""What the web, hardening and limits tests share to check a service from outside: a loopback
listener that must hear nothing, the repository's data in an Oxigraph store without a folder,
and the production server (`dutygraph serve`) on a free port. One copy, imported by each
folder's conftest.py (their fixtures are re-exported there, so pytest finds them)."""

from __future__ import annotations

import atexit
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef
from tools.loadtest import stop_server
from werkzeug.test import TestResponse

from dutygraph.store import EmbeddedStore, Store

DUTYGRAPH = Path(sys.executable).parent / "dutygraph"


class Listener:
    """A TCP listener on a free loopback port that records every connection it receives.

    `connections()` drains the kernel's backlog before answering, so a connection made just
    before a test looks is still counted (the check does not depend on timing); it then
    listens again, so a test may look more than once.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = int(self.sock.getsockname()[1])
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept_one(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except OSError:  # (a timeout, or nothing waiting when not blocking)
            return False
        with conn:
            conn.settimeout(0.5)
            try:
                data = conn.recv(4096)
            except OSError:
                data = b""
            self.received.append(data or b"<connected>")
        return True

    def _serve(self) -> None:
        while not self._stop.is_set():
            self._accept_one()

    def connections(self) -> list[bytes]:
        """Everything received so far, after draining the backlog."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.setblocking(False)
        while self._accept_one():
            pass
        self.sock.settimeout(0.05)
        self._stop.clear()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()
        return list(self.received)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


@pytest.fixture()
def listener() -> Iterator[Listener]:
    lst = Listener()
    try:
        yield lst
    finally:
        lst.close()


@pytest.fixture(scope="session")
def oxigraph_memory_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    """The repository's data in Oxigraph without a folder (query workers get a copy)."""
    store = EmbeddedStore(None)
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], attempts: int = 240) -> None:
    """Poll the server (bounded: `attempts` tries a quarter second apart)."""
    for _ in range(attempts):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer {url}")


_BUILT: list[Path] = []  # the one store `dutygraph build` made in this process, kept aside


def build_store(folder: Path) -> Path:
    """An embedded store folder built by `dutygraph build` in its own process.

    The build runs once per test process, into a folder of its own that nothing opens; each
    caller (the web, hardening and limits servers) gets a copy of it. Why: the build is the
    same every time (the repository's files), and a copy of its files takes a fraction of
    the build, while each caller still has a folder no other test reads or writes."""
    if not _BUILT:
        built = Path(tempfile.mkdtemp(prefix="dutygraph-built-")) / "store"
        subprocess.run([str(DUTYGRAPH), "build", "--store", str(built)], check=True,
                       capture_output=True, timeout=600)
        atexit.register(shutil.rmtree, built.parent, ignore_errors=True)
        _BUILT.append(built)
    shutil.copytree(_BUILT[0], folder, symlinks=True)
    return folder


@contextmanager
def serving(store: Path, log: Path, options: Sequence[str]) -> Iterator[str]:
    """`dutygraph serve` over a built store on a free loopback port, with the options given
    (workers, threads, time limit); yields its URL and stops it. A server that does not come
    up fails the test with the end of its log."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DUTYGRAPH), "serve", "--store", str(store), "--host", "127.0.0.1",
             "--port", str(port), *options],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(f"{base}/sparql?query=ASK%7B%7D", process)
        except RuntimeError as exc:
            stop_server(process)
            pytest.fail(f"{exc}; log:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            yield base
        finally:
            stop_server(process)


def raw_request(base: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send bytes as they are (no client library would send these) to the server at `base`
    and read its whole answer: the status, the headers (names lower-cased) and the body."""
    parts = urlsplit(base)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), headers, body


# The three ways a SPARQL protocol client sends a query (SPARQL 1.1 Protocol §2.1).
SEND_WAYS = ("get", "form", "body")


def send_query(client: FlaskClient, query: str, how: str) -> TestResponse:
    """POST or GET a query to /sparql the way named: in the URL, as a form, or as the body."""
    if how == "get":
        return client.get("/sparql", query_string={"query": query})
    if how == "form":
        return client.post("/sparql", data={"query": query})
    return client.post("/sparql", data=query.encode(),
                       content_type="application/sparql-query")


def front_error(base: str, request: bytes, expected: int) -> tuple[dict[str, str], bytes]:
    """Send a request the server's front answers itself (it never reaches Flask) and check
    the answer has the status expected and the security headers every answer carries; the
    headers and body come back for checks of the front's own."""
    status, headers, body = raw_request(base, request)
    assert status == expected, body[:200]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    return headers, body


def store_of_kind(request: pytest.FixtureRequest) -> Store:
    """The shared session store a parametrised `store` fixture's kind names: "memory",
    "embedded" or "oxigraph-memory" (oxigraph_memory_store, above)."""
    store: Store = request.getfixturevalue(f"{str(request.param).replace('-', '_')}_store")
    return store
