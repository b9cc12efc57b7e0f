"""What Bromley's May 2013 committee papers (seed 004) say, and what they do not say."""

from __future__ import annotations

import pytest
from rdflib import Graph

from dutygraph.namespaces import FN

from .local_checks import ask, select


def test_bromleys_dcs_also_holds_adult_services_and_an_assurance_test_is_recorded(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK {
          ?post a org:Post ; org:postIn la:bromley ;
                org:role role:dcs, role:director-of-adult-social-services .
          ?appt a dg:Appointment ; dg:post ?post ; org:member/foaf:name "Terry Parkin" .
          ?test a dg:AssuranceTest ; dg:assures ?post ;
                dg:carriedOutOn "2013-04-29"^^xsd:date ; dg:asAt "2013-05-07"^^xsd:date ;
                dg:repeatEvery "P1Y"^^xsd:duration ;
                dg:basis gd:dcs-lmcs-2013-local-assurance .
          # The only DCS post of 7 May 2013 (the 2025 briefing names a later one).
          FILTER NOT EXISTS { ?other a org:Post ; org:role role:dcs ;
                                     dg:asAt "2013-05-07"^^xsd:date . FILTER(?other != ?post) }
        }""")


def test_bromley_records_no_recipients_for_its_annual_report(bromley: Graph) -> None:
    reports = select(bromley, """
        SELECT ?r WHERE {
          ?r a dg:LSCBAnnualReport ; dg:reportOf bromley:bscb ; dg:period "2011/12" ;
             dg:periodEnd "2012-03-31"^^xsd:date .
        }""")
    assert len(reports) == 1
    assert not ask(bromley, """
        ASK {
          ?r a dg:LSCBAnnualReport .
          { ?anyone dg:receivesReport ?r } UNION { ?link dg:object ?r }
        }""")
    # What para 2.12 says about recipients is kept as a claim about the guidance.
    assert ask(bromley, """
        ASK { ?c a dg:Claim ; dg:citesProvision gd:wt2013-ch3-annual-report-recipients ;
                 dg:locator "CSED 13001 para 2.12" . }""")


def test_no_serious_case_review_since_2010_is_recorded_as_a_statement_not_as_evidence(
        bromley: Graph) -> None:
    assert not ask(bromley, "ASK { ?e dg:evidenceFor fn:reg5-1-e }")
    assert ask(bromley, """
        ASK { ?s a dg:LocalStatement ; dcterms:subject fn:reg5-1-e ;
                 dg:locator "CSED 13001 Appendix 1, row 8" .
              FILTER NOT EXISTS { ?s a dg:Evidence } }""")


def test_bromley_appendix_1_gives_evidence_only_for_the_functions_it_covers(
        bromley: Graph) -> None:
    covered = {row[0] for row in select(bromley, "SELECT ?f WHERE { ?e dg:evidenceFor ?f }")}
    assert covered == {FN[f] for f in ("reg5-1-a-i", "reg5-1-a-ii", "reg5-1-a-iii",
                                       "reg5-1-a-iv", "reg5-1-a-v", "reg5-1-b", "reg5-1-c")}
    for silent in ("reg5-1-a-vi", "reg5-1-d", "reg5-1-e", "reg6-1-a", "reg6-1-b"):
        assert FN[silent] not in covered


def test_each_appendix_1_row_but_the_last_is_one_piece_of_evidence(bromley: Graph) -> None:
    rows = select(bromley, """
        SELECT ?locator (COUNT(DISTINCT ?e) AS ?n) WHERE {
          ?e a dg:Evidence ; dg:locator ?locator .
          FILTER(STRSTARTS(?locator, "CSED 13001 Appendix 1, row"))
        } GROUP BY ?locator""")
    assert sorted(str(r[0]) for r in rows) == [f"CSED 13001 Appendix 1, row {n}"
                                                for n in range(1, 8)]
    assert all(int(r[1]) == 1 for r in rows)


def test_bromleys_board_has_an_independent_chair_who_also_chairs_quality_assurance(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK {
          bromley:bscb a dg:LSCB ; dg:meetingsPerYear 4 ; dg:establishedBy la:bromley .
          ?chair org:role role:lscb-chair ; org:postIn bromley:bscb ; dg:independent true .
          [] a dg:Appointment ; dg:post ?chair ; org:member/foaf:name "Helen Davies" .
          ?qa a dg:LSCBSubgroup ; org:subOrganizationOf bromley:bscb ; dg:meetingsPerYear 6 .
          [] a dg:Link ; dg:subject bromley:bscb ; dg:relation dg:isChairedBy ; dg:object ?chair .
          [] a dg:Link ; dg:subject ?qa ; dg:relation dg:isChairedBy ; dg:object ?chair .
        }""")


def test_bromleys_board_has_the_four_sub_committees_the_briefing_names(bromley: Graph) -> None:
    labels = {str(r[0]) for r in select(bromley, """
        SELECT ?label WHERE { ?s org:subOrganizationOf bromley:bscb ; rdfs:label ?label }""")}
    assert labels == {"BSCB Quality Assurance and Performance Monitoring Committee",
                      "BSCB Training Committee", "BSCB Education Sub-committee",
                      "BSCB Health Sub-committee"}


def test_para_2_10_is_recorded_as_a_restatement_of_working_together_not_a_local_line(
        bromley: Graph) -> None:
    # Para 2.10 says in general terms what Working Together 2013 asks of every Chief
    # Executive; it records nothing Bromley did, so it gives claims, not links.
    assert not ask(bromley, """
        ASK { ?l a dg:Link ; dg:locator "CSED 13001 para 2.10" }""")
    bases = {str(r[0]).rsplit("/", 1)[1] for r in select(bromley, """
        SELECT ?g WHERE { ?c a dg:Claim ; dg:locator "CSED 13001 para 2.10" ;
                             dg:citesProvision|dg:basis ?g }""")}
    assert bases == {"wt2013-ch3-chair-appointment", "wt2013-ch3-chair-accountability"}


def test_no_local_link_in_bromley_rests_only_on_a_paragraph_that_restates_the_law(
        bromley: Graph) -> None:
    restating = [f"CSED 13001 para 2.{n}" for n in range(2, 15)]
    links = select(bromley, """
        SELECT ?l ?loc WHERE { ?l a dg:Link ; dg:locator ?loc }""")
    by_link: dict[str, set[str]] = {}
    for link, loc in links:
        by_link.setdefault(str(link), set()).add(str(loc))
    assert by_link
    for link, locs in by_link.items():
        assert not locs <= set(restating), link


def test_bromleys_chair_informs_the_dcs_and_chief_executive_of_failings_without_answering_to_them(
        bromley: Graph) -> None:
    objects = {r[0] for r in select(bromley, """
        SELECT ?role WHERE {
          [] dg:subject ?chair ; dg:relation dg:informs ; dg:object ?post ;
             dg:locator "CSED 13002 para 1 (reason for report)" .
          ?chair org:role role:lscb-chair . ?post org:role ?role .
        }""")}
    assert {"dcs", "chief-executive"} <= {str(o).rsplit("/", 1)[1] for o in objects}


def test_bromleys_dcs_is_supervised_by_the_chief_executive_and_scrutinised_by_both_committees(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK {
          [] dg:subject ?dcs ; dg:relation dg:reportsTo ; dg:object ?ce ;
             dg:basis gd:dcs-lmcs-2013-reporting-lines ; dg:locator "CSED 13002 para 3.6" .
          ?dcs org:role role:dcs . ?ce org:role role:chief-executive .
        }""")
    committees = select(bromley, """
        SELECT DISTINCT ?c WHERE {
          [] dg:subject ?dcs ; dg:relation dg:isScrutinisedBy ; dg:object ?c .
          ?dcs org:role role:dcs . ?c a dg:ScrutinyCommittee .
        }""")
    assert len(committees) == 2


def test_bromleys_dcs_meets_both_portfolio_holders_weekly_without_reporting_to_them(
        bromley: Graph) -> None:
    members = {str(r[0]).rsplit("/", 1)[1] for r in select(bromley, """
        SELECT ?post WHERE {
          ?forum a dg:Forum ; dg:locator "CSED 13002 para 3.6" .
          [] a org:Membership ; org:organization ?forum ; org:member ?post .
        }""")}
    assert members == {"post-executive-director-echs", "post-care-services-portfolio-holder",
                       "post-education-portfolio-holder"}
    assert not ask(bromley, """
        ASK { [] dg:subject ?dcs ; dg:relation dg:reportsTo ; dg:object ?ph .
              ?dcs org:role role:dcs . ?ph org:role role:elected-member . }""")


def test_the_assurance_outcome_goes_to_the_chief_executive(bromley: Graph) -> None:
    assert ask(bromley, """
        ASK {
          [] dg:subject ?ce ; dg:relation dg:receivesReport ; dg:object ?report ;
             dg:locator "CSED 13002 recommendation 2.2" .
          ?ce org:role role:chief-executive .
          ?report dcterms:subject ?test . ?test a dg:AssuranceTest .
        }""")


def test_bromleys_scrutiny_committees_are_chaired_by_named_councillors(bromley: Graph) -> None:
    chairs = {(str(r[0]), str(r[1])) for r in select(bromley, """
        SELECT ?committee ?name WHERE {
          ?post org:role role:scrutiny-chair ; org:postIn ?c .
          ?c a dg:ScrutinyCommittee ; rdfs:label ?committee .
          [] dg:post ?post ; org:member/foaf:name ?name .
        }""")}
    assert chairs == {
        ("Care Services Policy Development and Scrutiny Committee, Bromley", "Judi Ellis"),
        ("Education Policy Development and Scrutiny Committee, Bromley", "Nicholas Bennett"),
    }


def test_bromleys_lead_member_post_is_held_by_a_member_the_document_does_not_name(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK { ?p org:role role:lead-member ; org:postIn la:bromley .
              ?a a dg:Appointment ; dg:post ?p ; dg:locator "CSED 13002 para 3.6" . }""")
    assert not ask(bromley, """
        ASK { ?p org:role role:lead-member . ?a dg:post ?p ; org:member ?anyone }""")


def test_bromley_names_no_board_member_because_the_text_lists_none(bromley: Graph) -> None:
    # The only Board seats recorded rest on para 2.15's claim of compliance, unnamed.
    assert not ask(bromley, """
        ASK { ?m a org:Membership ; org:organization bromley:bscb .
              FILTER NOT EXISTS { ?m a dg:Appointment }
              FILTER (EXISTS { ?m org:member ?anyone }
                      || NOT EXISTS { ?m dg:onClaim [ a dg:ComplianceClaim ;
                                                      dg:locator "CSED 13001 para 2.15" ] }) }""")
    assert ask(bromley, """
        ASK { ?m a org:Membership ; org:organization bromley:bscb ; dg:onClaim ?c . }""")
    assert ask(bromley, """
        ASK { [] a dg:Claim ; dg:locator "CSED 13001 para 2.15" ;
                 dg:verification dg:Unverified . }""")


def test_bromleys_section_13_partner_list_is_recorded_as_it_stands_and_marked_incomplete(
        bromley: Graph) -> None:
    kinds = {str(r[0]).rsplit("/", 1)[1] for r in select(bromley, """
        SELECT ?k WHERE { ?c a dg:Claim ; dg:locator "CSED 13001 para 2.4" ;
                             dg:basis pl:s13-3-2013-04-01 ; dg:includesPartnerKind ?k .
                          ?c dg:verification dg:Uncertain . }""")}
    assert kinds == {"police", "probation-provider", "youth-offending-team",
                     "nhs-commissioning-board", "clinical-commissioning-group", "nhs-trust",
                     "cafcass"}
    assert ask(bromley, """
        ASK { [] a dg:Claim ; dg:locator "CSED 13001 para 2.4" ;
                 dg:claimText ?t ; dg:basis ?p .
              FILTER(CONTAINS(?t, "Local Probation Trust"))
              FILTER(?p = <http://www.legislation.gov.uk/id/ukpga/2004/31/section/13/3/cb>) }""")


def test_bromleys_citation_of_the_2012_dcs_guidance_as_the_latest_is_contradicted(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK { [] a dg:Claim ; dg:citesProvision gd:dcs-lmcs-guidance-2012 ;
                 dg:verification dg:Contradicted ;
                 dg:contradictedBy gd:dcs-lmcs-guidance-2013 . }""")


def test_bromleys_paragraph_14_citation_for_the_assurance_process_is_uncertain(
        bromley: Graph) -> None:
    assert ask(bromley, """
        ASK { [] a dg:Claim ; dg:locator "CSED 13002 para 3.3" ;
                 dg:basis gd:dcs-lmcs-2013-local-assurance ; dg:verification dg:Uncertain ;
                 dg:claimText ?t . FILTER(CONTAINS(?t, "Paragraph 14")) }""")


def test_agencies_presenting_to_scrutiny_are_not_recorded_as_board_members(
        bromley: Graph) -> None:
    # A borough police unit is not the chief officer of police that s13(3)(b) names.
    assert ask(bromley, """
        ASK { ?police a dg:Body ; rdfs:label "Bromley Police Service"@en .
              FILTER NOT EXISTS { ?police a dg:BoardPartner }
              FILTER NOT EXISTS { ?police dg:partnerKind ?kind } }""")
    assert ask(bromley, """
        ASK { ?ccg a dg:BoardPartner ; dg:partnerKind pk:clinical-commissioning-group }""")
    assert not ask(bromley, """
        ASK { ?m org:organization bromley:bscb . { ?m org:member ?o } UNION { ?m dg:represents ?o }
              ?o dg:partnerKind ?kind }""")


MISSTATEMENTS = [
    # (locator, cited or basis provision, contradicting provision)
    ("CSED 13001 para 2.17", "ukpga/2004/31/section/11", "ukpga/2004/31/section/11/1"),
    ("CSED 13001 Appendix 1, heading", "ukpga/2004/31/section/14",
     "uksi/2006/90/regulation/5/1"),
    ("CSED 13002 para 3.1", "ukpga/2004/31/section/18", "ukpga/2004/31/section/18/2"),
    ("CSED 13002 para 3.2", "guidance/dcs-lmcs-guidance-2012",
     "guidance/dcs-lmcs-guidance-2013"),
]


@pytest.mark.parametrize(("locator", "cited", "contradicted_by"), MISSTATEMENTS)
def test_each_misstatement_of_the_law_in_the_bromley_papers_is_recorded_as_contradicted(
        bromley: Graph, locator: str, cited: str, contradicted_by: str) -> None:
    rows = select(bromley, f"""
        SELECT ?c WHERE {{
          ?c a dg:Claim ; dg:locator "{locator}" ; dg:verification dg:Contradicted ;
             dg:claimText ?t ; rdfs:comment ?why ; dg:citesProvision|dg:basis ?cited ;
             dg:contradictedBy ?by .
          FILTER(STRENDS(STR(?cited), "/{cited}") && STRENDS(STR(?by), "/{contradicted_by}"))
        }}""")
    assert len(rows) == 1, locator
