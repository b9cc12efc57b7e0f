"""The workbook operations the CLI and the web view share: read, check, convert, write."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ..namespaces import DG, SRC
from ..queries.internal import page_select
from ..store import Store
from . import spec
from .build import build_graph
from .problems import Problem, WorkbookError
from .read import DEFAULT_LIMITS, Limits, RawWorkbook, read_bytes, read_path
from .vocab import VocabList, read_vocabulary


def known_sources(store: Store) -> set[URIRef]:
    rows = page_select(store, "source-documents-known")
    found: set[URIRef] = set()
    for r in rows:
        s = r.get("s")
        if isinstance(s, URIRef) and str(s).startswith(str(SRC)):
            found.add(s)
    return found


def authority_of(book: RawWorkbook, vocab: dict[str, VocabList]) -> str:
    """The slug of the workbook's authority: the id of its one 'Local authority' body row."""
    table = next((t for n, t in book.tables.items() if n.lower() == "bodies"), None)
    la = [t for t in vocab["body-kind"].labels if str(t) == str(DG.LocalAuthority)]
    if table is not None and la:
        heads = [h.lower() for h in table.headers]
        if "id" in heads and "kind" in heads:
            i, k = heads.index("id"), heads.index("kind")
            for _, cells in table.rows:
                kinds = cells[k].split(spec.SEPARATOR) if k < len(cells) else []
                if any(vocab["body-kind"].lookup(x.strip()) == la[0] for x in kinds):
                    return cells[i]
    raise WorkbookError(book.name, [Problem("Bodies", None, "kind", "no row is the local "
                                            "authority itself (kind 'Local authority'), so "
                                            "the workbook names no authority")])


def import_book(book: RawWorkbook, slug: str | None, store: Store) -> Graph:
    vocab = read_vocabulary(store)
    if slug is None:
        slug = authority_of(book, vocab)
    else:
        try:
            named = authority_of(book, vocab)
        except WorkbookError:
            named = slug  # no authority row: every row belongs to the slug given
        if named != slug:
            # Otherwise the row would become a second local authority inside this one.
            book.problems.append(Problem("Bodies", None, "id", f"the authority's own row has "
                                         f"the id '{named}', but the authority is '{slug}': "
                                         f"give that row the id '{slug}'"))
    return build_graph(book, slug, vocab, known_sources(store))


def import_path(path: Path, slug: str | None, store: Store,
                limits: Limits = DEFAULT_LIMITS) -> Graph:
    return import_book(read_path(path, limits), slug, store)


def import_bytes(data: bytes, name: str, store: Store, slug: str | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Graph:
    return import_book(read_bytes(data, name, limits), slug, store)


def row_of(graph: Graph, subject: URIRef) -> str | None:
    """The workbook row a subject came from ("sheet 'Posts', row 7"), for showing a finding."""
    from rdflib.namespace import PROV

    for d in graph.objects(subject, PROV.qualifiedDerivation):
        if (d, RDF.type, PROV.Derivation) in graph:
            loc = graph.value(d, DG.locator)
            if loc is not None:
                return str(loc)
    return None


def workbook_rows(graph: Graph) -> dict[str, str]:
    """Each imported subject's workbook row, by IRI (for a validation report's findings)."""
    from rdflib.namespace import PROV

    rows: dict[str, str] = {}
    for s in set(graph.subjects(PROV.qualifiedDerivation, None)):
        if isinstance(s, URIRef):
            where = row_of(graph, s)
            if where:
                rows[str(s)] = where
    return rows
