"""dutygraph serve: the web view and SPARQL endpoint behind a production HTTP front.

The front is waitress (dutygraph.web.front says why: it reads whole requests in one
asynchronous loop, so slow clients hold no thread); `--server gunicorn` keeps gunicorn's
threaded workers. Processes (--workers, default one) each open the store read-only after the
fork (see dutygraph.web.wsgi); the queries run in each process's sandboxed query workers
(three, QUERY_WORKERS), so on the two cores this runs on one core answers HTTP while the
others compute. Sixteen threads a process, because a request thread mostly waits (on a query
worker, or a remote server) rather than computes, while the work itself stays bounded by the
query workers, the per-client limit and the time limit.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import InputError
from ..store import check_servable, store_folder, store_spec, store_url
from .common import add_store_options

DEFAULT_WORKERS = 1  # gunicorn worker processes (see above)
DEFAULT_THREADS = 16  # request threads per gunicorn worker (see above)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="serve the web view, API and SPARQL endpoint")
    add_store_options(p)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    p.add_argument("--workers", type=int, default=DEFAULT_WORKERS,
                   help=f"server processes (default {DEFAULT_WORKERS})")
    p.add_argument("--server", choices=("waitress", "gunicorn"), default="waitress",
                   help="the HTTP front (default waitress, which buffers slow clients)")
    p.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                   help=f"threads per worker (default {DEFAULT_THREADS})")
    p.add_argument("--query-timeout", type=float, default=None, metavar="SECONDS",
                   help="time limit of one query (default 10, or $DUTYGRAPH_QUERY_TIMEOUT)")
    p.add_argument("--access-log", action="store_true",
                   help="log every request to stderr (gunicorn only)")
    p.set_defaults(func=run)


def _check(args: argparse.Namespace) -> str:
    if not 0 <= args.port <= 65535:
        raise InputError(f"{args.port} is not a port number", parameter="--port")
    for name in ("workers", "threads"):
        if getattr(args, name) < 1:
            raise InputError("must be at least 1", parameter=f"--{name}")
    if args.query_timeout is not None and args.query_timeout <= 0:
        raise InputError("must be a positive number of seconds", parameter="--query-timeout")
    spec = store_spec(args.store)
    check_servable(spec)  # a missing store or broken record stops here (exit 3), not in a worker
    return spec


def _sandbox_report(spec: str) -> str:
    """What the query workers' sandbox holds on this machine (a child process enters it and
    reports), in one line; said at start so an operator sees a missing protection at once
    (GET /health says the same from a running worker)."""
    import tempfile

    from ..limits import sandbox
    from ..web.wsgi import config_from_env

    if not config_from_env().get("SANDBOX", True):
        return "WARNING: the query workers' sandbox is off (DUTYGRAPH_SANDBOX=0)"
    on_disk = store_folder(spec)
    remote, local = store_url(spec), str(on_disk) if on_disk else None
    with tempfile.TemporaryDirectory(prefix="dutygraph-probe-") as folder:
        held = sandbox.probe(sandbox.default_policy(store_location=local, remote_url=remote,
                                                    write=folder))
    if held.complete:
        return f"query workers' sandbox: {held.summary()}"
    return (f"WARNING: the query workers' sandbox is incomplete on this machine: "
            f"{held.summary()}")


def run(args: argparse.Namespace) -> int:
    from ..web.wsgi import make_app

    spec = _check(args)
    config: dict[str, Any] = {}
    if args.query_timeout is not None:
        config["QUERY_TIMEOUT"] = args.query_timeout

    def build() -> Any:
        return make_app(spec, config, update=args.store_update, graphs=args.store_graphs)

    print(f"dutygraph: serving {spec} at http://{args.host}:{args.port}/ "
          f"({args.server}, {args.workers} processes x {args.threads} threads)",
          file=sys.stderr)
    print(f"dutygraph: {_sandbox_report(spec)}", file=sys.stderr)
    if args.server == "waitress":
        from ..web.front import serve

        serve(build, args.host, args.port, workers=args.workers, threads=args.threads)
        return 0
    _gunicorn(args, build)
    return 0


def _gunicorn(args: argparse.Namespace, build: Any) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            settings = {
                "bind": f"{args.host}:{args.port}",
                "workers": args.workers,
                "threads": args.threads,
                # gthread, with the security headers on gunicorn's own error answers.
                "worker_class": "dutygraph.web.gunicorn_worker.ThreadWorker",
                # Heartbeat only (queries are bounded by QUERY_TIMEOUT in the app).
                "timeout": 60,
                "graceful_timeout": 10,
                "keepalive": 5,
                "limit_request_line": 8190,  # long GET queries
                "proc_name": "dutygraph",
                "errorlog": "-",
                "accesslog": "-" if args.access_log else None,
                "preload_app": False,  # each worker opens the store after the fork
                # gunicorn >= 25 opens a control socket in ~/.gunicorn; one fixed path would
                # clash between servers, and the service needs no remote control.
                "control_socket_disable": True,
            }
            for key, value in settings.items():
                if key in self.cfg.settings:
                    self.cfg.set(key, value)

        def load(self) -> Any:
            return build()

    Server().run()
