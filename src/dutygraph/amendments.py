"""Amendment impact and change over time: what the law on a day leaves resting on provisions
that are not (or no longer) in force, and what changed between two days.

The named queries `impact` and `changes` answer from the store. The validation shapes and the
named queries themselves are not in the store (they are files), so impact joins them here:
a shape or query is affected when it cites an affected provision, a part of one, or the
provision an affected one is part of (legislation.gov.uk identifiers nest by path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .queries import QueryResult, catalogue, run_query
from .store import Store
from .validation.shapes import load_shapes

# The states impact.rq reports, in the order a reader needs them: what is coming first.
STATUS_ORDER = ("amendment enacted, not yet in force", "enacted, not yet in force",
                "superseded, still in force", "not yet in force", "no longer in force")
COMING = frozenset(STATUS_ORDER[:2])
# How the CLI and the /impact page head each state.
HEADINGS = {
    "amendment enacted, not yet in force": "Coming: amended by an Act not yet in force",
    "enacted, not yet in force": "Coming: enacted, not yet in force",
    "superseded, still in force": "Superseded, still in force (its successor is in force)",
    "not yet in force": "Not yet in force",
    "no longer in force": "No longer in force",
}


@dataclass(frozen=True)
class Named:
    """Something that rests on a provision: a duty or other statement, a shape or a query."""

    iri: str
    label: str
    detail: str = ""


@dataclass
class Affected:
    """One provision in one affected state on the day, and what rests on it."""

    provision: str
    provision_label: str
    status: str
    on: str
    by: str | None = None
    by_label: str | None = None
    statements: list[Named] = field(default_factory=list)
    shapes: list[Named] = field(default_factory=list)
    queries: list[Named] = field(default_factory=list)

    @property
    def coming(self) -> bool:
        return self.status in COMING

    def to_dict(self) -> dict[str, object]:
        return {"provision": self.provision, "provisionLabel": self.provision_label,
                "status": self.status, "on": self.on, "by": self.by, "byLabel": self.by_label,
                "coming": self.coming,
                "statements": [vars(s) for s in self.statements],
                "shapes": [vars(s) for s in self.shapes],
                "queries": [vars(q) for q in self.queries]}


def _related(cited: str, provision: str) -> bool:
    """Whether a citation touches the provision: the same, a part of it, or what contains it."""
    return (cited == provision or cited.startswith(provision + "/")
            or provision.startswith(cited + "/"))


def impact(store: Store, as_of: dt.date) -> list[Affected]:
    """Every provision affected on as_of, with the statements, shapes and queries on it."""
    result = run_query(store, "impact", {"as_of": as_of.isoformat()})
    groups: dict[tuple[str, str, str, str | None], Affected] = {}
    for rec in result.records():
        key = (str(rec["provision"]), str(rec["status"]), str(rec["day"]),
               None if rec["by"] is None else str(rec["by"]))
        item = groups.get(key)
        if item is None:
            item = groups[key] = Affected(
                provision=key[0], provision_label=str(rec["provisionLabel"]), status=key[1],
                on=key[2], by=key[3],
                by_label=None if rec["byLabel"] is None else str(rec["byLabel"]))
        if rec["statement"] is not None:
            start, end = rec["statementFrom"], rec["statementThrough"]
            dates = (f"{start or '?'} to {end}" if end is not None
                     else f"from {start}" if start is not None else "")
            item.statements.append(Named(str(rec["statement"]), str(rec["statementLabel"]),
                                         dates))
    shapes = load_shapes().shapes
    queries = catalogue()
    for item in groups.values():
        item.shapes = [Named(str(s.iri), str(s.label)) for s in shapes
                       if any(_related(str(p), item.provision) for p in s.provisions)]
        item.queries = [Named(q.name, q.summary) for q in queries
                        if any(_related(p, item.provision) for p in q.provisions)]
    return sorted(groups.values(),
                  key=lambda a: (STATUS_ORDER.index(a.status) if a.status in STATUS_ORDER
                                 else len(STATUS_ORDER), a.on, a.provision, a.by or ""))


def changes(store: Store, since: dt.date, until: dt.date,
            authority: str | None = None) -> QueryResult:
    """The `what-changed` named query: nationally, or with one authority's own records too."""
    params = {"since": since.isoformat(), "until": until.isoformat()}
    if authority:
        params["authority"] = authority
    return run_query(store, "what-changed", params)
