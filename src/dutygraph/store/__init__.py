"""Opening a store from what a user names: a folder (embedded Oxigraph), 'memory' (rdflib),
or an http(s) URL (a remote SPARQL 1.1 endpoint).

Resolution order: the --store argument, then DUTYGRAPH_STORE, then the default embedded store
in .store/oxigraph under the repository. For a remote store the update and Graph Store
endpoints come from --store-update / --store-graphs or DUTYGRAPH_STORE_UPDATE /
DUTYGRAPH_STORE_GRAPHS, credentials from DUTYGRAPH_STORE_USER / DUTYGRAPH_STORE_PASSWORD.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from rdflib import URIRef

from ..datasets import Progress
from ..errors import StoreError
from ..paths import default_store_path
from .base import QuadSource, SelectResult, Store, WriteResult
from .embedded import EmbeddedStore
from .memory import MemoryStore

__all__ = ["EmbeddedStore", "MemoryStore", "Progress", "QuadSource", "SelectResult", "Store",
           "WriteResult", "as_store", "check_servable", "describe_store", "in_memory_copy",
           "open_served", "open_store", "repository_store", "store_folder", "store_spec",
           "store_url"]


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


def as_store(store: Store | str | None, *, read_only: bool = False) -> Store:
    """The store given, or the one a spec names opened (open_store): what a caller that takes
    either (the web app factory) is handed, so that it need not tell them apart itself."""
    if isinstance(store, Store):
        return store
    return open_store(store, read_only=read_only)


def in_memory_copy(store: Store, graphs: Iterable[URIRef] | None = None) -> EmbeddedStore:
    """A fresh in-memory Oxigraph store holding copies of a store's graphs (every graph when
    None), under the store's time limit: dutygraph's own engine over the store's data, for a
    query the store's own engine is known to answer wrongly (queries.run.engine_for)."""
    copy = EmbeddedStore(timeout=store.timeout)
    names = store.graph_names() if graphs is None else list(graphs)
    copy.replace_graphs({name: store.export_graph(name) for name in names}, drop_others=True)
    return copy


def repository_store() -> Store:
    """The repository's data files loaded afresh into an in-memory Oxigraph store: what the
    committed example reports and the audit sample are built from, whatever store is set."""
    from ..datasets import load_graphs, repository_files

    store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files()), drop_others=True)
    return store


def store_url(store: str | None = None) -> str | None:
    """The endpoint URL of the remote store the spec names; None for a folder or 'memory'."""
    spec = store_spec(store)
    return spec if spec.startswith(("http://", "https://")) else None


def store_folder(store: str | None = None) -> Path | None:
    """The folder of the embedded store the spec names; None for 'memory' or a URL."""
    spec = store_spec(store)
    if spec == "memory" or store_url(spec):
        return None
    return Path(spec)


def check_servable(store: str | None = None) -> None:
    """Raise StoreError (naming the folder and the fix) unless the store can be served now.

    Only a folder can be checked before it is opened: it must hold a built store whose record
    of the current generation is sound. A memory store is loaded when served; a remote one
    answers for itself when first asked.
    """
    folder = store_folder(store)
    if folder is None:
        return
    if not folder.is_dir() or not any(folder.iterdir()):
        raise StoreError(f"there is no store at {folder}; build it first with "
                         f"'dutygraph build --store {folder}' (make serve does)")
    from .generations import current_generation

    current_generation(folder)  # a broken record raises BrokenStore, naming the fix


def open_served(store: str | None = None, *, update: str | None = None,
                graphs: str | None = None) -> Store:
    """The store a server process answers from, read-only. 'memory' is the repository's files
    loaded afresh (a server never writes, so an empty memory store would answer nothing)."""
    spec = store_spec(store)
    if spec == "memory":
        from ..datasets import load_graphs, repository_files

        memory = MemoryStore()
        memory.replace_graphs(load_graphs(repository_files()), drop_others=True)
        return memory
    return open_store(spec, update=update, graphs=graphs, read_only=True)
