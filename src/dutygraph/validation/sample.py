"""A hand-checkable sample of the audit: findings drawn with a fixed seed from the shipped data.

    dutygraph audit --sample 30 --seed 7 --sample-out docs/audit-sample.md

The population is every assessment the shipped data give on the dates their documents
describe (each authority on each of its dg:asAt days): every finding (not met, not evidenced,
superseded) and every met requirement. Each drawn row names the authority and date, the
requirement and provision (with the guidance edition where there is one), the outcome, the
document locator an auditor can open (for not met: the contrary statement; for met: the record
the requirement applied to and found satisfied; for not evidenced: the documents that are
silent), and one line of why. tests/validation/test_sample.py recomputes each committed row and
fails when its outcome or edition has changed without the table being regenerated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import astuple, dataclass

from rdflib import URIRef

from ..store import EmbeddedStore, Store
from .api import labels_of, run_view, source_dates
from .dataset import view_of_store
from .dates import AsOf
from .evidence import (
    editions_of,
    evidence_of,
    in_force_guidance,
    judging_days,
    witness_evidence,
)
from .report import MET, Finding
from .shapes import ShapeSpec, load_shapes

SHAPE_PREFIX = "https://w3id.org/dutygraph/shape/"


@dataclass(frozen=True)
class Row:
    authority: str       # label
    as_of: str
    requirement: str     # the shape's slug
    about: str           # the focus (or, for a finding with a value, focus | value)
    outcome: str
    severity: str
    provisions: str      # citation labels
    edition: str         # guidance editions the finding names ("" for statute)
    locator: str         # where to look in the documents
    why: str

    def key(self) -> tuple[str, str, str, str]:
        return (self.authority, self.as_of, self.requirement, self.about)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "/").split())


def _slug(shape: str) -> str:
    return shape[len(SHAPE_PREFIX):] if shape.startswith(SHAPE_PREFIX) else shape


def _short(iri: str) -> str:
    return iri.replace("https://w3id.org/dutygraph/id/", "")


def _about(f: Finding) -> str:
    value = f.value if f.value not in (None, f.focus) else None
    return _short(f.focus) + (f" / {_short(value)}" if value else "")


def population(store: Store) -> list[Row]:
    """Every assessment of every authority on each day its documents describe."""
    rows: list[Row] = []
    whole = view_of_store(store, None)
    for authority in whole.authorities():
        for day in source_dates(whole, [authority]).get(str(authority), []):
            rows += _rows_for(store, authority, AsOf(dt.date.fromisoformat(day[:10])))
    return sorted(rows, key=Row.key)


def _rows_for(store: Store, authority: URIRef, as_of: AsOf) -> list[Row]:
    view = view_of_store(store, [authority])
    report = run_view(view, as_of, "fast", [authority])
    name = dict(report.authorities).get(str(authority), str(authority))
    days = [d for d in report.source_dates.get(str(authority), []) if d <= as_of.iso()]
    silent = ("silent: nothing in its documents of " + ", ".join(days)
              if days else "silent: no document on or before the date")
    specs = {str(s.iri): s for s in _shapes()}
    out = []
    met_nodes = [n for c in report.cells.values() if c.status == MET for n in c.satisfied]
    met_evidence = evidence_of(view, [URIRef(n) for n in met_nodes])
    witnessed = witness_evidence(view, list(specs.values()), {
        shape: c.satisfied for (_a, shape), c in report.cells.items() if c.status == MET})
    all_provisions = {p for s in specs.values() for p in s.provisions}
    labels = labels_of(view, [URIRef(n) for n in met_nodes] + list(all_provisions))
    guidance = in_force_guidance(view, all_provisions)
    editions = editions_of(view, all_provisions)
    judging = judging_days(view, [URIRef(n) for n in met_nodes], as_of)
    for (_a, shape), cell in sorted(report.cells.items()):
        spec = specs[shape]
        if cell.status == MET:
            for node in cell.satisfied:
                ev = witnessed.get((shape, node)) or met_evidence.get(node, [])
                cited = sorted(guidance.keep({str(p) for p in spec.provisions},
                                             judging.get(node, as_of.day)))
                out.append(Row(
                    authority=name, as_of=as_of.iso(), requirement=_slug(shape),
                    about=_short(node), outcome=MET, severity=spec.severity_name,
                    provisions="; ".join(sorted(labels.get(p, p) for p in cited)),
                    edition="; ".join(sorted({editions[p] for p in cited if p in editions})),
                    locator=_cell("; ".join(e.line() for e in ev) or "not recorded"),
                    why=f"met: {spec.label}; the records of {labels.get(node, node)} show it"))
        for f in cell.findings:
            locator = ("; ".join(e.line() for e in f.evidence) if f.evidence else silent)
            out.append(Row(
                authority=name, as_of=as_of.iso(), requirement=_slug(shape), about=_about(f),
                outcome=f.outcome, severity=f.severity,
                provisions="; ".join(f.provision_labels), edition="; ".join(f.editions),
                locator=_cell(locator), why=_cell(f.message)))
    return [Row(*(_cell(x) for x in astuple(r))) for r in out]


def _shapes() -> tuple[ShapeSpec, ...]:
    return load_shapes().shapes


def draw(rows: list[Row], n: int, seed: int) -> list[Row]:
    """n rows drawn without replacement by a seeded generator, in the population's order."""
    chosen = random.Random(seed).sample(range(len(rows)), min(n, len(rows)))
    return [rows[i] for i in sorted(chosen)]


HEADER = ["#", "authority", "as of", "requirement", "about", "outcome", "severity",
          "provision", "edition", "document locator", "why"]


def to_markdown(rows: list[Row], n: int, seed: int, total: int) -> str:
    lines = [
        "# Audit sample: findings to check by hand",
        "",
        f"{len(rows)} of the {total} assessments the shipped data give (every authority on each",
        "day its documents describe: every finding and every met requirement), drawn with",
        f"seed {seed}. Regenerate with `dutygraph audit --sample {n} --seed {seed} "
        "--sample-out docs/audit-sample.md`;",
        "tests/validation/test_sample.py fails when a row's outcome or edition changes and the",
        "table is not regenerated. Outcomes: **not met** only where a document states the",
        "contrary (the locator is that statement); **not evidenced** where the documents are",
        "silent; **met** names the record the requirement was found satisfied for.",
        "Seed files are data/sources/{stem}.ttl (and the text in the seeds folder).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for i, r in enumerate(rows, 1):
        cells = [str(i), r.authority, r.as_of, f"`{r.requirement}`", r.about, r.outcome,
                 r.severity, r.provisions, r.edition or "—", r.locator, r.why]
        lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def parse_markdown(text: str) -> list[Row]:
    """The rows of a table written by to_markdown (for the test that rechecks them)."""
    out = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("| #"):
            continue
        c = [x.strip() for x in line.strip().strip("|").split(" | ")]
        if len(c) != len(HEADER) or not c[0].isdigit():
            continue
        out.append(Row(authority=c[1], as_of=c[2], requirement=c[3].strip("`"), about=c[4],
                       outcome=c[5], severity=c[6], provisions=c[7],
                       edition="" if c[8] == "—" else c[8], locator=c[9], why=c[10]))
    return out


def repository_store() -> EmbeddedStore:
    from ..datasets import load_graphs, repository_files

    store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files()), drop_others=True)
    return store


def sample_markdown(n: int, seed: int, store: Store | None = None) -> str:
    rows = population(store or repository_store())
    return to_markdown(draw(rows, n, seed), n, seed, len(rows))
