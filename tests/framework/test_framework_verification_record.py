"""The verification record in docs/ is current and covers every fact that carries a status.

docs/verification-facts.md is generated from the data (docs/verification_record.py); a fact
whose status, dates or source changes without the record being regenerated fails here, and so
does a record that names a fact the data no longer has.
"""

from __future__ import annotations

import importlib.util
import re
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


LSCB_ERA = ("ca2004", "ca1989", "lscb-regs-2006", "wt2013", "dcs-lmcs", "instruments",
            "partner-kinds", "roles")


@pytest.mark.parametrize("stem", LSCB_ERA)
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
    # The LSCB-era data, the local data, the ontology, the README and this record: a clone
    # without ../shared must still show where each fact comes from. (The post-2017 files keep
    # their own record.)
    root = paths.root()
    files = [paths.data_dir() / "framework" / f"{stem}.ttl" for stem in LSCB_ERA]
    files += sorted(p for p in (paths.data_dir() / "local").rglob("*.ttl") if p.stem[:3].isdigit())
    files += sorted(p for p in (paths.data_dir() / "sources").glob("*.ttl") if p.stem[:3].isdigit())
    files += sorted((root / "ontology").glob("*"))
    files += [root / "README.md", DOCS / "verification.md", DOCS / "verification-facts.md"]
    offenders = [str(p.relative_to(root)) for p in files
                 if p.is_file() and "legal-framework" in p.read_text(encoding="utf-8")]
    assert offenders == []
