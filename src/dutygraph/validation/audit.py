"""The compliance matrix: every authority against every requirement (shape) on one date.

Each cell is one of the dg:AssessmentOutcomes, worked out by assessment.assess (the same
computation `dutygraph validate` and /validate count with): met, not met, not evidenced,
not applicable, superseded. A cell with findings has the worst outcome of its findings; a
finding is "not met" only where a document states the contrary (see ontology/README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from ..store import Store
from .api import labels_of, run_view
from .assessment import STATUSES, Cell, counts, met_witnesses
from .dataset import DataView, store_shared_quads, view_of_store
from .dates import AsOf, resolve
from .report import (
    FINDING_OUTCOMES,
    MET,
    NOT_APPLICABLE,
    NOT_EVIDENCED,
    NOT_MET,
    SUPERSEDED,
    ValidationReport,
)
from .shapes import ShapeSet, ShapeSpec, load_shapes

_COLOURS = {MET: "#cdebc6", NOT_MET: "#f3b7b7", NOT_EVIDENCED: "#fbe3b0",
            NOT_APPLICABLE: "#e6e6e6", SUPERSEDED: "#cfd9f0"}


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
        return counts(self.cells.values())

    def report(self) -> ValidationReport:
        """The findings of every cell as a validation report (for --fail-on)."""
        return ValidationReport(as_of=self.as_of, authorities=self.authorities,
                                results=[f for c in self.cells.values() for f in c.findings])

    def reaches(self, fail_on: str) -> bool:
        return self.report().reaches(fail_on)

    def finding_outcomes(self) -> dict[str, int]:
        """Findings by outcome, as the validation report of the same data counts them."""
        out = dict.fromkeys(FINDING_OUTCOMES, 0)
        for c in self.cells.values():
            for f in c.findings:
                out[f.outcome] += 1
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
                            " | ".join([f"{f.outcome}: {f.message}" for f in c.shown()]
                                       + [f"met: {e.line()}" for e in c.evidence])])
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
                tip = ("\n".join([f"{f.outcome}: {f.message}" for f in c.shown()]
                                 + [f"shown by {e.line()}" for e in c.evidence]) or c.status)
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
            "<p>Hover over a cell for the findings (or, for a met cell, the records that show "
            "it). <em>not evidenced</em>: the documents are silent; <em>not met</em>: a "
            "document states the contrary, or a list it gives as complete leaves it out.</p>",
            f'<table><thead><tr><th>Authority</th>{head}</tr></thead><tbody>',
            *rows, "</tbody></table>", "</body>", "</html>"]) + "\n"


def audit_view(view: DataView, as_of: AsOf, shapes: ShapeSet | None = None, *,
               shared: Sequence[ox.Quad] | None = None) -> AuditMatrix:
    shape_set = shapes or load_shapes()
    active = [s for s in shape_set.shapes if not s.deactivated]

    def witnessed(used: DataView, original: DataView, cells: dict[tuple[str, str], Cell]
                  ) -> None:
        # The witnesses are read from the records the run could use on the day (records.py),
        # batch by batch: a met cell never cites a record from the future or a stale one.
        met_witnesses(used, active, cells, as_of.day, original)

    report = run_view(view, as_of, "fast", None, shape_set, shared=shared, each=witnessed)
    cells = report.cells
    provision_labels = labels_of(view, [p for s in active for p in s.provisions])
    return AuditMatrix(as_of=as_of.day, authorities=report.authorities, requirements=active,
                       cells=cells, provision_labels=provision_labels)


def audit_store(store: Store, *, as_of: dt.date | None = None,
                shapes: ShapeSet | None = None) -> AuditMatrix:
    """The compliance matrix of every authority in the store on the date (default today)."""
    return audit_view(view_of_store(store, None), resolve(as_of), shapes,
                      shared=store_shared_quads(store))


__all__ = ["MET", "NOT_APPLICABLE", "NOT_EVIDENCED", "NOT_MET", "STATUSES", "SUPERSEDED",
           "AuditMatrix", "Cell", "audit_store", "audit_view"]
