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

Before the cells are counted, `unwitnessed` adds a "not evidenced" finding for each
requirement the shapes find no fault with but no record shows (its dg:witness finds none:
"met" cites the record that satisfied it), and `settle` brings each finding in line with two
rules of the audit that a shape cannot see. Both rewrite the findings list they are given,
which is the report's own, so every format shows the same outcomes, counts and text:
- a stale record (records.py) left a requirement not evidenced: the finding says so, naming
  the latest record and how long before the day it was made;
- a document is never found "not met" by guidance published after it: a "not met" finding
  whose contrary statement predates every guidance edition it cites is "not evidenced".
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, MutableSequence, Sequence
from dataclasses import dataclass, field, replace

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import DG
from ..queries.internal import internal_text
from .dataset import DataView
from .dates import AsOf
from .evidence import (
    considered_for,
    considered_statements,
    in_force_guidance,
    record_days,
    witness_evidence,
    witnesses,
)
from .records import AuditedView
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

# How a finding that rests on a record older than its window begins to say so (the sample's
# locator column names that record instead of calling the documents silent).
STALE_NOTE = "Not evidenced on the day:"

STATUSES = [MET, NOT_MET, NOT_EVIDENCED, NOT_APPLICABLE, SUPERSEDED]


@dataclass
class Cell:
    status: str
    findings: list[Finding] = field(default_factory=list)
    # For a met cell: the focus nodes the requirement applied to and found satisfied, and
    # (after met_witnesses) the documents and paragraphs of the records that satisfied it.
    satisfied: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    # For a cell the shapes found no fault with but no record shows: the finding of its paired
    # requirement that answers it (not counted again: it is that cell's finding).
    answered: list[Finding] = field(default_factory=list)

    def shown(self) -> list[Finding]:
        """The findings to show in the cell: its own, or those that answer it."""
        return self.findings or self.answered


def worst(findings: Iterable[Finding]) -> str:
    return min((f.outcome for f in findings), key=FINDING_OUTCOMES.index)


def ended_provisions(view: DataView, provisions: set[URIRef], as_of: AsOf) -> set[str]:
    if not provisions:
        return set()
    rows = view.select(internal_text("provision-ends", {"p": sorted(provisions)}))
    out = set()
    for r in rows:
        end = r["end"].toPython() if isinstance(r["end"], Literal) else None
        if isinstance(end, dt.date) and end < as_of.day:
            out.add(str(r["p"]))
    return out


def explain_stale(view: DataView, findings: MutableSequence[Finding],
                  shapes: Sequence[ShapeSpec], as_of: AsOf) -> None:
    """Say, in each not-evidenced finding a stale record would have answered, which record
    that was: "the latest record (2013-05-07) is older than its window (12 months, ...)".
    The records are found by the shape's witness query run on the data as it was before
    the stale ones were left out."""
    if not isinstance(view, AuditedView) or not view.stale:
        return
    stale = {s.subject: s for s in view.stale}
    specs = {str(s.iri): s for s in shapes}
    wanted: dict[str, set[str]] = defaultdict(set)
    for f in findings:
        if f.outcome == NOT_EVIDENCED and f.shape in specs:
            wanted[f.shape].add(f.focus)
    found = {shape: witnesses(view.original, specs[shape], nodes)
             for shape, nodes in wanted.items()}
    candidates = {w for by_focus in found.values() for ws in by_focus.values() for w in ws
                  if w in stale}
    values = {f.value for f in findings if f.value and f.value != f.focus
              and not f.value.startswith("_:")}
    mentions: set[tuple[str, str]] = set()
    if candidates and values:
        rows = view.original.select(internal_text("records-mentioning", {
            "w": [URIRef(w) for w in sorted(candidates)],
            "v": [URIRef(v) for v in sorted(values)]}))
        mentions = {(str(r["w"]), str(r["v"])) for r in rows}
    for i, f in enumerate(findings):
        if f.outcome != NOT_EVIDENCED:
            continue
        about = f.value if f.value and f.value != f.focus else None
        old = [stale[w] for w in found.get(f.shape, {}).get(f.focus, set())
               if w in stale and (about is None or (w, about) in mentions)]
        if not old:
            continue
        latest = max(old, key=lambda s: s.latest)
        findings[i] = replace(f, message=(
            f"{f.message} {STALE_NOTE} {latest.phrase(as_of.day)}."))


def cite_considered(view: DataView, findings: MutableSequence[Finding]) -> None:
    """A "not evidenced" finding beside a passage that speaks to the point names that passage
    and why it was not taken as evidence (a dg:LocalStatement with dg:notEvidenceBecause),
    so the documents are never said to be silent when they are not."""
    wanted = [f for f in findings if f.outcome == NOT_EVIDENCED and not f.focus.startswith("_:")]
    found = considered_statements(view, {f.focus for f in wanted})
    if not found:
        return
    for i, f in enumerate(findings):
        if f.outcome != NOT_EVIDENCED:
            continue
        value = f.value if f.value and f.value != f.focus else None
        cited = considered_for(found, f.focus, value, f.shape)
        if cited:
            findings[i] = replace(f, message=f.message + "".join(
                f" Not evidenced: {c.line()}" for c in cited))


def never_judged_by_later_guidance(view: DataView, findings: MutableSequence[Finding]) -> None:
    """A "not met" finding whose contrary statements all predate the guidance editions it
    cites becomes "not evidenced": the document could not answer guidance not yet written."""
    targets = [i for i, f in enumerate(findings) if f.outcome == NOT_MET and f.evidence]
    if not targets:
        return
    guidance = in_force_guidance(view, {p for i in targets for p in findings[i].provisions})
    days = record_days(view, {e.node for i in targets for e in findings[i].evidence})
    for i in targets:
        f = findings[i]
        made = [d for e in f.evidence for d in days.get(e.node, [])]
        if made and guidance.published_after(f.provisions, max(made)):
            editions = ", ".join(f.editions) or "the guidance it cites"
            findings[i] = replace(f, outcome=NOT_EVIDENCED, message=(
                f"{f.message} Not judged not met: the document ({max(made).isoformat()}) "
                f"predates {editions}."))


def _labels(view: DataView, nodes: Iterable[str]) -> dict[str, str]:
    best: dict[str, tuple[int, str]] = {}
    iris = sorted({n for n in nodes if "://" in n})
    if not iris:
        return {}
    for r in view.select(internal_text("node-labels", {"n": [URIRef(n) for n in iris]})):
        value = r.get("rank")
        rank = int(value.toPython()) if isinstance(value, Literal) else 9
        key, text = str(r["n"]), str(r["l"])
        if key not in best or (rank, text) < best[key]:
            best[key] = (rank, text)
    return {k: v[1] for k, v in best.items()}


def contrary_only(spec: ShapeSpec) -> bool:
    """Whether every constraint of the shape reports only a contrary record ("not met"): such
    a shape finds nothing on silence, so its "met" needs a record to show it."""
    return bool(spec.constraints) and all(spec.outcome_of(c) == DG.NotMet
                                          for c in spec.constraints)


def unwitnessed(view: DataView, findings: MutableSequence[Finding],
                shapes: Sequence[ShapeSpec], targets: dict[URIRef, set[Node]],
                owner: dict[str, str], authorities: Sequence[str],
                as_of: AsOf) -> dict[tuple[str, str], list[Finding]]:
    """A requirement the shapes find no fault with is met only when a record shows it (the
    shape's dg:witness finds one): "met" must cite the record that satisfied it. Where no
    record does (a Lead Member "not a full member" of a Board nothing is recorded of, a
    "single" DCS when no DCS post is recorded), the requirement is not evidenced: a finding
    saying so is added; or, when the focus has a finding under one of the shape's provisions
    already (the paired shapes of one requirement, independent / not independent, share
    provisions), that finding answers it, and is returned as (shape, focus) -> findings for
    the cell. Only shapes that report nothing but contrary records are concerned (a shape
    that reports silence itself is met on a record); shapes without a witness query are
    left as the shapes found them. A record that a considered statement says does not show
    the requirement (dg:notEvidenceBecause, its dcterms:subject naming the shape) does not
    witness it: an ambiguous reading is not evidence."""
    wanted = set(authorities)
    specs = {str(s.iri): s for s in shapes}
    by_provision: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in findings:
        for p in (specs[f.shape].provisions if f.shape in specs else []):
            by_provision[(str(p), f.focus)].append(f)
    own = {(f.shape, f.focus) for f in findings}
    rank = {str(s.iri): i for i, s in enumerate(shapes)}
    missing: list[tuple[ShapeSpec, str]] = []
    borrowed: dict[tuple[str, str], list[Finding]] = {}
    for spec in shapes:
        if spec.deactivated or not spec.witness or not contrary_only(spec):
            continue
        nodes = [str(n) for n in targets.get(spec.iri, set())
                 if isinstance(n, URIRef) and owner.get(str(n)) in wanted
                 and (str(spec.iri), str(n)) not in own]
        if not nodes:
            continue
        shown = witnesses(view, spec, nodes)
        doubted = considered_statements(view, nodes)
        for n in sorted(nodes):
            if shown.get(n) and not any(str(spec.iri) in c.about for c in doubted.get(n, [])):
                continue
            siblings = [f for p in spec.provisions for f in by_provision.get((str(p), n), [])]
            if siblings:
                borrowed[(str(spec.iri), n)] = list({id(f): f for f in siblings}.values())
            else:
                missing.append((spec, n))
    if not missing:
        return borrowed
    guidance = in_force_guidance(view, {str(p) for s, _n in missing for p in s.provisions})
    cited = {str(s.iri): sorted(guidance.keep({str(p) for p in s.provisions}, as_of.day))
             for s, _n in missing}
    labels = _labels(view, [n for _s, n in missing] + [owner[n] for _s, n in missing]
                     + [p for ps in cited.values() for p in ps])
    for spec, node in missing:
        provs = sorted(cited[str(spec.iri)], key=lambda p: (labels.get(p, p), p))
        authority = owner[node]
        findings.append(Finding(
            outcome=NOT_EVIDENCED, severity=spec.severity_name,
            message=(f"{labels.get(node, node)}: no record shows '{spec.label}' on "
                     f"{as_of.iso()} (nothing recorded shows it met, or not met)."),
            focus=node, focus_label=labels.get(node, node), path=None, shape=str(spec.iri),
            provisions=provs, authority=authority,
            editions=tuple(sorted({guidance.labels[p] for p in provs if p in guidance.labels})),
            value=None, shape_label=spec.label, authority_label=labels.get(authority, authority),
            provision_labels=tuple(labels.get(p, p) for p in provs),
            group=tuple(sorted(labels.get(p, p) for p in provs)), rank=rank[str(spec.iri)]))
    findings[:] = sorted(findings, key=Finding.sort_key)
    return borrowed


def settle(view: DataView, findings: MutableSequence[Finding], shapes: Sequence[ShapeSpec],
           as_of: AsOf) -> None:
    """Apply the audit's rules on stale records and later guidance to the findings, in place."""
    never_judged_by_later_guidance(view, findings)
    explain_stale(view, findings, shapes, as_of)
    cite_considered(view, findings)


def assess(view: DataView, findings: Sequence[Finding], shapes: Sequence[ShapeSpec],
           targets: dict[URIRef, set[Node]], owner: dict[str, str],
           authorities: Sequence[str], as_of: AsOf) -> dict[tuple[str, str], Cell]:
    """The cell of every authority and active requirement (shape). A findings list (the
    report's) is settled first, in place (see settle)."""
    borrowed: dict[tuple[str, str], list[Finding]] = {}
    if isinstance(findings, list):
        borrowed = unwitnessed(view, findings, shapes, targets, owner, authorities, as_of)
        place = {id(f): i for i, f in enumerate(findings)}
        settle(view, findings, shapes, as_of)  # replaces findings in place, order kept
        borrowed = {k: [findings[place[id(f)]] for f in fs] for k, fs in borrowed.items()}
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
            elif targeted.get(key) and any((key[1], n) in borrowed for n in targeted[key]):
                answer = [f for n in sorted(targeted[key]) for f in borrowed.get((key[1], n), [])]
                cells[key] = Cell(worst(answer), answered=answer)
            elif targeted.get(key):
                cells[key] = Cell(MET, [], sorted(targeted[key]))
            elif iri in superseded_authorities and any(str(p) in ended for p in s.provisions):
                cells[key] = Cell(SUPERSEDED)
            else:
                cells[key] = Cell(NOT_APPLICABLE)
    return cells


def met_witnesses(view: DataView, shapes: Sequence[ShapeSpec],
                  cells: dict[tuple[str, str], Cell], as_of: dt.date | None = None,
                  sources: DataView | None = None) -> None:
    """Give each met cell the evidence of the records that satisfied it (dg:witness), none
    from a document dated after the audit day (evidence.evidence_of)."""
    met: dict[str, list[str]] = defaultdict(list)
    for (_a, shape), cell in cells.items():
        if cell.status == MET:
            met[shape] += cell.satisfied
    found = witness_evidence(view, shapes, met, as_of, sources)
    for (_a, shape), cell in cells.items():
        if cell.status == MET:
            cell.evidence = [e for n in cell.satisfied for e in found.get((shape, n), [])]


def counts(cells: Iterable[Cell]) -> dict[str, int]:
    out = dict.fromkeys(STATUSES, 0)
    for c in cells:
        out[c.status] += 1
    return out


__all__ = [
    "NOT_EVIDENCED",
    "STATUSES",
    "Cell",
    "assess",
    "cite_considered",
    "counts",
    "ended_provisions",
    "explain_stale",
    "met_witnesses",
    "never_judged_by_later_guidance",
    "settle",
    "unwitnessed",
    "worst",
]
