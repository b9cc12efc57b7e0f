"""The HTTP front of `dutygraph serve`: waitress, one process or several on one socket.

Why waitress. gunicorn's threaded worker hands a connection to a request thread as soon as
it is readable and the thread then reads the request, blocking: 24 clients that send their
headers a byte at a time hold 24 threads and the service stops answering. waitress reads
every request, headers and body, in one asynchronous loop (its channels), and gives a request
to an application thread only once the whole request is in; a slow client costs a buffer,
never a thread. It also decodes chunked bodies itself and answers a malformed one with its
own 400, so the application never sees it. An async gunicorn worker (gevent) would do the
same by monkey-patching the standard library, which the query workers' pipes, locks and
forks do not tolerate.

Its own error answers (a malformed request line or header, a body over the cap) carry the
security headers every other answer carries (`ERROR_HEADERS`); a URL longer than the limit
gets 414, an unknown HTTP version 400, and the connection is closed after either.

Several processes (`--workers`): the socket is bound once and each forked process runs
waitress on it and builds its own app after the fork (a RocksDB handle must not cross a
fork); the first process restarts one that dies and stops them all on SIGTERM or SIGINT.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

ERROR_HEADERS = (
    ("Content-Security-Policy", "default-src 'none'; base-uri 'none'; form-action 'none'; "
                                "frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)
MAX_URI = 8190  # bytes of a request's path and query string (gunicorn's limit_request_line)
MAX_HEADER_BYTES = 64 * 1024  # bytes of a request's line and headers together

def _harden_waitress() -> None:
    """waitress, hardened where it is lenient: its error answers (ErrorTask) carry the security
    headers; its parser refuses an HTTP version other than 1.0 and 1.1 (it would answer
    HTTP/9.9 as 1.0) with 400, and a path and query over MAX_URI bytes with 414, both as
    its own errors, so the connection is closed after them as after any malformed request."""
    from waitress import parser, task, utilities

    if getattr(task.ErrorTask, "dutygraph_headers", False):
        return

    class URITooLong(utilities.Error):  # type: ignore[misc]
        code = 414
        reason = "URI Too Long"

    original_execute = task.ErrorTask.execute
    original_parse = parser.HTTPRequestParser.parse_header
    original_received = parser.HTTPRequestParser.received

    def execute(self: Any) -> None:
        self.response_headers.extend(ERROR_HEADERS)
        original_execute(self)

    def parse_header(self: Any, header_plus: bytes) -> None:
        original_parse(self, header_plus)
        if self.version not in ("", "1.0", "1.1"):
            raise parser.ParsingError(f"unsupported HTTP version {self.version[:8]}")

    def received(self: Any, data: bytes) -> int:
        consumed: int = original_received(self, data)
        uri = getattr(self, "request_uri", "") or ""
        if self.headers_finished and self.error is None and len(uri) > MAX_URI:
            self.error = URITooLong(f"the path and query are over {MAX_URI} bytes")
            self.completed = True
        return consumed

    task.ErrorTask.execute = execute
    task.ErrorTask.dutygraph_headers = True
    parser.HTTPRequestParser.parse_header = parse_header
    parser.HTTPRequestParser.received = received


def settings(threads: int, max_body: int) -> dict[str, Any]:
    """waitress's settings for the service (see the module docstring for why each)."""
    return {
        "threads": threads,
        "connection_limit": 512,  # open connections; a slow one costs a buffer, not a thread
        "channel_timeout": 30,  # seconds a connection may send nothing before it is closed
        "cleanup_interval": 5,
        "max_request_header_size": MAX_HEADER_BYTES,
        "max_request_body_size": max_body + 64 * 1024,  # the app answers 413 below this
        "asyncore_use_poll": True,  # no select() limit on descriptors
        "expose_tracebacks": False,
        "ident": "waitress",
    }


def _serve_one(sock: socket.socket, make_app: Callable[[], Flask], threads: int) -> None:
    from waitress.server import create_server

    _harden_waitress()
    app = make_app()
    max_body = int(app.config.get("MAX_CONTENT_LENGTH") or 2 * 1024 * 1024)
    server = create_server(app, sockets=[sock], **settings(threads, max_body))
    server.run()


def serve(make_app: Callable[[], Flask], host: str, port: int, *, workers: int = 1,
          threads: int = 16) -> None:
    """Serve until SIGTERM or SIGINT: `workers` processes of `threads` threads on one socket."""
    sock = socket.create_server((host, port), backlog=1024)
    sock.setblocking(False)
    if workers <= 1:
        _serve_one(sock, make_app, threads)
        return
    children: dict[int, int] = {}
    stopping = False

    def start(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child
            code = 0
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                _serve_one(sock, make_app, threads)
            except BaseException as exc:
                print(f"dutygraph: server process {os.getpid()} stopped: {exc}",
                      file=sys.stderr)
                code = 1
            finally:
                os._exit(code)
        children[pid] = slot

    def stop(signum: int, _frame: Any) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(workers):
        start(slot)
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        slot = children.pop(pid, -1)
        if slot >= 0 and not stopping:
            time.sleep(0.5)  # a process that dies at once must not be restarted in a spin
            start(slot)
    sock.close()
