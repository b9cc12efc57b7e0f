"""Every local statement says where it comes from: seed document, place in it, date described.

The rule is the contract's (ontology/README.md, "Local arrangements"). The broken cases in
cases/ show that each check catches what it is meant to catch.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from dutygraph.namespaces import DG, FN, GD, ONTOLOGY_GRAPH, PK, ROLE, SRC, authority_graph
from dutygraph.rdfio import parse_file

from .local_checks import (
    AUTHORITIES,
    XSD_DATE,
    dangling_local_iris,
    iri_subjects,
    locator_problems,
    provenance_problems,
    subjects_of_type,
)

CASES = Path(__file__).parent / "cases"

# The date each authority file describes (the brief, and each document's own date line).
FILE_DATES = {
    "bromley/004_def069e8213006cd.ttl": ("004_def069e8213006cd", "2013-05-07"),
    "harrow/000_1902e046abda8e36.ttl": ("000_1902e046abda8e36", "2011-03-28"),
    "harrow/003_6201c10c6e4f3695.ttl": ("003_6201c10c6e4f3695", "2015-04-01"),
}

# The national IRIs the contract fixes (ontology/README.md, "Fixed national IRIs"). Local data
# may only point at these, so that it joins the framework whoever writes the framework.
FIXED_ROLES = {
    "dcs", "lead-member", "chief-executive", "leader", "lscb-chair", "lay-member",
    "board-partner-representative", "local-authority-representative", "education-representative",
    "participating-observer", "director-of-adult-social-services", "hwb-chair",
    "police-and-crime-commissioner", "designated-officer", "elected-member", "scrutiny-chair",
}
FIXED_PARTNER_KINDS = {
    "district-council", "police", "probation-board", "secretary-of-state-offender-management",
    "probation-provider", "youth-offending-team", "strategic-health-authority",
    "primary-care-trust", "nhs-commissioning-board", "clinical-commissioning-group", "nhs-trust",
    "connexions", "cafcass", "secure-training-centre", "prison",
}
FIXED_FUNCTIONS = (
    {"reg5-1-a", "reg5-1-b", "reg5-1-c", "reg5-1-d", "reg5-1-e", "reg6-1-a", "reg6-1-b",
     "s14-1-a", "s14-1-b"}
    | {f"reg5-1-a-{n}" for n in ("i", "ii", "iii", "iv", "v", "vi")}
    | {f"s18-2-{c}" for c in "abcde"}
)


def _case_header(path: Path) -> dict[str, str]:
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, _, value = line[1:].partition(":")
        if _ and key.strip() in ("check", "expect"):
            header[key.strip()] = value.strip()
    return header


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_every_local_statement_cites_a_seed_document_a_locator_and_an_as_at_date(
        slug: str, local_graphs: dict[URIRef, Graph], sources: Graph, seeds: Path) -> None:
    graph = local_graphs[authority_graph(slug)]
    assert len(iri_subjects(graph)) > 20, f"the {slug} graph is nearly empty"
    assert provenance_problems(graph, slug, sources, seeds) == []


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_every_dotted_paragraph_number_in_a_locator_occurs_in_the_cited_document(
        slug: str, local_graphs: dict[URIRef, Graph], sources: Graph, seeds: Path) -> None:
    assert locator_problems(local_graphs[authority_graph(slug)], sources, seeds) == []


@pytest.mark.parametrize("slug", AUTHORITIES)
def test_every_local_iri_an_authority_graph_points_at_is_described_in_it(
        slug: str, local_graphs: dict[URIRef, Graph]) -> None:
    assert dangling_local_iris(local_graphs[authority_graph(slug)], slug) == []


@pytest.mark.parametrize("path", sorted(FILE_DATES))
def test_each_authority_file_describes_the_date_of_its_own_document(
        path: str, authority_files: dict[str, Graph]) -> None:
    stem, day = FILE_DATES[path]
    graph = authority_files[path]
    subjects = iri_subjects(graph)
    assert subjects
    for s in subjects:
        assert set(graph.objects(s, PROV.wasDerivedFrom)) == {SRC[stem]}, s
        assert set(graph.objects(s, DG.asAt)) == {Literal(day, datatype=XSD_DATE)}, s


def test_every_seed_document_has_a_source_description(sources: Graph, seeds: Path) -> None:
    described = {str(name) for name in sources.objects(None, DG.fileName)}
    files = {p.name for p in seeds.iterdir() if p.is_file() and p.name != "README.md"}
    assert files, f"no seed documents in {seeds}"
    assert files <= described


def test_every_source_description_is_a_dated_local_document_naming_an_existing_file(
        sources: Graph, seeds: Path) -> None:
    docs = subjects_of_type(sources, DG.SourceDocument)
    # Web pages (present-day arrangements) stand for their file by their address, foaf:page.
    web = [d for d in docs if sources.value(d, FOAF.page) is not None]
    for doc in web:
        assert str(doc).startswith(str(SRC) + "web-"), doc
        assert (doc, DG.sourceType, DG.LocalDocument) in sources
        for prop in (DCTERMS.title, DCTERMS.date, DCTERMS.publisher):
            assert sources.value(doc, prop) is not None, (doc, prop)
    docs = [d for d in docs if d not in web]
    assert len(docs) == 5
    for doc in docs:
        (name,) = sources.objects(doc, DG.fileName)
        assert (seeds / str(name)).is_file(), doc
        assert doc == SRC[Path(str(name)).stem], "the src: IRI is the file stem"
        assert (doc, DG.sourceType, DG.LocalDocument) in sources
        for prop in (DCTERMS.title, DCTERMS.date, DCTERMS.publisher):
            assert sources.value(doc, prop) is not None, (doc, prop)


def test_source_documents_name_the_authority_they_describe_and_only_that(
        sources: Graph) -> None:
    described = {str(doc).rsplit("/", 1)[1]: {str(a).rsplit("/", 1)[1]
                                               for a in sources.objects(doc, DG.describesAuthority)}
                 for doc in subjects_of_type(sources, DG.SourceDocument)}
    assert described == {
        "000_1902e046abda8e36": {"harrow"},
        "001_c1d1132dd61eb15b": set(),
        "002_30eac0bb48070ff4": set(),
        "003_6201c10c6e4f3695": {"harrow"},
        "004_def069e8213006cd": {"bromley"},
        "web-bscp-arrangements-2019": {"bromley"},
        "web-bscp-governance": {"bromley"},
        "web-bscp-learning": {"bromley"},
        "web-bromley-jtai-news": {"bromley"},
        "web-bromley-cef-briefing-2025-11-11": {"bromley"},
    }


def test_every_statement_in_a_source_graph_also_cites_its_document_place_and_date(
        local_graphs: dict[URIRef, Graph], seeds: Path) -> None:
    for name, graph in local_graphs.items():
        if "/graph/source/" not in str(name):
            continue
        stem = str(name).rsplit("/", 1)[1]
        for s in iri_subjects(graph):
            if s == SRC[stem]:
                continue
            assert set(graph.objects(s, PROV.wasDerivedFrom)) == {SRC[stem]}, s
            assert any(str(o).strip() for o in graph.objects(s, DG.locator)), s
            dates = list(graph.objects(s, DG.asAt))
            assert dates and all(isinstance(d, Literal) and d.datatype == XSD_DATE
                                 for d in dates), s


def test_local_data_points_only_at_the_national_iris_the_contract_fixes(
        local_graphs: dict[URIRef, Graph]) -> None:
    allowed = ({ROLE[r] for r in FIXED_ROLES} | {PK[p] for p in FIXED_PARTNER_KINDS}
               | {FN[f] for f in FIXED_FUNCTIONS})
    fixed_spaces = (str(ROLE), str(PK), str(FN))
    for name, graph in local_graphs.items():
        if "/graph/authority/" not in str(name) and "/graph/source/" not in str(name):
            continue
        used = {o for o in graph.objects() if isinstance(o, URIRef)
                and str(o).startswith(fixed_spaces)}
        assert used <= allowed, sorted(used - allowed)


def test_every_guidance_iri_used_locally_is_a_topic_slug_without_paragraph_numbers(
        local_graphs: dict[URIRef, Graph]) -> None:
    used = {str(o) for name, g in local_graphs.items() if "/graph/" in str(name)
            for o in g.objects() if isinstance(o, URIRef) and str(o).startswith(str(GD))}
    assert used
    for iri in used:
        slug = iri[len(str(GD)):]
        assert slug and "/" not in slug and "para" not in slug, iri


@pytest.mark.parametrize("case", sorted(CASES.glob("*.ttl")), ids=lambda p: p.stem)
def test_the_provenance_checks_report_each_broken_case(
        case: Path, sources: Graph, seeds: Path) -> None:
    header = _case_header(case)
    graph = parse_file(case)
    problems = {
        "provenance": provenance_problems(graph, "bromley", sources, seeds),
        "locator": locator_problems(graph, sources, seeds),
        "dangling": dangling_local_iris(graph, "bromley"),
    }
    expected = header["expect"]
    if not expected:
        assert problems == {"provenance": [], "locator": [], "dangling": []}
    else:
        found = problems[header["check"]]
        assert any(expected in p for p in found), found


def test_local_data_uses_only_classes_and_properties_the_ontology_defines(
        local_graphs: dict[URIRef, Graph]) -> None:
    ontology = local_graphs[ONTOLOGY_GRAPH]
    for name, graph in local_graphs.items():
        if name == ONTOLOGY_GRAPH:
            continue
        terms = set(graph.objects(None, RDF.type)) | set(graph.predicates())
        terms |= set(graph.objects(None, DG.relation))
        for term in terms:
            if str(term).startswith(str(DG)):
                assert (term, RDF.type, None) in ontology, f"{term} (in {name})"
