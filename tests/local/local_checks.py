"""Checks on local (authority and source) data, shared by the tests in this folder.

They are functions rather than test bodies so that the broken cases in cases/ can show that
each check finds what it is meant to find: a provenance test that cannot fail proves nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import FOAF, PROV
from rdflib.query import ResultRow

from dutygraph.namespaces import DG, PREFIXES, SRC, authority_iri, authority_namespace

XSD_DATE = XSD.date

# The authorities whose data this folder owns.
AUTHORITIES = ("bromley", "harrow")

NS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
NS.update({slug: str(authority_namespace(slug)) for slug in AUTHORITIES})


def ask(graph: Graph, query: str) -> bool:
    """Run a SPARQL ASK with the project's prefixes bound."""
    return bool(graph.query(query, initNs=NS).askAnswer)


def select(graph: Graph, query: str) -> list[tuple[Any, ...]]:
    """Run a SPARQL SELECT with the project's prefixes bound; rows as tuples."""
    return [tuple(row) for row in graph.query(query, initNs=NS) if isinstance(row, ResultRow)]


def iri_subjects(graph: Graph) -> list[URIRef]:
    return sorted({s for s in graph.subjects() if isinstance(s, URIRef)})


def seed_file_for(source: URIRef, sources: Graph, seeds: Path) -> Path | None:
    """The seed file a src: IRI names through dg:fileName, if it names one that exists."""
    for name in sources.objects(source, DG.fileName):
        path = seeds / str(name)
        if path.is_file():
            return path
    return None


def provenance_problems(graph: Graph, slug: str, sources: Graph, seeds: Path) -> list[str]:
    """Every way an authority graph's IRI subjects fall short of the contract's provenance rule.

    The rule (ontology/README.md, "Local arrangements"): prov:wasDerivedFrom a seed document
    that exists, at least one dg:locator, dg:asAt as xsd:date, dg:authority the graph's own
    authority, and an English rdfs:label.
    """
    problems: list[str] = []
    authority = authority_iri(slug)
    for s in iri_subjects(graph):
        derived = list(graph.objects(s, PROV.wasDerivedFrom))
        if not derived:
            problems.append(f"{s}: no prov:wasDerivedFrom")
        for src in derived:
            if not (isinstance(src, URIRef) and str(src).startswith(str(SRC))):
                problems.append(f"{s}: prov:wasDerivedFrom {src} is not a src: document")
            elif (seed_file_for(src, sources, seeds) is None
                  and sources.value(src, FOAF.page) is None):
                problems.append(f"{s}: {src} has no dg:fileName naming a file in {seeds}"
                                " and no foaf:page (a web page's address)")
        locators = [str(o).strip() for o in graph.objects(s, DG.locator)]
        if not any(locators):
            problems.append(f"{s}: no dg:locator")
        dates = list(graph.objects(s, DG.asAt))
        if not dates:
            problems.append(f"{s}: no dg:asAt")
        for d in dates:
            if not (isinstance(d, Literal) and d.datatype == XSD.date):
                problems.append(f"{s}: dg:asAt {d!r} is not an xsd:date")
        owners = set(graph.objects(s, DG.authority))
        if owners != {authority}:
            problems.append(f"{s}: dg:authority is {sorted(map(str, owners))}, "
                            f"expected {authority}")
        labels = [o for o in graph.objects(s, RDFS.label)
                  if isinstance(o, Literal) and o.language == "en"]
        if not labels:
            problems.append(f"{s}: no rdfs:label@en")
    return problems


def dangling_local_iris(graph: Graph, slug: str) -> list[str]:
    """IRIs in the authority's own namespace that are used as objects but never described."""
    prefix = str(authority_namespace(slug))
    described = set(graph.subjects())
    return sorted({str(o) for o in graph.objects()
                   if isinstance(o, URIRef) and str(o).startswith(prefix) and o not in described})


# A paragraph-like number in a locator: "para 2.15", "recommendation 2.1", "Section 2, para 5",
# "Appendix 1, row 4". Only dotted numbers are checked against the text: they are specific
# enough to be meaningful, whereas "row 4" or "para 5" are counts the text does not print.
_DOTTED = re.compile(r"\b\d+\.\d+\b")


def locator_problems(graph: Graph, sources: Graph, seeds: Path) -> list[str]:
    """Dotted paragraph numbers in locators that do not occur in the cited seed's text."""
    problems: list[str] = []
    texts: dict[Path, str] = {}
    for s, locator in graph.subject_objects(DG.locator):
        for src in graph.objects(s, PROV.wasDerivedFrom):
            path = seed_file_for(src, sources, seeds) if isinstance(src, URIRef) else None
            if path is None:
                continue
            text = texts.setdefault(path, path.read_text(encoding="utf-8"))
            for number in _DOTTED.findall(str(locator)):
                if number not in text:
                    problems.append(f"{s}: locator '{locator}' cites {number}, "
                                    f"not found in {path.name}")
    return problems


def subjects_of_type(graph: Graph, cls: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef))
