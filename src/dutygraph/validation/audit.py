"""The compliance matrix: every authority against every requirement (shape) on one date.

Each cell is one of the dg:AssessmentOutcomes:
- not applicable: the requirement applies to nothing of the authority on the date (the shape's
  targets, which carry the dates the framework gives the law, select none of its nodes);
- superseded: not applicable because the law behind it had ended (a provision the shape cites
  is no longer in force, by the framework's eli:date_no_longer_in_force) and the authority's
  LSCB is reported superseded on the date;
- met: the requirement applies and no finding was made;
- not met / not evidenced / superseded: the requirement applies and the shape made a finding;
  which of the three is the shape's dg:outcome (not met when the data show the failure, not
  evidenced when the data are silent).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.term import Node

from ..namespaces import DG, ELI
from ..store import Store
from .api import authorities_of, build_report, labels_of
from .dataset import DataView, view_of_store
from .dates import AsOf, resolve
from .engine import FastEngine
from .report import Finding
from .shapes import ShapeSet, ShapeSpec, load_shapes

MET, NOT_MET, NOT_EVIDENCED, NOT_APPLICABLE, SUPERSEDED = (
    "met", "not met", "not evidenced", "not applicable", "superseded")
STATUSES = [MET, NOT_MET, NOT_EVIDENCED, NOT_APPLICABLE, SUPERSEDED]
_OUTCOME_STATUS = {DG.NotMet: NOT_MET, DG.NotEvidenced: NOT_EVIDENCED, DG.Superseded: SUPERSEDED}
_COLOURS = {MET: "#cdebc6", NOT_MET: "#f3b7b7", NOT_EVIDENCED: "#fbe3b0",
            NOT_APPLICABLE: "#e6e6e6", SUPERSEDED: "#cfd9f0"}


@dataclass
class Cell:
    status: str
    findings: list[Finding] = field(default_factory=list)


@dataclass
class AuditMatrix:
    as_of: dt.date
    authorities: list[tuple[str, str]]
    requirements: list[ShapeSpec]
    cells: dict[tuple[str, str], Cell]
    provision_labels: dict[str, str]

    def cell(self, authority: str, shape: ShapeSpec) -> Cell:
        return self.cells[(authority, str(shape.iri))]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for c in self.cells.values():
            out[c.status] += 1
        return out

    def to_csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["as_of", "authority", "authority_label", "requirement", "requirement_label",
                    "severity", "provisions", "status", "findings", "messages"])
        for iri, label in self.authorities:
            for shape in self.requirements:
                c = self.cell(iri, shape)
                provs = "; ".join(self.provision_labels.get(str(p), str(p))
                                  for p in shape.provisions)
                w.writerow([self.as_of.isoformat(), iri, label, str(shape.iri), shape.label,
                            shape.severity_name, provs, c.status, len(c.findings),
                            " | ".join(f.message for f in c.findings)])
        return buf.getvalue()

    def to_html(self) -> str:
        esc = html.escape
        head = "".join(
            f'<th title="{esc(s.description)}"><div>{esc(s.label)}</div>'
            f'<small>{esc(s.severity_name)}; '
            f'{esc("; ".join(self.provision_labels.get(str(p), str(p)) for p in s.provisions))}'
            "</small></th>" for s in self.requirements)
        rows = []
        for iri, label in self.authorities:
            cells = []
            for s in self.requirements:
                c = self.cell(iri, s)
                tip = "\n".join(f.message for f in c.findings) or c.status
                cls = c.status.replace(" ", "-")
                count = f" ({len(c.findings)})" if len(c.findings) > 1 else ""
                cells.append(f'<td class="{cls}" title="{esc(tip)}">{esc(c.status)}{count}</td>')
            rows.append(f'<tr><th class="authority">{esc(label)}<div class="iri">{esc(iri)}'
                        f"</div></th>{''.join(cells)}</tr>")
        counts = self.counts()
        legend = "".join(f'<span class="{k.replace(" ", "-")}">{esc(k)}: {v}</span> '
                         for k, v in counts.items())
        css = "".join(f"td.{k.replace(' ', '-')},span.{k.replace(' ', '-')}{{background:{v}}}"
                      for k, v in _COLOURS.items())
        return "\n".join([
            "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>dutygraph audit, {esc(self.as_of.isoformat())}</title>",
            "<style>body{font-family:system-ui,sans-serif;margin:1.5rem}"
            "table{border-collapse:collapse}th,td{border:1px solid #999;padding:.3rem;"
            "font-size:.8rem;vertical-align:top}thead th{max-width:9rem}"
            "th.authority{text-align:left;white-space:nowrap}.iri{font-size:.65rem;color:#555}"
            f"span{{padding:.1rem .4rem;margin-right:.3rem}}{css}</style>",
            "</head>", "<body>",
            f"<h1>Compliance matrix: the law in force on {esc(self.as_of.isoformat())}</h1>",
            f"<p>{len(self.authorities)} authorities &times; {len(self.requirements)} "
            f"requirements. {legend}</p>",
            "<p>Hover over a cell for the findings. <em>not evidenced</em>: the sources say "
            "nothing either way; <em>not met</em>: the data show the requirement not met.</p>",
            f'<table><thead><tr><th>Authority</th>{head}</tr></thead><tbody>',
            *rows, "</tbody></table>", "</body>", "</html>"]) + "\n"


def _ended_provisions(view: DataView, provisions: set[URIRef], as_of: AsOf) -> set[str]:
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


def audit_view(view: DataView, as_of: AsOf, shapes: ShapeSet | None = None) -> AuditMatrix:
    shape_set = shapes or load_shapes()
    active = [s for s in shape_set.shapes if not s.deactivated]
    engine = FastEngine()
    targets = engine.targets(view, shape_set, as_of)
    raw = engine.run(view, shape_set, as_of)
    report = build_report(view, raw, shape_set, as_of, engine=engine.name)
    all_targets: list[Node] = [n for nodes in targets.values() for n in nodes]
    owner = authorities_of(view, all_targets)
    targeted: dict[tuple[str, str], int] = defaultdict(int)
    for shape_iri, nodes in targets.items():
        for n in nodes:
            a = owner.get(str(n))
            if a:
                targeted[(a, str(shape_iri))] += 1
    found: dict[tuple[str, str], list[Finding]] = defaultdict(list)
    for f in report.results:
        if f.authority:
            found[(f.authority, f.shape)].append(f)
    superseded_shapes = {str(s.iri) for s in active if s.outcome == DG.Superseded}
    superseded_authorities = {a for (a, s) in targeted if s in superseded_shapes}
    ended = _ended_provisions(view, {p for s in active for p in s.provisions}, as_of)
    cells: dict[tuple[str, str], Cell] = {}
    for iri, _label in report.authorities:
        for s in active:
            key = (iri, str(s.iri))
            findings = found.get(key, [])
            if findings:
                status = _OUTCOME_STATUS.get(s.outcome, NOT_MET)  # type: ignore[arg-type]
            elif targeted.get(key):
                status = MET
            elif (iri in superseded_authorities
                  and any(str(p) in ended for p in s.provisions)):
                status = SUPERSEDED
            else:
                status = NOT_APPLICABLE
            cells[key] = Cell(status, findings)
    provision_labels = labels_of(view, [p for s in active for p in s.provisions])
    return AuditMatrix(as_of=as_of.day, authorities=report.authorities, requirements=active,
                       cells=cells, provision_labels=provision_labels)


def audit_store(store: Store, *, as_of: dt.date | None = None,
                shapes: ShapeSet | None = None) -> AuditMatrix:
    """The compliance matrix of every authority in the store on the date (default today)."""
    return audit_view(view_of_store(store, None), resolve(as_of), shapes)
