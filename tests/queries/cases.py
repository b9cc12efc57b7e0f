"""Loading the query case files of tests/cases/queries: one YAML file per query and scenario.

A case gives `query`, `params`, optionally `data` (a Turtle file beside the cases, loaded with
the ontology; default: the repository's data), and `expect`:
  rows:   rows that must be in the answer (each a subset of some row's columns)
  absent: rows that must not be (no row may match all the given columns)
  count:  the exact number of rows
  error:  {parameter: NAME, contains: TEXT} for a case that must be refused
Values may be written as prefixed names (role:dcs, bromley:bscb) and YAML dates.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from dutygraph.namespaces import PREFIXES, authority_namespace

CASES = Path(__file__).resolve().parents[1] / "cases" / "queries"
DATA = CASES / "data"
_PREFIXED = re.compile(r"^([a-z][a-z0-9-]*):([^/\s].*)$")
LOCAL_PREFIXES = ("bromley", "harrow", "testshire")
KEYS = {"query", "params", "data", "expect", "stores", "about"}


def expand(value: Any) -> Any:
    """A prefixed name as its full IRI (known prefixes and authority slugs); else unchanged."""
    if isinstance(value, str):
        m = _PREFIXED.match(value)
        if m and m.group(1) in PREFIXES:
            return str(PREFIXES[m.group(1)]) + m.group(2)
        if m and m.group(1) in LOCAL_PREFIXES:
            return str(authority_namespace(m.group(1))) + m.group(2)
    return value


@dataclass
class Case:
    path: Path
    query: str
    params: dict[str, str]
    data: Path | None
    rows: list[dict[str, Any]] = field(default_factory=list)
    absent: list[dict[str, Any]] = field(default_factory=list)
    count: int | None = None
    error: dict[str, str] | None = None
    stores: tuple[str, ...] = ("memory", "embedded")

    @property
    def id(self) -> str:
        return self.path.stem


def _param(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def load_case(path: Path) -> Case:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict) or "query" not in raw or "expect" not in raw:
        raise ValueError(f"{path}: a case needs 'query' and 'expect'")
    unknown = set(raw) - KEYS
    if unknown:
        raise ValueError(f"{path}: unknown keys {sorted(unknown)}")
    expect = raw["expect"] or {}
    data = raw.get("data")
    return Case(
        path=path, query=raw["query"],
        params={k: _param(v) for k, v in (raw.get("params") or {}).items()},
        data=(DATA / data) if data else None,
        rows=[{k: expand(v) for k, v in r.items()} for r in expect.get("rows") or []],
        absent=[{k: expand(v) for k, v in r.items()} for r in expect.get("absent") or []],
        count=expect.get("count"), error=expect.get("error"),
        stores=tuple(raw.get("stores") or ("memory", "embedded")),
    )


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES.glob("*.yaml"))]


def matches(expected: dict[str, Any], record: dict[str, Any]) -> bool:
    return all(k in record and record[k] == v for k, v in expected.items())
