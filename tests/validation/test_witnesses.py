"""A "met" cell cites the records that satisfied it (each shape's dg:witness query).

The audit review found met rows pointing at the partnership record when the fact that
satisfied them was elsewhere (rows 18 and E4: relevant agencies "met" on the partners'
locators). Each shape that can be met names its evidence: here, every such shape has a
witness query, and on Bromley's real data each partnership shape's met cell cites the record
that shows it on that day (the latest arrangements, the latest yearly report, the ICB rather
than the CCG it replaced, the schools it includes).
"""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from dutygraph.store import Store
from dutygraph.validation.audit import MET, audit_store
from dutygraph.validation.shapes import ShapeSpec, load_shapes

BROMLEY = "https://w3id.org/dutygraph/id/authority/bromley"
B = BROMLEY + "/"
DG = "https://w3id.org/dutygraph/def#"
# The witness queries run on the view the shapes saw, without records from after the day
# (validation/records.py), so on an earlier day a met cell never cites a later record.


def _shapes() -> list[ShapeSpec]:
    return sorted(load_shapes().shapes, key=lambda s: str(s.iri))


def _can_be_met(spec: ShapeSpec) -> bool:
    """A shape whose findings only ever report a superseded arrangement is never "met"."""
    return str(spec.outcome) != DG + "Superseded"


@pytest.mark.parametrize("spec", [s for s in _shapes() if _can_be_met(s)],
                         ids=lambda s: str(s.iri).rsplit("/", 1)[-1])
def test_every_shape_that_can_be_met_names_the_records_that_meet_it(spec: ShapeSpec) -> None:
    assert spec.witness, f"{spec.iri} has no dg:witness"
    head = spec.witness.split("WHERE", 1)[0]
    assert "$this" in head and "?witness" in head
    prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in spec.constraints[0].prefixes)
    prepareQuery(prefixes + spec.witness.replace("$this", "?this"))


def _evidence_nodes(store: Store, day: dt.date, slug: str) -> set[str]:
    matrix = audit_store(store, as_of=day)
    shape = next(s for s in matrix.requirements if str(s.iri).endswith("/" + slug))
    cell = matrix.cell(BROMLEY, shape)
    assert cell.status == MET, (slug, day, cell.status)
    return {e.node for e in cell.evidence}


@pytest.mark.parametrize(("day", "slug", "shown", "not_shown"), [
    # Relevant agencies: the schools the arrangements include, not the partnership record.
    (dt.date(2026, 12, 7), "partnership-relevant-agencies", {B + "schools"}, {B + "bscp"}),
    # Partners: the ICB from the day its record exists, the CCG before; never both.
    (dt.date(2026, 12, 7), "partnership-partners-named",
     {B + "bscp", B + "sel-icb", B + "met-police-south-bcu"}, {B + "bromley-ccg"}),
    pytest.param(dt.date(2020, 1, 1), "partnership-partners-named",
                 {B + "bscp", B + "bromley-ccg", B + "met-police-south-bcu"}, {B + "sel-icb"}),
    # Arrangements: the latest published on or before the day.
    (dt.date(2026, 12, 7), "partnership-arrangements-published",
     {B + "arrangements-2023"}, {B + "arrangements-2019"}),
    pytest.param(dt.date(2020, 1, 1), "partnership-arrangements-published",
                 {B + "arrangements-2019"}, {B + "arrangements-2023"}),
    # The yearly report published within the twelve months.
    (dt.date(2025, 12, 1), "partnership-yearly-report", {B + "yearly-report-2024-25"}, set()),
    # Independent scrutiny: the link that records it.
    (dt.date(2026, 12, 7), "partnership-independent-scrutiny",
     {B + "link-bscp-scrutinised-by-independent-chair"}, set()),
    # The area's arrangements: the partnership itself.
    (dt.date(2020, 1, 1), "safeguarding-partner-arrangements", {B + "bscp"}, set()),
])
def test_a_met_partnership_requirement_cites_the_record_that_meets_it_on_the_day(
    embedded_store: Store, day: dt.date, slug: str, shown: set[str], not_shown: set[str],
) -> None:
    nodes = _evidence_nodes(embedded_store, day, slug)
    assert shown <= nodes, nodes
    assert not nodes & not_shown, nodes


def test_the_witness_queries_are_plain_sparql_over_the_shapes_prefixes() -> None:
    # The shapes' own prefixes declare every prefix a witness uses (role:, org:, dg:).
    graph = Graph()
    for spec in _shapes():
        if spec.witness and spec.constraints:
            for p, ns in spec.constraints[0].prefixes:
                graph.bind(p, ns)
    names = {p for p, _ in graph.namespaces()}
    assert {"dg", "org", "role"} <= names
