"""Which file goes into which named graph: the layout of ontology/ and data/ is the dataset.

  ontology/*.ttl              -> graph/ontology
  data/framework/*.ttl        -> graph/framework
  data/local/{slug}/*.ttl     -> graph/authority/{slug}
  data/sources/{stem}.ttl     -> graph/source/{stem}
Extra files (dutygraph build --with FILE) go to the authority graphs of the authorities they
describe, triple by triple (see AuthoritySplitter).

Files are parsed by Oxigraph's parser (fast, streaming; the same parser whichever store is
written, so every store holds the same terms), through dutygraph.rdfio, the one reader, whose
JSON-LD parser has no document loader. A Source streams the quads of a build or load so a store can
write them without holding them all: parse errors surface as InputError naming file and line.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, URIRef

from . import paths
from .errors import InputError
from .namespaces import (
    BASE,
    DG,
    FRAMEWORK_GRAPH,
    ONTOLOGY_GRAPH,
    authority_graph,
    authority_slug,
    source_graph,
)
from .rdfio import SUFFIXES, format_for, triples
from .terms import to_oxigraph, to_rdflib

# Told (fraction done 0..1, quads so far) while a Source is read; stores pass it through.
Progress = Callable[[float, int], None]

_AUTHORITY_IRI = BASE + "id/authority/"
_RDF_TYPE = str(RDF.type)
_DG_AUTHORITY = str(DG.authority)
_DG_LOCAL_AUTHORITY = str(DG.LocalAuthority)
_REPORT_EVERY = 20_000  # quads between progress reports


@dataclass(frozen=True)
class DataFile:
    path: Path
    graph: URIRef


def _rdf_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix in SUFFIXES)


def repository_files(root: Path | None = None) -> list[DataFile]:
    """Every data file of the repository with the named graph it belongs to."""
    base = root or paths.root()
    files = [DataFile(p, ONTOLOGY_GRAPH) for p in _rdf_files(base / "ontology")]
    files += [DataFile(p, FRAMEWORK_GRAPH) for p in _rdf_files(base / "data" / "framework")]
    local = base / "data" / "local"
    if local.is_dir():
        for folder in sorted(d for d in local.iterdir() if d.is_dir()):
            files += [DataFile(p, authority_graph(folder.name)) for p in _rdf_files(folder)]
    files += [DataFile(p, source_graph(p.stem)) for p in _rdf_files(base / "data" / "sources")]
    return files


def authorities_in(graph: Graph | Iterable[ox.Triple]) -> list[URIRef]:
    """The subjects declared dg:LocalAuthority, from an rdflib graph or Oxigraph triples."""
    if isinstance(graph, Graph):
        return sorted(s for s in graph.subjects(RDF.type, DG.LocalAuthority)
                      if isinstance(s, URIRef))
    return sorted({URIRef(t.subject.value) for t in graph
                   if type(t.subject) is ox.NamedNode and t.predicate.value == _RDF_TYPE
                   and type(t.object) is ox.NamedNode and t.object.value == _DG_LOCAL_AUTHORITY})


# --- parsing ------------------------------------------------------------------------------

def parse_triples(path: Path, fmt: str | None = None,
                  on_read: Callable[[int], None] | None = None) -> Iterator[ox.Triple]:
    """Stream the triples of one file through the one reader (rdfio.triples); InputError
    names the file and line of bad syntax.

    on_read(bytes consumed so far) is called now and then, for progress bars.
    """
    rdf_format = format_for(path, fmt)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed below, after the generator is drained
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from exc
    with fh:
        parsed = triples(fh, rdf_format, str(path))
        if on_read is None:
            yield from parsed
            return
        while chunk := list(itertools.islice(parsed, _REPORT_EVERY)):
            yield from chunk
            on_read(fh.tell())
        on_read(fh.tell())


# --- splitting extra files by authority ---------------------------------------------------

def _slug_of_subject(iri: str) -> str | None:
    """The authority a subject IRI belongs to by its form: the authority itself
    (.../id/authority/{slug}) or anything under it (.../id/authority/{slug}/...)."""
    if not iri.startswith(_AUTHORITY_IRI):
        return None
    slug = iri[len(_AUTHORITY_IRI):].split("/", 1)[0]
    return slug or None


class AuthoritySplitter:
    """Assign each triple of an arrangements file to the authority graph it belongs to.

    The rule, for a triple's subject, in order: an IRI of the form of an authority or of
    something under it belongs to that authority; otherwise a subject with dg:authority
    belongs to the authority named; a blank node belongs to the owner of the subject that
    refers to it. The file must declare at least one dg:LocalAuthority. Triples whose owner
    is not known when they are read wait until the end of the file.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._graphs: dict[str, ox.NamedNode] = {}
        self._declared: set[str] = set()
        self._owner: dict[str, str] = {}  # subject key -> slug, from dg:authority
        self._parent: dict[str, str] = {}  # blank node key -> key of a subject referring to it
        self._pending: list[ox.Triple] = []
        self._last_subject = ""
        self._last_graph: ox.NamedNode | None = None

    def _graph(self, slug: str) -> ox.NamedNode:
        node = self._graphs.get(slug)
        if node is None:
            node = self._graphs[slug] = ox.NamedNode(str(authority_graph(slug)))
        return node

    @staticmethod
    def _key(term: object) -> str:
        return ("_:" + term.value) if isinstance(term, ox.BlankNode) else str(term.value)  # type: ignore[attr-defined]

    def feed(self, triple: ox.Triple) -> ox.Quad | None:
        """The quad for this triple, or None if its owner is known only later."""
        s, predicate, o = triple.subject, triple.predicate, triple.object
        p = predicate.value
        if p == _RDF_TYPE:
            if type(o) is ox.NamedNode and o.value == _DG_LOCAL_AUTHORITY:
                self._declared.add(self._key(s))
        elif p == _DG_AUTHORITY:
            slug = authority_slug(o.value) if type(o) is ox.NamedNode else None
            if slug is None or not o.value.startswith(_AUTHORITY_IRI):  # type: ignore[union-attr]
                raise InputError(f"dg:authority of {self._key(s)} is {o}, not a dutygraph "
                                 "authority IRI", file=self.name)
            self._owner.setdefault(self._key(s), slug)
        if type(o) is ox.BlankNode:
            self._parent.setdefault(self._key(o), self._key(s))
        if type(s) is ox.NamedNode:
            value = s.value
            if value == self._last_subject:  # consecutive triples mostly share a subject
                graph = self._last_graph
            else:
                slug = _slug_of_subject(value)
                graph = self._graph(slug) if slug is not None else None
                self._last_subject, self._last_graph = value, graph
            if graph is not None:
                return ox.Quad(s, predicate, o, graph)
        self._pending.append(triple)
        return None

    def _resolve(self, key: str) -> str | None:
        seen: set[str] = set()
        while key not in seen:
            seen.add(key)
            slug = self._owner.get(key)
            if slug is None and not key.startswith("_:"):
                slug = _slug_of_subject(key)
            if slug is not None:
                return slug
            parent = self._parent.get(key)
            if parent is None:
                return None
            key = parent
        return None

    def finish(self) -> Iterator[ox.Quad]:
        """The quads that waited for their owner; InputError if any owner is unknown."""
        if not self._declared:
            raise InputError("no dg:LocalAuthority in the file; cannot tell which authority "
                             "graph it belongs to", file=self.name)
        for triple in self._pending:
            key = self._key(triple.subject)
            slug = self._resolve(key)
            if slug is None:
                raise InputError(f"cannot tell which authority {key} belongs to "
                                 "(give it dg:authority)", file=self.name)
            yield ox.Quad(triple.subject, triple.predicate, triple.object, self._graph(slug))
        self._pending = []


def split_by_authority(graph: Graph, name: str) -> dict[URIRef, Graph]:
    """Split an extra file (e.g. synthetic arrangements) into one graph per authority."""
    splitter = AuthoritySplitter(name)
    out: dict[URIRef, Graph] = defaultdict(Graph)

    def add(quad: ox.Quad) -> None:
        out[URIRef(quad.graph_name.value)].add(  # type: ignore[union-attr]
            (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))

    for s, p, o in graph:
        quad = splitter.feed(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)))  # type: ignore[arg-type]
        if quad is not None:
            add(quad)
    for quad in splitter.finish():
        add(quad)
    return dict(out)


# --- what a build or a load writes ---------------------------------------------------------

class Source:
    """The quads of a build or a load, read on demand (once per call of quads()).

    files: data files whose named graph is known; extra: arrangement files split by
    authority; graphs: graphs already in memory, as rdflib graphs or as the Oxigraph triples
    the reader gave (`dutygraph load`: written as read, with no round trip through rdflib).
    """

    def __init__(self, files: Iterable[DataFile] = (), extra: Iterable[Path] = (),
                 graphs: Mapping[URIRef, Graph | Sequence[ox.Triple]] | None = None) -> None:
        self.files = list(files)
        self.extra = [Path(p) for p in extra]
        self.graphs = dict(graphs or {})

    def declared_graphs(self) -> set[URIRef]:
        """The graphs known before reading: those of the files and of the in-memory graphs."""
        return {f.graph for f in self.files} | set(self.graphs)

    def _sizes(self) -> tuple[list[int], list[int], int]:
        def size(p: Path) -> int:
            try:
                return p.stat().st_size
            except OSError:
                return 0
        file_sizes = [size(f.path) for f in self.files]
        extra_sizes = [size(p) for p in self.extra]
        graph_units = sum(len(g) for g in self.graphs.values()) * 100  # ~bytes per triple
        return file_sizes, extra_sizes, graph_units

    def quads(self, progress: Progress | None = None) -> Iterator[ox.Quad]:
        file_sizes, extra_sizes, graph_units = self._sizes()
        total = max(1, sum(file_sizes) + sum(extra_sizes) + graph_units)
        done_before = 0
        count = 0

        def report(read_in_file: int) -> None:
            if progress:
                progress(min(1.0, (done_before + read_in_file) / total), count)

        for df, size in zip(self.files, file_sizes, strict=True):
            graph = ox.NamedNode(str(df.graph))
            for t in parse_triples(df.path, on_read=report):
                count += 1
                yield ox.Quad(t.subject, t.predicate, t.object, graph)
            done_before += size
        for path, size in zip(self.extra, extra_sizes, strict=True):
            splitter = AuthoritySplitter(str(path))
            for t in parse_triples(path, on_read=report):
                quad = splitter.feed(t)
                if quad is not None:
                    count += 1
                    yield quad
            for quad in splitter.finish():
                count += 1
                yield quad
            done_before += size
        for name, g in self.graphs.items():
            graph = ox.NamedNode(str(name))
            quads: Iterable[ox.Quad]
            if isinstance(g, Graph):
                quads = (ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]
                         for s, p, o in g)
            else:
                quads = (ox.Quad(t.subject, t.predicate, t.object, graph) for t in g)
            for i, quad in enumerate(quads):
                count += 1
                yield quad
                if progress and i % _REPORT_EVERY == 0:
                    report(i * 100)
            done_before += len(g) * 100
        if progress:
            progress(1.0, count)

    def check(self) -> int:
        """Read everything once without writing: InputError on the first problem; returns
        the number of quads."""
        return sum(1 for _ in self.quads())

    def to_graphs(self) -> dict[URIRef, Graph]:
        """The quads as rdflib graphs, one per named graph (for small data)."""
        graphs: dict[URIRef, Graph] = defaultdict(Graph)
        for q in self.quads():
            graphs[URIRef(q.graph_name.value)].add(  # type: ignore[union-attr]
                (to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        return dict(graphs)


def repository_source(extra: Iterable[Path] = (), root: Path | None = None) -> Source:
    """Everything `dutygraph build` loads: the repository's files plus extra files."""
    return Source(repository_files(root), extra)


def load_graphs(files: Iterable[DataFile], extra: Iterable[Path] = ()) -> dict[URIRef, Graph]:
    """Parse every file (all before anything is written) and group triples by named graph.

    A malformed file raises InputError naming it; nothing has been written at that point.
    """
    return Source(files, extra).to_graphs()
