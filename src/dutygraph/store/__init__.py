"""Opening a store from what a user names: a folder (embedded Oxigraph), 'memory' (rdflib),
or an http(s) URL (a remote SPARQL 1.1 endpoint).

Resolution order: the --store argument, then DUTYGRAPH_STORE, then the default embedded store
in .store/oxigraph under the repository. For a remote store the update and Graph Store
endpoints come from --store-update / --store-graphs or DUTYGRAPH_STORE_UPDATE /
DUTYGRAPH_STORE_GRAPHS, credentials from DUTYGRAPH_STORE_USER / DUTYGRAPH_STORE_PASSWORD.
"""

from __future__ import annotations

import os

from ..datasets import Progress
from ..paths import default_store_path
from .base import QuadSource, SelectResult, Store, WriteResult
from .embedded import EmbeddedStore
from .memory import MemoryStore

__all__ = ["EmbeddedStore", "MemoryStore", "Progress", "QuadSource", "SelectResult", "Store",
           "WriteResult", "describe_store", "open_store", "store_spec"]


def store_spec(store: str | None = None) -> str:
    """What store a command will use, before opening it."""
    return store or os.environ.get("DUTYGRAPH_STORE") or str(default_store_path())


def describe_store(store: str | None = None) -> str:
    """The store spec fit for messages: a URL loses any user:password@ it carried."""
    spec = store_spec(store)
    if spec.startswith(("http://", "https://")):
        from .remote import split_credentials

        return split_credentials(spec)[0]
    return spec


def open_store(store: str | None = None, *, update: str | None = None,
               graphs: str | None = None, read_only: bool = False) -> Store:
    spec = store_spec(store)
    if spec == "memory":
        return MemoryStore()
    if spec.startswith(("http://", "https://")):
        from .remote import RemoteStore  # imported lazily: only remote users need it

        return RemoteStore(spec, update=update or os.environ.get("DUTYGRAPH_STORE_UPDATE"),
                           graphs=graphs or os.environ.get("DUTYGRAPH_STORE_GRAPHS"))
    return EmbeddedStore(spec, read_only=read_only)
