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

Subjects without a dg:asAt (hand-written test data, uploads) are undated and kept. The copy
is made only when something is to be left out, so validating data with nothing stale or
future reads the store in place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
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


def record_dates(view: DataView) -> dict[str, list[dt.date]]:
    """Each dated subject's document dates."""
    out: dict[str, list[dt.date]] = defaultdict(list)
    for r in view.select(internal_text("record-dates", {})):
        day = _day(r.get("d"))
        if day is not None and "s" in r:
            out[str(r["s"])].append(day)
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
    rows = view.select(internal_text("windowed-records",
                                     {"term": [URIRef(t) for t in sorted(known)]}))
    out = []
    for r in rows:
        subject, term = str(r["s"]), str(r["term"])
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


def without_future_records(view: DataView, as_of: AsOf) -> tuple[DataView, int]:
    """The view without the records it may not use on the as-of date (from the future, or
    stale), and how many records were left out (the view itself when there are none)."""
    dates = record_dates(view)
    future = future_subjects(view, as_of, dates)
    stale = stale_records(view, as_of, dates)
    whole = future | {s.subject for s in stale if s.window.is_class}
    partial = {(s.subject, s.window.term) for s in stale if not s.window.is_class}
    if not whole and not partial:
        return view, 0
    source = view.store
    if view.graphs is None:
        names = [g for g in source.named_graphs() if isinstance(g, ox.NamedNode)]
    else:
        names = [ox.NamedNode(str(g)) for g in view.graphs]
    copy = ox.Store()
    for name in names:
        copy.extend(q for q in source.quads_for_pattern(None, None, None, name)
                    if not _left_out(q, whole, partial, future))
    left_out = len(whole) + len({s for s, _p in partial} - whole)
    return AuditedView(copy, view, future, stale), left_out


def _left_out(q: ox.Quad, whole: set[str], partial: set[tuple[str, str]],
              future: set[str]) -> bool:
    """A triple of a record left out, or a link to a record from the future (a stale record
    is still a thing that existed: links to it stay, its own statements go)."""
    subject = q.subject.value if isinstance(q.subject, ox.NamedNode) else None
    if subject is not None and (subject in whole or (subject, q.predicate.value) in partial):
        return True
    return isinstance(q.object, ox.NamedNode) and q.object.value in future
