"""`dutygraph serve`'s front (waitress) holds under hostile clients: slow-header sockets take
no request thread, a malformed chunked body is a 400, and the front's own error answers carry
the security headers (issue 16, "held under hostile clients")."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator

import pytest

from tests.serving import build_store, front_error, raw_request, serving

pytestmark = [pytest.mark.server, pytest.mark.xdist_group("limits-front")]


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = build_store(tmp_path_factory.mktemp("front") / "store")
    with serving(folder, folder.parent / "serve.log",
                 ["--threads", "4", "--query-timeout", "5"]) as base:
        yield base


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
    status, headers, _ = raw_request(front, CHUNKED.encode() + body)
    assert status == 400
    assert headers["x-content-type-options"] == "nosniff"


def test_a_well_formed_chunked_body_is_answered(front: str) -> None:
    status, _, body = raw_request(front, CHUNKED.encode() + b"6\r\nASK {}\r\n0\r\n\r\n")
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
    front_error(front, *case)
