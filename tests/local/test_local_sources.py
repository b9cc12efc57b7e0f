"""Claims that belong to no one authority: the West Midlands and London Councils briefings."""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from dutygraph.namespaces import DG, LA, SRC

from .local_checks import ask, iri_subjects

S31 = "<http://www.legislation.gov.uk/id/ukpga/2004/31/section/31>"


def test_the_west_midlands_section_31_claim_is_recorded_as_contradicted_by_the_welsh_section(
        sources: Graph) -> None:
    assert ask(sources, f"""
        ASK {{
          ?c a dg:Claim ; prov:wasDerivedFrom src:001_c1d1132dd61eb15b ;
             dg:citesProvision {S31} ; dg:contradictedBy {S31} ;
             dg:verification dg:Contradicted ;
             dg:claimText ?text ; rdfs:comment ?why ;
             dcterms:subject pk:strategic-health-authority .
          FILTER(CONTAINS(?why, "Wales"))
        }}""")


def test_the_west_midlands_duty_to_cooperate_claim_is_assessed_against_sections_10_and_11(
        sources: Graph) -> None:
    assert ask(sources, """
        ASK {
          ?c a dg:Claim ; prov:wasDerivedFrom src:001_c1d1132dd61eb15b ;
             dg:verification dg:VerifiedSecondary ;
             dg:basis <http://www.legislation.gov.uk/id/ukpga/2004/31/section/10/5>,
                      <http://www.legislation.gov.uk/id/ukpga/2004/31/section/11/2> ;
             dcterms:subject pk:primary-care-trust .
          FILTER NOT EXISTS { ?c dg:citesProvision ?anything }
        }""")


def test_the_london_councils_briefing_is_good_practice_not_a_duty(sources: Graph) -> None:
    assert ask(sources, """
        ASK { ?s prov:wasDerivedFrom src:002_30eac0bb48070ff4 ; dg:modality dg:LocalCommitment ;
                 dg:bearer role:lead-member . }""")
    assert not ask(sources, "ASK { ?d a dg:Duty }")


def test_source_graphs_hold_nothing_about_an_authoritys_arrangements(
        local_graphs: dict[URIRef, Graph]) -> None:
    for name, graph in local_graphs.items():
        if "/graph/source/" not in str(name):
            continue
        stem = str(name).rsplit("/", 1)[1]
        for s in iri_subjects(graph):
            assert not str(s).startswith(str(LA)), s
            assert s == SRC[stem] or str(s).startswith(f"{SRC[stem]}/"), s
        assert (SRC[stem], RDF.type, DG.SourceDocument) in graph
