"""Which file goes into which named graph: the layout of ontology/ and data/ is the dataset.

  ontology/*.ttl              -> graph/ontology
  data/framework/*.ttl        -> graph/framework
  data/local/{slug}/*.ttl     -> graph/authority/{slug}
  data/sources/{stem}.ttl     -> graph/source/{stem}
Extra files (dutygraph build --with FILE) go to the authority graph their authorities name.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from . import paths
from .namespaces import (
    DG,
    FRAMEWORK_GRAPH,
    ONTOLOGY_GRAPH,
    authority_graph,
    authority_slug,
    source_graph,
)
from .rdfio import SUFFIXES, parse_file


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


def authorities_in(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, DG.LocalAuthority) if isinstance(s, URIRef))


def split_by_authority(graph: Graph, name: str) -> dict[URIRef, Graph]:
    """Split an extra file (e.g. synthetic arrangements) into one graph per authority.

    Every triple goes with the authority its subject belongs to: the subject's dg:authority,
    the authority itself, or a subject IRI under the authority's namespace.
    """
    from .errors import InputError

    authorities = {str(a): a for a in authorities_in(graph)}
    if not authorities:
        raise InputError("no dg:LocalAuthority in the file; cannot tell which authority "
                         "graph it belongs to", file=name)
    owner: dict[object, URIRef] = {}
    for subject, authority in graph.subject_objects(DG.authority):
        owner[subject] = authority  # type: ignore[assignment]
    out: dict[URIRef, Graph] = defaultdict(Graph)
    for s, p, o in graph:
        auth = owner.get(s)
        if auth is None:
            if str(s) in authorities:
                auth = authorities[str(s)]
            else:
                auth = next((a for k, a in authorities.items() if str(s).startswith(k + "/")),
                            None)
        if auth is None:
            raise InputError(f"cannot tell which authority {s} belongs to (give it dg:authority)",
                             file=name)
        slug = authority_slug(str(auth))
        if slug is None:
            raise InputError(f"{auth} is not a dutygraph authority IRI", file=name)
        out[authority_graph(slug)].add((s, p, o))
    return dict(out)


def load_graphs(files: Iterable[DataFile], extra: Iterable[Path] = ()) -> dict[URIRef, Graph]:
    """Parse every file (all before anything is written) and group triples by named graph.

    A malformed file raises InputError naming it; nothing has been written at that point.
    """
    graphs: dict[URIRef, Graph] = defaultdict(Graph)
    for df in files:
        graphs[df.graph] += parse_file(df.path)
    for path in extra:
        for name, graph in split_by_authority(parse_file(path), str(path)).items():
            graphs[name] += graph
    return dict(graphs)
