"""The text index gives the rows the search question gives, holds the texts the
search-records question names, and finds words by stem, prefix and spelling (the families of
ranked cases are in test_ranked_cases.py)."""

from __future__ import annotations

import pytest
from rdflib import Literal

from dutygraph.queries import bound_text, run_query
from dutygraph.queries.internal import page_select
from dutygraph.search import index_for
from dutygraph.store import Store, in_memory_copy
from dutygraph.store.search_records import DEFINITIONS, read_records

# Phrases, word parts, short needles, case, punctuation, definitions, nothing at all.
TEXTS = ["serious case", "Serious Case Reviews", "chair", "lscb", "LSCB chair", "ch", "a",
         "safeguarding partner", "section 13", "s13", "misstatement:", "director of children",
         "annual report", "child death", "partner", "rious ca", "to account", "(", "zzzz-none"]


def _rows(result: object) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in result.rows]  # type: ignore[attr-defined]


# rdflib answers search.rq for a one- or two-letter text in seconds: those the embedded store
# checks alone (the index is the same; the memory store's search.rq is what is compared).
BROAD = {"a", "(", "ch", "partner"}
CASES = [("embedded", t) for t in TEXTS] + [("memory", t) for t in TEXTS if t not in BROAD]


@pytest.mark.parametrize(("kind", "text"), CASES)
def test_the_index_gives_the_search_questions_rows_in_its_order(
        kind: str, text: str, request: pytest.FixtureRequest) -> None:
    store: Store = request.getfixturevalue(f"{kind}_store")
    sparql, _ = bound_text(store, "search", {"text": text})
    want = store.select(sparql)  # search.rq itself, not the index run_query now reads
    got = index_for(store).search(text)
    assert got.variables == want.variables
    assert _rows(got) == _rows(want)


@pytest.mark.parametrize("kind", ["embedded", "memory"])
def test_the_search_question_is_answered_from_the_index(
        kind: str, request: pytest.FixtureRequest) -> None:
    store: Store = request.getfixturevalue(f"{kind}_store")
    result = run_query(store, "search", {"text": "serious case"})
    assert _rows(result) == _rows(index_for(store).search("serious case"))
    assert result.rows and result.sparql  # the bound text is still given, for showing


def test_the_index_is_built_once_per_store_version(embedded_store: Store) -> None:
    assert index_for(embedded_store) is index_for(embedded_store)


@pytest.mark.parametrize(("text", "expected"), [
    ("serious case reviewing", "serious case review"),  # stemmed: reviewing ~ reviews
    ("safeguard", "safeguarding"),                       # the last word as a prefix
    ("seriuos case", "serious case"),                    # misspelt: the nearest word
    ("Independant chair", "independent chair"),
])
def test_ranked_search_finds_words_by_stem_prefix_and_spelling(
        embedded_store: Store, text: str, expected: str) -> None:
    hits = index_for(embedded_store).ranked(text)
    assert hits, text
    assert any(expected in h.matched.lower() for h in hits[:10]), [h.matched for h in hits[:10]]


def test_ranked_search_of_nothing_searchable_finds_nothing(embedded_store: Store) -> None:
    assert index_for(embedded_store).ranked("  ,; ") == []
    assert index_for(embedded_store).ranked("qqqqxxxxzzzz") == []


def test_a_score_is_an_integer_as_the_question_gives_it(embedded_store: Store) -> None:
    rows = index_for(embedded_store).search("chair").rows
    assert rows and all(isinstance(r["score"], Literal) and r["score"].value in (100, 50, 20, 5)
                        for r in rows)


@pytest.fixture(scope="module")
def synthetic_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The repository's data and twelve synthetic authorities (tools/synth.py)."""
    from tools import synth

    from dutygraph.datasets import Source, repository_files
    from dutygraph.store import EmbeddedStore

    folder = tmp_path_factory.mktemp("synthetic-index")
    arrangements = folder / "twelve.nt"
    synth.write(arrangements, 12, seed=7)
    store = EmbeddedStore(folder / "store")
    store.write(Source(repository_files(), extra=[arrangements]), drop_others=True)
    return store


@pytest.mark.parametrize("text", ["chair", "serious case", "director of children", "lscb",
                                  "annual report", "member"])
def test_on_synthetic_authorities_the_index_gives_the_search_questions_rows(
        synthetic_store: Store, text: str) -> None:
    sparql, _ = bound_text(synthetic_store, "search", {"text": text})
    want = synthetic_store.select(sparql)
    assert want.rows, text
    assert _rows(index_for(synthetic_store).search(text)) == _rows(want)


def _records_of_the_question(store: Store) -> list[tuple[str, str, bool, str, str, str]]:
    return sorted((str(r["item"]), str(r["kind"]), str(r["property"]) in DEFINITIONS,
                   str(r["value"]), str(r["itemLabel"]), str(r["kindLabel"]))
                  for r in page_select(store, "search-records").rows)


@pytest.mark.parametrize("kind", ["embedded", "memory", "synthetic"])
def test_the_index_holds_exactly_the_texts_the_search_records_question_names(
        kind: str, request: pytest.FixtureRequest) -> None:
    """read_records scans Oxigraph's indexes instead of running search-records.rq (seconds
    at national scale); the question stays the reference for what is searchable."""
    store: Store = request.getfixturevalue(f"{kind}_store")
    behind = store.oxigraph if store.oxigraph is not None else in_memory_copy(store).oxigraph
    assert behind is not None
    got = sorted((r.item, r.kind, r.is_definition, r.value, r.item_label, r.kind_label)
                 for r in read_records(behind))
    assert got == _records_of_the_question(store if kind != "memory"
                                           else in_memory_copy(store))
    assert index_for(store).count == len(got)
