"""The framework is complete and well-formed: every fixed IRI of the contract exists, and every
provision, duty, function, link and partner kind carries the properties the contract requires.
"""

from __future__ import annotations

from datetime import date

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import SKOS

from dutygraph import paths
from dutygraph.namespaces import DG, ELI, FN, PK, PL, ROLE
from dutygraph.rdfio import parse_file

OURS = "https://w3id.org/dutygraph/id/"
LEGISLATION = "http://www.legislation.gov.uk/id/"

# The fixed national IRIs of ontology/README.md ("the framework defines them").
ROLES = ["dcs", "lead-member", "chief-executive", "leader", "lscb-chair", "lay-member",
         "board-partner-representative", "local-authority-representative",
         "education-representative", "participating-observer",
         "director-of-adult-social-services", "hwb-chair", "police-and-crime-commissioner",
         "designated-officer", "elected-member", "scrutiny-chair"]
PARTNER_KINDS = ["district-council", "police", "probation-board",
                 "secretary-of-state-offender-management", "probation-provider",
                 "youth-offending-team", "strategic-health-authority", "primary-care-trust",
                 "nhs-commissioning-board", "clinical-commissioning-group", "nhs-trust",
                 "connexions", "cafcass", "secure-training-centre", "prison"]
FUNCTIONS = (["reg5-1-a"] + [f"reg5-1-a-{n}" for n in ("i", "ii", "iii", "iv", "v", "vi")]
             + ["reg5-1-b", "reg5-1-c", "reg5-1-d", "reg5-1-e", "reg6-1-a", "reg6-1-b"]
             + [f"s18-2-{x}" for x in "abcde"] + ["s14-1-a", "s14-1-b"])
PARTNER_LISTS = ["s13-3-enacted", "s13-3-2013-04-01"]


@pytest.mark.parametrize("slug", ROLES)
def test_every_contract_role_is_a_labelled_defined_role(slug: str, framework_graph: Graph) -> None:
    role = ROLE[slug]
    assert (role, RDF.type, DG.Role) in framework_graph
    assert framework_graph.value(role, RDFS.label) is not None
    assert framework_graph.value(role, SKOS.definition) is not None


@pytest.mark.parametrize("slug", PARTNER_KINDS)
def test_every_contract_partner_kind_is_a_dated_concept_listed_by_a_paragraph_of_s13_3(
    slug: str, framework_graph: Graph,
) -> None:
    kind = PK[slug]
    assert (kind, SKOS.inScheme, DG.BoardPartnerKinds) in framework_graph
    assert framework_graph.value(kind, SKOS.prefLabel) is not None
    assert framework_graph.value(kind, DG.requiredWhen) in (DG.EveryArea, DG.WhereInArea)
    assert framework_graph.value(kind, DG.validFrom) is not None
    assert framework_graph.value(kind, DG.verification) is not None
    paragraph = framework_graph.value(kind, DG.listedBy)
    s13_3 = URIRef(LEGISLATION + "ukpga/2004/31/section/13/3")
    assert (paragraph, ELI.is_part_of, s13_3) in framework_graph


@pytest.mark.parametrize("slug", FUNCTIONS)
def test_every_contract_function_has_label_definition_bearer_modality_provision_and_dates(
    slug: str, framework_graph: Graph,
) -> None:
    function = FN[slug]
    assert (function, RDF.type, DG.Function) in framework_graph
    for prop in (RDFS.label, SKOS.definition, DG.bearer, DG.modality, DG.imposedBy,
                 DG.validFrom, DG.verification):
        assert framework_graph.value(function, prop) is not None, f"{slug} lacks {prop}"
    provision = framework_graph.value(function, DG.imposedBy)
    assert (provision, RDF.type, DG.Provision) in framework_graph


@pytest.mark.parametrize("slug", [f for f in FUNCTIONS if f.startswith(("reg5", "reg6", "s14"))])
def test_lscb_functions_end_on_29_september_2019(slug: str, framework_graph: Graph) -> None:
    assert framework_graph.value(FN[slug], DG.bearer) == DG.LSCB
    end = framework_graph.value(FN[slug], DG.validThrough)
    assert end is not None and end.toPython() == date(2019, 9, 29)


def test_nested_functions_point_to_their_parent(framework_graph: Graph) -> None:
    for n in ("i", "ii", "iii", "iv", "v", "vi"):
        assert (FN[f"reg5-1-a-{n}"], SKOS.broader, FN["reg5-1-a"]) in framework_graph


@pytest.mark.parametrize("slug", PARTNER_LISTS)
def test_each_partner_list_is_dated_versioned_and_names_kinds(
    slug: str, framework_graph: Graph,
) -> None:
    plist = PL[slug]
    assert (plist, RDF.type, DG.BoardPartnerList) in framework_graph
    assert framework_graph.value(plist, DG.validFrom) is not None
    assert framework_graph.value(plist, DG.validThrough) is not None
    assert str(framework_graph.value(plist, DG.version)).startswith(
        "http://www.legislation.gov.uk/ukpga/2004/31/section/13/")
    assert len(set(framework_graph.objects(plist, DG.includesPartnerKind))) >= 11


def _provisions(graph: Graph) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, DG.Provision) if isinstance(s, URIRef))


def test_every_provision_has_citation_label_source_type_definition_start_and_verification(
    framework_only: Graph,
) -> None:
    required = (DG.citationLabel, RDFS.label, ELI.is_part_of, DG.sourceType, SKOS.definition,
                ELI.first_date_entry_in_force, DG.verification)
    provisions = _provisions(framework_only)
    assert len(provisions) > 100
    # An enacted provision awaiting commencement has no in-force date, and says so instead.
    awaiting = {p for p in provisions
                if framework_only.value(p, ELI.in_force) == ELI["InForce-notInForce"]}
    # A guidance passage of a dated edition (dg:GuidanceEdition) is in force when its edition is.
    by_edition = {p for p in provisions if _edition_start(framework_only, p) is not None}
    gaps = {str(p): [str(r) for r in required if framework_only.value(p, r) is None
                     and not (p in awaiting and r == ELI.first_date_entry_in_force)
                     and not (p in by_edition and r == ELI.first_date_entry_in_force)]
            for p in provisions}
    assert not {k: v for k, v in gaps.items() if v}


def _edition_start(graph: Graph, passage: URIRef) -> Literal | None:
    """The in-force date of the guidance edition a passage belongs to, if it is one."""
    for edition in graph.objects(passage, ELI.is_part_of):
        if (edition, RDF.type, DG.GuidanceEdition) in graph:
            start = graph.value(edition, DG.validFrom)
            if isinstance(start, Literal):
                return start
    return None


def test_every_provision_reaches_its_instrument_through_is_part_of(framework_only: Graph) -> None:
    for provision in _provisions(framework_only):
        seen: set[URIRef] = set()
        node = provision
        while (node, RDF.type, DG.Instrument) not in framework_only:
            assert node not in seen, f"is_part_of cycle at {node}"
            seen.add(node)
            parent = framework_only.value(node, ELI.is_part_of)
            assert parent is not None, f"{provision} stops at {node} before an instrument"
            node = parent


def test_legislation_provisions_link_their_page_without_id(framework_only: Graph) -> None:
    for provision in _provisions(framework_only):
        if not str(provision).startswith(LEGISLATION):
            continue
        page = framework_only.value(provision, DG.legislationPage)
        assert page == URIRef(str(provision).replace("/id/", "/", 1)), provision


def test_guidance_provisions_are_statutory_guidance_in_a_guidance_instrument(
    framework_only: Graph,
) -> None:
    guidance = list(framework_only.subjects(RDF.type, DG.GuidanceProvision))
    assert len(guidance) >= 20
    for passage in guidance:
        assert str(passage).startswith(OURS + "guidance/")
        assert (passage, RDF.type, DG.Provision) in framework_only
        assert framework_only.value(passage, DG.sourceType) == DG.StatutoryGuidance
        instrument = framework_only.value(passage, ELI.is_part_of)
        assert framework_only.value(instrument, DG.sourceType) == DG.StatutoryGuidance


def test_guidance_iris_carry_no_paragraph_number_except_those_the_reference_confirms(
    framework_only: Graph,
) -> None:
    confirmed = {"dcs-lmcs-2009-para-1-1", "dcs-lmcs-2009-para-1-2", "dcs-lmcs-2012-para-5"}
    numbered = {str(s).rsplit("/", 1)[1] for s in framework_only.subjects()
                if str(s).startswith(OURS + "guidance/") and "-para-" in str(s)}
    assert numbered == confirmed
    for slug in confirmed:
        assert framework_only.value(URIRef(OURS + "guidance/" + slug),
                                    DG.verification) == DG.Verified


def test_everything_the_framework_mints_has_an_english_label(framework_only: Graph) -> None:
    minted = {s for s in framework_only.subjects()
              if isinstance(s, URIRef) and (str(s).startswith(OURS)
                                            or str(s).startswith(LEGISLATION))}
    unlabelled = sorted(str(s) for s in minted
                        if not any(isinstance(lab, Literal) and lab.language == "en"
                                   for lab in framework_only.objects(s, RDFS.label)))
    assert not unlabelled, unlabelled


@pytest.mark.parametrize("kind", [DG.Duty, DG.Function, DG.Link])
def test_statements_carry_modality_provision_start_and_verification(
    kind: URIRef, framework_only: Graph,
) -> None:
    statements = list(framework_only.subjects(RDF.type, kind))
    assert statements
    for statement in statements:
        for prop in (RDFS.label, DG.modality, DG.imposedBy, DG.validFrom, DG.verification):
            assert framework_only.value(statement, prop) is not None, f"{statement} lacks {prop}"


def test_every_duty_states_its_requirement(framework_only: Graph) -> None:
    for duty in framework_only.subjects(RDF.type, DG.Duty):
        assert framework_only.value(duty, DG.requirement) is not None, duty


def test_every_link_names_subject_relation_and_object(framework_only: Graph) -> None:
    relations = {DG.reportsTo, DG.isAccountableTo, DG.isAppointedBy, DG.isRemovableBy,
                 DG.isChairedBy, DG.isScrutinisedBy, DG.receivesReport, DG.advises,
                 DG.informs, DG.consults, DG.observes}
    for link in framework_only.subjects(RDF.type, DG.Link):
        assert framework_only.value(link, DG.subject) is not None, link
        assert framework_only.value(link, DG.object) is not None, link
        assert framework_only.value(link, DG.relation) in relations, link


def test_anything_not_verified_against_the_primary_text_says_why(framework_only: Graph) -> None:
    silent = sorted(str(s) for s, status in framework_only.subject_objects(DG.verification)
                    if status != DG.Verified
                    and framework_only.value(s, DG.verificationNote) is None)
    assert not silent, f"not [V] but no dg:verificationNote: {silent}"


def test_dates_run_forwards(framework_only: Graph) -> None:
    pairs = [(DG.validFrom, DG.validThrough),
             (ELI.first_date_entry_in_force, ELI.date_no_longer_in_force)]
    for start_prop, end_prop in pairs:
        for subject, end in framework_only.subject_objects(end_prop):
            start = framework_only.value(subject, start_prop)
            if start is None and isinstance(subject, URIRef):
                start = _edition_start(framework_only, subject)
            assert start is not None, f"{subject} has an end but no start"
            assert str(start) <= str(end), subject  # xsd:date lexical forms order as dates


@pytest.mark.parametrize(("prop", "scheme"), [
    (DG.verification, DG.VerificationStatuses),
    (DG.modality, DG.Modalities),
    (DG.sourceType, DG.SourceTypes),
])
def test_every_status_modality_and_source_type_is_a_concept_of_its_scheme(
    prop: URIRef, scheme: URIRef, framework_graph: Graph, framework_only: Graph,
) -> None:
    values = set(framework_only.objects(None, prop))
    assert values
    outside = [v for v in values if (v, SKOS.inScheme, scheme) not in framework_graph]
    assert not outside, outside


def test_the_framework_uses_no_local_commitment_and_no_contradicted_status(
    framework_only: Graph,
) -> None:
    assert (None, DG.modality, DG.LocalCommitment) not in framework_only
    assert (None, DG.verification, DG.Contradicted) not in framework_only


PLACEHOLDER_WORDS = ("start date unverified", "start date believed",
                     "start date is a placeholder", "dates unverified", "the day is not known",
                     "date [m]", "end date is unverified", "end date unverified")


LSCB_ERA_FILES = ("ca1989", "ca2004", "lscb-regs-2006", "wt2013", "dcs-lmcs", "instruments",
                  "partner-kinds", "roles")


def test_a_statement_whose_date_is_a_placeholder_is_not_marked_verified() -> None:
    # A date that validation uses but nobody checked must not hide behind a verified status.
    # (The LSCB-era files; the post-2017 files keep their own record.)
    framework_only = Graph()
    for stem in LSCB_ERA_FILES:
        framework_only += parse_file(paths.data_dir() / "framework" / f"{stem}.ttl")
    dated = {s for s in framework_only.subjects(DG.validFrom, None)} | {
        s for s in framework_only.subjects(ELI.first_date_entry_in_force, None)}
    hidden = []
    for s in dated:
        note = str(framework_only.value(s, DG.verificationNote) or "").lower()
        status = framework_only.value(s, DG.verification)
        if any(w in note for w in PLACEHOLDER_WORDS) and status in (DG.Verified,
                                                                    DG.VerifiedSecondary):
            hidden.append(str(s))
    assert sorted(hidden) == []
