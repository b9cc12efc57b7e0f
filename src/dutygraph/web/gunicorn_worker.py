"""gunicorn's gthread worker, with the security headers on the errors gunicorn answers itself.

A malformed request line, an over-long URL (414) or too many header bytes (431) never reach
Flask: gunicorn writes its own small HTML page (gunicorn.util.write_error), without the
Content-Security-Policy, nosniff and framing headers every other answer carries. This worker
installs a writer that sends the same status and page with those headers. The page has no
script, style or image, so its policy allows nothing at all.

`dutygraph serve` uses it; by hand: gunicorn -k dutygraph.web.gunicorn_worker.ThreadWorker.
"""

from __future__ import annotations

import html
import socket

from gunicorn import util
from gunicorn.workers import gthread

from .front import ERROR_HEADERS  # the same headers as waitress's own error answers


def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error answer (same status, reason and page) with the security headers."""
    page = (f"<html>\n  <head>\n    <title>{html.escape(reason)}</title>\n  </head>\n  <body>\n"
            f"    <h1><p>{html.escape(reason)}</p></h1>\n    {html.escape(mesg)}\n  </body>\n"
            "</html>\n").encode("utf-8", "replace")
    head = [f"HTTP/1.1 {int(status_int)} {reason}", "Connection: close",
            "Content-Type: text/html; charset=utf-8", f"Content-Length: {len(page)}",
            *(f"{name}: {value}" for name, value in ERROR_HEADERS)]
    util.write_nonblock(sock, ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + page)


class ThreadWorker(gthread.ThreadWorker):  # type: ignore[misc]
    """gthread, whose own error answers carry the security headers.

    gunicorn's workers call util.write_error through the module, so the writer is replaced
    there, in the worker process only (after the fork; the arbiter never answers requests).
    """

    def init_process(self) -> None:
        util.write_error = write_error
        super().init_process()
