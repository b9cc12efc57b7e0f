"""On synthetic councils (tools/synth.py: several seeds, 20 councils each) the stored chains
answer the chain questions exactly as the recursive definition does, on every store kind.

The recursive answer is the embedded store's (tests/stores/test_parity.py holds the kinds to
it); each kind's lookup is compared with it, row for row, for a spread of councils, days and
bearers. rdflib takes seconds over each question, so the memory store is asked fewer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dutygraph.datasets import repository_source
from dutygraph.store import EmbeddedStore, MemoryStore, Store

from .chains_support import (
    bearers,
    cases,
    lookup_text,
    recursive_rows,
    rows,
    same_answer,
    synth_file,
)
from .conftest import remote_store

# One worker runs this module (`pytest -n 2 --dist loadgroup`), so each seed's reference store
# and its recursive answers are built once for every kind compared with them; the server's
# run is marked `server` but kept out of the stores' "servers" group for the same reason.
pytestmark = pytest.mark.xdist_group("chains-synth")

COUNCILS = 20
SEEDS = [1, 2]
DAYS: list[str | None] = [None, "2008-04-01", "2013-05-07", "2015-04-01", "2019-09-30"]
# Which councils are asked, per kind (numbers 1..COUNCILS): a spread, fewer where slow.
ASKED = {"embedded": [1, 13, 20], "oxigraph-server": [2, 17], "memory": [5]}
# Every seed on the embedded store; the slower kinds on the first.
RUNS = [pytest.param("embedded", seed, id=f"embedded-seed{seed}") for seed in SEEDS] + [
    pytest.param("memory", SEEDS[0], id=f"memory-seed{SEEDS[0]}"),
    pytest.param("oxigraph-server", SEEDS[0], id=f"oxigraph-server-seed{SEEDS[0]}",
                 marks=[pytest.mark.server])]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("synth")


@pytest.fixture(scope="module")
def references(data: Path) -> Iterator[Callable[[int], Store]]:
    built: dict[int, Store] = {}

    def get(seed: int) -> Store:
        if seed not in built:
            store = EmbeddedStore()
            store.write(repository_source([synth_file(data, COUNCILS, seed)]), drop_others=True)
            built[seed] = store
        return built[seed]

    yield get


def _store(kind: str, seed: int, data: Path, references: Callable[[int], Store],
           request: pytest.FixtureRequest) -> Store:
    if kind == "embedded":
        return references(seed)
    store: Store = MemoryStore() if kind == "memory" \
        else remote_store(request.getfixturevalue("oxigraph"))
    store.write(repository_source([synth_file(data, COUNCILS, seed)]), drop_others=True)
    return store


@pytest.mark.parametrize(("kind", "seed"), RUNS)
def test_synthetic_councils_chains_looked_up_are_the_recursive_answers(
        kind: str, seed: int, data: Path, references: Callable[[int], Store],
        request: pytest.FixtureRequest) -> None:
    reference = references(seed)
    store = _store(kind, seed, data, references, request)
    functions = bearers(reference)[: 2 if kind == "memory" else 3]
    days = DAYS if kind != "memory" else [None, "2013-05-07"]
    councils = [f"https://w3id.org/dutygraph/id/authority/synth-{n:04d}" for n in ASKED[kind]]
    wrong, compared = [], 0
    for name, params in cases(councils, days, functions, [None, "2013-05-07"]):
        lookup = lookup_text(store, name, params)
        got, want = rows(store, lookup), recursive_rows(reference, name, params)
        compared += len(want)
        if not same_answer(got, want, lookup):
            wrong.append(f"{name} {params}: {len(got)} looked up, {len(want)} recursive")
    assert not wrong
    assert compared  # chains were compared, not only empty answers
