"""Every misstatement of the law in the seed documents is listed by the `misstatements` query.

The table below is the record of what each document gets wrong; the query must list each one,
with its place in the document and the provision that shows it wrong, on both store kinds, and
a provision given as the parameter must find the claims that cite it or are contradicted by it.
"""

from __future__ import annotations

import pytest

from dutygraph.queries import run_query
from dutygraph.store import Store

LEG = "http://www.legislation.gov.uk/id/"
GD = "https://w3id.org/dutygraph/id/guidance/"

# (file of the seed, a locator of the claim, a provision cited or relied on, one that
#  contradicts it)
MISSTATEMENTS = [
    ("001_c1d1132dd61eb15b.txt", "Background, para 8", f"{LEG}ukpga/2004/31/section/31",
     f"{LEG}ukpga/2004/31/section/31"),
    ("004_def069e8213006cd.txt", "CSED 13001 para 2.17", f"{LEG}ukpga/2004/31/section/11",
     f"{LEG}ukpga/2004/31/section/11/1"),
    ("004_def069e8213006cd.txt", "CSED 13001 Appendix 1, heading",
     f"{LEG}ukpga/2004/31/section/14", f"{LEG}uksi/2006/90/regulation/5/1"),
    ("004_def069e8213006cd.txt", "CSED 13002 para 3.1", f"{LEG}ukpga/2004/31/section/18",
     f"{LEG}ukpga/2004/31/section/18/2"),
    ("004_def069e8213006cd.txt", "CSED 13002 para 3.2", f"{GD}dcs-lmcs-guidance-2012",
     f"{GD}dcs-lmcs-guidance-2013"),
]


def _rows(store: Store, params: dict[str, str]) -> list[dict[str, object]]:
    records: list[dict[str, object]] = run_query(store, "misstatements", params).records()
    return records


def _match(rows: list[dict[str, object]], file: str, locator: str, cited: str,
           by: str) -> list[dict[str, object]]:
    return [r for r in rows
            if r["fileName"] == file
            and locator in str(r["locators"]).split("; ")
            and cited in str(r["cites"]).split("; ")
            and by in str(r["contradictedBy"]).split("; ")]


@pytest.mark.parametrize("kind", ["memory_store", "embedded_store"])
@pytest.mark.parametrize(("file", "locator", "cited", "by"), MISSTATEMENTS)
def test_the_misstatements_query_lists_each_misstatement_with_its_place_and_its_refutation(
        request: pytest.FixtureRequest, kind: str, file: str, locator: str, cited: str,
        by: str) -> None:
    rows = _rows(request.getfixturevalue(kind), {})
    found = _match(rows, file, locator, cited, by)
    assert len(found) == 1, (locator, rows)
    assert str(found[0]["claimText"]) and str(found[0]["why"])


def test_the_misstatements_query_lists_nothing_the_data_does_not_mark_contradicted(
        memory_store: Store) -> None:
    rows = _rows(memory_store, {})
    assert len(rows) == len(MISSTATEMENTS)


@pytest.mark.parametrize(("file", "locator", "cited", "by"), MISSTATEMENTS)
def test_a_misstatement_is_found_from_the_provision_it_cites_and_from_the_one_refuting_it(
        memory_store: Store, file: str, locator: str, cited: str, by: str) -> None:
    for provision in {cited, by}:
        rows = _rows(memory_store, {"provision": provision})
        assert len(_match(rows, file, locator, cited, by)) == 1, (provision, rows)


def test_a_section_finds_a_misstatement_contradicted_by_one_of_its_subsections(
        memory_store: Store) -> None:
    rows = _rows(memory_store, {"provision": "CA 2004 s11"})
    assert [r["locators"] for r in rows] == ["CSED 13001 para 2.17"]


def test_a_provision_no_misstatement_touches_finds_none(memory_store: Store) -> None:
    assert _rows(memory_store, {"provision": f"{LEG}ukpga/2004/31/section/16"}) == []


def test_an_instrument_finds_a_misstatement_contradicted_by_a_regulation_two_levels_down(
        memory_store: Store) -> None:
    rows = _rows(memory_store, {"provision": f"{LEG}uksi/2006/90"})
    assert [r["locators"] for r in rows] == ["CSED 13001 Appendix 1, heading"]


def test_no_recorded_provision_is_deeper_than_the_query_follows(memory_store: Store) -> None:
    # misstatements follows eli:is_part_of at most five steps up (Virtuoso cannot take a *
    # path here); a deeper provision would silently drop out of its answers.
    deep = memory_store.select("""
        PREFIX eli: <http://data.europa.eu/eli/ontology#>
        SELECT ?p WHERE { ?p eli:is_part_of/eli:is_part_of/eli:is_part_of/eli:is_part_of/
                             eli:is_part_of/eli:is_part_of ?top }""")
    assert len(deep) == 0


@pytest.mark.parametrize(("text", "claim"), [
    ("strategic health authorities to performance-manage",
     "https://w3id.org/dutygraph/id/source/001_c1d1132dd61eb15b/claim-sha-performance-manages-pcts-s31"),
    ("parliamentary order",
     "https://w3id.org/dutygraph/id/authority/bromley/claim-dcs-lmcs-parliamentary-order"),
])
def test_search_finds_a_misstatement_by_what_it_says(
        memory_store: Store, text: str, claim: str) -> None:
    rows = run_query(memory_store, "search", {"text": text}).records()
    assert any(str(r["item"]) == claim and str(r["kind"]).endswith("#Claim") for r in rows)


def test_searching_misstatement_lists_every_misstatement(memory_store: Store) -> None:
    rows = run_query(memory_store, "search", {"text": "misstatement:"}).records()
    found = {str(r["item"]) for r in rows if str(r["kind"]).endswith("#Claim")}
    assert found == {str(r["claim"]) for r in _rows(memory_store, {})}
