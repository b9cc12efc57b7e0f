"""The app as a production WSGI server runs it: `dutygraph serve` (gunicorn's Python API), or
by hand `gunicorn 'dutygraph.web.wsgi:app'` with the store in $DUTYGRAPH_STORE.

Each gunicorn worker process builds its own app and opens the store itself, after the fork
(so never run gunicorn with --preload: a RocksDB handle must not cross a fork). An embedded
Oxigraph folder is opened read-only by every worker, which RocksDB allows for any number of
processes, so several workers can answer at once; the folder must not be written while they
run (dutygraph build writes a store the server is not serving, or the server is restarted).
'memory' is an rdflib store loaded from the repository's files in each worker.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask

from ..store import open_served
from . import DEFAULT_CONFIG, create_app


def config_from_env(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """App settings from DUTYGRAPH_<NAME> variables (e.g. DUTYGRAPH_QUERY_TIMEOUT=5)."""
    env = os.environ if environ is None else environ
    config: dict[str, Any] = {}
    for name, default in DEFAULT_CONFIG.items():
        value = env.get(f"DUTYGRAPH_{name}")
        if value is None:
            continue
        if isinstance(default, bool):
            config[name] = value.lower() in ("1", "true", "yes")
        elif isinstance(default, int):
            config[name] = int(value)
        elif isinstance(default, float):
            config[name] = float(value)
        else:
            config[name] = value
    return config


def make_app(spec: str | None = None, config: dict[str, Any] | None = None, *,
             update: str | None = None, graphs: str | None = None) -> Flask:
    settings = config_from_env()
    settings.update(config or {})
    store = open_served(spec, update=update, graphs=graphs)
    # The store's own limit too: the embedded store stops streaming rows past it, and a
    # remote store's HTTP request gives up (the executor's limit covers everything else).
    store.timeout = float(settings.get("QUERY_TIMEOUT", DEFAULT_CONFIG["QUERY_TIMEOUT"]))
    return create_app(store, settings)


def __getattr__(name: str) -> Any:
    # `app` is built on first access, so importing this module opens nothing.
    if name == "app":
        application = make_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
