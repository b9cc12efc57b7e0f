"""What a finding rests on: the document it reads and the edition of guidance it applies.

- The judging day of a focus node: the as-of date, or the date of the latest document
  describing it on or before that date when that is earlier. Guidance is applied as it stood
  on the judging day, so a document is never judged by guidance published after it.
- A guidance passage is in force from its edition's dg:validFrom to its own dg:validThrough
  or else its edition's (data/framework/guidance-editions.ttl). A finding cites only the
  passages in force on its judging day, and names their editions.
- A "not met" finding's evidence is the contrary statement (its sh:value): the document
  (prov:wasDerivedFrom), the paragraph (dg:locator) and the document's date (dg:asAt).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import PROV
from rdflib.term import Node

from ..namespaces import DG, ELI
from .dataset import DataView
from .dates import AsOf
from .report import Evidence
from .shapes import ShapeSpec

_SOURCE_PREFIX = "https://w3id.org/dutygraph/id/source/"


def _iris(nodes: Iterable[object]) -> str:
    """IRIs (URIRef or str) as a VALUES list; blank nodes and literals are left out."""
    return " ".join(f"<{n}>" for n in sorted({str(n) for n in nodes
                                               if isinstance(n, URIRef)
                                               or (isinstance(n, str) and "://" in n
                                                   and not isinstance(n, Literal))}))


def _date(node: Node | None) -> dt.date | None:
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def judging_days(view: DataView, nodes: Iterable[Node], as_of: AsOf) -> dict[str, dt.date]:
    """Each node's judging day, where it differs from the as-of date."""
    values = _iris(nodes)
    if not values:
        return {}
    rows = view.select(f"SELECT ?n ?d WHERE {{ VALUES ?n {{ {values} }} ?n <{DG.asAt}> ?d }}")
    out: dict[str, dt.date] = {}
    for r in rows:
        day = _date(r.get("d"))
        if day is not None and day <= as_of.day:
            key = str(r["n"])
            out[key] = max(out.get(key, day), day)
    return out


@dataclass(frozen=True)
class GuidanceDates:
    """The in-force window of each guidance passage that belongs to a dated edition."""

    windows: dict[str, tuple[dt.date, dt.date | None]]

    def in_force(self, provision: str, day: dt.date) -> bool:
        start, end = self.windows[provision]
        return start <= day and (end is None or day <= end)

    def keep(self, cited: set[str], day: dt.date) -> set[str]:
        """The cited provisions without guidance passages out of force on `day` (all of
        them kept when none is in force: a citation is never silently emptied)."""
        dated = {p for p in cited if p in self.windows}
        live = {p for p in dated if self.in_force(p, day)}
        return (cited - dated) | live if live else cited


def in_force_guidance(view: DataView, provisions: Iterable[object]) -> GuidanceDates:
    values = _iris(provisions)
    if not values:
        return GuidanceDates({})
    rows = view.select(
        f"SELECT ?p ?from ?through ?own WHERE {{ VALUES ?p {{ {values} }} "
        f"?p <{ELI.is_part_of}> ?ed . ?ed a <{DG.GuidanceEdition}> ; <{DG.validFrom}> ?from . "
        f"OPTIONAL {{ ?ed <{DG.validThrough}> ?through }} "
        f"OPTIONAL {{ ?p <{DG.validThrough}> ?own }} }}")
    windows: dict[str, tuple[dt.date, dt.date | None]] = {}
    for r in rows:
        start = _date(r.get("from"))
        if start is not None:
            windows[str(r["p"])] = (start, _date(r.get("own")) or _date(r.get("through")))
    return GuidanceDates(windows)


def editions_of(view: DataView, provisions: Iterable[object]) -> dict[str, str]:
    """The citation label of the guidance edition each provision belongs to."""
    values = _iris(provisions)
    if not values:
        return {}
    rows = view.select(
        f"SELECT ?p ?label WHERE {{ VALUES ?p {{ {values} }} ?p <{ELI.is_part_of}> ?ed . "
        f"?ed a <{DG.GuidanceEdition}> ; <{DG.citationLabel}> ?label }}")
    return {str(r["p"]): str(r["label"]) for r in rows}


def evidence_of(view: DataView, nodes: Iterable[Node]) -> dict[str, list[Evidence]]:
    """The document, paragraph and date of each node (one entry per document)."""
    values = _iris(nodes)
    if not values:
        return {}
    rows = view.select(
        f"SELECT ?n ?src ?loc ?at WHERE {{ VALUES ?n {{ {values} }} "
        f"OPTIONAL {{ ?n <{PROV.wasDerivedFrom}> ?src }} "
        f"OPTIONAL {{ ?n <{DG.locator}> ?loc }} OPTIONAL {{ ?n <{DG.asAt}> ?at }} }}")
    parts: dict[str, dict[str, tuple[set[str], set[str]]]] = defaultdict(dict)
    for r in rows:
        node = str(r["n"])
        src = str(r.get("src", ""))
        locs, ats = parts[node].setdefault(src, (set(), set()))
        if "loc" in r:
            locs.add(str(r["loc"]))
        if "at" in r:
            ats.add(str(r["at"]))
    out: dict[str, list[Evidence]] = {}
    for node, by_source in parts.items():
        out[node] = [Evidence(node=node, label=node, source=src,
                              source_label=("seed " + src[len(_SOURCE_PREFIX):]
                                            if src.startswith(_SOURCE_PREFIX) else src),
                              locator="; ".join(sorted(locs)), as_at=", ".join(sorted(ats)))
                     for src, (locs, ats) in sorted(by_source.items())]
    return out


def witness_evidence(view: DataView, shapes: Iterable[ShapeSpec],
                     met: dict[str, list[str]]) -> dict[tuple[str, str], list[Evidence]]:
    """For met requirements, the records that show them met: each shape's dg:witness query
    run for the focus nodes it was found satisfied for (shape IRI -> focus IRIs), giving
    (shape, focus) -> the witnesses' documents and paragraphs. Shapes without a witness
    query give nothing (the met cell then names only the record it applied to)."""
    out: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for spec in shapes:
        nodes = met.get(str(spec.iri))
        if not nodes or not spec.witness or not spec.constraints:
            continue
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in spec.constraints[0].prefixes)
        body = re.sub(r"[$?]this\b", "?this", spec.witness)
        head, _, rest = body.partition("WHERE {")
        query = (prefixes + head + "WHERE { VALUES ?this { " + _iris(nodes) + " } " + rest)
        rows = view.select(query)
        found: dict[str, set[str]] = defaultdict(set)
        for r in rows:
            if "this" in r and isinstance(r.get("witness"), URIRef):
                found[str(r["this"])].add(str(r["witness"]))
        witnesses = evidence_of(view, [URIRef(w) for ws in found.values() for w in ws])
        for focus, ws in found.items():
            for w in sorted(ws):
                out[(str(spec.iri), focus)] += witnesses.get(w, [])
    return dict(out)
