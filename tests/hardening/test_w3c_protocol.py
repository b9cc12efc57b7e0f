"""The W3C SPARQL 1.1 Protocol manifest replayed against /sparql (issue 8 §3).

Every query test must pass as written (a graph the store does not hold is an empty graph, so
the tests naming data0.rdf get 2xx from an empty dataset, as on Oxigraph's server); the update
tests must get the documented refusal (or the 4xx
they expect). docs/w3c-protocol.md records the counts and must match a fresh replay.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import w3c_protocol as w3c

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def outcomes() -> dict[str, list[w3c.Outcome]]:
    return {label: w3c.run(kind, data0) for label, (kind, data0) in w3c.CONFIGURATIONS.items()}


def test_the_manifest_is_read_whole() -> None:
    tests = w3c.load_manifest()
    assert len(tests) == 34
    assert sum(not t.is_update for t in tests) == 20
    assert all(t.requests for t in tests)


def test_every_query_test_passes_as_written_on_the_memory_store(
        outcomes: dict[str, list[w3c.Outcome]]) -> None:
    results = next(iter(outcomes.values()))
    failed = [(o.test, o.how) for o in results if not o.passed]
    assert failed == []
    assert w3c.summary(results)["query_passed"] == 20


def test_every_query_test_passes_as_written_on_the_embedded_store(
        outcomes: dict[str, list[w3c.Outcome]]) -> None:
    # query_content_type_construct has a relative IRI and no BASE: the store supplies the
    # base the protocol leaves to the service (Oxigraph refuses the query without one).
    results = list(outcomes.values())[1]
    failed = [(o.test, o.how) for o in results if not o.passed]
    assert failed == []
    assert w3c.summary(results)["query_passed"] == 20


def test_updates_get_the_documented_refusal(outcomes: dict[str, list[w3c.Outcome]]) -> None:
    for results in outcomes.values():
        updates = [o for o in results if o.kind == "update"]
        assert len(updates) == 14
        assert all(o.passed for o in updates), [(o.test, o.how) for o in updates]
        assert sum(o.how == "refused as documented" for o in updates) == 7


def test_with_data0_supplied_every_query_test_passes_over_it_too(
        outcomes: dict[str, list[w3c.Outcome]]) -> None:
    results = list(outcomes.values())[2]
    assert [(o.test, o.how) for o in results if not o.passed] == []


def test_the_recorded_counts_are_current(outcomes: dict[str, list[w3c.Outcome]]) -> None:
    recorded = (ROOT / "docs" / "w3c-protocol.md").read_text(encoding="utf-8")
    assert recorded == w3c.report(outcomes), (
        "docs/w3c-protocol.md is stale: python tests/hardening/w3c_protocol.py --write "
        "docs/w3c-protocol.md")
