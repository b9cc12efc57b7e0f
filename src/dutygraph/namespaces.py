"""The IRIs dutygraph mints and reuses, in one place so data, shapes, queries and code agree.

ontology/README.md is the human version of this module.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SH, SKOS, XSD, DefinedNamespace

BASE = "https://w3id.org/dutygraph/"
DG = Namespace(BASE + "def#")
ID = Namespace(BASE + "id/")
ROLE = Namespace(BASE + "id/role/")
PK = Namespace(BASE + "id/partner-kind/")
FN = Namespace(BASE + "id/function/")
DUTY = Namespace(BASE + "id/duty/")
LINK = Namespace(BASE + "id/link/")
PL = Namespace(BASE + "id/partner-list/")
GD = Namespace(BASE + "id/guidance/")
SRC = Namespace(BASE + "id/source/")
LA = Namespace(BASE + "id/authority/")
GRAPH = Namespace(BASE + "graph/")

ORG = Namespace("http://www.w3.org/ns/org#")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LEG = Namespace("http://www.legislation.gov.uk/id/")

ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
FRAMEWORK_GRAPH = URIRef(BASE + "graph/framework")

PREFIXES: dict[str, Namespace | type[DefinedNamespace]] = {
    "dg": DG,
    "role": ROLE,
    "pk": PK,
    "fn": FN,
    "duty": DUTY,
    "link": LINK,
    "pl": PL,
    "gd": GD,
    "src": SRC,
    "la": LA,
    "org": ORG,
    "eli": ELI,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "foaf": FOAF,
    "owl": OWL,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "sh": SH,
}


def authority_graph(slug: str) -> URIRef:
    """Named graph holding one authority's arrangements."""
    return URIRef(f"{BASE}graph/authority/{slug}")


def source_graph(stem: str) -> URIRef:
    """Named graph holding one seed document's description and document-level claims."""
    return URIRef(f"{BASE}graph/source/{stem}")


def authority_iri(slug: str) -> URIRef:
    return URIRef(f"{BASE}id/authority/{slug}")


def authority_namespace(slug: str) -> Namespace:
    return Namespace(f"{BASE}id/authority/{slug}/")


def authority_slug(iri: str) -> str | None:
    """The slug of an authority IRI or authority graph IRI, or None if it is neither."""
    for prefix in (f"{BASE}id/authority/", f"{BASE}graph/authority/"):
        if iri.startswith(prefix):
            rest = iri[len(prefix):]
            if rest and "/" not in rest:
                return rest
    return None


def sparql_prefixes() -> str:
    """PREFIX lines for every namespace above, for queries written in code."""
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def bind_prefixes(graph) -> None:  # type: ignore[no-untyped-def]
    """Bind our prefixes on an rdflib graph so serialisations are readable."""
    for p, ns in PREFIXES.items():
        graph.bind(p, ns, override=True)
