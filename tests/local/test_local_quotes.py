"""The paragraphs the corrected local facts cite really say what the facts record.

Each case: a fact (by IRI), the locator it must cite, and words that must be in the seed file it
cites (whitespace ignored). A fact that moves to another paragraph, or a seed whose words the
fact misreports, fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import PROV

from dutygraph.namespaces import DG, authority_namespace

from .local_checks import seed_file_for

B = authority_namespace("bromley")
H = authority_namespace("harrow")

CASES = [
    # (fact, locator it cites, words the seed must contain)
    (B["claim-s11-all-agencies"], "CSED 13001 para 2.17",
     "Section 11 of the Children Act 2004 requires all agencies"),
    (B["claim-appendix-1-functions-in-section-14"], "CSED 13001 Appendix 1, heading",
     "(as set out in Section 14 of the Children Act 2004)"),
    (B["claim-dcs-lmcs-parliamentary-order"], "CSED 13002 para 3.1",
     "defined from time to time by Parliamentary Order"),
    (B["claim-wt2013-chair-accountability"], "CSED 13001 para 2.10",
     "will hold the Chair to account for the effective working of the LSCB"),
    (B["statement-no-serious-case-review-since-2010"], "CSED 13001 Appendix 1, row 8",
     "has not been required to undertake a serious case review since March 2010"),
    (B["dcs-portfolio-holders-weekly-meetings"], "CSED 13002 para 3.6",
     "Weekly meetings between the DCS or his nominee and the respective Portfolio Holders"),
    (B["bromley-police-service"], "Agenda, item 10c", "BROMLEY POLICE SERVICE (DI DAVE SMITH)"),
    (B["appt-lmcs"], "CSED 13002 para 3.6", "regular 1-1s between the DCS and LMCS"),
    (B["assurance-test-2013"], "Agenda, front page (date)", "DATE: 29 April 2013"),
    (B["evidence-reg5-1-c"], "CSED 13001 para 2.16",
     "monitors local arrangements through scrutinising data, audits and case reviews"),
    (B["claim-chair-duty-to-report-failings"], "CSED 13002 para 1 (reason for report)",
     "has a duty to observe the work of the local system"),
    (H["appt-lscb-chair-2011"], "Section 2, para 6", "the independent chair of the LSCB"),
    (H["appt-lead-member-2011"], "Section 2, para 6", "the Lead Member Children's Services"),
    (H["evidence-reg5-1-c-2015"],
     "Relationship between the HSCB and the Corporate Parenting Panel, 4",
     "Quality Assurance audits undertaken or commissioned by the HSCB"),
]


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


@pytest.mark.parametrize(("fact", "locator", "words"), CASES,
                         ids=[str(c[0]).rsplit("/", 1)[1] for c in CASES])
def test_the_cited_paragraph_says_what_the_fact_records(
        local_graphs: dict[URIRef, Graph], sources: Graph, seeds: Path, fact: URIRef,
        locator: str, words: str) -> None:
    graph = next(g for g in local_graphs.values() if (fact, None, None) in g)
    assert locator in {str(x) for x in graph.objects(fact, DG.locator)}, fact
    [source] = list(graph.objects(fact, PROV.wasDerivedFrom))
    seed = seed_file_for(source, sources, seeds)  # type: ignore[arg-type]
    assert seed is not None
    assert _squash(words) in _squash(seed.read_text(encoding="utf-8")), (fact, words)


def test_no_fact_cites_the_harrow_board_by_a_name_its_document_does_not_use(
        authority_files: dict[str, Graph], seeds: Path) -> None:
    text = (seeds / "000_1902e046abda8e36.txt").read_text(encoding="utf-8")
    graph = authority_files["harrow/000_1902e046abda8e36.ttl"]
    for name in graph.objects(H["hscb"], None):
        if isinstance(name, str) and "Board" in str(name) and len(str(name)) < 60:
            assert str(name) in text, name
