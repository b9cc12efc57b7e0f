"""Who the Board partners of CA 2004 s13(3) were on a given day, answered from the framework.

Expectations follow shared/reference/legal-framework.md section 1.1: SHAs and PCTs through
31 March 2013; the NHS Commissioning Board and CCGs from 1 April 2013; Cafcass throughout;
lay members and schools never.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import Graph

from dutygraph.namespaces import DG, PK, PL

from .framework_sparql import IN_FORCE_ON_DAY, Select

KINDS_ON_DAY = """
SELECT ?kind WHERE {
    ?s skos:inScheme dg:BoardPartnerKinds .
    BIND (?s AS ?kind)
""" + IN_FORCE_ON_DAY + "}"

LIST_ON_DAY = """
SELECT ?list WHERE {
    ?s a dg:BoardPartnerList .
    BIND (?s AS ?list)
""" + IN_FORCE_ON_DAY + "}"

ENACTED = {"district-council", "police", "probation-board", "youth-offending-team",
           "strategic-health-authority", "primary-care-trust", "nhs-trust", "connexions",
           "cafcass", "secure-training-centre", "prison"}
APRIL_2013 = {"district-council", "police", "probation-board",
              "secretary-of-state-offender-management", "probation-provider",
              "youth-offending-team", "nhs-commissioning-board", "clinical-commissioning-group",
              "nhs-trust", "connexions", "cafcass", "secure-training-centre", "prison"}


def _kinds(select: Select, day: date) -> set[str]:
    return {str(row.kind).rsplit("/", 1)[1] for row in select(KINDS_ON_DAY, day=day)}


def _list_members(graph: Graph, slug: str) -> set[str]:
    return {str(k).rsplit("/", 1)[1] for k in graph.objects(PL[slug], DG.includesPartnerKind)}


def test_cafcass_is_a_board_partner_both_as_enacted_and_as_at_1_april_2013(
    framework_graph: Graph, select: Select,
) -> None:
    assert "cafcass" in _list_members(framework_graph, "s13-3-enacted")
    assert "cafcass" in _list_members(framework_graph, "s13-3-2013-04-01")
    for day in (date(2006, 4, 1), date(2013, 3, 31), date(2013, 4, 1), date(2019, 9, 29)):
        assert "cafcass" in _kinds(select, day), day


def test_primary_care_trusts_stop_being_board_partners_on_1_april_2013(select: Select) -> None:
    assert "primary-care-trust" in _kinds(select, date(2013, 3, 31))
    assert "primary-care-trust" not in _kinds(select, date(2013, 4, 1))


def test_strategic_health_authorities_stop_being_board_partners_on_1_april_2013(
    select: Select,
) -> None:
    assert "strategic-health-authority" in _kinds(select, date(2013, 3, 31))
    assert "strategic-health-authority" not in _kinds(select, date(2013, 4, 1))


def test_the_nhs_commissioning_board_and_ccgs_become_board_partners_on_1_april_2013(
    select: Select,
) -> None:
    before, after = _kinds(select, date(2013, 3, 31)), _kinds(select, date(2013, 4, 1))
    for kind in ("nhs-commissioning-board", "clinical-commissioning-group"):
        assert kind not in before
        assert kind in after


def test_the_two_lists_hold_the_kinds_the_reference_gives(framework_graph: Graph) -> None:
    assert _list_members(framework_graph, "s13-3-enacted") == ENACTED
    assert _list_members(framework_graph, "s13-3-2013-04-01") == APRIL_2013


@pytest.mark.parametrize(("day", "expected"), [
    (date(2006, 3, 31), set()),
    (date(2006, 4, 1), {"s13-3-enacted"}),
    (date(2013, 3, 31), {"s13-3-enacted"}),
    (date(2013, 4, 1), {"s13-3-2013-04-01"}),
    (date(2019, 9, 29), {"s13-3-2013-04-01"}),
    (date(2019, 9, 30), set()),
])
def test_exactly_one_partner_list_is_in_force_on_any_day_of_the_lscb_era(
    day: date, expected: set[str], select: Select,
) -> None:
    assert {str(r.list).rsplit("/", 1)[1] for r in select(LIST_ON_DAY, day=day)} == expected


@pytest.mark.parametrize(("day", "expected"), [
    (date(2007, 1, 1), ENACTED),
    # Paragraph (c) is still in the 2013 text, but no local probation board existed after
    # 31 March 2010: the probation partners are then (ca) and (cb).
    (date(2013, 5, 7), APRIL_2013 - {"probation-board"}),
    (date(2019, 9, 30), set()),
])
def test_the_partner_kinds_in_force_on_a_day_match_that_days_list(
    day: date, expected: set[str], select: Select,
) -> None:
    assert _kinds(select, day) == expected


def test_lay_members_and_schools_are_members_but_not_board_partner_kinds(
    framework_graph: Graph,
) -> None:
    kinds = {str(k) for k in framework_graph.subjects(None, DG.BoardPartnerKinds)}
    assert not [k for k in kinds if "lay" in k or "school" in k]


def test_police_and_cafcass_exist_for_every_area_but_district_councils_only_in_two_tier_areas(
    framework_graph: Graph,
) -> None:
    assert framework_graph.value(PK["police"], DG.requiredWhen) == DG.EveryArea
    assert framework_graph.value(PK["cafcass"], DG.requiredWhen) == DG.EveryArea
    assert framework_graph.value(PK["district-council"], DG.requiredWhen) == DG.WhereInArea
    assert framework_graph.value(PK["prison"], DG.requiredWhen) == DG.WhereInArea


def test_the_content_of_paragraphs_da_and_db_is_marked_unverified(framework_graph: Graph) -> None:
    for kind in ("nhs-commissioning-board", "clinical-commissioning-group"):
        assert framework_graph.value(PK[kind], DG.verification) == DG.Unverified


@pytest.mark.parametrize(("day", "kinds"), [
    (date(2006, 4, 1), {"probation-board"}),
    (date(2008, 3, 31), {"probation-board"}),
    (date(2009, 6, 1), {"probation-board", "probation-provider"}),
    (date(2013, 5, 7), {"probation-provider"}),
])
def test_every_area_has_a_probation_board_partner_on_every_day_of_the_lscb_era(
    day: date, kinds: set[str], select: Select, framework_graph: Graph,
) -> None:
    probation = {"probation-board", "probation-provider"}
    in_force = _kinds(select, day) & probation
    assert in_force == kinds
    for kind in in_force:
        assert framework_graph.value(PK[kind], DG.requiredWhen) == DG.EveryArea
