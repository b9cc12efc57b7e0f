"""Each partnership-era provision has the dates and the verification the record gives it
(tests/amendments/provisions.yaml, from docs/verification-2017-2026.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, Literal, URIRef

from dutygraph.namespaces import DG, ELI

ROWS: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "provisions.yaml").read_text(encoding="utf-8"))
LEG = "http://www.legislation.gov.uk/id/"


def _day(graph: Graph, subject: URIRef, prop: URIRef) -> dt.date | None:
    value = graph.value(subject, prop)
    return value.toPython() if isinstance(value, Literal) else None


@pytest.mark.parametrize("row", ROWS, ids=[r["sentence"] for r in ROWS])
def test_each_provision_has_its_recorded_dates_and_verification(
        row: dict[str, Any], framework: Graph) -> None:
    provision = URIRef(LEG + row["provision"])
    assert (provision, None, None) in framework, provision
    assert _day(framework, provision, ELI.first_date_entry_in_force) == row["from"]
    assert framework.value(provision, DG.verification) == DG[row["verification"]]
    if row["from"] is None:  # enacted, awaiting commencement: says so, with its day of passing
        assert framework.value(provision, ELI.in_force) == ELI["InForce-notInForce"]
        assert _day(framework, provision, ELI.date_document) == row["enacted"]


def test_every_provision_of_the_partnership_files_is_in_the_table(framework: Graph) -> None:
    listed = {LEG + r["provision"] for r in ROWS}
    sections = {"16A", "16B", "16E", "16F", "16G", "16M", "16Q"}
    for section in sections:
        assert any(p.startswith(f"{LEG}ukpga/2004/31/section/{section}") for p in listed), section
