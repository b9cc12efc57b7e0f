"""What an auditor reads: findings with labels and provisions, in four formats.

A Finding is one SHACL validation result made readable: the message names what is missing,
the focus has its label, and `provisions` lists the provisions that require it (the shape's
dcterms:source plus, where the result's value is a framework statement or Board partner kind,
the provision the framework says imposes or lists it). The report's `conforms` is SHACL's:
true only when there is no result of any severity.

Each finding also has an outcome, a separate axis from its severity: "not met" when a document
states the contrary (its evidence is that statement's source and paragraph), "not evidenced"
when the documents are silent, "superseded" when the law behind it had ended. Every format
shows the outcome first, and the counts by outcome; `requirements` counts the (authority,
requirement) cells the audit matrix would show for the same data and date, so the report and
the matrix are one computation (assessment.py).
"""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, PROV, RDF, SH, XSD

from ..namespaces import DG, bind_prefixes

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
SEVERITY_IRI = {"Violation": SH.Violation, "Warning": SH.Warning, "Info": SH.Info}
# The force of a requirement, as a reader should read the SHACL severity of its shape: a
# Violation shape checks a statutory "must", a Warning one statutory guidance's "should", an
# Info one good practice. It is never an outcome: a "not evidenced" must is not a breach.
FORCE = {"Violation": "must", "Warning": "should", "Info": "good practice"}
MET, NOT_MET, NOT_EVIDENCED, NOT_APPLICABLE, SUPERSEDED = (
    "met", "not met", "not evidenced", "not applicable", "superseded")
# A finding's outcomes, worst first; the matrix adds met and not applicable for cells.
FINDING_OUTCOMES = [NOT_MET, NOT_EVIDENCED, SUPERSEDED]
OUTCOME_IRI = {MET: DG.Met, NOT_MET: DG.NotMet, NOT_EVIDENCED: DG.NotEvidenced,
               NOT_APPLICABLE: DG.NotApplicable, SUPERSEDED: DG.Superseded}
OUTCOME_OF_IRI = {v: k for k, v in OUTCOME_IRI.items()}
# --fail-on: an outcome by name, or (kept from before outcomes) a severity.
FAIL_ON = ["not-met", "not-evidenced", "violation", "warning", "info"]


@dataclass(frozen=True)
class Evidence:
    """Where a finding's ground can be read: the document and its paragraph."""

    node: str          # the statement or record (a dg:Absence, a post, a report...)
    label: str
    source: str        # the source document's IRI ("" when the data do not say)
    source_label: str
    locator: str       # "para 2.10; Appendix 1" ("" when the data do not say)
    as_at: str         # the date of the document (dg:asAt), "" when undated

    def to_json_dict(self) -> dict[str, str]:
        return {"node": self.node, "label": self.label, "source": self.source,
                "source_label": self.source_label, "locator": self.locator,
                "as_at": self.as_at}

    def labelled(self, label: str) -> Evidence:
        return Evidence(self.node, label, self.source, self.source_label, self.locator,
                        self.as_at)

    def line(self) -> str:
        """The record with its document and that document's paragraphs ("DOCUMENT, PARA"):
        one line per document, so a paragraph is never shown under another document."""
        where = ", ".join(x for x in (self.source_label or self.source, self.locator) if x)
        label = self.label.replace("https://w3id.org/dutygraph/id/", "")
        return f"{label} ({where or 'no source recorded'})"


@dataclass(frozen=True)
class Finding:
    """One finding: what is missing, where, how serious, and which provisions require it."""

    severity: str
    message: str
    focus: str
    focus_label: str
    path: str | None
    shape: str
    provisions: list[str]
    authority: str | None
    outcome: str = NOT_EVIDENCED
    # The document statements a "not met" rests on (the contrary statement's locator).
    evidence: tuple[Evidence, ...] = field(default=(), compare=False)
    # The guidance editions (citation labels) the finding's guidance provisions belong to.
    editions: tuple[str, ...] = field(default=(), compare=False)
    # Not part of the JSON contract; used by the text, HTML and Turtle formats and the audit.
    value: str | None = field(default=None, compare=False)
    shape_label: str = field(default="", compare=False)
    authority_label: str = field(default="", compare=False)
    provision_labels: tuple[str, ...] = field(default=(), compare=False)  # as provisions
    group: tuple[str, ...] = field(default=(), compare=False)  # the shape's own citations
    rank: int = field(default=0, compare=False)  # the shape's place in the shapes' order

    def to_json_dict(self) -> dict[str, Any]:
        return {"outcome": self.outcome, "severity": self.severity, "message": self.message,
                "focus": self.focus, "focus_label": self.focus_label, "path": self.path,
                "shape": self.shape, "provisions": list(self.provisions),
                "authority": self.authority, "editions": list(self.editions),
                "evidence": [e.to_json_dict() for e in self.evidence]}

    def sort_key(self) -> tuple[Any, ...]:
        return (self.authority_label or "~", self.authority or "", self.rank, self.shape,
                SEVERITY_ORDER[self.severity],
                FINDING_OUTCOMES.index(self.outcome), self.provision_labels, self.focus,
                self.value or "", self.message)


@dataclass
class ValidationReport:
    """The findings of one validation run, and what was validated."""

    as_of: dt.date
    results: list[Finding]
    authorities: list[tuple[str, str]] = field(default_factory=list)  # (IRI, label)
    shape_count: int = 0
    engine: str = "fast"
    source_dates: dict[str, list[str]] = field(default_factory=dict)  # authority -> dg:asAt
    # (authority, requirement) cells by outcome: what the audit matrix shows for this run.
    requirements: dict[str, int] = field(default_factory=dict)
    # Local records left out because every document describing them is dated after as_of.
    ignored_records: int = 0
    # (authority, shape) -> assessment.Cell: the cells `requirements` counts (not in JSON).
    cells: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    @property
    def conforms(self) -> bool:
        return not self.results

    def outcomes(self) -> dict[str, int]:
        """Findings by outcome (not met, not evidenced, superseded)."""
        out = dict.fromkeys(FINDING_OUTCOMES, 0)
        for f in self.results:
            out[f.outcome] += 1
        return out

    def summary(self) -> dict[str, int]:
        counts = {"violations": 0, "warnings": 0, "infos": 0}
        names = {"Violation": "violations", "Warning": "warnings", "Info": "infos"}
        for f in self.results:
            counts[names[f.severity]] += 1
        for outcome, n in self.outcomes().items():
            counts[outcome.replace(" ", "_")] = n
        return counts

    def reaches(self, fail_on: str) -> bool:
        """Whether a finding reaches `fail_on`: an outcome by name (not-met; not-evidenced,
        which includes not met), or a severity (violation, warning, info: at least as
        serious)."""
        name = fail_on.strip().lower().replace("_", "-").replace(" ", "-")
        if name == "not-met":
            return any(f.outcome == NOT_MET for f in self.results)
        if name == "not-evidenced":
            return any(f.outcome in (NOT_MET, NOT_EVIDENCED) for f in self.results)
        limit = SEVERITY_ORDER[name.capitalize()]
        return any(SEVERITY_ORDER[f.severity] <= limit for f in self.results)

    def to_json_dict(self) -> dict[str, Any]:
        return {"conforms": self.conforms, "as_of": self.as_of.isoformat(),
                "summary": self.summary(), "outcomes": self.outcomes(),
                "requirements": dict(self.requirements),
                "ignored_records": self.ignored_records,
                "results": [f.to_json_dict() for f in self.results]}

    def outcome_line(self) -> str:
        o = self.outcomes()
        line = (f"Findings: {o[NOT_MET]} not met, {o[NOT_EVIDENCED]} not evidenced"
                + (f", {o[SUPERSEDED]} superseded" if o[SUPERSEDED] else ""))
        if self.requirements:
            line += "; requirements: " + ", ".join(
                f"{n} {k}" for k, n in self.requirements.items())
        return line

    def summary_line(self) -> str:
        s = self.summary()
        verdict = "conforms" if self.conforms else "does not conform"
        return (f"Summary: {self.outcome_line()}. By the force of the requirement: "
                f"{s['violations']} must, {s['warnings']} should, "
                f"{s['infos']} good practice; {verdict} to the law in force on "
                f"{self.as_of.isoformat()} ({len(self.authorities)} authority(ies), "
                f"{self.shape_count} shapes)")

    def _grouped(self) -> dict[tuple[str, str], dict[tuple[str, ...], list[Finding]]]:
        groups: dict[tuple[str, str], dict[tuple[str, ...], list[Finding]]] = defaultdict(
            lambda: defaultdict(list))
        for f in self.results:
            key = (f.authority or "", f.authority_label or "(no authority)")
            groups[key][(*f.group, f.shape_label)].append(f)
        return groups

    def to_text(self) -> str:
        lines = [f"dutygraph validation: the law in force on {self.as_of.isoformat()}"]
        if self.authorities:
            lines.append("Authorities validated: " + "; ".join(
                label for _iri, label in self.authorities))
        groups = self._grouped()
        labels = dict(self.authorities)
        for iri, label in self.authorities:
            if (iri, label) not in groups:
                groups[(iri, label)] = {}
        for (authority, label), by_group in sorted(
                groups.items(), key=lambda kv: (kv[0][1] == "(no authority)", kv[0][1], kv[0][0])):
            lines += ["", f"== {labels.get(authority, label)}"
                      + (f" <{authority}>" if authority else "")]
            dates = self.source_dates.get(authority)
            if dates:
                lines.append(f"   (its sources describe it as at {', '.join(dates)})")
                later = [d for d in dates if d > self.as_of.isoformat()]
                if later:
                    lines.append(f"   note: records dated {', '.join(later)}, after the as-of "
                                 "date, are left out (the documents did not yet exist)")
            if not by_group:
                lines.append("  no findings")
            for key, findings in by_group.items():
                group = key[:-1]
                lines.append(f"  -- {'; '.join(group) or '(no provision)'}: {key[-1]}")
                for f in findings:
                    lines.append(f"    [{f.outcome} | {FORCE[f.severity]}] {f.message}")
                    extra = [p for p in f.provision_labels if p not in group]
                    cites = f"; also cites {'; '.join(extra)}" if extra else ""
                    lines.append(f"        about {f.focus_label} <{f.focus}>{cites}")
                    if f.editions:
                        lines.append(f"        guidance edition: {'; '.join(f.editions)}")
                    for e in f.evidence:
                        lines.append(f"        evidence: {e.line()}")
        lines += ["", self.summary_line()]
        return "\n".join(lines) + "\n"

    def to_turtle(self) -> str:
        return self.to_graph().serialize(format="turtle")

    def to_graph(self) -> Graph:
        """The standard SHACL validation report graph, with each result's provisions."""
        g = Graph()
        bind_prefixes(g)
        report = BNode("report")
        g.add((report, RDF.type, SH.ValidationReport))
        g.add((report, SH.conforms, Literal(self.conforms)))
        g.add((report, DG.asOf, Literal(self.as_of.isoformat(), datatype=XSD.date)))
        for i, f in enumerate(self.results):
            r = BNode(f"result{i:05d}")
            g.add((report, SH.result, r))
            g.add((r, RDF.type, SH.ValidationResult))
            g.add((r, SH.focusNode, _term(f.focus)))
            g.add((r, SH.resultSeverity, SEVERITY_IRI[f.severity]))
            g.add((r, SH.sourceShape, URIRef(f.shape)))
            g.add((r, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
            g.add((r, SH.resultMessage, Literal(f.message)))
            g.add((r, DG.outcome, OUTCOME_IRI[f.outcome]))
            for e in f.evidence:
                g.add((r, PROV.wasDerivedFrom, URIRef(e.node)))
            if f.value is not None:
                g.add((r, SH.value, _term(f.value)))
            if f.path:
                g.add((r, SH.resultPath, URIRef(f.path)))
            for p in f.provisions:
                g.add((r, DCTERMS.source, URIRef(p)))
            if f.authority:
                g.add((r, DG.authority, URIRef(f.authority)))
        return g

    def to_html(self) -> str:
        esc = html.escape
        s = self.summary()
        parts = [
            "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
            f"<title>dutygraph validation report, {esc(self.as_of.isoformat())}</title>",
            f"<style>{_CSS}</style>", "</head>", "<body>",
            "<h1>Safeguarding arrangements: validation report</h1>",
            f"<p>The law in force on <strong>{esc(self.as_of.isoformat())}</strong>, applied to "
            f"{esc(', '.join(label for _i, label in self.authorities) or 'the data given')}.</p>",
            f'<p class="summary outcomes">{esc(self.outcome_line())}.</p>',
            f'<p class="summary">By the force of the requirement: {s["violations"]} must, '
            f"{s['warnings']} should, {s['infos']} good practice: "
            f"{'conforms' if self.conforms else 'does not conform'}.</p>",
        ]
        for (authority, label), by_provision in self._grouped().items():
            parts.append(f"<h2>{esc(label)}</h2>")
            if authority:
                parts.append(f'<p class="iri">{esc(authority)}</p>')
            dates = self.source_dates.get(authority)
            if dates:
                parts.append(f"<p>Its sources describe it as at {esc(', '.join(dates))}.</p>")
            parts.append("<table><thead><tr><th>Outcome</th><th>Provision</th><th>Severity</th>"
                         "<th>Finding</th><th>About</th></tr></thead><tbody>")
            for findings in by_provision.values():
                for f in findings:
                    prov = "<br>".join(
                        f'<a href="{esc(_page(p))}">{esc(lbl)}</a>'
                        for p, lbl in zip(f.provisions, f.provision_labels, strict=True))
                    ground = "".join(f'<div class="evidence">evidence: {esc(e.line())}</div>'
                                     for e in f.evidence)
                    parts.append(
                        f'<tr class="{esc(f.severity.lower())}">'
                        f'<td class="outcome {esc(f.outcome.replace(" ", "-"))}">'
                        f"{esc(f.outcome)}</td><td>{prov}</td>"
                        f"<td>{esc(FORCE[f.severity])}</td><td>{esc(f.message)}{ground}"
                        f'<div class="shape">{esc(f.shape_label)}</div></td>'
                        f'<td>{esc(f.focus_label)}<div class="iri">{esc(f.focus)}</div></td></tr>')
            parts.append("</tbody></table>")
        parts += [f'<p class="summary">{esc(self.summary_line())}</p>', "</body>", "</html>"]
        return "\n".join(parts) + "\n"

    def render(self, fmt: str) -> str:
        if fmt == "json":
            import json

            return json.dumps(self.to_json_dict(), indent=2, ensure_ascii=False) + "\n"
        if fmt == "text":
            return self.to_text()
        if fmt == "turtle":
            return self.to_turtle()
        if fmt == "html":
            return self.to_html()
        from ..errors import InputError

        raise InputError(f"unknown format '{fmt}' (use text, json, turtle or html)",
                         parameter="format")


def _page(iri: str) -> str:
    """legislation.gov.uk's readable page for an identifier IRI; other IRIs as they are."""
    return iri.replace("http://www.legislation.gov.uk/id/", "https://www.legislation.gov.uk/")


def _term(value: str) -> URIRef | BNode:
    return BNode(value[2:]) if value.startswith("_:") else URIRef(value)


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem;color:#1b1b1b;
max-width:80rem}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:2px solid #444}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #bbb;padding:.4rem;
vertical-align:top;text-align:left}th{background:#eee}
tr.violation td:nth-child(3){background:#f6c6c6;font-weight:bold}
tr.warning td:nth-child(3){background:#fbe3b0}tr.info td:nth-child(3){background:#cfe3f6}
td.not-met{background:#f3b7b7;font-weight:bold}td.not-evidenced{background:#fbe3b0}
td.superseded{background:#cfd9f0}.evidence{font-size:.8rem}
.iri,.shape{font-size:.75rem;color:#555;word-break:break-all}.summary{font-weight:bold}
"""
