"""What a finding rests on: the document it reads and the edition of guidance it applies.

- A finding cites the guidance edition in force on the audit day (the as-of date): the law
  is the law of the day the audit is about. A guidance passage is in force from its edition's
  dg:validFrom to its own dg:validThrough or else its edition's
  (data/framework/guidance-editions.ttl). A document written before that edition may show a
  requirement met, but is never found "not met" by guidance published after it
  (assessment.settle turns such a finding into "not evidenced").
- A "not met" finding's evidence is the contrary statement (its sh:value): the document
  (prov:wasDerivedFrom), the paragraph (dg:locator) and the document's date (dg:asAt).
- A met requirement's evidence is the record that satisfied it (the shape's dg:witness), and
  a record resting only on a council's general claim of compliance (dg:onClaim) says so.

Every query here is a named internal query (queries/internal/*.rq) bound with VALUES; the
one exception is a shape's own dg:witness SELECT, which is data of the shape and is bound the
same way (a VALUES block at the top of its WHERE group).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..queries.binding import bind_rows
from ..queries.internal import internal_text
from .dataset import DataView
from .dates import AsOf
from .report import Evidence
from .shapes import ShapeSpec

_SOURCE_PREFIX = "https://w3id.org/dutygraph/id/source/"
SHAPE_PREFIX = "https://w3id.org/dutygraph/shape/"
UNCERTAIN_NOTE = "the record is marked uncertain"
CLAIM_NOTE = "on the council's own statement, no member named"


def _iris(nodes: Iterable[object]) -> list[URIRef]:
    """IRIs (URIRef or str) as terms for a VALUES list; blank nodes and literals left out."""
    return [URIRef(n) for n in sorted({str(n) for n in nodes
                                        if isinstance(n, URIRef)
                                        or (isinstance(n, str) and "://" in n
                                            and not isinstance(n, Literal))})]


def _date(node: Node | None) -> dt.date | None:
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


def judging_days(view: DataView, nodes: Iterable[Node], as_of: AsOf) -> dict[str, dt.date]:
    """Each node's judging day where it differs from the as-of date: none does. A finding is
    judged by the law in force on the audit day; that a document predates an edition is
    handled by assessment.settle (met, or not evidenced, never not met by later guidance)."""
    del view, nodes, as_of
    return {}


def record_days(view: DataView, nodes: Iterable[object]) -> dict[str, list[dt.date]]:
    """The dates of the documents describing each record."""
    values = _iris(nodes)
    if not values:
        return {}
    out: dict[str, list[dt.date]] = defaultdict(list)
    for r in view.select(internal_text("record-days", {"n": values})):
        day = _date(r.get("d"))
        if day is not None:
            out[str(r["n"])].append(day)
    return dict(out)


@dataclass(frozen=True)
class GuidanceDates:
    """The in-force window of each guidance passage that belongs to a dated edition, and the
    citation label of its edition."""

    windows: dict[str, tuple[dt.date, dt.date | None]]
    labels: dict[str, str]

    def in_force(self, provision: str, day: dt.date) -> bool:
        start, end = self.windows[provision]
        return start <= day and (end is None or day <= end)

    def keep(self, cited: set[str], day: dt.date) -> set[str]:
        """The cited provisions without guidance passages out of force on `day` (all of
        them kept when none is in force: a citation is never silently emptied)."""
        dated = {p for p in cited if p in self.windows}
        live = {p for p in dated if self.in_force(p, day)}
        return (cited - dated) | live if live else cited

    def published_after(self, provisions: Iterable[str], day: dt.date) -> bool:
        """Whether every provision given is guidance whose edition came into force after
        `day` (so a document of that day cannot be judged "not met" by them)."""
        cited = list(provisions)
        return bool(cited) and all(p in self.windows and self.windows[p][0] > day
                                   for p in cited)


def in_force_guidance(view: DataView, provisions: Iterable[object]) -> GuidanceDates:
    values = _iris(provisions)
    if not values:
        return GuidanceDates({}, {})
    windows: dict[str, tuple[dt.date, dt.date | None]] = {}
    labels: dict[str, str] = {}
    for r in view.select(internal_text("guidance-windows", {"p": values})):
        start = _date(r.get("from"))
        if start is not None:
            windows[str(r["p"])] = (start, _date(r.get("own")) or _date(r.get("through")))
        if "label" in r:
            labels[str(r["p"])] = str(r["label"])
    return GuidanceDates(windows, labels)


def editions_of(view: DataView, provisions: Iterable[object]) -> dict[str, str]:
    """The citation label of the guidance edition each provision belongs to."""
    return in_force_guidance(view, provisions).labels


def _first_day(node: Node | None) -> dt.date | None:
    """A document's date as a day: an xsd:date as it is, a gYearMonth or gYear ("2015-04",
    "2009") from its first day (a document dated only by its month or year may be of any day
    in it, and is not taken as dated after an audit day inside that month or year)."""
    day = _date(node)
    if day is not None or not isinstance(node, Literal):
        return day
    match = re.fullmatch(r"(\d{4})(?:-(\d{2}))?", str(node))
    return dt.date(int(match[1]), int(match[2] or 1), 1) if match else None


def document_dates(view: DataView, sources: Iterable[object]) -> dict[str, dt.date]:
    """Each source document's date (dcterms:date). An authority's view holds only its own
    graph and the framework, so the whole store (the union of its graphs, where the source
    graphs are) is asked; a copy without them gives nothing and the citations' own dg:asAt
    is used instead (evidence_of)."""
    values = _iris(sources)
    if not values:
        return {}
    whole = DataView(view.store)  # the union of every graph in the store
    out: dict[str, dt.date] = {}
    for r in whole.select(internal_text("document-dates", {"src": values})):
        day = _first_day(r.get("d"))
        if day is not None:
            src = str(r["src"])
            out[src] = min(day, out.get(src, day))
    return out


@dataclass
class _Cited:
    """What one record says of one document: the paragraphs, and the dates it gives."""

    locs: set[str]
    ats: set[str]


def _citations(view: DataView, values: list[URIRef]
               ) -> tuple[dict[str, dict[str, _Cited]], set[str], dict[str, set[str]]]:
    """Record -> document -> its paragraphs and dates; the records resting on a claim; the
    uncertain records' notes. A qualified citation (prov:qualifiedDerivation: document,
    locator and date tied together) is taken as it is; the record's plain
    prov:wasDerivedFrom / dg:locator / dg:asAt give the rest: documents no qualified
    citation names, with the paragraphs and dates no qualified citation claims (a record of
    one document has them all)."""
    qualified: dict[str, dict[str, _Cited]] = defaultdict(dict)
    for r in view.select(internal_text("record-citations", {"n": values})):
        cited = qualified[str(r["n"])].setdefault(str(r["src"]), _Cited(set(), set()))
        if "loc" in r:
            cited.locs.add(str(r["loc"]))
        if "at" in r:
            cited.ats.add(str(r["at"]))
    plain: dict[str, dict[str, _Cited]] = defaultdict(dict)
    on_claim: set[str] = set()
    doubts: dict[str, set[str]] = defaultdict(set)
    for r in view.select(internal_text("record-evidence", {"n": values})):
        node = str(r["n"])
        if "claim" in r:
            on_claim.add(node)
        if "doubt" in r:
            doubts[node].add(str(r["doubt"]))
        if "src" not in r and "loc" not in r and "at" not in r:
            continue
        cited = plain[node].setdefault(str(r.get("src", "")), _Cited(set(), set()))
        if "loc" in r:
            cited.locs.add(str(r["loc"]))
        if "at" in r:
            cited.ats.add(str(r["at"]))
    out: dict[str, dict[str, _Cited]] = {}
    for node in set(plain) | set(qualified):
        mine = dict(qualified.get(node, {}))
        claimed_locs = {x for c in mine.values() for x in c.locs}
        claimed_ats = {x for c in mine.values() for x in c.ats}
        for src, c in plain.get(node, {}).items():
            if src in mine or (not src and mine):
                continue
            mine[src] = _Cited(c.locs - claimed_locs, c.ats - claimed_ats)
        out[node] = mine
    return out, on_claim, dict(doubts)


def _dated_after(src: str, cited: _Cited, dates: dict[str, dt.date], day: dt.date) -> bool:
    """Whether the document is dated after the audit day: by the sources graph's date, else
    by the date the citation gives (every one of them after the day)."""
    if src in dates:
        return dates[src] > day
    ats = [d for d in (_iso(a) for a in cited.ats) if d is not None]
    return bool(ats) and all(d > day for d in ats)


def _iso(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def evidence_of(view: DataView, nodes: Iterable[Node], as_of: dt.date | None = None,
                sources: DataView | None = None) -> dict[str, list[Evidence]]:
    """The document, paragraph and date of each node (one entry per document, each with its
    own paragraphs). Given the audit day, documents dated after it are left out: a finding
    never cites a document that did not exist on its day (a record kept whole because one
    of its documents predates the day still cites only that one). A record that rests only
    on a compliance claim is labelled so (CLAIM_NOTE), and one marked uncertain
    (dg:verification dg:Uncertain) says so with its note (UNCERTAIN_NOTE). The documents'
    dates are read from `sources`' store (default: the view's), which holds the source graphs
    where a records-filtered copy does not."""
    values = _iris(nodes)
    if not values:
        return {}
    parts, on_claim, doubts = _citations(view, values)
    dates = (document_dates(sources or view, {s for by in parts.values() for s in by if s})
             if as_of is not None else {})
    out: dict[str, list[Evidence]] = {}
    for node, by_source in parts.items():
        if as_of is not None:
            by_source = {src: c for src, c in by_source.items()
                         if not _dated_after(src, c, dates, as_of)}
        if not by_source:
            continue
        label = f"{node} ({CLAIM_NOTE})" if node in on_claim else node
        if node in doubts:
            label += f" ({UNCERTAIN_NOTE}: {' '.join(sorted(doubts[node]))})"
        out[node] = [Evidence(node=node, label=label, source=src,
                              source_label=("seed " + src[len(_SOURCE_PREFIX):]
                                            if src.startswith(_SOURCE_PREFIX) else src),
                              locator="; ".join(sorted(c.locs)), as_at=", ".join(sorted(c.ats)))
                     for src, c in sorted(by_source.items())]
    return out


@dataclass(frozen=True)
class Considered:
    """A passage that speaks to a requirement but was not taken as evidence of it, and why."""

    statement: str
    about: frozenset[str]   # what else its dcterms:subject names (a function, kind or role)
    locator: str
    source_label: str
    as_at: str
    why: str

    def line(self) -> str:
        where = ", ".join(x for x in (self.source_label, self.as_at) if x)
        return f"{self.locator} ({where}): {self.why}"


def considered_statements(view: DataView, focus: Iterable[object]) -> dict[str, list[Considered]]:
    """Body -> the statements about it recorded as considered and not taken as evidence
    (dg:notEvidenceBecause), so that a "not evidenced" finding cites them instead of
    calling the documents silent."""
    values = _iris(focus)
    if not values:
        return {}
    parts: dict[tuple[str, str], dict[str, set[str]]] = {}
    for r in view.select(internal_text("considered-statements", {"focus": values})):
        entry = parts.setdefault((str(r["focus"]), str(r["st"])), {
            "about": set(), "why": set(), "loc": set(), "src": set(), "at": set()})
        for key in ("about", "why", "loc", "src", "at"):
            if key in r:
                entry[key].add(str(r[key]))
    out: dict[str, list[Considered]] = defaultdict(list)
    for (body, st), e in sorted(parts.items()):
        src = sorted(e["src"])
        out[body].append(Considered(
            statement=st, about=frozenset(e["about"]), locator="; ".join(sorted(e["loc"])),
            source_label="; ".join("seed " + x[len(_SOURCE_PREFIX):]
                                   if x.startswith(_SOURCE_PREFIX) else x for x in src),
            as_at=", ".join(sorted(e["at"])), why=" ".join(sorted(e["why"]))))
    return dict(out)


def considered_for(found: dict[str, list[Considered]], focus: str, value: str | None,
                   shape: str) -> list[Considered]:
    """The considered statements that answer a finding of `shape` about `focus` (and its
    value): a statement naming a requirement (a shape IRI) answers that requirement only;
    one naming a function, kind or role answers the findings about that value."""
    return [c for c in found.get(focus, [])
            if (shape in c.about if any(a.startswith(SHAPE_PREFIX) for a in c.about)
                else value is not None and value in c.about)]


def witness_query(spec: ShapeSpec, nodes: Iterable[object]) -> str | None:
    """The shape's dg:witness SELECT with its focus nodes bound as a VALUES block (None when
    the shape has no witness query)."""
    if not spec.witness or not spec.constraints:
        return None
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in spec.constraints[0].prefixes)
    body = prefixes + re.sub(r"[$?]this\b", "?this", spec.witness)
    return bind_rows(body, ["this"], [{"this": n} for n in _iris(nodes)])


def witnesses(view: DataView, spec: ShapeSpec, nodes: Iterable[object]) -> dict[str, set[str]]:
    """Focus -> the records the shape's witness query finds for it."""
    query = witness_query(spec, nodes)
    if query is None:
        return {}
    found: dict[str, set[str]] = defaultdict(set)
    for r in view.select(query):
        if "this" in r and isinstance(r.get("witness"), URIRef):
            found[str(r["this"])].add(str(r["witness"]))
    return dict(found)


def witness_evidence(view: DataView, shapes: Iterable[ShapeSpec], met: dict[str, list[str]],
                     as_of: dt.date | None = None, sources: DataView | None = None
                     ) -> dict[tuple[str, str], list[Evidence]]:
    """For met requirements, the records that show them met: each shape's dg:witness query
    run for the focus nodes it was found satisfied for (shape IRI -> focus IRIs), giving
    (shape, focus) -> the witnesses' documents and paragraphs. Shapes without a witness
    query give nothing (the met cell then names only the record it applied to). Given the
    audit day, no document dated after it is cited (evidence_of)."""
    out: dict[tuple[str, str], list[Evidence]] = defaultdict(list)
    for spec in shapes:
        nodes = met.get(str(spec.iri))
        if not nodes:
            continue
        found = witnesses(view, spec, nodes)
        records = evidence_of(view, [URIRef(w) for ws in found.values() for w in ws], as_of,
                              sources)
        for focus, ws in found.items():
            for w in sorted(ws):
                out[(str(spec.iri), focus)] += records.get(w, [])
    return dict(out)
