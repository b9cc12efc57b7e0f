"""Where the repository's ontology, data, shapes and queries live.

dutygraph is installed editable from its repository (make install), so these are folders
beside src/. DUTYGRAPH_HOME overrides the root, for running against another checkout.
"""

from __future__ import annotations

import os
from pathlib import Path


def root() -> Path:
    env = os.environ.get("DUTYGRAPH_HOME")
    if env:
        return Path(env).resolve()
    return Path(__file__).resolve().parents[2]


def ontology_dir() -> Path:
    return root() / "ontology"


def data_dir() -> Path:
    return root() / "data"


def shapes_dir() -> Path:
    return root() / "shapes"


def queries_dir() -> Path:
    return root() / "queries"


def seeds_dir() -> Path:
    """The seed documents that local data cites (../shared/seeds beside the repository)."""
    env = os.environ.get("DUTYGRAPH_SEEDS")
    if env:
        return Path(env).resolve()
    return root().parent / "shared" / "seeds"


def default_store_path() -> Path:
    return root() / ".store" / "oxigraph"


def context_file() -> Path:
    """The JSON-LD context for the vocabulary, shipped inside the package."""
    return Path(__file__).resolve().parent / "context.jsonld"
