"""The one interface every store kind implements, so queries, validation and the web view
never know which engine answers them.

The default graph of every store is the union of its named graphs; each data file lands in
exactly one named graph (see dutygraph.datasets). Every write is atomic: readers see the old
contents or the new, never a mixture, and a writer killed half-way leaves the old contents.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Collection, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

from ..datasets import Progress, Source
from ..errors import StoreError

if TYPE_CHECKING:
    import pyoxigraph as ox



class QuadSource(Protocol):
    """What a write reads: quads streamed on demand (dutygraph.datasets.Source)."""

    def quads(self, progress: Progress | None = None) -> Iterator[ox.Quad]: ...

    def declared_graphs(self) -> set[URIRef]: ...


class BrokenStore(StoreError):
    """A store whose record of its current contents is missing or unreadable.

    Raised before anything is read, written or deleted, so that no command guesses (an empty
    store, or the wrong generation) and no write destroys what the record no longer names;
    the message names the record's path and how to recover (`dutygraph store recover`).
    """


@dataclass
class SelectResult:
    """Rows of a SELECT: values are rdflib terms (URIRef, Literal, BNode); unbound are absent."""

    variables: list[str]
    rows: list[dict[str, Node]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Node]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


@dataclass
class WriteResult:
    """What a write did: the graphs it wrote and the quads in them."""

    graphs: list[URIRef]
    quads: int
    location: str


# Our named graphs all start with this; a remote server may hold others (Virtuoso's own).
GRAPH_PREFIX = "https://w3id.org/dutygraph/graph/"
TRIPLE_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


class Store(ABC):
    """A SPARQL dataset dutygraph reads and (when building) writes."""

    kind: str = "abstract"
    #: whether what is written outlives the process (not so for the memory store)
    persistent: bool = True
    location: str = ""
    #: seconds a query may run before QueryTimeout (None: no limit). Remote stores enforce it
    #: on the HTTP request; the embedded store checks it between result rows.
    timeout: float | None = None

    @abstractmethod
    def select(self, query: str) -> SelectResult:
        """Run a SELECT query against the union default graph."""

    @abstractmethod
    def ask(self, query: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The named graphs in the store (non-empty ones), sorted."""

    @abstractmethod
    def export_graph(self, name: URIRef) -> Graph:
        """A copy of one named graph."""

    @abstractmethod
    def write(self, source: QuadSource, *, drop_others: bool = False,
              replace: Iterable[URIRef] = (), progress: Progress | None = None) -> WriteResult:
        """Write the source's quads atomically.

        drop_others: a rebuild; afterwards the store holds exactly the source's graphs.
        Otherwise the graphs named in `replace` and those the source has quads in are
        replaced (a graph in `replace` with no quads is removed) and every other graph kept.
        The source is read before anything becomes visible: a malformed file raises
        InputError and leaves the store as it was.
        """

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, drop_others: bool = False,
                       progress: Progress | None = None) -> None:
        """Replace the named graphs given (and, with drop_others, remove every other graph),
        all at once: readers see either the old contents or the new, never a mixture."""
        self.write(Source(graphs=graphs), drop_others=drop_others, replace=graphs.keys(),
                   progress=progress)

    @property
    def oxigraph(self) -> ox.Store | None:
        """The Oxigraph store behind this one, which validation can read in place instead of
        copying the graphs out (None: this kind has none)."""
        return None

    def graph_quads(self, name: URIRef) -> list[ox.Quad]:
        """One named graph's quads as Oxigraph terms: read in place from the Oxigraph store
        behind this one, else converted from export_graph once. Why: validation builds its
        views in Oxigraph, and an rdflib copy of a graph an Oxigraph store holds would only be
        converted back (the framework went Oxigraph -> rdflib -> Oxigraph on every upload)."""
        import pyoxigraph as ox

        from ..terms import to_oxigraph

        target = ox.NamedNode(str(name))
        behind = self.oxigraph
        if behind is not None:
            return list(behind.quads_for_pattern(None, None, None, target))
        return [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), target)  # type: ignore[arg-type]
                for s, p, o in self.export_graph(name)]

    def search_index_file(self) -> Path | None:
        """The text index file this store's current data was written with (dutygraph.search
        reads it read-only), or None: only an on-disk embedded store writes one."""
        return None

    def indexes_in_process(self) -> bool:
        """Whether a question may be answered from an index dutygraph builds over this
        store's data in this process (dutygraph.search) instead of by this store's select.
        Only a bare store of this process may: a server is asked, not copied, and a store
        behind the limits (limits.store) caps rows, bytes and time in its select, which an
        index would step around."""
        return False

    def version(self) -> Hashable | None:
        """A value that changes whenever the store's contents may have changed, so read
        answers can be cached against it (dutygraph.web.cache); None: unknown, do not cache."""
        return None

    def server_software(self) -> str | None:
        """The engine behind a remote endpoint, as its Server header names it (None here)."""
        return None

    def server_url(self) -> str | None:
        """The URL queries are sent to, for a store behind a server (None here)."""
        return None

    def folder(self) -> str | None:
        """The folder of a store on disk that another process can open read-only itself
        (None: this store lives in this process, or behind a server)."""
        return None

    def bound_time(self, seconds: float) -> None:  # noqa: B027 - optional hook
        """Make the store's own time limit no looser than `seconds`, where the store keeps
        one on its own side (a remote server's request timeout); the limits layer's own
        limit covers every other kind."""

    def triple_count(self) -> int:
        result = self.select(TRIPLE_COUNT)
        return int(result.rows[0]["n"]) if result.rows else 0  # type: ignore[call-overload]

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def graphs_to_replace(source: QuadSource, replace: Iterable[URIRef]) -> set[URIRef]:
    return set(replace) | source.declared_graphs()


def undeclared_graphs(source: QuadSource) -> bool:
    """True when the source may put quads in graphs it cannot name before reading."""
    return bool(getattr(source, "extra", None))


def scan_graphs(source: QuadSource) -> set[URIRef]:
    """Every graph the source has quads in (reads it once)."""
    return {URIRef(q.graph_name.value) for q in source.quads()}  # type: ignore[union-attr]


def affected_graphs(source: QuadSource, replace: Collection[URIRef]) -> set[URIRef]:
    """The graphs a partial write replaces, reading the source first only if it must."""
    names = graphs_to_replace(source, replace)
    if undeclared_graphs(source):
        names |= scan_graphs(source)
    return names
