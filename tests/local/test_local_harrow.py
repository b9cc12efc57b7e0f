"""What Harrow's 2011 report (seed 000) and 2015 draft protocol (seed 003) say."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV, RDFS, SKOS

from dutygraph.namespaces import DG, FN, SRC, authority_namespace

from .local_checks import ask, select, subjects_of_type

H = authority_namespace("harrow")


def test_harrows_leader_chairs_a_quarterly_safeguarding_meeting(harrow: Graph) -> None:
    assert ask(harrow, """
        ASK {
          ?forum a dg:Forum ; dg:meetingsPerYear 4 .
          [] a dg:Link ; dg:subject ?forum ; dg:relation dg:isChairedBy ; dg:object ?leader .
          ?leader org:role role:leader ; org:postIn la:harrow .
        }""")


def test_harrows_safeguarding_leaders_meeting_has_the_six_members_the_report_names(
        harrow: Graph) -> None:
    members = select(harrow, """
        SELECT ?post ?role WHERE {
          ?m a org:Membership ; org:organization harrow:safeguarding-leaders-meeting ;
             org:member ?post .
          OPTIONAL { ?post org:role ?role }
        }""")
    assert len({m[0] for m in members}) == 6
    roles = {str(r).rsplit("/", 1)[1] for _, r in members if r is not None}
    assert roles == {"leader", "lead-member", "chief-executive", "dcs", "lscb-chair"}
    # The sixth, the Divisional Director for Safeguarding, has no national role.
    assert any(post == H["post-divisional-director-safeguarding"] for post, _ in members)


def test_harrows_leaders_meeting_reports_to_the_leader_and_the_chief_executive(
        harrow: Graph) -> None:
    roles = {str(r[0]).rsplit("/", 1)[1] for r in select(harrow, """
        SELECT ?role WHERE {
          [] dg:subject harrow:safeguarding-leaders-meeting ; dg:relation dg:reportsTo ;
             dg:object ?post . ?post org:role ?role .
        }""")}
    assert roles == {"leader", "chief-executive"}


def test_harrows_corporate_director_of_childrens_services_is_its_dcs(harrow: Graph) -> None:
    assert ask(harrow, """
        ASK {
          ?post org:role role:dcs ; rdfs:label "Corporate Director Children's Services, Harrow"@en .
          [] a dg:Appointment ; dg:post ?post ; org:member/foaf:name "Catherine Doran" .
        }""")


def test_harrow_has_one_lscb_described_by_both_documents(harrow: Graph) -> None:
    boards = subjects_of_type(harrow, DG.LSCB)
    assert boards == [H["hscb"]]
    alt = {str(a) for a in harrow.objects(H["hscb"], SKOS.altLabel)}
    assert alt == {"HSCB"}
    assert set(harrow.objects(H["hscb"], PROV.wasDerivedFrom)) == {
        SRC["000_1902e046abda8e36"], SRC["003_6201c10c6e4f3695"]}


def test_harrows_lscb_name_is_cited_only_to_the_document_that_gives_it(
        authority_files: dict[str, Graph]) -> None:
    # Seed 000 calls the Board only "the LSCB"; its name comes from seed 003.
    names_2011 = set(authority_files["harrow/000_1902e046abda8e36.ttl"].objects(
        H["hscb"], RDFS.label)) | set(authority_files["harrow/000_1902e046abda8e36.ttl"].objects(
        H["hscb"], SKOS.altLabel))
    assert names_2011 == set()
    names_2015 = {str(o) for o in authority_files["harrow/003_6201c10c6e4f3695.ttl"].objects(
        H["hscb"], RDFS.label)}
    assert names_2015 == {"Harrow Safeguarding Children Board"}


@pytest.mark.parametrize("role", ["lead-member", "lscb-chair"])
def test_a_post_the_2011_report_shows_filled_has_an_appointment_without_a_named_holder(
        authority_files: dict[str, Graph], role: str) -> None:
    graph = authority_files["harrow/000_1902e046abda8e36.ttl"]
    assert ask(graph, f"""
        ASK {{ ?post a org:Post ; org:role role:{role} .
               ?a a dg:Appointment ; dg:post ?post ; dg:asAt "2011-03-28"^^xsd:date ;
                  dg:locator "Section 2, para 6" .
               FILTER NOT EXISTS {{ ?a org:member ?anyone }} }}""")


def test_harrows_lscb_is_chaired_by_its_independent_chair_in_2011(harrow: Graph) -> None:
    assert ask(harrow, """
        ASK { [] a dg:Link ; dg:subject harrow:hscb ; dg:relation dg:isChairedBy ;
                 dg:object ?chair ; dg:asAt "2011-03-28"^^xsd:date .
              ?chair org:role role:lscb-chair ; dg:independent true . }""")


def test_harrows_2009_guidance_paragraph_citations_are_recorded_as_uncertain(
        harrow: Graph) -> None:
    cited = {str(r[0]) for r in select(harrow, """
        SELECT ?p WHERE { ?c a dg:Claim ; dg:citesProvision ?p ; dg:verification dg:Uncertain ;
                             prov:wasDerivedFrom src:000_1902e046abda8e36 ; dg:claimText ?t .
                          FILTER(CONTAINS(?t, "paragraph")) }""")}
    assert cited == {"https://w3id.org/dutygraph/id/guidance/dcs-lmcs-2009-lead-member-observer",
                     "https://w3id.org/dutygraph/id/guidance/"
                     "dcs-lmcs-2009-leaders-and-chief-executives"}


# Relationship between the HSCB and the Corporate Parenting Panel, 1-5: who receives what.
PROTOCOL_REPORTING = {
    ("corporate-parenting-panel", "performance-reports"),
    ("hscb", "performance-reports"),
    ("hwb", "hscb-annual-report"),
    ("cabinet", "cpp-annual-report"),
    ("hscb", "cpp-annual-report"),
    ("corporate-parenting-panel", "hscb-lac-audit-findings"),
    ("hscb", "cpp-reports-relevant-to-hscb"),
    ("hscb-qa-subcommittee", "cpp-reports-relevant-to-hscb"),
}


def _protocol_links(harrow: Graph) -> set[tuple[str, str]]:
    rows = select(harrow, """
        SELECT ?s ?o WHERE {
          [] a dg:Link ; dg:subject ?s ; dg:relation dg:receivesReport ; dg:object ?o ;
             prov:wasDerivedFrom src:003_6201c10c6e4f3695 .
        }""")
    return {(str(s)[len(str(H)):], str(o)[len(str(H)):]) for s, o in rows}


@pytest.mark.parametrize("receiver,report", sorted(PROTOCOL_REPORTING))
def test_harrows_protocol_sends_each_report_where_it_says(
        receiver: str, report: str, harrow: Graph) -> None:
    assert (receiver, report) in _protocol_links(harrow)


def test_harrows_protocol_records_no_reporting_line_it_does_not_state(harrow: Graph) -> None:
    assert _protocol_links(harrow) == PROTOCOL_REPORTING


def test_harrows_hscb_annual_report_is_presented_to_the_health_and_wellbeing_board(
        harrow: Graph) -> None:
    assert ask(harrow, """
        ASK {
          harrow:hwb a dg:HealthAndWellbeingBoard .
          harrow:hscb-annual-report a dg:LSCBAnnualReport ; dg:reportOf harrow:hscb .
          [] a dg:Link ; dg:subject harrow:hwb ; dg:relation dg:receivesReport ;
             dg:object harrow:hscb-annual-report ;
             dg:basis gd:wt2013-ch3-annual-report-recipients .
          [] a org:Membership ; org:organization harrow:hwb ;
             org:member harrow:corporate-parenting-panel .
        }""")


def test_harrows_corporate_parenting_panel_recommends_to_cabinet(harrow: Graph) -> None:
    assert ask(harrow, """
        ASK { [] dg:subject harrow:corporate-parenting-panel ; dg:relation dg:advises ;
                 dg:object ?cabinet . ?cabinet a dg:Cabinet . }""")
    objectives = list(harrow.objects(H["corporate-parenting-panel"], DG.objective))
    assert len(objectives) == 13  # two objectives and eleven functions


def test_harrows_restated_board_functions_are_a_claim_not_evidence(harrow: Graph) -> None:
    # The only evidence is of what the protocol says the Board does (its audits), never the
    # restated list of functions.
    evidenced = {r[0] for r in select(harrow, "SELECT ?f WHERE { ?e dg:evidenceFor ?f }")}
    assert evidenced == {FN["reg5-1-c"]}
    assert not ask(harrow, """
        ASK { ?e a dg:Evidence ; dg:locator "Specific functions of the HSCB" }""")
    restated = {r[0] for r in select(harrow, """
        SELECT ?f WHERE {
          harrow:claim-hscb-functions-reg5 dcterms:references ?f ;
            dg:basis <http://www.legislation.gov.uk/id/uksi/2006/90/regulation/5/1> .
        }""")}
    assert restated == {FN[f] for f in (
        "reg5-1-a-i", "reg5-1-a-ii", "reg5-1-a-iii", "reg5-1-a-iv", "reg5-1-a-v", "reg5-1-a-vi",
        "reg5-1-b", "reg5-1-c", "reg5-1-d", "reg5-1-e")}


def test_harrows_protocol_cites_children_act_1989_sections_20_22_4_and_46_3(
        harrow: Graph) -> None:
    cited = {str(r[0]) for r in select(harrow, """
        SELECT ?p WHERE { ?c a dg:Claim ; dg:locator "Areas of joint interest" ;
                             dg:citesProvision ?p ; dg:verification dg:Unverified }""")}
    base = "http://www.legislation.gov.uk/id/ukpga/1989/41/section/"
    assert cited == {base + "20", base + "22/4", base + "46/3"}


def test_harrows_protocol_statements_are_dated_to_the_draft_month(harrow: Graph) -> None:
    subjects = {s for s in harrow.subjects(PROV.wasDerivedFrom, SRC["003_6201c10c6e4f3695"])
                if isinstance(s, URIRef)}
    assert len(subjects) > 20
    for s in subjects:
        assert any(str(d) == "2015-04-01" for d in harrow.objects(s, DG.asAt)), s


def test_harrows_quality_assurance_audits_count_as_monitoring_and_evaluation(
        harrow: Graph) -> None:
    locators = {str(r[0]) for r in select(harrow, """
        SELECT ?loc WHERE {
          ?e a dg:Evidence ; dg:evidenceFor fn:reg5-1-c ; dg:evidencedBy harrow:hscb ;
             dg:asAt "2015-04-01"^^xsd:date ; dg:locator ?loc ;
             prov:wasDerivedFrom src:003_6201c10c6e4f3695 .
        }""")}
    assert "Relationship between the HSCB and the Corporate Parenting Panel, 4" in locators
