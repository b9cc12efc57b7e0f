"""The verification record in docs/ is current and covers every fact that carries a status.

docs/verification-facts.md is generated from the data (docs/verification_record.py); a fact
whose status, dates or source changes without the record being regenerated fails here, and so
does a record that names a fact the data no longer has.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest
from rdflib import Graph, URIRef

from dutygraph import paths
from dutygraph.namespaces import DG
from dutygraph.rdfio import parse_file

DOCS = paths.root() / "docs"


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verification_record",
                                                  DOCS / "verification_record.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def record() -> str:
    text: str = (DOCS / "verification-facts.md").read_text(encoding="utf-8")
    return text


def _framework(stem: str) -> Graph:
    graph: Graph = parse_file(paths.data_dir() / "framework" / f"{stem}.ttl")
    return graph


def test_the_record_is_what_the_generator_makes_from_the_data_today(record: str) -> None:
    assert record == _generator().render(), (
        "docs/verification-facts.md is stale: run .venv/bin/python docs/verification_record.py")


@pytest.mark.parametrize("stem", ["ca2004", "ca1989", "lscb-regs-2006", "wt2013", "dcs-lmcs",
                                  "instruments", "partner-kinds", "roles"])
def test_every_fact_with_a_verification_status_has_a_row_and_every_row_a_fact(
        record: str, stem: str) -> None:
    graph = _framework(stem)
    facts = {str(s) for s in _generator().lscb_era_facts(graph)}
    # (s16E-16Q facts in ca2004.ttl are left to the post-2017 record)
    everything = {str(s) for s in graph.subjects(DG.verification, None) if isinstance(s, URIRef)}
    assert all("16e" in f.lower() or "16" in f for f in everything - facts)
    section = record.split(f"### data/framework/{stem}.ttl", 1)[1].split("\n### ", 1)[0]
    rows = set(re.findall(r"^\| [^|]+ \| `([^`]+)` \|", section, flags=re.M))
    assert rows == facts


def test_every_row_names_a_source_and_how_sure(record: str) -> None:
    rows = [line for line in record.splitlines()
            if line.startswith("| ") and not line.startswith("| fact")]
    assert rows
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[3], row  # source
        assert any(tag in row for tag in ("[V]", "[V-2]", "[M]", "[?]", "[X]")), row


def test_no_file_in_the_repository_points_at_the_fact_sheet_outside_it() -> None:
    root = paths.root()
    offenders = []
    for folder in ("data", "ontology", "docs"):
        for path in (root / folder).rglob("*"):
            # (docs/HELPERS.md is the engineers' working rules, not a source of facts.)
            wanted = path.is_file() and path.suffix in {".ttl", ".md", ".py"} \
                and path.name != "HELPERS.md"
            if wanted and "legal-framework.md" in path.read_text(encoding="utf-8",
                                                                 errors="ignore"):
                offenders.append(str(path.relative_to(root)))
    if "legal-framework.md" in Path(root / "README.md").read_text(encoding="utf-8"):
        offenders.append("README.md")
    assert offenders == []
