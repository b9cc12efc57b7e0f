"""Which local records a validation may use on its day: none from the future, none stale.

A local subject's dg:asAt is the date of the document that describes it (the date of the
fact, not of the record). Two rules, applied before any shape runs so that every engine and
every format sees the same data:

- Records from the future. Validating as of D must not use what only later documents say: an
  audit of 2011 cannot rest on a protocol of 2015. A subject whose every dg:asAt is after D is
  left out, with every triple it is the subject of and every link to it (a link to a record
  no document had yet made is not yet a fact). A subject described by documents on both sides
  of D is kept whole (ontology/README.md asks for later-only facts on their own node).
- Stale records. A record of a state shows it for a bounded time after its latest document's
  date, set per class or property of record in data/local/record-windows.ttl with the reason
  (a post-holder until the next council election, four years; a membership or a chair's
  independence for the period the document covers, 12 months). Beyond it the record is left
  out (a class's record whole, a property's triples only), so the state is "not evidenced",
  and never shown met, or not met, by an old document. The audit names the latest record and
  how long before the day it was made (AuditedView.stale, assessment.explain_stale).

Subjects without a dg:asAt (hand-written test data, uploads) are undated and kept. A
validation (api.run_view) applies both rules per batch of authorities, in the batch's own
store (audited_batch): what is left out of an authority depends only on its graphs and the
shared ones, and a pass over the whole national store to find and copy them cost more than
the shapes. without_future_records applies them to a whole view, copying it only when
something is to be left out (what tools/bench and the Jena comparison give other validators).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from .. import paths
from ..namespaces import DG
from ..queries.internal import internal_text
from .dataset import DataView
from .dates import AsOf

WINDOWS_FILE = "record-windows.ttl"


@dataclass(frozen=True)
class Window:
    """How long after its document's date a class's (or a property's) record shows a state."""

    term: str
    months: int
    reason: str
    is_class: bool


def windows_path() -> Path:
    return paths.data_dir() / "local" / WINDOWS_FILE


@lru_cache(maxsize=4)
def _windows(path: str, _mtime: int) -> tuple[Window, ...]:
    """The windows in the file; a term whose local name starts with a capital is a class
    (the naming rule of ontology/README.md), any other a property."""
    g = Graph()
    g.parse(path, format="turtle")
    out = []
    for term, months in g.subject_objects(DG.recordWindowMonths):
        reason = next((str(o) for o in g.objects(term, SKOS.scopeNote)), "")
        local = str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        count = months.toPython() if isinstance(months, Literal) else None
        if not isinstance(count, int):
            raise ValueError(f"{path}: {term} dg:recordWindowMonths is not an integer")
        out.append(Window(str(term), count, reason, local[:1].isupper()))
    return tuple(sorted(out, key=lambda w: w.term))


def windows() -> tuple[Window, ...]:
    """The record windows (data/local/record-windows.ttl); none when the file is absent."""
    path = windows_path()
    if not path.is_file():
        return ()
    return _windows(str(path), path.stat().st_mtime_ns)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def _day(node: object) -> dt.date | None:
    value = node.toPython() if isinstance(node, Literal) else None
    return value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None


@lru_cache(maxsize=65536)
def _lexical_day(lexical: str, datatype: str) -> dt.date | None:
    """_day of a literal given by its lexical form and datatype: a store holds few distinct
    document dates and many records, so each is read as rdflib reads it once."""
    return _day(Literal(lexical, datatype=URIRef(datatype)))


def _solutions(view: DataView, sparql: str) -> ox.QuerySolutions:
    """A SELECT's solutions in Oxigraph's own terms: the records' queries read every dated
    record of the view, and making an rdflib term of each cost more than the query."""
    if view.graphs is None:
        found = view.store.query(sparql, use_default_graph_as_union=True)
    else:
        found = view.store.query(sparql, default_graph=[ox.NamedNode(str(g))
                                                         for g in view.graphs])
    assert isinstance(found, ox.QuerySolutions)
    return found


def record_dates(view: DataView) -> dict[str, list[dt.date]]:
    """Each dated subject's document dates."""
    out: dict[str, list[dt.date]] = defaultdict(list)
    for r in _solutions(view, internal_text("record-dates", {})):
        s, d = r["s"], r["d"]
        if isinstance(s, ox.NamedNode) and isinstance(d, ox.Literal):
            day = _lexical_day(d.value, d.datatype.value)
            if day is not None:
                out[s.value].append(day)
    return out


def future_subjects(view: DataView, as_of: AsOf,
                    dates: dict[str, list[dt.date]] | None = None) -> set[str]:
    """Subjects all of whose documents are dated after the as-of date."""
    dates = record_dates(view) if dates is None else dates
    return {s for s, days in dates.items() if min(days) > as_of.day}


@dataclass(frozen=True)
class Stale:
    """A record left out as stale: its latest document's date and the window it outlived."""

    subject: str
    latest: dt.date
    window: Window

    def phrase(self, day: dt.date) -> str:
        return (f"the latest record ({self.latest.isoformat()}) is older than its window "
                f"({self.window.months} months, data/local/{WINDOWS_FILE}): made "
                f"{age(self.latest, day)} before the day")


def age(then: dt.date, day: dt.date) -> str:
    """How long before `day` a document was made, exactly: "5 years 11 months", "4 months",
    "12 days" (whole months counted, a month not yet complete left out)."""
    months = (day.year - then.year) * 12 + day.month - then.month - (day.day < then.day)
    if months <= 0:
        n = (day - then).days
        return f"{n} day{'s' if n != 1 else ''}"
    years, rest = divmod(months, 12)
    parts = ([f"{years} year{'s' if years != 1 else ''}"] if years else []) + (
        [f"{rest} month{'s' if rest != 1 else ''}"] if rest else [])
    return " ".join(parts)


def stale_records(view: DataView, as_of: AsOf,
                  dates: dict[str, list[dt.date]] | None = None) -> list[Stale]:
    """The windowed records whose window ended before the as-of date (a record of a class
    with a window, or a property with one: the property's triples are the stale part)."""
    known = {w.term: w for w in windows()}
    if not known:
        return []
    dates = record_dates(view) if dates is None else dates
    rows = _solutions(view, internal_text("windowed-records",
                                          {"term": [URIRef(t) for t in sorted(known)]}))
    out = []
    for r in rows:
        s, t = r["s"], r["term"]
        if not isinstance(s, ox.NamedNode) or not isinstance(t, ox.NamedNode):
            continue
        subject, term = s.value, t.value
        past = [d for d in dates.get(subject, []) if d <= as_of.day]
        if not past:
            continue
        window = known[term]
        latest = max(past)
        if add_months(latest, window.months) < as_of.day:
            out.append(Stale(subject, latest, window))
    return sorted(out, key=lambda s: (s.subject, s.window.term))


class AuditedView(DataView):
    """A view with the future and stale records left out, remembering what was left out."""

    def __init__(self, store: ox.Store, original: DataView, future: set[str],
                 stale: list[Stale]) -> None:
        super().__init__(store, None)
        self.original = original
        self.future = future
        self.stale = stale


@dataclass(frozen=True)
class LeftOut:
    """What a view may not use on a day: records from the future, stale records (whole, or a
    property's triples), and links to the future ones."""

    future: set[str]
    stale: list[Stale]

    @property
    def whole(self) -> set[str]:
        return self.future | {s.subject for s in self.stale if s.window.is_class}

    @property
    def partial(self) -> set[tuple[str, str]]:
        return {(s.subject, s.window.term) for s in self.stale if not s.window.is_class}

    def subjects(self) -> set[str]:
        """The records left out, each counted once (report.ignored_records)."""
        return self.whole | {s for s, _p in self.partial}

    def __bool__(self) -> bool:
        return bool(self.future or self.stale)

    def keep(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        whole, partial, future = self.whole, self.partial, self.future
        return (q for q in quads if not _left_out(q, whole, partial, future))


def left_out(view: DataView, as_of: AsOf) -> LeftOut:
    """The records of the view it may not use on the day."""
    dates = record_dates(view)
    return LeftOut(future_subjects(view, as_of, dates), stale_records(view, as_of, dates))


def without_future_records(view: DataView, as_of: AsOf) -> tuple[DataView, int]:
    """The view without the records it may not use on the as-of date (from the future, or
    stale), and how many records were left out (the view itself when there are none)."""
    out = left_out(view, as_of)
    if not out:
        return view, 0
    source = view.store
    if view.graphs is None:
        names = [g for g in source.named_graphs() if isinstance(g, ox.NamedNode)]
    else:
        names = [ox.NamedNode(str(g)) for g in view.graphs]
    copy = ox.Store()
    for name in names:
        copy.extend(out.keep(source.quads_for_pattern(None, None, None, name)))
    return AuditedView(copy, view, out.future, out.stale), len(out.subjects())


def audited_batch(shared: Sequence[ox.Quad], own: Sequence[ox.Quad],
                  as_of: AsOf) -> tuple[DataView, set[str]]:
    """A batch of authorities (dataset.Batch: the shared graphs' quads and its authorities'
    own) in a store of its own, without the records it may not use on the day, and the
    records left out. Its records are found in the batch, not in the whole store: what is
    left out of an authority depends on its graphs and the shared ones alone, so a batch
    costs the same at any national size."""
    original = ox.Store()
    original.extend(shared)
    original.extend(own)
    whole = DataView(original, None)
    out = left_out(whole, as_of)
    if not out:
        return whole, set()
    copy = ox.Store()
    copy.extend(out.keep(shared))
    copy.extend(out.keep(own))
    return AuditedView(copy, whole, out.future, out.stale), out.subjects()


def _left_out(q: ox.Quad, whole: set[str], partial: set[tuple[str, str]],
              future: set[str]) -> bool:
    """A triple of a record left out, or a link to a record from the future (a stale record
    is still a thing that existed: links to it stay, its own statements go)."""
    subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
    if subject is not None and (subject in whole or (subject, q.predicate.value) in partial):
        return True
    return isinstance(q.object, ox.NamedNode) and q.object.value in future
