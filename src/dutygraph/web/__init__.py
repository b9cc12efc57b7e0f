"""The Flask application: an app factory and one blueprint per concern.

Blueprints (each its own module): pages (policy officers' HTML pages), api (/api/*),
sparql (/sparql protocol endpoint), entities (dereferencing our IRIs). Every page and API
reads through the named-query catalogue and the store layer, never through rdflib directly.
"""

from __future__ import annotations

import importlib
from typing import Any

from flask import Flask

from ..store import Store, open_store

BLUEPRINTS = ["pages", "api", "sparql", "entities"]


def create_app(store: Store | str | None = None, config: dict[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        QUERY_TIMEOUT=10.0,
        MAX_ROWS=10_000,
        MAX_RESULT_BYTES=16 * 1024 * 1024,
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        WRITE_TOKEN=None,
    )
    if config:
        app.config.update(config)
    app.extensions["dutygraph.store"] = (
        store if isinstance(store, Store) else open_store(store)
    )
    for name in BLUEPRINTS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue
            raise
        app.register_blueprint(module.bp)
    return app


def get_store() -> Store:
    """The store of the current app (inside a request)."""
    from flask import current_app

    store: Store = current_app.extensions["dutygraph.store"]
    return store
