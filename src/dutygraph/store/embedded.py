"""The default store: Oxigraph on disk (pyoxigraph), persistent across restarts.

Chosen over rdflib's memory store by measurement (make bench: bench/report.md).

On disk the store is a folder of generations, each a complete Oxigraph database that is never
changed once published, and a pointer file naming the current one:

    STORE/dutygraph-current.json   {"current": "gen-…", "previous": "gen-…"}
    STORE/gen-1732431123456-812/   the current generation (read-only from now on)
    STORE/gen-1732431000000-777/   the previous one, kept for readers still on it
    STORE/gen-…-901.building/      a write in progress (or left by a killed writer)
    STORE/.dutygraph-write.lock    held (flock) by the one writer at a time

A write (build or load) makes a new generation beside the current one: a rebuild bulk-loads
into an empty folder; a load starts from a hard-linked checkpoint of the current generation
(Oxigraph's backup), removes the graphs it replaces and bulk-loads the new ones. Only when the
new generation is complete and flushed does os.replace switch the pointer, which is atomic, so
a reader sees the old contents or the new and a writer killed at any moment (even SIGKILL)
leaves the old generation current; the next writer deletes what it left. The pointer is the
store's one record of what is current (generations.py): missing while generations exist, or
unreadable, it stops every command with exit 3 and `dutygraph store recover` repairs it; no
write ever guesses, so none deletes a generation the record does not prove unreachable.

Readers open generations read-only, so any number of processes (a web server's workers, the
CLI) can read while a writer works. Before each query a reader compares the pointer file's
identity (inode, mtime, size) with the one it opened and reopens when it changed: a server
serving from this store sees a rebuild from another process at its next query, with no restart.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import shutil
import threading
import time
from collections.abc import Hashable, Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..datasets import Progress
from ..errors import InputError, QueryTimeout, StoreError
from ..sparql import check_query
from ..terms import solution_rows, to_rdflib
from .base import (
    BrokenStore,
    QuadSource,
    SelectResult,
    Store,
    WriteResult,
    affected_graphs,
)
from .chains import Derived, Facts, derive, fact_key, is_chain_graph, plan_for, refresh
from .generations import (
    BUILDING,
    GENERATION,
    LOCK,
    POINTER,
    current_generation,
    fsync_path,
    is_generation,
    publish,
    read_pointer,
    recovery_hint,
    step,
    writer_active,
    writer_lock,
)
from .hot import HotGraphs
from .search_file import FILE as INDEX_FILE
from .search_file import write_index

# The base a query's relative IRIs resolve against when it has no BASE of its own (SPARQL 1.1
# Protocol leaves it to the service; Oxigraph refuses a relative IRI without one). The
# endpoint's public name, so `CONSTRUCT { <s> <p> 1 }` answers with absolute IRIs.
QUERY_BASE_IRI = "https://w3id.org/dutygraph/sparql"

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}


def _is_plain_oxigraph(root: Path) -> bool:
    """A folder Oxigraph itself made (e.g. `oxigraph load`), without our generations."""
    return (root / "CURRENT").is_file() and any(root.glob("MANIFEST-*"))


def _ours(name: str) -> bool:
    return (name.startswith(GENERATION) or name in (POINTER, LOCK)
            or (name.startswith(f".{POINTER}.") and name.endswith(".tmp")))


_writer_lock = writer_lock  # the name the tests knew


class _Counting:
    """Pass quads through to the bulk loader, counting them and noting their graphs, less
    those in a chain graph (chains are derived, never taken from input: the test of
    chains.without_chains, made once per run of quads in one graph), and noting what the
    chains read in `facts` when given (a rebuild: nothing is read back from the store)."""

    def __init__(self, quads: Iterable[ox.Quad], facts: Facts | None = None) -> None:
        self._quads = quads
        self._facts = facts
        self.count = 0
        self.graphs: set[str] = set()

    def __iter__(self) -> Iterator[ox.Quad]:
        last = ""
        skip = False
        tables = self._facts.by_predicate if self._facts is not None else {}
        for quad in self._quads:
            graph = quad.graph_name.value  # type: ignore[union-attr]
            if graph != last:
                last = graph
                skip = is_chain_graph(graph)
                if not skip:
                    self.graphs.add(graph)
            if skip:
                continue
            if not self.count:
                step("loading")
            self.count += 1
            if tables:  # Facts.add, inlined: this loop runs once per quad of a build
                table = tables.get(quad.predicate.value)
                if table is not None:
                    table[fact_key(quad.subject)].add(fact_key(quad.object))
            yield quad


def _rebuild_quads(source: QuadSource, progress: Progress | None
                   ) -> tuple[_Counting, Derived, Iterable[ox.Quad]]:
    """A rebuild's quads and then its chains, as one stream for one bulk load: the chains
    are derived from what the source's quads said as they went by (derive reads the facts
    and the graphs seen only when the last source quad is gone)."""
    facts = Facts()
    counted = _Counting(source.quads(progress), facts)
    derived = Derived()
    return counted, derived, itertools.chain(
        counted, derive(facts, plan_for(None), counted.graphs, derived))


class EmbeddedStore(Store):
    kind = "embedded"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 timeout: float | None = None) -> None:
        """Open the store in a folder (created by the first write); path None gives an
        in-memory Oxigraph store (benchmarks and tests). read_only refuses writes and
        requires the store to exist."""
        self.timeout = timeout
        self._read_only = read_only
        self._lock = threading.Lock()
        self._key: tuple[int, int, int] | None = None
        self._legacy = False
        self._writes = 0  # in memory: bumped on every write (see version)
        self._identity = object()  # unlike id(self), never reused while a cache holds it
        self.hot: HotGraphs | None = None  # on disk: the in-memory copy of recent graphs (hot.py)
        if path is None:
            self.location = "oxigraph-memory"
            self._root: Path | None = None
            self._store = ox.Store()
            return
        self._root = Path(path)
        self.location = str(path)
        root = self._root
        if not root.exists():
            if read_only:
                raise StoreError(f"no store at {root}: run `dutygraph build` first")
        elif not root.is_dir():
            raise StoreError(f"{root} is not a folder")
        elif not (root / POINTER).exists():
            if _is_plain_oxigraph(root):
                self._legacy = True  # readable; writes refused (see write)
            elif any(not _ours(p.name) for p in root.iterdir()):
                raise StoreError(f"{root} is not a dutygraph store (it holds other files); "
                                 "give an empty or new folder")
        self._store = self._open()
        self.hot = HotGraphs()

    # --- reading -------------------------------------------------------------------------

    def _pointer_key(self) -> tuple[int, int, int] | None:
        assert self._root is not None
        try:
            st = os.stat(self._root / POINTER)
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _open(self) -> ox.Store:
        """A read-only handle on the current generation (an empty store if there is none)."""
        root = self._root
        assert root is not None
        try:
            if self._legacy:
                return ox.Store.read_only(str(root))
            last: Exception | None = None
            for _ in range(10):
                self._key = self._pointer_key()
                try:
                    current = current_generation(root) if root.exists() else None
                except BrokenStore as exc:
                    if self._pointer_key() == self._key and not writer_active(root):
                        raise  # broken, not a writer replacing the record as we read it
                    last = exc
                    time.sleep(0.05)
                    continue
                if current is None:
                    return ox.Store()
                try:
                    return ox.Store.read_only(str(root / current))
                except OSError as exc:  # removed between reading the pointer and opening it
                    last = exc
                    time.sleep(0.05)
            if isinstance(last, BrokenStore):
                raise last
            raise BrokenStore(f"cannot open the current generation of the store at {root}: "
                              f"{last}; {recovery_hint(root)}")
        except OSError as exc:
            raise StoreError(f"cannot open the store at {root}: {exc}") from exc

    def _current(self) -> ox.Store:
        """The handle to query, reopened when another process published a new generation."""
        if self._root is None or self._legacy:
            return self._store
        if self._pointer_key() != self._key:
            with self._lock:
                if self._pointer_key() != self._key:
                    self._store = self._open()
        return self._store

    def indexes_in_process(self) -> bool:
        """A bare store of this process: the text index may answer for it (reading its
        Oxigraph store in place)."""
        return True

    def version(self) -> Hashable | None:
        """On disk, the pointer file's identity (a new generation is a new file); in memory,
        a count of writes."""
        if self._root is None:
            return ("memory", self._identity, self._writes)
        if self._legacy:
            return None
        return ("disk", str(self._root), self._pointer_key())

    def folder(self) -> str | None:
        return self.location if self.generation_path() is not None else None

    def search_index_file(self) -> Path | None:
        folder = self.generation_path()
        path = folder / INDEX_FILE if folder is not None else None
        return path if path is not None and path.is_file() else None  # a stat, not an open

    def generation_path(self) -> Path | None:
        """The folder of the current generation: a plain Oxigraph database, which
        `oxigraph serve-read-only --location` can serve as it is."""
        if self._root is None:
            return None
        if self._legacy:
            return self._root
        current = current_generation(self._root)
        return self._root / current if current else None

    @property
    def oxigraph(self) -> ox.Store:
        return self._current()

    def _query(self, query: str):  # type: ignore[no-untyped-def]
        checked = check_query(query)
        query = str(checked)  # the text the guard read (codepoint escapes applied)
        # A query with FROM / FROM NAMED chooses its own dataset (among the store's graphs,
        # a graph it does not hold being empty: Oxigraph never fetches); otherwise the
        # default graph is the union.
        union = not checked.names_dataset
        engine = self._current()
        if not union and self.hot is not None:
            # A query that names its graphs (a scoped question) runs on the in-memory copy of
            # them when they are small (hot.py); FROM NAMED is left to the store itself.
            graphs, named = list(checked.default_graphs), checked.named_graphs
            if graphs and not named:
                engine = self.hot.store_for(engine, graphs) or engine
        try:
            return engine.query(query, use_default_graph_as_union=union,
                                base_iri=QUERY_BASE_IRI)
        except SyntaxError as exc:
            raise InputError(f"malformed SPARQL: {exc}", parameter="query") from exc
        except OSError as exc:
            raise StoreError(f"{self.location}: the query failed: {exc}") from exc

    def _deadline(self) -> float | None:
        return time.monotonic() + self.timeout if self.timeout else None

    def _check(self, deadline: float | None, n: int) -> None:
        if deadline is not None and n % 256 == 0 and time.monotonic() > deadline:
            raise QueryTimeout(f"{self.location}: the query ran past its limit of "
                               f"{self.timeout:g} s")

    def select(self, query: str) -> SelectResult:
        deadline = self._deadline()
        solutions = self._query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("not a SELECT query", parameter="query")
        variables, rows = solution_rows(solutions, lambda n: self._check(deadline, n))
        return SelectResult(variables, rows)

    def ask(self, query: str) -> bool:
        result = self._query(query)
        if not isinstance(result, ox.QueryBoolean):
            raise InputError("not an ASK query", parameter="query")
        return bool(result)

    def construct(self, query: str) -> Graph:
        deadline = self._deadline()
        result = self._query(query)
        if not isinstance(result, ox.QueryTriples):
            raise InputError("not a CONSTRUCT or DESCRIBE query", parameter="query")
        graph = Graph()
        for n, triple in enumerate(result):
            self._check(deadline, n)
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return graph

    def triple_count(self) -> int:
        """base.TRIPLE_COUNT's answer (the quads in named graphs) from Oxigraph's own count:
        the query walks every quad through the SPARQL engine, 7 times slower at 153 councils,
        and `dutygraph build` asks it after every build."""
        engine = self._current()
        return len(engine) - sum(1 for _ in engine.quads_for_pattern(None, None, None,
                                                                      ox.DefaultGraph()))

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._current().named_graphs()
                      if isinstance(g, ox.NamedNode))

    def export_graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for quad in self._current().quads_for_pattern(None, None, None,
                                                      ox.NamedNode(str(name))):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
        return graph

    # --- writing -------------------------------------------------------------------------

    def write(self, source: QuadSource, *, drop_others: bool = False,
              replace: Iterable[URIRef] = (), progress: Progress | None = None) -> WriteResult:
        if self._read_only:
            raise StoreError(f"{self.location} was opened read-only")
        if self._legacy:
            raise StoreError(f"{self.location} is a plain Oxigraph database, not a dutygraph "
                             "store; build into a new folder instead")
        names = None if drop_others else affected_graphs(source, list(replace))
        if self._root is None:
            return self._write_in_memory(source, names, progress)
        root = self._root
        try:
            root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store at {root}: {exc}") from exc
        with writer_lock(root):
            step("locked")
            # Only a killed writer leaves a .building folder (we hold the lock), and the
            # record has never named one: unreachable, so removed.
            for stale in root.glob(f"{GENERATION}*{BUILDING}"):
                shutil.rmtree(stale, ignore_errors=True)
            for stale in root.glob(f".{POINTER}.*.tmp"):  # a record never put in place
                stale.unlink(missing_ok=True)
            step("stale-removed")
            current = current_generation(root)  # BrokenStore: stop before touching anything
            building = root / f"{GENERATION}{time.time_ns()}-{os.getpid()}{BUILDING}"
            if names is None:
                counted, derived, stream = _rebuild_quads(source, progress)
            else:
                counted, derived = _Counting(source.quads(progress)), Derived()
                stream = counted
            try:
                if names is None or current is None:
                    writer = ox.Store(str(building))
                else:
                    ox.Store.read_only(str(root / current)).backup(str(building))
                    step("checkpointed")
                    writer = ox.Store(str(building))
                    for name in names:
                        writer.remove_graph(ox.NamedNode(str(name)))
                    step("graphs-removed")
                # The chains of what was written go into the same generation (chains.py): a
                # rebuild's in the same bulk load, a partial write's read from the store.
                writer.bulk_extend(stream)
                chain_names = set(derived.graphs)
                if names is not None:
                    existing = [g.value for g in writer.named_graphs()
                                if isinstance(g, ox.NamedNode)]
                    chain_names, chain_quads = refresh(writer, names, existing)
                    for name in chain_names:
                        writer.remove_graph(ox.NamedNode(str(name)))
                    writer.bulk_extend(chain_quads)
                    derived.count = len(chain_quads)
                write_index(writer, building)  # its text index, inside it (search_file.py)
                step("loaded")
                writer.flush()
                del writer
                gc.collect()  # close the database before it is published
                step("flushed")
                if names is not None:
                    stray = {g for g in counted.graphs if URIRef(g) not in names}
                    if stray:
                        raise StoreError(f"the source wrote graphs it did not declare: "
                                         f"{sorted(stray)}")
                final = root / building.name[: -len(BUILDING)]
                os.rename(building, final)
                fsync_path(root)
                step("renamed")
            except BaseException as exc:
                shutil.rmtree(building, ignore_errors=True)
                if isinstance(exc, OSError):  # e.g. the disk is full
                    raise StoreError(f"cannot write a new generation in {root}: {exc}; the "
                                     "current generation is unchanged") from exc
                raise
            try:
                publish(root, final.name, previous=current)
            except BaseException:
                with contextlib.suppress(StoreError):
                    if read_pointer(root).current != final.name:  # never recorded
                        shutil.rmtree(final, ignore_errors=True)
                raise
            step("published")
            # Proven unreachable: the record just written names only these two, and no other
            # writer can publish while we hold the lock.
            keep = {final.name, current}
            for old in root.iterdir():
                if is_generation(old.name) and old.name not in keep:
                    shutil.rmtree(old, ignore_errors=True)
            step("old-removed")
        with self._lock:
            self._store = self._open()
        written = sorted(URIRef(g) for g in counted.graphs) if names is None \
            else sorted(names)
        written = sorted(set(written) | chain_names)
        return WriteResult(written, counted.count + derived.count, self.location)

    def _write_in_memory(self, source: QuadSource, names: set[URIRef] | None,
                         progress: Progress | None) -> WriteResult:
        """Copy-on-write for the in-memory store: readers keep the old object until the
        new one is complete."""
        fresh = ox.Store()
        if names is not None:
            kept = {ox.NamedNode(str(n)) for n in names}
            fresh.bulk_extend(q for q in self._store if q.graph_name not in kept)
        if names is None:
            counted, derived, stream = _rebuild_quads(source, progress)
            fresh.bulk_extend(stream)
            chain_names = set(derived.graphs)
        else:
            counted = _Counting(source.quads(progress))
            fresh.bulk_extend(counted)
            existing = [g.value for g in fresh.named_graphs() if isinstance(g, ox.NamedNode)]
            chain_names, chain_quads = refresh(fresh, names, existing)
            for name in chain_names:
                fresh.remove_graph(ox.NamedNode(str(name)))
            fresh.bulk_extend(chain_quads)
            derived = Derived(count=len(chain_quads))
        with self._lock:
            self._store = fresh
            self._writes += 1
        written = sorted(URIRef(g) for g in counted.graphs) if names is None else sorted(names)
        written = sorted(set(written) | chain_names)
        return WriteResult(written, counted.count + derived.count, self.location)

    def close(self) -> None:
        """Forget the handle; a later query reopens the current generation."""
        if self._root is not None and not self._legacy:
            with self._lock:
                self._store = ox.Store()
                self._key = (-1, -1, -1)
