"""Auditing authorities in groups (the /audit page audits AUDIT_UNIT at a time) gives the whole
store's audit, finding for finding: outcome, focus, shape, message, value, evidence, and each
cell's status and met witnesses.

Why: a view of some authorities once held only the framework and their own graphs, while the
whole store's view holds every graph (ontology, source documents, chains). Anything read from
those shared graphs (a document's date, a class's super-class) could then judge an authority
one way alone and another beside the rest. The cases: synthetic stores of several seeds with a
high defect rate (so there are "not met" findings to lose), audited in groups of 1, 3, 10 and
all, on the memory and embedded stores; and the repository's own data on four key dates.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from rdflib import URIRef
from tools import synth

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.namespaces import FRAMEWORK_GRAPH, authority_graph
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.validation.audit import NOT_MET, AuditMatrix, audit_view
from dutygraph.validation.dataset import graph_owners, view_of_store
from dutygraph.validation.dates import resolve

# One worker runs this module (`pytest -n 2 --dist loadgroup`): its six stores (two synthetic
# seeds and the repository, each on two kinds) are built once, not on each worker.
pytestmark = pytest.mark.xdist_group("audit-in-groups")

SEEDS = (1, 2)
AUTHORITIES = 12  # with Bromley and Harrow, 14: groups of 10 split them, unevenly
DEFECT_RATE = 0.25
GROUP_SIZES = (1, 3, 10, None)  # None: every authority in one group
REPOSITORY_DAYS = ("2011-03-28", "2013-05-07", "2015-04-01", "2026-12-07")
STORE_KINDS = ("memory", "embedded")

Finding = tuple[str, ...]
CellKey = tuple[str, tuple[Finding, ...], tuple[str, ...], tuple[str, ...]]


def _store(kind: str, extra: list[Path], folder: Path) -> Store:
    store: Store = MemoryStore() if kind == "memory" else EmbeddedStore(folder)
    store.replace_graphs(load_graphs(repository_files(), extra=extra), drop_others=True)
    return store


@pytest.fixture(scope="module")
def synthetic_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[int, str], Store]:
    out: dict[tuple[int, str], Store] = {}
    for seed in SEEDS:
        path = tmp_path_factory.mktemp(f"synth{seed}") / "authorities.nt"
        synth.write(path, AUTHORITIES, seed=seed, defect_rate=DEFECT_RATE)
        for kind in STORE_KINDS:
            out[(seed, kind)] = _store(kind, [path], tmp_path_factory.mktemp(f"ox{seed}{kind}"))
    return out


@pytest.fixture(scope="module")
def repository_stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Store]:
    return {kind: _store(kind, [], tmp_path_factory.mktemp(f"repo-{kind}"))
            for kind in STORE_KINDS}


def _cells(matrix: AuditMatrix) -> dict[tuple[str, str], CellKey]:
    """Each cell as comparable strings: its status, its findings, its met witnesses and the
    findings that answer it."""
    out: dict[tuple[str, str], CellKey] = {}
    for key, cell in matrix.cells.items():
        findings = tuple(sorted(
            (f.outcome, f.focus, f.shape, f.message, f.value or "", f.severity,
             f.authority or "", " ; ".join(f.provisions), " ; ".join(f.editions),
             " | ".join(e.line() for e in f.evidence))
            for f in cell.findings))
        out[key] = (cell.status, findings, tuple(sorted(e.line() for e in cell.evidence)),
                    tuple(sorted(f"{f.shape} {f.message}" for f in cell.answered)))
    return out


def _in_groups(store: Store, day: dt.date, authorities: list[str],
               size: int | None) -> tuple[list[tuple[str, str]], dict[tuple[str, str], CellKey]]:
    step = size or len(authorities)
    listed: list[tuple[str, str]] = []
    cells: dict[tuple[str, str], CellKey] = {}
    for start in range(0, len(authorities), step):
        group = [URIRef(a) for a in authorities[start:start + step]]
        matrix = audit_view(view_of_store(store, group), resolve(day))
        listed += matrix.authorities
        for key, cell in _cells(matrix).items():
            assert key not in cells, f"{key} audited twice"
            cells[key] = cell
    return sorted(listed), cells


def _assert_groups_give_the_whole(store: Store, day: dt.date,
                                  sizes: tuple[int | None, ...]) -> AuditMatrix:
    whole = audit_view(view_of_store(store, None), resolve(day))
    expected = _cells(whole)
    authorities = [iri for iri, _label in whole.authorities]
    for size in sizes:
        listed, cells = _in_groups(store, day, authorities, size)
        assert listed == sorted(whole.authorities), size
        differing = sorted(k for k in set(expected) | set(cells) if expected.get(k) != cells.get(k))
        assert not differing, (size, [(k, expected.get(k), cells.get(k)) for k in differing[:3]])
    return whole


@pytest.mark.parametrize("kind", STORE_KINDS)
@pytest.mark.parametrize("seed", SEEDS)
def test_synthetic_authorities_audited_in_groups_of_1_3_10_or_all_give_the_whole_audit(
        synthetic_stores: dict[tuple[int, str], Store], seed: int, kind: str) -> None:
    whole = _assert_groups_give_the_whole(synthetic_stores[(seed, kind)], synth.AS_OF,
                                          GROUP_SIZES)
    # The defects make "not met" cells: there is something for a grouping to lose.
    assert Counter(c.status for c in whole.cells.values())[NOT_MET] > 0


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_synthetic_authorities_audited_in_groups_today_give_the_whole_audit(
        synthetic_stores: dict[tuple[int, str], Store], kind: str) -> None:
    _assert_groups_give_the_whole(synthetic_stores[(SEEDS[0], kind)], synth.TODAY_AS_OF,
                                  (3, None))


@pytest.mark.parametrize("day", REPOSITORY_DAYS)
@pytest.mark.parametrize("kind", STORE_KINDS)
def test_the_repository_audited_one_authority_at_a_time_gives_the_whole_audit(
        repository_stores: dict[str, Store], kind: str, day: str) -> None:
    _assert_groups_give_the_whole(repository_stores[kind], dt.date.fromisoformat(day), (1, None))


@pytest.mark.parametrize("kind", STORE_KINDS)
def test_a_view_of_some_authorities_holds_every_shared_graph_and_no_other_authoritys(
        synthetic_stores: dict[tuple[int, str], Store], kind: str) -> None:
    store = synthetic_stores[(SEEDS[0], kind)]
    names = sorted(str(n) for n in store.graph_names())
    owner = graph_owners(names)
    shared = {n for n, slug in owner.items() if slug is None}
    assert str(FRAMEWORK_GRAPH) in shared and str(authority_graph("bromley")) not in shared
    assert any("/graph/source/" in n for n in shared)
    assert any(n.endswith("/graph/ontology") for n in shared)
    chosen = ["bromley", synth.slug_for(2)]
    view = view_of_store(store, [URIRef(f"https://w3id.org/dutygraph/id/authority/{s}")
                                 for s in chosen])
    if view.graphs is not None:  # embedded: the chosen graphs of the store, read in place
        held = {str(g) for g in view.graphs}
    else:  # memory: a copy holding just those graphs
        held = {n.value for n in view.store.named_graphs() if hasattr(n, "value")}
    assert held == shared | {n for n, slug in owner.items() if slug in chosen}
