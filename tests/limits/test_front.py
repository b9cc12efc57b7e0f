"""`dutygraph serve`'s front (waitress) holds under hostile clients: slow-header sockets take
no request thread, a malformed chunked body is a 400, and the front's own error answers carry
the security headers (issue 16, "held under hostile clients")."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

DUTYGRAPH = Path(sys.executable).parent / "dutygraph"
pytestmark = [pytest.mark.server, pytest.mark.xdist_group("limits-front")]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("front") / "store"
    subprocess.run([str(DUTYGRAPH), "build", "--store", str(folder)], check=True,
                   capture_output=True, timeout=600)
    port = _free_port()
    log = folder.parent / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(DUTYGRAPH), "serve", "--store", str(folder), "--port", str(port),
             "--threads", "4", "--query-timeout", "5"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            assert process.poll() is None, log.read_text(errors="replace")
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"{base}/health", timeout=5) as response:
                if response.status == 200:
                    break
            time.sleep(0.25)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _raw(base: str, request: bytes) -> tuple[int, dict[str, str], bytes]:
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
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


def test_slow_header_sockets_do_not_stop_the_service(front: str) -> None:
    """More slow clients than request threads (4): each has sent part of its headers and
    sends more now and then; the service still answers everyone else."""
    port = int(front.rsplit(":", 1)[1])
    slow = []
    try:
        for _ in range(24):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            sock.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n")
            slow.append(sock)
        for round_ in range(3):
            for sock in slow:
                sock.sendall(f"X-Slow-{round_}: 1\r\n".encode())
            with urllib.request.urlopen(f"{front}/sparql?query=ASK%7B%7D", timeout=10) as r:
                assert r.status == 200
    finally:
        for sock in slow:
            sock.close()


CHUNKED = ("POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
           "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")


@pytest.mark.parametrize("body", [
    b"ZZ\r\nASK {}\r\n0\r\n\r\n",  # a size that is not hexadecimal
    b"6;\x00bad\r\nASK {}\r\n0\r\n\r\n",  # a control byte in a chunk extension
    b"6\r\nASK {}XX0\r\n\r\n",  # no CRLF after the chunk's data
    b"-6\r\nASK {}\r\n0\r\n\r\n",  # a negative size
], ids=["not hex", "control byte", "no crlf", "negative"])
def test_a_malformed_chunked_body_is_a_400(front: str, body: bytes) -> None:
    status, headers, _ = _raw(front, CHUNKED.encode() + body)
    assert status == 400
    assert headers["x-content-type-options"] == "nosniff"


def test_a_well_formed_chunked_body_is_answered(front: str) -> None:
    status, _, body = _raw(front, CHUNKED.encode() + b"6\r\nASK {}\r\n0\r\n\r\n")
    assert status == 200, body[:200]


FRONT_ERRORS = {
    "a malformed request line": (b"NOT A REQUEST LINE AT ALL\r\n\r\n", 400),
    "an unknown HTTP version": (b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", 400),
    "a request line over the limit": (b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: x\r\n"
                                      b"Connection: close\r\n\r\n", 414),
    "a header with a bad name": (b"GET / HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400),
}


@pytest.mark.parametrize("case", FRONT_ERRORS.values(), ids=FRONT_ERRORS.keys())
def test_the_fronts_own_error_answers_carry_the_security_headers(
        front: str, case: tuple[bytes, int]) -> None:
    request, expected = case
    status, headers, body = _raw(front, request)
    assert status == expected, body[:200]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
