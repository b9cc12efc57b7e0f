"""Fixtures for the hardening tests (issue 8): the app over every local store kind with a
short time limit, a loopback listener that must hear nothing, a local file that must not be
read, and the production server on a free port.

Store kinds: "memory" (rdflib), "oxigraph-memory" (pyoxigraph without a folder) and
"embedded" (pyoxigraph on disk, whose query workers open the folder themselves).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph, URIRef
from tools.loadtest import stop_server

from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app

ROOT = Path(__file__).resolve().parents[2]
DUTYGRAPH = Path(sys.executable).parent / "dutygraph"
STORE_KINDS = ["memory", "oxigraph-memory", "embedded"]
TIME_LIMIT = 2.0  # seconds: the limit the tests give the app
SECRET = "urn:dutygraph-test:secret-triple"
# Every triple of the repository's data times every triple, three times over, counted.
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# What the fuzz tests covered: (inputs, of which stopped at the time limit, by test).
FUZZ_TOTAL = pytest.StashKey[tuple[int, int, dict[str, int]]]()
SMALL = ("SELECT ?label WHERE { <https://w3id.org/dutygraph/id/role/dcs> "
         "<http://www.w3.org/2000/01/rdf-schema#label> ?label }")


@pytest.fixture(scope="session")
def oxigraph_memory_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    store = EmbeddedStore(None)
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    name = request.param.replace("-", "_")
    return request.getfixturevalue(f"{name}_store")  # type: ignore[no-any-return]


@pytest.fixture()
def app(store: Store) -> Flask:
    return create_app(store, {"QUERY_TIMEOUT": TIME_LIMIT})


class Listener:
    """A TCP listener on a free loopback port that records every connection made to it.

    `connections()` drains the kernel's backlog before answering, so a connection made just
    before the check still counts (the check does not depend on timing).
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

    def _accept(self) -> bool:
        try:
            conn, _ = self.sock.accept()
        except OSError:
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
            self._accept()

    def connections(self) -> list[bytes]:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.setblocking(False)
        while self._accept():
            pass
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


@pytest.fixture()
def secret_file(tmp_path: Path) -> Path:
    """A local file that no request may read: Turtle, JSON-LD and N-Triples of one triple."""
    path = tmp_path / "secret.ttl"
    path.write_text(f"<{SECRET}> <{SECRET}> <{SECRET}> .\n", encoding="utf-8")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], attempts: int = 240) -> None:
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


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hardening-served") / "oxigraph"
    subprocess.run([str(DUTYGRAPH), "build", "--store", str(folder)], check=True,
                   capture_output=True, timeout=600)
    return folder


@pytest.fixture(scope="session")
def served(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dutygraph serve` (gunicorn) with a 2 s time limit on a free loopback port."""
    port = free_port()
    log = tmp_path_factory.mktemp("hardening-serve-log") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DUTYGRAPH), "serve", "--store", str(built_store), "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2", "--threads", "4",
             "--query-timeout", str(TIME_LIMIT)],
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


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    """`make fuzz` shows how many generated inputs the run covered."""
    if FUZZ_TOTAL in config.stash:
        total, stopped, by_test = config.stash[FUZZ_TOTAL]
        terminalreporter.write_line(
            f"fuzz: {total} generated inputs, none answered 500; {stopped} stopped at the time "
            f"limit (503); by test: {by_test}")
