"""The worked example of ontology/README.md ("s13 end to end") runs as written.

The SPARQL is read out of the README itself, so the documentation cannot drift from the data.
It runs on the framework plus a small Bromley fixture (tests/framework/cases), on both rdflib
and Oxigraph, and on the repository's own data when Bromley's arrangements are there.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from dutygraph import paths

SECTION = "## Worked example: s13 end to end"
CASE = Path(__file__).parent / "cases" / "bromley-worked-example.ttl"
ID = "https://w3id.org/dutygraph/id/"
EXPECTED = {
    "citation": "CA 2004 s13(1)",
    "duty": ID + "duty/ca2004-s13-1-establish-lscb",
    "modality": "https://w3id.org/dutygraph/def#Must",
    "bearerKind": "https://w3id.org/dutygraph/def#LocalAuthority",
    "board": ID + "authority/bromley/bscb",
    "chairPost": ID + "authority/bromley/post-lscb-chair",
    "chairHolder": "Helen Davies",
    "ceRole": ID + "role/chief-executive",
    "accountabilityBasis": ID + "guidance/wt2013-ch3-chair-accountability",
    "accountabilityModality": "https://w3id.org/dutygraph/def#Should",
    "cePost": ID + "authority/bromley/post-chief-executive",
    "ceHolder": "Doug Patterson",
}


def _readme_query() -> str:
    text = (paths.ontology_dir() / "README.md").read_text(encoding="utf-8")
    assert SECTION in text, "ontology/README.md has no worked example section"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sparql\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the worked example should hold exactly one sparql block"
    block: str = blocks[0]
    return block


def _on_day(query: str, day: str) -> str:
    assert '"2013-05-07"^^xsd:date' in query
    return query.replace('"2013-05-07"^^xsd:date', f'"{day}"^^xsd:date')


@pytest.fixture(scope="module")
def example_graph(framework_graph: Graph) -> Graph:
    graph = Graph()
    graph += framework_graph
    graph.parse(CASE, format="turtle")
    return graph


def _rows_rdflib(graph: Graph | Dataset, query: str) -> list[dict[str, str]]:
    result = graph.query(query)
    names = [str(v) for v in result.vars or []]
    return [{n: str(row[n]) for n in names if row[n] is not None}  # type: ignore[call-overload, index]
            for row in result]


def _rows_oxigraph(graph: Graph, query: str) -> list[dict[str, str]]:
    store = ox.Store()
    store.load(graph.serialize(format="nt").encode(), format=ox.RdfFormat.N_TRIPLES,
               to_graph=ox.NamedNode(ID + "test-graph"))
    result = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: term.value for n in names if (term := row[n]) is not None}
            for row in result]  # type: ignore[union-attr]


def test_the_worked_example_walks_from_s13_1_to_bromleys_chair_and_chief_executive(
    example_graph: Graph,
) -> None:
    assert _rows_rdflib(example_graph, _readme_query()) == [EXPECTED]


def test_the_worked_example_gives_the_same_row_on_oxigraph(example_graph: Graph) -> None:
    assert _rows_oxigraph(example_graph, _readme_query()) == [EXPECTED]


def test_before_working_together_2013_the_chair_answers_to_no_one_in_the_walk(
    example_graph: Graph,
) -> None:
    assert _rows_rdflib(example_graph, _on_day(_readme_query(), "2013-04-14")) == []


def test_after_lscbs_end_the_s13_duty_no_longer_applies(example_graph: Graph) -> None:
    assert _rows_rdflib(example_graph, _on_day(_readme_query(), "2019-09-30")) == []


def test_the_worked_example_also_runs_on_the_repositorys_bromley_data(
    repo_dataset: Dataset,
) -> None:
    bromley = URIRef(ID + "authority/bromley")
    if not any(True for _ in repo_dataset.triples((bromley, None, None))):
        pytest.skip("data/local/bromley is not there yet")
    rows = _rows_rdflib(repo_dataset, _readme_query())
    assert rows, "the worked example finds no chain in the repository's Bromley data"
    assert {r["chairPost"] for r in rows} == {EXPECTED["chairPost"]}
    assert {r["cePost"] for r in rows} == {EXPECTED["cePost"]}
