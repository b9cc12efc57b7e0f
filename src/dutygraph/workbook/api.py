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
from .template import EXAMPLE_SLUG, example_rows
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
    return authority_row(book, vocab)[0]


def authority_row(book: RawWorkbook, vocab: dict[str, VocabList]) -> tuple[str, int]:
    """The id of the workbook's 'Local authority' body row, and the row's number."""
    table = next((t for n, t in book.tables.items() if n.lower() == "bodies"), None)
    la = [t for t in vocab["body-kind"].labels if str(t) == str(DG.LocalAuthority)]
    if table is not None and la:
        heads = [h.lower() for h in table.headers]
        if "id" in heads and "kind" in heads:
            i, k = heads.index("id"), heads.index("kind")
            for number, cells in table.rows:
                kinds = cells[k].split(spec.SEPARATOR) if k < len(cells) else []
                if any(vocab["body-kind"].lookup(x.strip()) == la[0] for x in kinds):
                    return cells[i], number
    raise WorkbookError(book.name, [Problem("Bodies", None, "kind", "no row is the local "
                                            "authority itself (kind 'Local authority'), so "
                                            "the workbook names no authority")])


def import_book(book: RawWorkbook, slug: str | None, store: Store) -> Graph:
    vocab = read_vocabulary(store)
    try:
        named, row = authority_row(book, vocab)
    except WorkbookError:
        if slug is None:
            raise
        named, row = slug, 0  # no authority row: every row belongs to the slug given
    if slug is None:
        slug = named
    elif named != slug:
        # Otherwise the row would become a second local authority inside this one.
        book.problems.append(Problem("Bodies", row, "id", f"the authority's own row has "
                                     f"the id '{named}', but --authority is '{slug}': give "
                                     f"that row the id '{slug}' (and every cell that names "
                                     f"'{named}'), or import with --authority {named}"))
    return build_graph(book, slug, vocab, known_sources(store))


def import_path(path: Path, slug: str | None, store: Store,
                limits: Limits = DEFAULT_LIMITS) -> Graph:
    return import_book(read_path(path, limits), slug, store)


def template_examples(book: RawWorkbook, vocab: dict[str, VocabList]) -> list[Problem]:
    """The rows that are still the template's example rows, word for word, as warnings.

    Why warned, not refused: the unfilled template is a working demonstration (it imports,
    validates and loads as the fictional authority 'example'), and people try the pipeline
    with it; but its rows are not a council's arrangements, so the import says so, row by
    row, and says plainly when nothing else is there.
    """
    wanted = {sheet.lower(): [{k: v for k, v in row.items() if v} for row in rows]
              for sheet, rows in example_rows(vocab).items()}
    found: list[Problem] = []
    filled = 0
    for name, table in book.tables.items():
        examples = wanted.get(name.lower())
        if examples is None:
            continue  # the Lists sheet, or one the import will name as unknown
        for number, cells in table.rows:
            values = {h: c.strip() for h, c in zip(table.headers, cells, strict=False)
                      if c.strip()}
            if not values:
                continue
            if values in examples:
                found.append(Problem(name, number, None, "this is the template's example row"))
            else:
                filled += 1
    if found and not filled:
        return [Problem(None, None, None, f"the workbook holds only the template's example "
                        f"rows (the fictional authority '{EXAMPLE_SLUG}'), so the Turtle "
                        "describes no real council: fill in your council's rows first")]
    return found


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
