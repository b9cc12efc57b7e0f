"""An authority's graph as workbook rows (export), and the part of a graph the template carries.

`carried` is the projection the round trip promises: import(export(G)) is isomorphic to
carried(G). It keeps, for the authority itself and each subject of a carried type with
dg:authority the authority, the triples whose predicate is one of its sheet's columns.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..namespaces import DG, authority_iri, authority_namespace
from ..store import Store
from . import spec
from .vocab import VocabList, local_name

Rows = dict[str, list[dict[str, str]]]


def kinds_of(sheet: spec.Sheet, vocab: dict[str, VocabList]) -> set[URIRef]:
    """The types a row of the sheet may have: its one type, or its kind list's terms."""
    if sheet.kind_list:
        return set(vocab[sheet.kind_list].labels)
    return {sheet.rdf_type} if sheet.rdf_type is not None else set()


def sheet_of(graph: Graph, subject: Node, vocab: dict[str, VocabList]) -> spec.Sheet | None:
    types = set(graph.objects(subject, RDF.type))
    for sheet in spec.SHEETS:  # a fixed type first (a post is never read as a body)
        if sheet.rdf_type is not None and sheet.rdf_type in types and sheet is not spec.SOURCES:
            return sheet
    for sheet in spec.SHEETS:
        if sheet.kind_list and types & kinds_of(sheet, vocab):
            return sheet
    return None


def subjects(graph: Graph, slug: str, vocab: dict[str, VocabList]) -> dict[URIRef, spec.Sheet]:
    """The authority's subjects the template carries, each with its sheet."""
    la = authority_iri(slug)
    found: dict[URIRef, spec.Sheet] = {}
    candidates = set(graph.subjects(DG.authority, la)) | ({la} if (la, None, None) in graph
                                                          else set())
    for s in candidates:
        if isinstance(s, URIRef):
            sheet = sheet_of(graph, s, vocab)
            if sheet is not None:
                found[s] = sheet
    return found


def carried(graph: Graph, slug: str, vocab: dict[str, VocabList]) -> Graph:
    """The facts of `graph` the template carries for the authority (the round trip's promise)."""
    out = Graph()
    la = authority_iri(slug)
    for s, sheet in subjects(graph, slug, vocab).items():
        preds = {c.predicate for c in sheet.columns if c.predicate is not None}
        kinds = kinds_of(sheet, vocab)
        for p, o in graph.predicate_objects(s):
            if p == RDF.type:
                if o in kinds:
                    out.add((s, p, o))
            elif p in preds or (p == DG.authority and o == la):
                out.add((s, p, o))
    return out


def ref_text(term: Node, slug: str, ids: set[URIRef]) -> str:
    ns = str(authority_namespace(slug))
    if term == authority_iri(slug):
        return slug
    if isinstance(term, URIRef) and str(term).startswith(ns) and term in ids:
        return str(term)[len(ns):]
    return str(term)


def cell_text(term: Node, column: spec.Column, slug: str, ids: set[URIRef],
              vocab: dict[str, VocabList]) -> str:
    if column.vocab:
        return vocab[column.vocab].display(term) if isinstance(term, URIRef) else str(term)
    if column.kind == spec.SOURCE:
        return local_name(str(term))
    if column.kind == spec.REF:
        return ref_text(term, slug, ids)
    if column.kind == spec.BOOL and isinstance(term, Literal):
        return "yes" if term.toPython() is True else "no"
    return str(term)


def to_rows(graph: Graph, slug: str, vocab: dict[str, VocabList],
            sources: Graph | None = None) -> Rows:
    """The authority's carried facts, one row per subject, sheet by sheet."""
    found = subjects(graph, slug, vocab)
    ids = set(found)
    rows: Rows = {sheet.name: [] for sheet in spec.SHEETS}
    cited: set[URIRef] = set()
    for s in sorted(found, key=str):
        sheet = found[s]
        row = {"id": ref_text(s, slug, ids)}
        for column in sheet.columns[1:]:
            values = [o for o in graph.objects(s, column.predicate)
                      if not isinstance(o, BNode)]
            if column.predicate == RDF.type:
                kinds = kinds_of(sheet, vocab)
                values = [o for o in values if o in kinds]
            if column.kind == spec.SOURCE:
                cited.update(v for v in values if isinstance(v, URIRef))
            texts = sorted(cell_text(v, column, slug, ids, vocab) for v in values)
            sep = column.separator
            row[column.header] = (f"{sep} ".join(texts) if sep else (texts[0] if texts else ""))
        rows[sheet.name].append(row)
    for src in sorted(cited, key=str):
        row = {"id": local_name(src)}
        for column in spec.SOURCES.columns[1:]:
            value = sources.value(src, column.predicate) if sources is not None else None
            row[column.header] = "" if value is None else str(value)
        if not row["title"]:
            row["title"] = local_name(src)
        rows[spec.SOURCES.name].append(row)
    return rows


def authority_rows(store: Store, slug: str, vocab: dict[str, VocabList]) -> Rows:
    from ..namespaces import authority_graph, source_graph

    graph = store.export_graph(authority_graph(slug))
    sources = Graph()
    for src in set(graph.objects(None, spec.PROVENANCE[0].predicate)):
        if isinstance(src, URIRef):
            sources += store.export_graph(source_graph(local_name(src)))
    return to_rows(graph, slug, vocab, sources)


def literal_datatype(column: spec.Column) -> URIRef | None:
    return {spec.DATE: XSD.date, spec.INT: XSD.integer, spec.BOOL: XSD.boolean}.get(column.kind)
