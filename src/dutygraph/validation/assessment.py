"""One computation behind every report: each (authority, requirement) cell's outcome.

`dutygraph validate`, `/validate`, `/api/validate`, `dutygraph audit` and `/audit` all call
`assess`, so for the same data and date they show the same outcomes and the same counts:
- met: the requirement applies (the shape's targets select a node of the authority on the
  date) and no finding was made;
- not met / not evidenced / superseded: the requirement applies and a finding was made; the
  cell has the worst outcome of its findings (not met > not evidenced > superseded), and each
  finding's outcome is that of the constraint that made it (shapes.SparqlConstraint.outcome);
- superseded (without a finding): the law behind it had ended (a provision the shape cites is
  no longer in force) and the authority's LSCB is reported superseded on the date;
- not applicable: the requirement applies to nothing of the authority on the date.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import DG, ELI
from .dataset import DataView
from .dates import AsOf
from .evidence import witness_evidence
from .report import (
    FINDING_OUTCOMES,
    MET,
    NOT_APPLICABLE,
    NOT_EVIDENCED,
    NOT_MET,
    SUPERSEDED,
    Evidence,
    Finding,
)
from .shapes import ShapeSpec

STATUSES = [MET, NOT_MET, NOT_EVIDENCED, NOT_APPLICABLE, SUPERSEDED]


@dataclass
class Cell:
    status: str
    findings: list[Finding] = field(default_factory=list)
    # For a met cell: the focus nodes the requirement applied to and found satisfied, and
    # (after met_witnesses) the documents and paragraphs of the records that satisfied it.
    satisfied: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)


def worst(findings: Iterable[Finding]) -> str:
    return min((f.outcome for f in findings), key=FINDING_OUTCOMES.index)


def ended_provisions(view: DataView, provisions: set[URIRef], as_of: AsOf) -> set[str]:
    if not provisions:
        return set()
    values = " ".join(f"<{p}>" for p in sorted(provisions))
    rows = view.select(f"SELECT ?p ?end WHERE {{ VALUES ?p {{ {values} }} "
                       f"?p <{ELI.date_no_longer_in_force}> ?end }}")
    out = set()
    for r in rows:
        end = r["end"].toPython() if isinstance(r["end"], Literal) else None
        if isinstance(end, dt.date) and end < as_of.day:
            out.add(str(r["p"]))
    return out


def assess(view: DataView, findings: Sequence[Finding], shapes: Sequence[ShapeSpec],
           targets: dict[URIRef, set[Node]], owner: dict[str, str],
           authorities: Sequence[str], as_of: AsOf) -> dict[tuple[str, str], Cell]:
    """The cell of every authority and active requirement (shape)."""
    active = [s for s in shapes if not s.deactivated]
    targeted: dict[tuple[str, str], list[str]] = defaultdict(list)
    for shape_iri, nodes in targets.items():
        for n in nodes:
            a = owner.get(str(n))
            if a:
                targeted[(a, str(shape_iri))].append(str(n))
    found: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        if f.authority:
            found[(f.authority, f.shape)].append(f)
    superseded_shapes = {str(s.iri) for s in active if s.outcome == DG.Superseded}
    superseded_authorities = {a for (a, s) in targeted if s in superseded_shapes}
    ended = ended_provisions(view, {p for s in active for p in s.provisions}, as_of)
    cells: dict[tuple[str, str], Cell] = {}
    for iri in authorities:
        for s in active:
            key = (iri, str(s.iri))
            here = found.get(key, [])
            if here:
                cells[key] = Cell(worst(here), here)
            elif targeted.get(key):
                cells[key] = Cell(MET, [], sorted(targeted[key]))
            elif iri in superseded_authorities and any(str(p) in ended for p in s.provisions):
                cells[key] = Cell(SUPERSEDED)
            else:
                cells[key] = Cell(NOT_APPLICABLE)
    return cells


def met_witnesses(view: DataView, shapes: Sequence[ShapeSpec],
                  cells: dict[tuple[str, str], Cell]) -> None:
    """Give each met cell the evidence of the records that satisfied it (dg:witness)."""
    met: dict[str, list[str]] = defaultdict(list)
    for (_a, shape), cell in cells.items():
        if cell.status == MET:
            met[shape] += cell.satisfied
    found = witness_evidence(view, shapes, met)
    for (_a, shape), cell in cells.items():
        if cell.status == MET:
            cell.evidence = [e for n in cell.satisfied for e in found.get((shape, n), [])]


def counts(cells: Iterable[Cell]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for c in cells:
        out[c.status] += 1
    return out


__all__ = ["NOT_EVIDENCED", "STATUSES", "Cell", "assess", "counts", "ended_provisions",
           "met_witnesses", "worst"]
