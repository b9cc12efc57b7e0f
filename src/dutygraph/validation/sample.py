"""A hand-checkable sample of the audit: findings drawn with a fixed seed from the shipped data.

    dutygraph audit --sample 30 --seed 7 --sample-out docs/audit-sample.md

The population is every assessment the shipped data give on the dates their documents
describe (each authority on each of its dg:asAt days): every finding (not met, not evidenced,
superseded) and every met requirement. Each drawn row names the authority and date, the
requirement, the force of the requirement (must, should, good practice: not an outcome), the
provision (with the guidance edition in force on the day where there is one), the outcome,
the document locator an auditor can open (for not met: the contrary statement; for met: the
record that satisfied it, marked when it rests only on the council's own general claim of
compliance; for not evidenced: the documents of the day that record nothing of it, and any
claim of compliance that does not cover it), and one line of why (with the latest record and
its age when the only record is older than its window: records.py).
tests/validation/test_sample.py recomputes each committed row and fails when its outcome or
edition has changed without the table being regenerated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import astuple, dataclass, replace

from rdflib import URIRef

from ..queries.internal import internal_text
from ..store import Store, repository_store
from .api import labels_of, run_view, source_dates
from .assessment import STALE_NOTE, contrary_only
from .dataset import DataView, view_of_store
from .dates import AsOf
from .evidence import (
    CLAIM_NOTE,
    UNCERTAIN_NOTE,
    Considered,
    considered_for,
    considered_statements,
    evidence_of,
    in_force_guidance,
    witness_evidence,
)
from .records import age, without_future_records
from .report import FORCE, MET, NOT_EVIDENCED, Evidence, Finding
from .shapes import ShapeSpec, load_shapes

SHAPE_PREFIX = "https://w3id.org/dutygraph/shape/"


@dataclass(frozen=True)
class Row:
    authority: str       # label
    as_of: str
    requirement: str     # the shape's slug
    about: str           # the focus (or, for a finding with a value, focus | value)
    outcome: str
    force: str           # must / should / good practice: the requirement's force, not an outcome
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


def claims_about(view: DataView, nodes: list[URIRef]) -> dict[str, list[tuple[str, set[str]]]]:
    """Body -> its compliance claims in the view: (the claim's paragraph, the kinds covered)."""
    if not nodes:
        return {}
    found: dict[tuple[str, str], tuple[str, set[str]]] = {}
    for r in view.select(internal_text("compliance-claims", {"focus": nodes})):
        key = (str(r["focus"]), str(r["claim"]))
        _loc, kinds = found.setdefault(key, (str(r["loc"]), set()))
        if "kind" in r:
            kinds.add(str(r["kind"]))
    out: dict[str, list[tuple[str, set[str]]]] = {}
    for (focus, _claim), entry in sorted(found.items()):
        out.setdefault(focus, []).append(entry)
    return out


def _silent(f: Finding, days: list[str], claims: dict[str, list[tuple[str, set[str]]]],
            as_of: AsOf, considered: list[Considered]) -> str:
    """Where a not-evidenced finding was looked for: a passage that speaks to the point and
    why it is not evidence; or the record older than its window that would have shown it;
    or else the documents of the day (with their exact age), and any claim of compliance
    about the focus that does not cover what is missing."""
    if considered:
        text = "; ".join(f"not evidenced: {c.line()}" for c in considered)
    elif STALE_NOTE in f.message:
        stale = f.message.split(STALE_NOTE, 1)[1].split(" Not evidenced:", 1)[0]
        text = stale.strip().rstrip(".")
    elif not days:
        return "no document on or before the date"
    else:
        aged = []
        for d in days:
            then = dt.date.fromisoformat(d)
            aged.append(d + (f" ({age(then, as_of.day)} before)" if then < as_of.day else ""))
        text = "no record of it in its documents of " + ", ".join(aged)
    missing = f.value if f.value and f.value != f.focus else None
    for loc, kinds in claims.get(f.focus, []):
        # Named only beside a kind of the sort the claim covers (a partner kind, a role).
        if missing and missing not in kinds and any(
                k.rsplit("/", 1)[0] == missing.rsplit("/", 1)[0] for k in kinds):
            text += f"; the council's claim of compliance ({loc}) does not cover {_short(missing)}"
    return text


def _met_why(spec: ShapeSpec, ev: list[Evidence], label: str, names: dict[str, str]) -> str:
    claimed = [e for e in ev if CLAIM_NOTE in e.label]
    if ev and len(claimed) == len(ev):
        where = "; ".join(sorted({e.locator for e in claimed}))
        return (f"met on the council's own statement ({where}): {spec.label}; "
                "the document names no member")
    if not spec.witness:
        return (f"met: {spec.label}; the requirement names no satisfying record (no witness "
                f"query), so the locator is the record of {label} it was found satisfied for")
    if not ev:
        return f"met: {spec.label}; no satisfying record of {label} is named"
    shown = "; ".join(sorted({names.get(e.node, _short(e.node)) for e in ev}))
    doubt = ("; the record is marked uncertain (data/local: dg:verification dg:Uncertain)"
             if any(UNCERTAIN_NOTE in e.label for e in ev) else "")
    return f"met: {spec.label}; shown by: {shown}{doubt}"


def _rows_for(store: Store, authority: URIRef, as_of: AsOf) -> list[Row]:
    view = view_of_store(store, [authority])
    report = run_view(view, as_of, "fast", [authority])
    used, _left_out = without_future_records(view, as_of)
    name = dict(report.authorities).get(str(authority), str(authority))
    days = [d for d in report.source_dates.get(str(authority), []) if d <= as_of.iso()]
    specs = {str(s.iri): s for s in _shapes()}
    out: list[Row] = []
    met_nodes = [n for c in report.cells.values() if c.status == MET for n in c.satisfied]
    met_evidence = evidence_of(used, [URIRef(n) for n in met_nodes], as_of.day, view)
    witnessed = witness_evidence(used, list(specs.values()), {
        shape: c.satisfied for (_a, shape), c in report.cells.items() if c.status == MET},
        as_of.day, view)
    all_provisions = {p for s in specs.values() for p in s.provisions}
    labels = labels_of(used, [URIRef(n) for n in met_nodes] + list(all_provisions))
    guidance = in_force_guidance(used, all_provisions)
    names = labels_of(used, [URIRef(e.node) for evs in witnessed.values() for e in evs])
    claims = claims_about(used, sorted({URIRef(f.focus) for f in report.results
                                        if f.outcome == NOT_EVIDENCED
                                        and not f.focus.startswith("_:")}))
    considered = considered_statements(used, sorted({URIRef(f.focus) for f in report.results
                                                     if f.outcome == NOT_EVIDENCED
                                                     and not f.focus.startswith("_:")}))
    # One row per finding: a paired requirement answered by another's finding is named in
    # that finding's row, so the sample cannot draw one finding twice.
    row_of: dict[int, int] = {}
    answered: list[tuple[str, Finding]] = []
    met_rows: list[tuple[ShapeSpec, str, int]] = []
    for (_a, shape), cell in sorted(report.cells.items()):
        spec = specs[shape]
        if cell.status == MET:
            for node in cell.satisfied:
                ev = (witnessed.get((shape, node), []) if spec.witness
                      else met_evidence.get(node, []))
                cited = sorted(guidance.keep({str(p) for p in spec.provisions}, as_of.day))
                met_rows.append((spec, node, len(out)))
                out.append(Row(
                    authority=name, as_of=as_of.iso(), requirement=_slug(shape),
                    about=_short(node), outcome=MET, force=FORCE[spec.severity_name],
                    provisions="; ".join(sorted(labels.get(p, p) for p in cited)),
                    edition="; ".join(sorted({guidance.labels[p] for p in cited
                                              if p in guidance.labels})),
                    locator=_cell("; ".join(e.line() for e in ev) or "not recorded"),
                    why=_met_why(spec, ev, labels.get(node, node), names)))
        if not cell.findings:
            answered += [(shape, f) for f in cell.answered]
        for f in cell.findings:
            value = f.value if f.value and f.value != f.focus else None
            locator = ("; ".join(e.line() for e in f.evidence) if f.evidence
                       else _silent(f, days, claims, as_of,
                                    considered_for(considered, f.focus, value, f.shape)))
            row_of[id(f)] = len(out)
            out.append(Row(
                authority=name, as_of=as_of.iso(), requirement=_slug(shape), about=_about(f),
                outcome=f.outcome, force=FORCE[f.severity],
                provisions="; ".join(f.provision_labels), edition="; ".join(f.editions),
                locator=_cell(locator), why=_cell(f.message)))
    drop = _pair_met_rows(out, met_rows)
    for shape, f in answered:
        i = row_of.get(id(f))
        if i is None:
            raise ValueError(f"{_slug(shape)} is answered by a finding with no row: {f.message}")
        out[i] = replace(out[i], requirement=f"{out[i].requirement} + {_slug(shape)}")
    return [Row(*(_cell(x) for x in astuple(r))) for n, r in enumerate(out)
            if n not in drop]


def _pair_met_rows(out: list[Row], met_rows: list[tuple[ShapeSpec, str, int]]) -> set[int]:
    """A contrary-only requirement (chair not lacking independence, Lead Member not a full
    member) met on the same record as its paired requirement (a shape sharing a provision,
    met for the same focus on the same documents) is the same finding: it is named in the
    pair's row and its own row dropped."""
    drop: set[int] = set()
    for spec, node, i in met_rows:
        if not contrary_only(spec):
            continue
        pair = next((j for other, n, j in met_rows if n == node and j != i
                     and out[j].locator == out[i].locator
                     and not contrary_only(other)
                     and set(other.provisions) & set(spec.provisions)), None)
        if pair is not None:
            out[pair] = replace(out[pair],
                                requirement=f"{out[pair].requirement} + {_slug(str(spec.iri))}")
            drop.add(i)
    return drop


def _shapes() -> tuple[ShapeSpec, ...]:
    return load_shapes().shapes


def draw(rows: list[Row], n: int, seed: int) -> list[Row]:
    """n rows drawn without replacement by a seeded generator, in the population's order."""
    chosen = random.Random(seed).sample(range(len(rows)), min(n, len(rows)))
    return [rows[i] for i in sorted(chosen)]


HEADER = ["#", "authority", "as of", "requirement", "about", "outcome", "force",
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
        "contrary (the locator is that statement); **not evidenced** where no document of the",
        "day shows it: the locator cites a passage that speaks to the point and says why it is",
        "not evidence (dg:notEvidenceBecause), or names the latest record and its exact age when",
        "it is older than its window (data/local/record-windows.ttl), or else the documents of",
        "the day; **met** names the record that satisfied the requirement, says when it rests",
        "only on the council's own general claim of compliance, and when the record is marked",
        "uncertain. One row per finding: a paired requirement answered by the same finding is",
        "named in its row (`a + b`).",
        "**force** is the requirement's (must: statute; should: statutory guidance; good",
        "practice), not an outcome. The edition is the guidance in force on the as-of day.",
        "Seed files are data/sources/{stem}.ttl (and the text in the seeds folder).",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for i, r in enumerate(rows, 1):
        cells = [str(i), r.authority, r.as_of, f"`{r.requirement}`", r.about, r.outcome,
                 r.force, r.provisions, r.edition or "—", r.locator, r.why]
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
                       outcome=c[5], force=c[6], provisions=c[7],
                       edition="" if c[8] == "—" else c[8], locator=c[9], why=c[10]))
    return out


def sample_markdown(n: int, seed: int, store: Store | None = None) -> str:
    rows = population(store or repository_store())
    return to_markdown(draw(rows, n, seed), n, seed, len(rows))
