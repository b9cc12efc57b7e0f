"""Which index answers for which store, once per store version.

- An embedded store on disk: the file its current generation was written with (generation.py),
  opened read-only, so every process shares one index and none rebuilds it.
- An embedded store without one (written by a dutygraph before the file existed, or of another
  index format), an in-memory Oxigraph store, the memory store (rdflib) and remote stores: the
  same tables built in an in-memory SQLite database, once per store version (PerVersion).

Remote stores are not asked to search with their own text engines. Oxigraph server has none.
Virtuoso's bif:contains needs a free-text index the server's administrator must enable
(DB.DBA.RDF_OBJ_FT_RULE_ADD), matches whole words, not the substrings `search` promises
(queries/search.rq: "rious ca" finds "serious case"), and ranks by its own score: its rows
would differ from every other store kind's, which the parity tests forbid. A remote store's
index is built here from a copy of its graphs, as before; run_query asks the server itself
(search.rq) unless the store says an index in this process may answer (indexes_in_process).

A query worker's store (limits.answers.inside_worker: the served store behind its row cap) says
so where the store it wraps has an index file: the worker answers from the generation's file,
read-only, under the worker's own limits, not by search.rq's scan of every label.
"""

from __future__ import annotations

from ..store import Store, in_memory_copy
from ..store.per_version import PerVersion
from ..store.search_records import read_records
from .generation import open_index
from .index import TextIndex


def _build(store: Store) -> TextIndex:
    """Read the records with Oxigraph: the embedded store itself, any other kind through a
    copy of its graphs in memory (a remote server need not be asked a heavy query, only for
    its graphs), into an in-memory index."""
    behind = store.oxigraph
    if behind is None:  # no Oxigraph store behind it to read in place
        behind = in_memory_copy(store).oxigraph
    assert behind is not None
    return TextIndex.in_memory(read_records(behind))


def bare(store: Store) -> Store:
    """The store a LimitedStore wraps (the index reads the data itself: its file, or its
    Oxigraph store), else the store."""
    from ..limits.store import LimitedStore  # (limits imports this package's users)

    while isinstance(store, LimitedStore):
        store = store.inner
    return store


def has_index_file(store: Store) -> bool:
    """Whether the store's current generation was written with an index file (a stat, not an
    open: asked before every search a worker answers)."""
    return bare(store).search_index_file() is not None


def _index(store: Store) -> TextIndex:
    store = bare(store)
    path = store.search_index_file()
    if path is not None:
        written = open_index(path.parent)
        if written is not None:
            return written
    return _build(store)


def index_for(store: Store) -> TextIndex:
    """The store's index: its generation's file where it has one, else built on first use
    for each version of its data (a store that cannot tell its version gets a fresh one each
    time)."""
    return _INDEXES(store)


_INDEXES = PerVersion(_index)
