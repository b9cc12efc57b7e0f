"""Reading the data-driven validation cases (tests/cases/validation/<sentence>/).

Each case folder holds data.ttl (one authority's arrangements) and expected.yaml:

    as_of: 2013-05-07            # the day whose law applies
    findings: []                 # optional: exactly these findings (here: none, it conforms)
    must_include:                # optional: each entry matches at least one finding
      - shape: lscb-partner-representative     # a shape's slug (or full IRI)
        severity: Violation                    # Violation | Warning | Info
        focus: "testshire:lscb"                # prefixed or full IRI
        value: "pk:nhs-commissioning-board"    # the result's sh:value
        provision: "http://www.legislation.gov.uk/id/ukpga/2004/31/section/13/3/da"
        message: "text the message contains"
        outcome: not met                       # not met | not evidenced | superseded
        edition: "WT 2015"                     # a guidance edition the finding names
        evidence: "para 4.2"                   # text one of its evidence lines contains
    must_not_include:            # optional: each entry matches no finding
      - shape: lscb-superseded

An entry matches a finding when every key it gives matches; keys it leaves out match anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dutygraph.validation import Finding

CASES_DIR = Path(__file__).resolve().parents[1] / "cases" / "validation"
SHAPE_NS = "https://w3id.org/dutygraph/shape/"
PREFIXES = {
    "la": "https://w3id.org/dutygraph/id/authority/",
    "testshire": "https://w3id.org/dutygraph/id/authority/testshire/",
    "bromley": "https://w3id.org/dutygraph/id/authority/bromley/",
    "harrow": "https://w3id.org/dutygraph/id/authority/harrow/",
    "pk": "https://w3id.org/dutygraph/id/partner-kind/",
    "fn": "https://w3id.org/dutygraph/id/function/",
    "role": "https://w3id.org/dutygraph/id/role/",
    "duty": "https://w3id.org/dutygraph/id/duty/",
    "link": "https://w3id.org/dutygraph/id/link/",
    "gd": "https://w3id.org/dutygraph/id/guidance/",
    "leg": "http://www.legislation.gov.uk/id/",
    "shape": SHAPE_NS,
}
KEYS = {"shape", "severity", "focus", "value", "provision", "message", "outcome", "edition",
        "evidence"}


def expand(value: str) -> str:
    if "://" in value:
        return value
    prefix, sep, rest = value.partition(":")
    if sep and prefix in PREFIXES:
        return PREFIXES[prefix] + rest
    return value


@dataclass
class Case:
    name: str
    folder: Path
    as_of: dt.date
    exact: list[dict[str, str]] | None
    include: list[dict[str, str]] = field(default_factory=list)
    exclude: list[dict[str, str]] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.folder / "data.ttl"


def _entries(raw: Any, where: str) -> list[dict[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError(f"{where}: expected a list")
    out = []
    for entry in raw:
        if not isinstance(entry, dict) or not entry or set(entry) - KEYS:
            raise ValueError(f"{where}: entries need some of {sorted(KEYS)}, got {entry!r}")
        out.append({k: str(v) for k, v in entry.items()})
    return out


def load_case(folder: Path) -> Case:
    spec = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    as_of = spec["as_of"]
    if not isinstance(as_of, dt.date):
        as_of = dt.date.fromisoformat(str(as_of))
    exact = _entries(spec["findings"], f"{folder}: findings") if "findings" in spec else None
    return Case(folder.name, folder, as_of, exact,
                _entries(spec.get("must_include"), f"{folder}: must_include"),
                _entries(spec.get("must_not_include"), f"{folder}: must_not_include"))


def all_cases() -> list[Case]:
    return [load_case(d) for d in sorted(CASES_DIR.iterdir()) if (d / "expected.yaml").is_file()]


def matches(entry: dict[str, str], f: Finding) -> bool:
    shape = entry.get("shape")
    if shape is not None and f.shape != (shape if "://" in shape else SHAPE_NS + shape):
        return False
    if "severity" in entry and f.severity != entry["severity"]:
        return False
    if "focus" in entry and f.focus != expand(entry["focus"]):
        return False
    if "value" in entry and f.value != expand(entry["value"]):
        return False
    if "provision" in entry and expand(entry["provision"]) not in f.provisions:
        return False
    if "outcome" in entry and f.outcome != entry["outcome"]:
        return False
    if "edition" in entry and entry["edition"] not in f.editions:
        return False
    if "evidence" in entry and not any(entry["evidence"] in e.line() for e in f.evidence):
        return False
    return not ("message" in entry and entry["message"] not in f.message)


def problems(case: Case, findings: list[Finding]) -> list[str]:
    """What is wrong with these findings for this case (empty when they are as expected)."""
    out = []

    def show(f: Finding) -> str:
        shape = f.shape.rsplit("/", 1)[-1]
        return (f"{f.outcome} | {f.severity} {shape} on {f.focus} (value {f.value}; editions "
                f"{list(f.editions)}; evidence {[e.line() for e in f.evidence]}): {f.message}")

    if case.exact is not None:
        for f in findings:
            if not any(matches(e, f) for e in case.exact):
                out.append(f"unexpected finding: {show(f)}")
        for e in case.exact:
            if not any(matches(e, f) for f in findings):
                out.append(f"missing finding: {e}")
    for e in case.include:
        if not any(matches(e, f) for f in findings):
            out.append(f"missing finding: {e}")
    for e in case.exclude:
        for f in findings:
            if matches(e, f):
                out.append(f"finding that should not be there ({e}): {show(f)}")
    return out
