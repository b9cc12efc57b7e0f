"""The framework says what the law says: who bears what, with which force, from and until when.

Each test is one statement of shared/reference/legal-framework.md, asked of the graph in
SPARQL the way a user would ask it.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import RDF, Graph, URIRef

from dutygraph.namespaces import DG, DUTY, FN, LINK, ROLE

from .framework_sparql import IN_FORCE_ON_DAY, Select

LEG = "http://www.legislation.gov.uk/id/"
S16E_DUTY = DUTY["ca2004-s16e-1-safeguarding-arrangements"]

DUTIES_OF_PROVISION_ON_DAY = """
SELECT ?duty ?bearer ?modality WHERE {
    ?s a dg:Duty ; dg:imposedBy ?provision ; dg:bearer ?bearer ; dg:modality ?modality .
    BIND (?s AS ?duty)
""" + IN_FORCE_ON_DAY + "}"

LINKS_ON_DAY = """
SELECT ?link ?subject ?relation ?object ?modality ?provision WHERE {
    ?s a dg:Link ; dg:subject ?subject ; dg:relation ?relation ; dg:object ?object ;
       dg:modality ?modality ; dg:imposedBy ?provision .
    BIND (?s AS ?link)
""" + IN_FORCE_ON_DAY + "}"


def _links(select: Select, day: date) -> set[tuple[str, str, str, str]]:
    def short(term: object) -> str:
        return str(term).rsplit("/", 1)[-1].rsplit("#", 1)[-1]

    return {(short(r.subject), short(r.relation), short(r.object), short(r.modality))
            for r in select(LINKS_ON_DAY, day=day)}


def test_reg_4_gives_the_appointment_of_the_chair_to_the_authority_after_consulting_its_board_partners(  # noqa: E501
    select: Select,
) -> None:
    reg4 = LEG + "uksi/2006/90/regulation/4"
    rows = select(DUTIES_OF_PROVISION_ON_DAY, provision=reg4, day=date(2012, 1, 1))
    assert {(r.bearer, r.modality) for r in rows} == {(DG.LocalAuthority, DG.Must)}
    links = _links(select, date(2012, 1, 1))
    assert ("lscb-chair", "isAppointedBy", "LocalAuthority", "Must") in links
    assert ("LocalAuthority", "consults", "BoardPartner", "Must") in links
    assert ("LSCB", "isChairedBy", "lscb-chair", "Must") in links


@pytest.mark.parametrize(("day", "modality"), [
    (date(2006, 4, 1), DG.May),
    (date(2008, 3, 31), DG.May),
    (date(2008, 4, 1), DG.Must),
    (date(2019, 9, 29), DG.Must),
])
def test_child_death_functions_become_duties_on_1_april_2008(
    day: date, modality: URIRef, select: Select,
) -> None:
    rows = select("""
        SELECT ?modality WHERE {
            ?s a dg:Duty ; dg:bearer dg:LSCB ; dg:function fn:reg6-1-a, fn:reg6-1-b ;
               dg:modality ?modality .
    """ + IN_FORCE_ON_DAY + "}", day=day)
    assert [r.modality for r in rows] == [modality]


@pytest.mark.parametrize(("function", "day", "modalities"), [
    # On the last day of the LSCB era the function is a must.
    ("reg6-1-a", date(2019, 9, 29), {"Must"}),
    ("reg5-1-e", date(2019, 9, 29), {"Must"}),
    # Then only the grace period lets the LSCB finish reviews under way.
    ("reg6-1-a", date(2019, 9, 30), {"May"}),
    ("reg6-1-a", date(2020, 1, 29), {"May"}),
    ("reg6-1-a", date(2020, 1, 30), set()),
    ("reg5-1-e", date(2019, 9, 30), {"May"}),
    ("reg5-1-e", date(2020, 9, 29), {"May"}),
    ("reg5-1-e", date(2020, 9, 30), set()),
])
def test_after_lscbs_end_only_a_grace_period_to_finish_reviews_remains(
    function: str, day: date, modalities: set[str], select: Select,
) -> None:
    rows = select("SELECT ?modality WHERE { ?s a dg:Duty ; dg:bearer dg:LSCB ; dg:function fn:"
                  + function + " ; dg:modality ?modality . " + IN_FORCE_ON_DAY + "}", day=day)
    assert {str(r.modality).rsplit("#", 1)[1] for r in rows} == modalities


def test_what_makes_a_case_serious_is_found_from_regulation_5_2(select: Select) -> None:
    rows = select("""
        SELECT ?s ?req WHERE {
            ?s dg:imposedBy <http://www.legislation.gov.uk/id/uksi/2006/90/regulation/5/2> ;
               dg:bearer dg:LSCB ; dg:function fn:reg5-1-e ; dg:requirement ?req .
        }""")
    assert len(rows) == 1
    text = str(rows[0].req)
    assert "died" in text and "seriously harmed" in text and "worked together" in text


def test_lscb_statutory_duties_end_on_29_september_2019_and_are_superseded_by_s16e(
    framework_graph: Graph,
) -> None:
    lscb_duties = [d for d in framework_graph.subjects(DG.bearer, DG.LSCB)
                   if (d, RDF.type, DG.Duty) in framework_graph]
    assert len(lscb_duties) >= 5
    for duty in lscb_duties:
        end = framework_graph.value(duty, DG.validThrough)
        assert end is not None, duty
        if end.toPython() == date(2019, 9, 29) and framework_graph.value(
                duty, DG.modality) != DG.May:
            assert (duty, DG.supersededBy, S16E_DUTY) in framework_graph, duty


def test_the_safeguarding_partner_duty_starts_on_29_june_2018_and_never_ends(
    framework_graph: Graph,
) -> None:
    assert framework_graph.value(S16E_DUTY, DG.validFrom).toPython() == date(2018, 6, 29)
    assert framework_graph.value(S16E_DUTY, DG.validThrough) is None
    assert (S16E_DUTY, DG.bearer, DG.SafeguardingPartnership) in framework_graph
    assert framework_graph.value(S16E_DUTY, DG.modality) == DG.Must


def test_both_the_lscb_duty_and_its_successor_are_in_force_during_the_transition(
    select: Select,
) -> None:
    s13_1 = LEG + "ukpga/2004/31/section/13/1"
    s16e_1 = LEG + "ukpga/2004/31/section/16E/1"
    day = date(2019, 1, 1)
    assert select(DUTIES_OF_PROVISION_ON_DAY, provision=s13_1, day=day)
    assert select(DUTIES_OF_PROVISION_ON_DAY, provision=s16e_1, day=day)
    assert not select(DUTIES_OF_PROVISION_ON_DAY, provision=s13_1, day=date(2019, 9, 30))


def test_the_annual_report_duty_is_the_lscbs_in_statute_and_the_chairs_only_in_guidance(
    framework_graph: Graph,
) -> None:
    statutory = DUTY["ca2004-s14a-annual-report"]
    guidance = DUTY["wt2013-chair-publishes-annual-report"]
    assert framework_graph.value(statutory, DG.bearer) == DG.LSCB
    assert framework_graph.value(statutory, DG.modality) == DG.Must
    assert framework_graph.value(guidance, DG.bearer) == ROLE["lscb-chair"]
    assert framework_graph.value(guidance, DG.modality) == DG.Should
    chair_duties = list(framework_graph.subjects(DG.bearer, ROLE["lscb-chair"]))
    assert [d for d in chair_duties if framework_graph.value(d, DG.modality) == DG.Must] == []


def _modal_statements(graph: Graph) -> list[tuple[URIRef, URIRef]]:
    """(statement, provision) for every duty, function and link."""
    kinds = (DG.Duty, DG.Function, DG.Link)
    return [(s, p) for s, p in graph.subject_objects(DG.imposedBy)  # type: ignore[misc]
            if any((s, RDF.type, k) in graph for k in kinds)]


def test_guidance_never_imposes_a_must(framework_graph: Graph) -> None:
    checked = 0
    for statement, provision in _modal_statements(framework_graph):
        if (provision, RDF.type, DG.GuidanceProvision) in framework_graph:
            checked += 1
            assert framework_graph.value(statement, DG.modality) in (DG.Should, DG.May), statement
    assert checked >= 30


def test_legislation_never_says_should(framework_graph: Graph) -> None:
    checked = 0
    for statement, provision in _modal_statements(framework_graph):
        if str(provision).startswith(LEG):
            checked += 1
            assert framework_graph.value(statement, DG.modality) in (
                DG.Must, DG.MustTakeReasonableSteps, DG.MustHaveRegardTo, DG.May), statement
    assert checked >= 50


@pytest.mark.parametrize(
    "duty", ["ca2004-s13-4a-lay-members", "ca2004-s13-4-education-representation"])
def test_lay_member_and_education_duties_are_reasonable_steps_not_absolute(
    duty: str, framework_graph: Graph,
) -> None:
    assert framework_graph.value(DUTY[duty], DG.modality) == DG.MustTakeReasonableSteps
    assert framework_graph.value(DUTY[duty], DG.bearer) == DG.LocalAuthority


def test_the_lay_member_start_date_is_recorded_as_unverified_with_a_reason(
    framework_graph: Graph,
) -> None:
    duty = DUTY["ca2004-s13-4a-lay-members"]
    assert framework_graph.value(duty, DG.verification) == DG.Unverified
    assert "1 April 2010" in str(framework_graph.value(duty, DG.verificationNote))


def test_funding_an_lscb_is_a_power_in_statute_and_a_should_only_in_guidance(
    framework_graph: Graph,
) -> None:
    for duty in ("ca2004-s15-1-funding-power", "ca2004-s15-2-resources-power"):
        assert framework_graph.value(DUTY[duty], DG.modality) == DG.May
    assert framework_graph.value(DUTY["wt2013-fair-resourcing"], DG.modality) == DG.Should


@pytest.mark.parametrize("duty", [
    "ca2004-s13-2-regulations-on-representation", "ca2004-s13-7-combined-lscb",
    "ca2004-s15-1-funding-power", "lscb-regs-reg3-2-shared-representative",
    "lscb-regs-reg3-3-additional-representatives", "lscb-regs-reg3-5-connexions-representatives",
    "lscb-regs-reg5-3-other-activities", "lscb-regs-reg6-2-child-death-power",
    "lscb-regs-reg7-procedure",
])
def test_powers_are_mays(duty: str, framework_graph: Graph) -> None:
    assert framework_graph.value(DUTY[duty], DG.modality) == DG.May


def test_the_chair_appointment_has_a_statutory_layer_and_a_guidance_layer(
    select: Select,
) -> None:
    links = _links(select, date(2013, 5, 7))
    assert ("lscb-chair", "isAppointedBy", "LocalAuthority", "Must") in links
    assert ("lscb-chair", "isAppointedBy", "chief-executive", "Should") in links
    assert ("lscb-chair", "isRemovableBy", "chief-executive", "Should") in links
    before = _links(select, date(2013, 4, 14))
    assert ("lscb-chair", "isAppointedBy", "chief-executive", "Should") not in before


def test_the_chief_executive_holds_the_chair_to_account_from_15_april_2013_replacing_the_dcs_model(
    select: Select,
) -> None:
    old = ("dcs", "isAccountableTo", "chief-executive", "Should")
    new = ("lscb-chair", "isAccountableTo", "chief-executive", "Should")
    day_before, day_of = _links(select, date(2013, 4, 14)), _links(select, date(2013, 4, 15))
    assert old in day_before and new not in day_before
    assert new in day_of and old not in day_of


def test_the_earlier_dcs_accountability_model_is_marked_unverified(framework_graph: Graph) -> None:
    link = LINK["wt2010-dcs-accountable-to-ce-for-lscb"]
    assert framework_graph.value(link, DG.verification) == DG.Unverified
    assert framework_graph.value(link, DG.validThrough).toPython() < date(2013, 4, 15)


def test_the_dcs_reports_to_the_chief_executive_and_the_lead_member_to_the_leader(
    select: Select,
) -> None:
    links = _links(select, date(2014, 1, 1))
    assert ("dcs", "reportsTo", "chief-executive", "Should") in links
    assert ("lead-member", "reportsTo", "leader", "Should") in links


def test_the_annual_report_goes_to_the_chief_executive_leader_pcc_and_hwb_chair(
    select: Select,
) -> None:
    receivers = {s for s, rel, o, m in _links(select, date(2014, 1, 1))
                 if rel == "receivesReport" and o == "LSCBAnnualReport" and m == "Should"}
    assert receivers == {"chief-executive", "leader", "police-and-crime-commissioner",
                         "hwb-chair"}
    assert not [x for x in _links(select, date(2012, 1, 1)) if x[1] == "receivesReport"]


def test_the_lead_member_observes_the_lscb_and_is_not_a_full_member(
    framework_graph: Graph, select: Select,
) -> None:
    assert ("lead-member", "observes", "LSCB", "Should") in _links(select, date(2014, 1, 1))
    duty = DUTY["wt2013-lead-member-participating-observer"]
    assert "without being a full member" in str(framework_graph.value(duty, DG.requirement))
    assert framework_graph.value(duty, DG.modality) == DG.Should


def test_the_lscb_advises_the_authority_and_board_partners(select: Select) -> None:
    links = _links(select, date(2010, 1, 1))
    assert ("LSCB", "advises", "LocalAuthority", "Must") in links
    assert ("LSCB", "advises", "BoardPartner", "Must") in links


def test_the_2009_participant_observer_and_leaders_claims_are_uncertain(
    framework_graph: Graph,
) -> None:
    for slug in ("dcs-lmcs-2009-lead-member-observer",
                 "dcs-lmcs-2009-leaders-and-chief-executives"):
        passage = URIRef("https://w3id.org/dutygraph/id/guidance/" + slug)
        assert framework_graph.value(passage, DG.verification) == DG.Uncertain


def test_section_31_is_welsh_and_gives_strategic_health_authorities_no_duty(
    framework_graph: Graph,
) -> None:
    s31 = URIRef(LEG + "ukpga/2004/31/section/31")
    assert (s31, RDF.type, DG.Provision) in framework_graph
    assert "Wales" in str(framework_graph.value(s31, URIRef("http://purl.org/dc/terms/coverage")))
    imposed = list(framework_graph.subjects(DG.imposedBy, s31))
    listed = list(framework_graph.subjects(DG.listedBy, s31))
    assert imposed == [] and listed == []


def test_the_s18_functions_belong_to_the_dcs_and_the_s14_objective_to_the_lscb(
    framework_graph: Graph,
) -> None:
    for x in "abcde":
        assert framework_graph.value(FN[f"s18-2-{x}"], DG.bearer) == ROLE["dcs"]
    for x in "ab":
        assert framework_graph.value(FN[f"s14-1-{x}"], DG.bearer) == DG.LSCB
    assert set(framework_graph.objects(DUTY["ca2004-s18-1-appoint-dcs"], DG.function)) == {
        FN[f"s18-2-{x}"] for x in "abcde"}


def test_the_regulation_5_duty_covers_each_top_level_function(framework_graph: Graph) -> None:
    assert set(framework_graph.objects(DUTY["lscb-regs-reg5-1-functions"], DG.function)) == {
        FN[f"reg5-1-{x}"] for x in "abcde"}
