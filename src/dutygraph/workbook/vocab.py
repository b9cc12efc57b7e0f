"""The terms a workbook may name, read from the store (queries/pages/workbook-vocabulary.rq).

A cell may give a term by its label (as the drop-down lists show it), by its local name
('chief-executive', 'reportsTo') or by its full IRI; a near miss gets a suggestion.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process
from rdflib import URIRef

from ..queries.internal import page_select
from ..store import Store

# What the lists are called in messages ("... is not a role").
NOUNS = {"role": "role", "body-kind": "kind of body", "relation": "link kind",
         "modality": "modality", "partner-kind": "Board partner kind", "provision": "provision",
         "report-kind": "kind of report", "function": "function"}


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("#", 1)[-1].rsplit("/", 1)[-1]


@dataclass
class VocabList:
    name: str
    labels: dict[URIRef, str] = field(default_factory=dict)

    def display(self, term: URIRef) -> str:
        """What export writes: the label where it names one term only, else the IRI."""
        label = self.labels.get(term)
        if label and sum(1 for v in self.labels.values() if v.lower() == label.lower()) == 1:
            return label
        return str(term)

    def lookup(self, text: str) -> URIRef | None:
        want = text.strip().lower()
        for term, label in self.labels.items():
            if want in (label.lower(), str(term).lower()):
                return term
        by_name = [t for t in self.labels if local_name(t).lower() == want]
        return by_name[0] if len(by_name) == 1 else None

    def suggest(self, text: str) -> str | None:
        choices = {self.display(t): self.display(t) for t in self.labels}
        choices.update({local_name(t): self.display(t) for t in self.labels})
        best = process.extractOne(text, list(choices), scorer=fuzz.WRatio, score_cutoff=80)
        return choices[best[0]] if best else None

    def choices(self) -> list[str]:
        return sorted((self.display(t) for t in self.labels), key=str.lower)


def read_vocabulary(store: Store) -> dict[str, VocabList]:
    lists: dict[str, VocabList] = defaultdict(lambda: VocabList(""))
    for row in page_select(store, "workbook-vocabulary"):
        name = str(row["list"])
        vl = lists[name]
        vl.name = name
        term = row["term"]
        if isinstance(term, URIRef):
            vl.labels[term] = str(row.get("label") or local_name(term))
    return {n: lists[n] if n in lists else VocabList(n) for n in NOUNS}
