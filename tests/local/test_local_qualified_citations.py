"""A record described by several documents ties each paragraph to its own document.

The plain prov:wasDerivedFrom / dg:locator / dg:asAt list a record's documents and paragraphs
side by side, which cannot say which paragraph is in which document; an audit would then print
a 2015 paragraph under a 2011 document, or cite a document dated after its audit day. The
contract (ontology/README.md, "Citing several documents") asks for one qualified citation per
document. The broken cases below show that the check finds each way of getting it wrong.
"""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, XSD

from dutygraph.namespaces import DG, authority_graph

from .local_checks import AUTHORITIES, select

_MULTI = """
SELECT ?n WHERE { ?n prov:wasDerivedFrom ?src }
GROUP BY ?n HAVING (COUNT(DISTINCT ?src) > 1)
"""


def citation_problems(graph: Graph) -> tuple[list[URIRef], list[str]]:
    """The records with two or more documents, and what is wrong with their qualified citations.

    A record's qualified citations must name exactly its documents, one each, and each must
    carry a paragraph (dg:locator) and an xsd:date (dg:asAt) that the record's plain triples
    also give, so the qualified form only ties together what the plain one already says.
    """
    records = sorted(row[0] for row in select(graph, _MULTI))
    problems: list[str] = []
    for n in records:
        sources = set(graph.objects(n, PROV.wasDerivedFrom))
        plain_locs = set(graph.objects(n, DG.locator))
        plain_ats = set(graph.objects(n, DG.asAt))
        per_source: dict[object, int] = {}
        for c in graph.objects(n, PROV.qualifiedDerivation):
            entities = list(graph.objects(c, PROV.entity))
            if len(entities) != 1:
                problems.append(f"{n}: a qualified citation names {len(entities)} documents")
                continue
            src = entities[0]
            per_source[src] = per_source.get(src, 0) + 1
            if src not in sources:
                problems.append(f"{n}: a qualified citation names {src}, not among its sources")
            locs = set(graph.objects(c, DG.locator))
            if not locs:
                problems.append(f"{n}: the citation of {src} gives no locator")
            elif not locs <= plain_locs:
                problems.append(f"{n}: the citation of {src} gives locators the record does not:"
                                f" {sorted(map(str, locs - plain_locs))}")
            ats = list(graph.objects(c, DG.asAt))
            if len(ats) != 1 or getattr(ats[0], "datatype", None) != XSD.date:
                problems.append(f"{n}: the citation of {src} gives not one xsd:date but {ats}")
            elif ats[0] not in plain_ats:
                problems.append(f"{n}: the citation of {src} is dated {ats[0]}, not a date of"
                                f" the record")
        for src in sorted(sources, key=str):
            if per_source.get(src, 0) != 1:
                problems.append(f"{n}: {per_source.get(src, 0)} qualified citations of {src}")
    return records, problems


def _all_authorities(local_graphs: dict[URIRef, Graph]) -> Graph:
    union = Graph()
    for slug in AUTHORITIES:
        union += local_graphs[authority_graph(slug)]
    return union


def test_every_record_with_several_documents_cites_each_once_with_its_paragraph_and_date(
        local_graphs: dict[URIRef, Graph]) -> None:
    records, problems = citation_problems(_all_authorities(local_graphs))
    assert problems == []
    found = {str(n).replace("https://w3id.org/dutygraph/id/authority/", "") for n in records}
    # the check met the records it is about (Harrow's 2011 report and 2015 protocol; Bromley's
    # 2013 agenda and later pages)
    assert {"harrow", "harrow/hscb", "harrow/corporate-parenting-panel",
            "bromley/bscp"} <= found


_HEAD = """
@prefix dg: <https://w3id.org/dutygraph/def#> .
@prefix src: <https://w3id.org/dutygraph/id/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
ex:r prov:wasDerivedFrom src:a, src:b ; dg:locator "A, para 1", "B, para 2" ;
    dg:asAt "2011-03-28"^^xsd:date, "2015-04-01"^^xsd:date .
"""
_A = '[ prov:entity src:a ; dg:locator "A, para 1" ; dg:asAt "2011-03-28"^^xsd:date ]'
_B = '[ prov:entity src:b ; dg:locator "B, para 2" ; dg:asAt "2015-04-01"^^xsd:date ]'

BROKEN = {
    "no qualified citation at all": "",
    "one document left uncited": f"ex:r prov:qualifiedDerivation {_A} .",
    "a document cited twice": f"ex:r prov:qualifiedDerivation {_A}, {_A}, {_B} .",
    "a citation without a locator": (
        f'ex:r prov:qualifiedDerivation {_A}, [ prov:entity src:b ;'
        f' dg:asAt "2015-04-01"^^xsd:date ] .'),
    "a citation without a date": (
        f'ex:r prov:qualifiedDerivation {_A}, [ prov:entity src:b ; dg:locator "B, para 2" ] .'),
    "a citation dated by a string": (
        f'ex:r prov:qualifiedDerivation {_A}, [ prov:entity src:b ; dg:locator "B, para 2" ;'
        f' dg:asAt "2015-04-01" ] .'),
    "a citation with a paragraph the record does not give": (
        f'ex:r prov:qualifiedDerivation {_A}, [ prov:entity src:b ; dg:locator "B, para 9" ;'
        f' dg:asAt "2015-04-01"^^xsd:date ] .'),
    "a citation dated otherwise than the record": (
        f'ex:r prov:qualifiedDerivation {_A}, [ prov:entity src:b ; dg:locator "B, para 2" ;'
        f' dg:asAt "2016-01-01"^^xsd:date ] .'),
    "a citation of a document the record does not name": (
        f'ex:r prov:qualifiedDerivation {_A}, {_B}, [ prov:entity src:c ; dg:locator "A, para 1" ;'
        f' dg:asAt "2011-03-28"^^xsd:date ] .'),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_record_whose_qualified_citations_are_wrong_is_reported(case: str) -> None:
    graph = Graph().parse(data=_HEAD + BROKEN[case], format="turtle")
    records, problems = citation_problems(graph)
    assert len(records) == 1
    assert problems, case


def test_a_record_citing_each_document_once_is_not_reported() -> None:
    graph = Graph().parse(data=_HEAD + f"ex:r prov:qualifiedDerivation {_A}, {_B} .",
                          format="turtle")
    assert citation_problems(graph) == ([URIRef("https://example.org/r")], [])
