"""Guidance is cited by paragraph only where the paragraph was found (issue 18; audit review,
class 5): every guidance passage says how sure its paragraph number is, and a passage whose
paragraph was not found is cited by chapter and topic, never with a number."""

from __future__ import annotations

import re

import pytest
from rdflib import RDF, Graph, Namespace, URIRef

DG = Namespace("https://w3id.org/dutygraph/def#")
GD = Namespace("https://w3id.org/dutygraph/id/guidance/")
NUMBER = re.compile(r"\bparas?\.? [0-9]")


def _passages(graph: Graph) -> list[URIRef]:
    return sorted(p for p in graph.subjects(RDF.type, DG.GuidanceProvision)
                  if isinstance(p, URIRef))


def test_every_guidance_passage_says_how_sure_its_paragraph_is(framework_only: Graph) -> None:
    passages = _passages(framework_only)
    assert len(passages) >= 40
    statuses = {p: list(framework_only.objects(p, DG.paragraphVerification)) for p in passages}
    assert {str(p): s for p, s in statuses.items()
            if len(s) != 1 or s[0] not in (DG.Verified, DG.VerifiedSecondary, DG.Unverified)} == {}


def test_a_passage_names_a_paragraph_exactly_when_one_was_found_or_cited(
        framework_only: Graph) -> None:
    wrong = {}
    for p in _passages(framework_only):
        label = str(framework_only.value(p, DG.citationLabel))
        status = framework_only.value(p, DG.paragraphVerification)
        names_one = bool(NUMBER.search(label))
        if names_one != (status in (DG.Verified, DG.VerifiedSecondary)):
            wrong[str(p)] = (label, str(status))
        if status == DG.VerifiedSecondary and "(as cited)" not in label:
            wrong[str(p)] = (label, "a paragraph known only from a seed must say 'as cited'")
    assert wrong == {}


@pytest.mark.parametrize(("passage", "status"), [
    ("wt2013-ch3-chair-accountability", DG.Unverified),
    ("wt2015-ch3-annual-report-recipients", DG.Unverified),
    ("wt2018-ch3-published-arrangements", DG.Unverified),
    ("wt2020-ch3-published-arrangements", DG.Unverified),
    ("wt2023-ch2-lead-safeguarding-partners", DG.Unverified),
    ("wt2010-dcs-accountability-for-lscb", DG.Unverified),
    ("dcs-lmcs-2013-reporting-lines", DG.Unverified),
    ("dcs-lmcs-2012-para-5", DG.Verified),
    ("dcs-lmcs-2009-lead-member-observer", DG.VerifiedSecondary),
])
def test_the_shapes_guidance_is_cited_by_chapter_unless_its_paragraph_was_found(
        framework_only: Graph, passage: str, status: URIRef) -> None:
    assert framework_only.value(GD[passage], DG.paragraphVerification) == status
