"""The words the question box knows, read from the graph itself: every role, kind of body or
report, function, duty, Board partner kind, instrument and authority with all its labels
(rdfs:label, skos:prefLabel, skos:altLabel), and every provision by its citation.

Why from the graph: a question is recognised by the names the data gives things (and the
officers' words data/framework/officer-words.ttl adds), so a new function or authority in
the data is askable about without a code change, and nothing is recognised that the graph
cannot answer about.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import URIRef

from ..queries.internal import page_select
from ..store import Store
from ..store.per_version import PerVersion
from .words import normalise, singular_key

# The order in which a thing's labels are preferred for showing it.
CATEGORY_ORDER = ("function", "duty", "role", "body", "report", "partner-kind", "authority",
                  "instrument", "provision")

# "London Borough of Bromley" is "Bromley" to an officer; "Harrow Council" is "Harrow".
_AUTHORITY_WORDS = re.compile(
    r"^(?:the\s+)?(?:london\s+borough\s+of|royal\s+borough\s+of|metropolitan\s+borough\s+of|"
    r"borough\s+of|city\s+of|county\s+of|council\s+of\s+the)\s+|"
    r"\s+(?:metropolitan\s+borough|borough|city|county|district)?\s*council$",
    re.I)

# A provision's citation label: the instrument and the section or regulation with its parts.
_CITATION = re.compile(
    r"^(?P<instrument>CA \d{4}|SI \d{4}/\d+)\s+(?P<unit>s|reg)\s*(?P<number>\d+[A-Z]*)"
    r"(?P<parts>(?:\(\w+\))*)$")


@dataclass
class Thing:
    """Something the graph names: its IRI, the label shown for it, its category, and the
    provision that imposes it (duties and functions)."""

    iri: str
    label: str
    category: str
    names: set[str] = field(default_factory=set)
    provision: str | None = None
    modality: str | None = None
    bearers: set[str] = field(default_factory=set)
    chair_role: str | None = None


@dataclass(frozen=True)
class Citation:
    """A provision by its citation: instrument ("CA 2004"), unit ("s"/"reg"), number, parts."""

    iri: str
    label: str
    instrument: str
    unit: str
    number: str
    parts: tuple[str, ...]


@dataclass
class Lexicon:
    """The things, with an index from each normalised name (and its singular form) to them."""

    things: dict[str, Thing]
    citations: list[Citation]
    by_name: dict[str, set[str]]
    by_key: dict[str, set[str]]
    vocabulary: set[str]

    def __len__(self) -> int:
        return len(self.things)

    def get(self, iri: str) -> Thing | None:
        return self.things.get(iri)

    def of(self, *categories: str) -> list[Thing]:
        """Things of the categories, by label."""
        return sorted((t for t in self.things.values() if t.category in categories),
                      key=lambda t: t.label.lower())

    def named(self, phrase: str) -> set[str]:
        """IRIs of things one of whose names is the phrase (as written, or singular)."""
        norm = normalise(phrase)
        return self.by_name.get(norm, set()) | self.by_key.get(singular_key(norm), set())


def authority_aliases(label: str) -> set[str]:
    """The short names an officer uses for a council: "Bromley" for the London Borough of
    Bromley, with "Bromley Council" and "Bromley borough" too."""
    short = _AUTHORITY_WORDS.sub("", label.strip()).strip()
    if not short or short.lower() == label.strip().lower():
        return {short} if short else set()
    return {short, f"{short} council", f"{short} borough"}


def parse_citation(iri: str, label: str) -> Citation | None:
    m = _CITATION.match(label.strip())
    if not m:
        return None
    parts = tuple(p.lower() for p in re.findall(r"\((\w+)\)", m.group("parts")))
    return Citation(iri, label, m.group("instrument"), m.group("unit"),
                    m.group("number").lower(), parts)


def build(rows: list[dict[str, str]]) -> Lexicon:
    """A lexicon from the rows of the question-words query (item, category, label, how,
    provision, modality, bearer, chairRole as strings)."""
    things: dict[str, Thing] = {}
    shown: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    citations: dict[str, Citation] = {}
    for row in rows:
        iri, category, label = row["item"], row["category"], row["label"]
        if category == "provision":
            cite = parse_citation(iri, label)
            if cite is not None:
                citations[iri] = cite
            continue
        thing = things.get(iri)
        if thing is None or CATEGORY_ORDER.index(category) < CATEGORY_ORDER.index(
                thing.category):
            previous = thing
            thing = Thing(iri, label, category)
            if previous is not None:
                thing.names, thing.provision = previous.names, previous.provision
                thing.modality, thing.chair_role = previous.modality, previous.chair_role
                thing.bearers = previous.bearers
            things[iri] = thing
        # Shown by its preferred label, else its label, else another; the longer first.
        shown[iri].append((int(row.get("how") or 2), -len(label), label))
        thing.names.add(label)
        if category == "authority":
            thing.names |= authority_aliases(label)
        if row.get("provision"):
            thing.provision = thing.provision or row["provision"]
        if row.get("bearer"):
            thing.bearers.add(row["bearer"])
        if row.get("modality"):
            thing.modality = thing.modality or row["modality"]
        if row.get("chairRole"):
            thing.chair_role = thing.chair_role or row["chairRole"]
    by_name: dict[str, set[str]] = defaultdict(set)
    by_key: dict[str, set[str]] = defaultdict(set)
    vocabulary: set[str] = set()
    for thing in things.values():
        thing.label = min(shown[thing.iri])[2]
        for name in thing.names:
            norm = normalise(name)
            if not norm:
                continue
            by_name[norm].add(thing.iri)
            by_key[singular_key(norm)].add(thing.iri)
            vocabulary.update(norm.split())
    return Lexicon(things, sorted(citations.values(), key=lambda c: c.label), dict(by_name),
                   dict(by_key), vocabulary)


def load(store: Store) -> Lexicon:
    """The lexicon of everything in the store (one query, queries/pages/question-words.rq)."""
    result = page_select(store, "question-words")
    rows = []
    for row in result.rows:
        if not isinstance(row.get("item"), URIRef):
            continue
        rows.append({k: str(v) for k, v in row.items() if v is not None})
    return build(rows)


def _load(store: Store) -> Lexicon:
    # `load` is looked up when called, not when _KEPT is made, so a test that replaces it
    # counts the reads the kept lexicon makes.
    return load(store)


_KEPT: PerVersion[Lexicon] = PerVersion(_load)


def kept(store: Store) -> Lexicon:
    """The store's lexicon, read once per store version and shared by every request in the
    process. The vocabulary is what the graph names, not an answer: a request that asks for
    a fresh answer (Cache-Control: no-cache) recomputes its answer, and reading the whole
    vocabulary again for it cost 8.2 s a request at 1,530 authorities."""
    return _KEPT(store)
