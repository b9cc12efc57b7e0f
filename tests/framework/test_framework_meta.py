"""Repository-wide meta-tests: the contract of ontology/README.md, checked on every file.

These read the whole repository (ontology, framework, local, sources) through the shared
repo_dataset fixture, so a file anyone adds is held to the same rules. Where a rule is about one
named graph (dangling references), the test is parametrised by graph so a failure names it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Dataset, Graph, URIRef
from rdflib.namespace import SKOS

from dutygraph import paths
from dutygraph.datasets import DataFile, repository_files
from dutygraph.namespaces import DG, ONTOLOGY_GRAPH
from dutygraph.rdfio import parse_file

OURS = "https://w3id.org/dutygraph/"
GUIDANCE = "https://w3id.org/dutygraph/id/guidance/"
LEGISLATION_ID = re.compile(
    r"^http://www\.legislation\.gov\.uk/id/(ukpga|uksi)/\d{4}/\d+(/[A-Za-z0-9]+)*$"
)
# Objects that name something outside the data rather than refer to a node in it.
NOT_REFERENCES = {OWL.versionIRI, DG.legislationPage, DG.version}

FILES = repository_files()


def _file_id(data_file: DataFile) -> str:
    return str(Path(data_file.path).relative_to(paths.root()))


@pytest.mark.parametrize("data_file", FILES, ids=_file_id)
def test_every_data_file_parses(data_file: DataFile) -> None:
    graph = parse_file(data_file.path)
    assert len(graph) > 0, f"{data_file.path} is empty"


def test_exactly_one_owl_ontology_is_declared_across_ontology_and_data(
    repo_dataset: Dataset,
) -> None:
    ontologies = set(repo_dataset.subjects(RDF.type, OWL.Ontology))
    assert ontologies == {URIRef(OURS + "def")}, ontologies


def test_every_class_and_property_declared_in_the_ontology_has_a_label_and_a_definition(
    repo_graphs: dict[URIRef, Graph],
) -> None:
    onto = repo_graphs[ONTOLOGY_GRAPH]
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property,
             OWL.AnnotationProperty)
    declared = {s for kind in kinds for s in onto.subjects(RDF.type, kind)}
    declared |= set(onto.subjects(RDF.type, DG.AccountabilityRelation))
    assert len(declared) > 50
    missing = sorted(
        str(term) for term in declared
        if onto.value(term, RDFS.label) is None or onto.value(term, SKOS.definition) is None
    )
    assert not missing, f"terms without rdfs:label or skos:definition: {missing}"


def test_every_duty_has_a_bearer_a_modality_a_provision_and_a_start_date(
    repo_dataset: Dataset,
) -> None:
    duties = set(repo_dataset.subjects(RDF.type, DG.Duty))
    assert duties, "no dg:Duty anywhere"
    incomplete = {}
    for duty in duties:
        lacking = [p.fragment for p in (DG.bearer, DG.modality, DG.imposedBy, DG.validFrom)
                   if repo_dataset.value(duty, p) is None]
        if lacking:
            incomplete[str(duty)] = lacking
    assert not incomplete, incomplete


def test_every_provision_iri_is_a_legislation_identifier_or_a_guidance_iri(
    repo_dataset: Dataset,
) -> None:
    provisions = set(repo_dataset.subjects(RDF.type, DG.Provision))
    provisions |= set(repo_dataset.subjects(RDF.type, DG.GuidanceProvision))
    assert provisions
    bad = sorted(
        str(p) for p in provisions
        if not (LEGISLATION_ID.match(str(p)) or str(p).startswith(GUIDANCE))
    )
    assert not bad, f"provisions with a non-identifier IRI: {bad}"


def test_every_imposed_by_target_is_a_declared_provision(repo_dataset: Dataset) -> None:
    targets = set(repo_dataset.objects(None, DG.imposedBy))
    assert targets
    undeclared = sorted(str(t) for t in targets
                        if (t, RDF.type, DG.Provision) not in repo_dataset)
    assert not undeclared, f"dg:imposedBy targets not typed dg:Provision: {undeclared}"


def _graph_id(name: URIRef) -> str:
    return str(name).removeprefix(OURS + "graph/")


GRAPH_NAMES = sorted({f.graph for f in FILES})


@pytest.mark.parametrize("graph_name", GRAPH_NAMES, ids=_graph_id)
def test_every_iri_in_our_namespaces_used_as_an_object_is_defined_somewhere(
    graph_name: URIRef, repo_graphs: dict[URIRef, Graph], repo_dataset: Dataset,
) -> None:
    defined = set(repo_dataset.subjects())
    dangling = sorted({
        (p.n3(repo_graphs[graph_name].namespace_manager), str(o))
        for _, p, o in repo_graphs[graph_name]
        if isinstance(o, URIRef) and str(o).startswith(OURS) and p not in NOT_REFERENCES
        and o not in defined
    })
    assert not dangling, f"{_graph_id(graph_name)} refers to undefined IRIs: {dangling}"


@pytest.mark.parametrize("graph_name", GRAPH_NAMES, ids=_graph_id)
def test_every_legislation_provision_cited_is_defined_by_the_framework(
    graph_name: URIRef, repo_graphs: dict[URIRef, Graph], repo_dataset: Dataset,
) -> None:
    defined = set(repo_dataset.subjects())
    cited = sorted({
        str(o) for _, p, o in repo_graphs[graph_name]
        if isinstance(o, URIRef) and LEGISLATION_ID.match(str(o)) and p not in NOT_REFERENCES
        and o not in defined
    })
    assert not cited, f"{_graph_id(graph_name)} cites provisions nobody defines: {cited}"
