"""Fixtures for the developer half of the web service: the app over each store kind, a
loopback listener that must hear nothing, and the production server started by
`dutygraph serve` on a free port."""

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

import pytest
from flask import Flask
from flask.testing import FlaskClient
from tools.loadtest import stop_server

from dutygraph.store import Store
from dutygraph.web import create_app

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
DUTYGRAPH = Path(sys.executable).parent / "dutygraph"
STORE_KINDS = ["memory", "embedded"]


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    """The repository's data in each store kind (the shared session fixtures)."""
    return request.getfixturevalue(f"{request.param}_store")  # type: ignore[no-any-return]


@pytest.fixture()
def app(store: Store) -> Flask:
    return create_app(store)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


class Listener:
    """A TCP listener on a free loopback port that records every connection it receives.

    Connections that reached the kernel's backlog are drained at close, so a connection made
    just before a test looks is still counted: the check does not depend on timing.
    """

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
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
        except (TimeoutError, BlockingIOError, OSError):
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
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer {url}")


@pytest.fixture(scope="session")
def built_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An embedded store folder built by `dutygraph build` in its own process."""
    folder = tmp_path_factory.mktemp("served") / "oxigraph"
    subprocess.run([str(DUTYGRAPH), "build", "--store", str(folder)], check=True,
                   capture_output=True, timeout=600)
    return folder


@pytest.fixture(scope="session")
def served(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dutygraph serve` (gunicorn, two workers) on a free loopback port; yields its URL."""
    port = free_port()
    log = tmp_path_factory.mktemp("serve-log") / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DUTYGRAPH), "serve", "--store", str(built_store), "--host", "127.0.0.1",
             "--port", str(port), "--workers", "2", "--threads", "2"],
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
