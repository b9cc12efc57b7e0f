"""What replaced a duty or function asked about, so that a question about a day after it
ended is answered with the law of that day.

Why: "Who is responsible for child death reviews today?" names SI 2006/90 reg 6(1)(a), an
LSCB function that ended on 29 September 2019; answered as asked it gives "nothing". The
graph says what replaced it (dg:supersededBy, data/framework/transition.ttl) and which
duties kept it going for work under way (grace periods, dg:function); the answer page
answers the successors in force on the day, says "X was replaced by Y on DATE (provision)",
and keeps the old answer as history (or as law still in force, in a grace period).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import URIRef

from ..queries.internal import page_select
from ..store import Store
from .dates import long_date
from .kept import PerThing
from .kinds import Kind
from .kinds import kind as kind_named


@dataclass(frozen=True)
class Successor:
    """A duty that took over, with the first day it was in force and its provision."""

    iri: str
    label: str
    first: dt.date | None
    provision: str
    provision_iri: str = ""


@dataclass(frozen=True)
class Grace:
    """A duty that kept the old function going for work under way, and its days."""

    iri: str
    label: str
    first: dt.date
    last: dt.date | None
    provision: str


@dataclass
class Succession:
    """The old duty's last day in force, its successors and its grace periods."""

    last: dt.date | None
    successors: list[Successor] = field(default_factory=list)
    graces: list[Grace] = field(default_factory=list)

    def ended_before(self, day: dt.date) -> bool:
        return self.last is not None and self.last < day and bool(self.successors)

    def in_force_on(self, day: dt.date) -> list[Successor]:
        return [s for s in self.successors if s.first is None or s.first <= day]

    def grace_on(self, day: dt.date) -> list[Grace]:
        return [g for g in self.graces if g.first <= day and (g.last is None or day <= g.last)]

    def replaced_words(self, old_label: str) -> list[str]:
        """"X was replaced by Y on DATE (provision)", one line per successor."""
        if self.last is None:
            return []
        on = long_date(self.last + dt.timedelta(days=1))
        return [f"“{old_label}” was replaced by “{s.label}” on {on} ({s.provision})"
                for s in self.successors]


def _day(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def succession(store: Store, old: str) -> Succession:
    """The succession of one duty or function (queries/pages/ask-successors.rq), read once
    per store version (ask.kept): every reading of a question about a Board asks it. Where
    the graph names specific successors (whose provision replaced the old provision:
    reg 6(1)(a) -> s16M) they are kept, not the general one every LSCB duty has (s16E)."""
    return _SUCCESSIONS(store, old)


def _read_succession(store: Store, old: str) -> Succession:
    rows = page_select(store, "ask-successors", old=URIRef(old)).rows
    last = next((d for r in rows if (d := _day(r.get("oldThrough"))) is not None), None)
    found: dict[str, tuple[Successor, bool]] = {}
    graces: dict[str, Grace] = {}
    for r in rows:
        if r.get("new") is not None:
            iri = str(r["new"])
            if _day(r.get("newThrough")) is not None:
                continue  # a successor that has itself ended is not today's law
            provision = str(r.get("newProvisionLabel") or r.get("newProvision") or "")
            found[iri] = (Successor(iri, str(r.get("newLabel") or iri), _day(r.get("newFrom")),
                                    provision, str(r.get("newProvision") or "")),
                          str(r.get("specific")).lower() == "true")
        elif r.get("grace") is not None:
            first = _day(r.get("graceFrom"))
            if first is None or last is None or first <= last:
                continue  # a duty in force with the old one, not after it
            graces[str(r["grace"])] = Grace(str(r["grace"]), str(r.get("graceLabel") or ""),
                                            first, _day(r.get("graceThrough")),
                                            str(r.get("graceProvisionLabel") or ""))
    specific = [s for s, sure in found.values() if sure]
    successors = specific or [s for s, _sure in found.values()]
    return Succession(last, sorted(successors, key=lambda s: s.provision),
                      sorted(graces.values(), key=lambda g: g.first))


_SUCCESSIONS: PerThing[str, Succession] = PerThing(_read_succession)


# The duty each kind's question rests on, when a later kind answers it after that duty was
# replaced: a Board's partners are the LSCB's (CA 2004 s13(1), s13(3)); from 30 September
# 2019 the question is about the safeguarding partners (s16E(1), s16E(2)).
KIND_DUTIES: dict[str, tuple[str, str]] = {
    "board-partners": ("https://w3id.org/dutygraph/id/duty/ca2004-s13-1-establish-lscb",
                       "partners"),
}


def kind_on(store: Store, kind: Kind, day: dt.date) -> tuple[Kind, str] | None:
    """The kind that answers a question of this kind on the day, and the note that says
    why, when the duty behind the kind had been replaced by then."""
    anchor = KIND_DUTIES.get(kind.name)
    if anchor is None:
        return None
    chain = succession(store, anchor[0])
    later = kind_named(anchor[1])
    if later is None or not chain.ended_before(day) or chain.last is None:
        return None
    replaced = "; ".join(chain.replaced_words("the LSCB's duty"))
    return later, (f"on {long_date(day)} there is no Board: {replaced}, so the question is "
                   f"read as about the {later.title.lower()}")


@dataclass
class BodySuccession:
    """A kind of body or a role that no longer exists in law: its last day (that of the
    duties and functions it bore) and what took over from it, each successor's provisions
    being those of its duties that replaced the old one's."""

    last: dt.date
    successors: list[Successor] = field(default_factory=list)

    def replaced_words(self, old_label: str) -> list[str]:
        """"X no longer exists in law since DATE: its functions passed to Y (provisions)"."""
        since = long_date(self.last + dt.timedelta(days=1))
        return [f"“{old_label}” no longer exists in law since {since}: its functions passed "
                f"to “{s.label}” ({s.provision})" for s in self.successors]


def body_succession(store: Store, old: str) -> BodySuccession | None:
    """What replaced a kind of body or a role (queries/pages/ask-body-successors.rq), or None
    while it exists: it bears some duty with no last day, or nothing replaced it. Read once
    per store version (ask.kept)."""
    return _BODY_SUCCESSIONS(store, old)


def _read_body_succession(store: Store, old: str) -> BodySuccession | None:
    rows = page_select(store, "ask-body-successors", old=URIRef(old)).rows
    successors: list[Successor] = []
    last: dt.date | None = None
    for r in rows:
        through = _day(r.get("last"))
        if through is None or str(r.get("open", "0")) != "0":
            continue
        last = through if last is None else max(last, through)
        cites = sorted({c.strip() for c in str(r.get("provisions") or "").split(";")
                        if c.strip()})
        successors.append(Successor(str(r["new"]), str(r.get("newLabel") or r["new"]),
                                    _day(r.get("first")), "; ".join(cites)))
    if last is None or not successors:
        return None
    return BodySuccession(last, sorted(successors, key=lambda s: s.label))


_BODY_SUCCESSIONS: PerThing[str, BodySuccession | None] = PerThing(_read_body_succession)
