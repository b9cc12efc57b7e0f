"""Which graphs a named query reads (dutygraph.queries.scope), and that narrowing them never
changes an answer."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import Literal

from dutygraph.errors import InputError
from dutygraph.namespaces import FRAMEWORK_GRAPH, ONTOLOGY_GRAPH, authority_graph
from dutygraph.queries import bound_text, catalogue, run_query
from dutygraph.queries.header import parse_header
from dutygraph.queries.run import sorted_lists
from dutygraph.store import Store

BROMLEY = "https://w3id.org/dutygraph/id/authority/bromley"
FROM = re.compile(r"^FROM <([^>]*)>$", re.M)

EXAMPLES = [
    ("board-partners", {"authority": "Bromley", "as_of": "2013-05-07"}),
    ("reporting-lines", {"authority": "Harrow"}),
    ("who-is-accountable", {"function": "undertaking reviews of serious cases",
                            "authority": "Harrow"}),
    ("who-is-accountable", {"function": "undertaking reviews of serious cases"}),
    ("functions-evidence", {"authority": "Bromley"}),
    ("report-recipients", {"authority": "Harrow"}),
    ("duties-of", {"subject": "Bromley Safeguarding Children Board"}),
    ("duties-of", {"subject": "Director of Children's Services", "as_of": "2013-05-07"}),
]


def _graphs(store: Store, name: str, params: dict[str, str]) -> set[str]:
    text, _ = bound_text(store, name, params)
    return set(FROM.findall(text))


def test_a_question_about_bromley_reads_the_shared_graphs_and_bromleys_own(
        memory_store: Store) -> None:
    graphs = _graphs(memory_store, "board-partners", {"authority": "Bromley"})
    assert {str(ONTOLOGY_GRAPH), str(FRAMEWORK_GRAPH), str(authority_graph("bromley"))} <= graphs
    assert str(authority_graph("harrow")) not in graphs


def test_a_local_subject_brings_in_its_councils_graph(memory_store: Store) -> None:
    graphs = _graphs(memory_store, "duties-of", {"subject": f"{BROMLEY}/bscb"})
    assert str(authority_graph("bromley")) in graphs
    assert str(authority_graph("harrow")) not in graphs


def test_a_national_question_reads_no_councils_graph(memory_store: Store) -> None:
    graphs = _graphs(memory_store, "who-is-accountable",
                     {"function": "undertaking reviews of serious cases"})
    assert str(FRAMEWORK_GRAPH) in graphs
    assert not any("/graph/authority/" in g for g in graphs)


def test_search_reads_the_whole_store(memory_store: Store) -> None:
    assert _graphs(memory_store, "search", {"text": "chair"}) == set()


@pytest.mark.parametrize("name", ["search", "misstatements", "provision"])
def test_the_queries_that_list_the_sources_claims_read_every_graph(name: str) -> None:
    # A source's misstatements live in the seed documents' and the councils' graphs, which a
    # question about the law alone would not read (provision lists them, as misstatements does).
    assert next(q for q in catalogue() if q.name == name).graphs == "all"


@pytest.mark.parametrize(("name", "params"), EXAMPLES,
                         ids=[f"{n}-{'-'.join(p)}" for n, p in EXAMPLES])
def test_narrowing_the_graphs_never_changes_the_answer(
        memory_store: Store, name: str, params: dict[str, str]) -> None:
    """The same bound query without its FROM clauses (the whole store) gives the same rows."""
    narrowed = run_query(memory_store, name, params)
    assert FROM.search(narrowed.sparql), "expected the query to be narrowed"
    whole = memory_store.select(FROM.sub("", narrowed.sparql))
    rows = [r for r in whole.rows if r.get(whole.variables[0]) is not None]
    sorted_lists(rows, next(q for q in catalogue() if q.name == name).lists)
    assert narrowed.rows, "an example with no rows proves nothing"
    key = sorted(map(repr, narrowed.rows))
    assert key == sorted(map(repr, rows))


def test_a_list_column_is_given_sorted_whatever_order_the_engine_met_its_items() -> None:
    rows = [{"toHolder": Literal("Zoe Z; Ann A"), "other": Literal("b; a")}]
    sorted_lists(rows, ["toHolder"])
    assert rows == [{"toHolder": Literal("Ann A; Zoe Z"), "other": Literal("b; a")}]


def test_a_header_with_an_unknown_graphs_value_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "tiny.rq"
    bad.write_text("#+ name: tiny\n#+ summary: s\n#+ description: d\n#+ params: []\n"
                   "#+ provisions: []\n#+ example: dutygraph query tiny\n#+ graphs: some\n"
                   "SELECT * WHERE { }\n")
    with pytest.raises(InputError) as info:
        parse_header(bad.read_text(), bad)
    assert "tiny.rq" in str(info.value) and "graphs" in str(info.value)
