"""What the text index holds: every searchable label and definition, read straight from Oxigraph.

queries/pages/search-records.rq says which texts these are, and was how the index read them:
at 1,530 councils that query took 5 to 20 s (its OPTIONALs and GROUP BY over 45,000 texts, and
turning every solution into rdflib terms), too slow to run inside `dutygraph build`, where the
index is now written. Here the same rows come from a few scans of Oxigraph's quad indexes into
plain strings; tests/search compares the two on the repository's and synthetic data, so the
query stays the reference for what is searchable.

In the store layer, not in dutygraph.search, because EmbeddedStore.write writes the index file
of each generation (search_file.py) and the store may not import the layer above it
(tests/architecture); dutygraph.search reads what is written here.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pyoxigraph as ox

_DG = "https://w3id.org/dutygraph/def#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_ORG = "http://www.w3.org/ns/org#"

RDFS_LABEL = _RDFS + "label"
CITATION_LABEL = _DG + "citationLabel"
PREF_LABEL = _SKOS + "prefLabel"
LABELS = (RDFS_LABEL, PREF_LABEL, _SKOS + "altLabel", CITATION_LABEL)
DEFINITIONS = (_SKOS + "definition", _DG + "requirement")

# search.rq's kinds: instances of these classes...
KINDS = tuple(prefix + name for prefix, name in (
    (_DG, "Role"), (_DG, "Function"), (_DG, "Duty"), (_DG, "Provision"),
    (_DG, "GuidanceProvision"), (_DG, "Instrument"), (_ORG, "Post"), (_DG, "LocalAuthority"),
    (_DG, "LSCB"), (_DG, "LSCBSubgroup"), (_DG, "BoardPartner"), (_DG, "HealthAndWellbeingBoard"),
    (_DG, "CorporateParentingPanel"), (_DG, "ScrutinyCommittee"), (_DG, "ChildrensTrustBoard"),
    (_DG, "Cabinet"), (_DG, "Forum"), (_DG, "SafeguardingPartnership"),
    (_DG, "SecretaryOfState"), (_DG, "Body"), (_DG, "Claim")))
# ... and the kinds of body (rdfs:Class) and the Board partner kinds (skos:Concept).
KIND_OF_BODY = _RDFS + "Class"
PARTNER_KIND = _SKOS + "Concept"
_FALLBACK_KIND_LABELS = {KIND_OF_BODY: "Kind of body", PARTNER_KIND: "Board partner kind"}


@dataclass(frozen=True)
class Record:
    """One label or definition of one searchable thing of one kind."""

    item: str
    kind: str
    is_definition: bool
    value: str
    item_label: str
    kind_label: str


def _text(term: object) -> str | None:
    """STR() of a term as SPARQL gives it: a literal's lexical form or an IRI; None for a
    blank node (STR of one is an error, so search.rq never matches it)."""
    if isinstance(term, (ox.Literal, ox.NamedNode)):
        return term.value
    return None


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    solutions = store.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions


def _pairs(store: ox.Store, predicate: str) -> Iterator[tuple[str, str]]:
    """(subject IRI, STR(object)) of every triple with the predicate, in any graph.

    A SELECT of just those two, not quads_for_pattern: reading a term from Oxigraph on disk is
    a lookup of its string, and a quad also brings its graph's name (3.7 s against 0.9 s for
    the 55,915 rdfs:labels at 1,530 councils)."""
    for row in _select(store, f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
        subject, text = row[0], _text(row[1])
        if isinstance(subject, ox.NamedNode) and text is not None:
            yield subject.value, text


def _subjects(store: ox.Store, predicate: str, obj: str) -> Iterator[str]:
    for row in _select(store, f"SELECT ?s WHERE {{ ?s <{predicate}> <{obj}> }}"):
        if isinstance(row[0], ox.NamedNode):
            yield row[0].value


def _kinds(store: ox.Store) -> dict[str, list[str]]:
    """Each searchable thing's kinds (a thing of two kinds is found once under each)."""
    kinds: dict[str, set[str]] = {}
    for kind in KINDS:
        for item in _subjects(store, _RDF_TYPE, kind):
            kinds.setdefault(item, set()).add(kind)
    for item in _subjects(store, _RDFS + "subClassOf", _DG + "Body"):
        kinds.setdefault(item, set()).add(KIND_OF_BODY)
    for item in _subjects(store, _SKOS + "inScheme", _DG + "BoardPartnerKinds"):
        kinds.setdefault(item, set()).add(PARTNER_KIND)
    return {item: sorted(found) for item, found in kinds.items()}


def read_records(store: ox.Store) -> list[Record]:
    """Every row of search-records.rq, in a stable order (item, kind, property, text).

    Duplicates across graphs count once (the query groups them). A thing's display label is
    the least of its citation labels, else of its rdfs:labels, else of its preferred labels,
    else its IRI; a kind's is the least of its rdfs:labels, else a fixed name, else its IRI:
    the query's COALESCE and MIN."""
    kinds = _kinds(store)
    texts: dict[str, dict[str, set[str]]] = {}  # property -> subject -> texts
    for prop in LABELS + DEFINITIONS:
        by_subject: dict[str, set[str]] = {}
        for subject, text in _pairs(store, prop):
            by_subject.setdefault(subject, set()).add(text)
        texts[prop] = by_subject
    citation, label, pref = texts[CITATION_LABEL], texts[RDFS_LABEL], texts[PREF_LABEL]

    def item_label(item: str) -> str:
        for held in (citation, label, pref):
            if item in held:
                return min(held[item])
        return item

    kind_labels = {kind: min(label[kind]) if kind in label
                   else _FALLBACK_KIND_LABELS.get(kind, kind)
                   for found in kinds.values() for kind in found}
    rows: list[tuple[str, str, str, str]] = []
    for prop, by_subject in texts.items():
        for item, values in by_subject.items():
            for kind in kinds.get(item, ()):
                rows.extend((item, kind, prop, value) for value in values)
    rows.sort()
    labels: dict[str, str] = {}
    records = []
    for item, kind, prop, value in rows:
        shown = labels.get(item)
        if shown is None:
            shown = labels[item] = item_label(item)
        records.append(Record(item, kind, prop in DEFINITIONS, value, shown,
                              kind_labels[kind]))
    return records
