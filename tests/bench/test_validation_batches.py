"""Validating authorities in batches finds exactly what validating their union finds.

The fast engine runs its queries on batches of authorities (validation/engine.py), which is
what keeps validating all 1,530 synthetic authorities linear in their number; this holds it to
the union, result for result and focus node for focus node, on the repository's data plus
synthetic authorities carrying every kind of defect, for batch sizes from one authority to
more than there are, on days before, during and after the LSCB regime.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pytest
from tools import synth

from dutygraph.datasets import load_graphs, repository_files
from dutygraph.namespaces import BASE
from dutygraph.validation.dataset import DataView, view_of_graphs
from dutygraph.validation.dates import AsOf
from dutygraph.validation.engine import FastEngine, _owners, authority_batches, multiset
from dutygraph.validation.shapes import ShapeSet, load_shapes

AUTHORITIES = 12
BATCH_SIZES = [1, 2, 5, 13, 40]
DAYS = [synth.AS_OF, dt.date(2013, 5, 7), dt.date(2019, 9, 30)]
WHOLE = 10**6  # a batch larger than any data: the union, as before batching


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> DataView:
    """The repository's graphs and twelve synthetic authorities (each defect kind in three),
    each authority in its own named graph as `dutygraph build --with` puts it."""
    path: Path = tmp_path_factory.mktemp("batches") / "twelve.nt"
    synth.write(path, AUTHORITIES, seed=11, defect_rate=0.25)
    return view_of_graphs(load_graphs(repository_files(), [path]))


@pytest.fixture(scope="module")
def shapes() -> ShapeSet:
    return load_shapes()


@pytest.mark.parametrize("size", BATCH_SIZES)
@pytest.mark.parametrize("day", DAYS, ids=[d.isoformat() for d in DAYS])
def test_batches_of_authorities_give_the_findings_of_the_union(
        view: DataView, shapes: ShapeSet, day: dt.date, size: int) -> None:
    union = FastEngine(WHOLE).run(view, shapes, AsOf(day))
    batched = FastEngine(size).run(view, shapes, AsOf(day))
    assert multiset(batched) == multiset(union)
    if day == synth.AS_OF:
        assert len(union) >= AUTHORITIES, "the planted defects were not found"


@pytest.mark.parametrize("size", BATCH_SIZES)
def test_batches_of_authorities_give_the_focus_nodes_of_the_union(
        view: DataView, shapes: ShapeSet, size: int) -> None:
    day = AsOf(synth.AS_OF)
    union = FastEngine(WHOLE).targets(view, shapes, day)
    assert FastEngine(size).targets(view, shapes, day) == union
    assert sum(len(nodes) for nodes in union.values()) > AUTHORITIES


@pytest.mark.parametrize("size", BATCH_SIZES)
def test_each_authority_is_in_exactly_one_batch_and_the_shared_graphs_in_every_one(
        view: DataView, size: int) -> None:
    names = {g.value for g in view.store.named_graphs()}
    owner = _owners(sorted(names))
    authorities = {slug for slug in owner.values() if slug is not None}
    shared = {name for name, slug in owner.items() if slug is None}
    batches = authority_batches(view, size)
    if len(authorities) <= size:
        assert batches == [view]
        return
    assert len(batches) == math.ceil(len(authorities) / size)
    seen: list[str] = []
    for batch in batches:
        held = {g.value for g in batch.store.named_graphs()}
        assert shared <= held
        seen += [name for name in held - shared]
    assert sorted(seen) == sorted(names - shared)


GRAPH = BASE + "graph/"
OWNERS = [
    (GRAPH + "authority/synth-0001", "synth-0001"),
    (GRAPH + "chains/synth-0001", "synth-0001"),
    (GRAPH + "chains/national", None),
    (GRAPH + "framework", None),
    (GRAPH + "ontology", None),
    (GRAPH + "source/synth-0001", None),
    (GRAPH + "source/web-bromley-jtai-news", None),
    (GRAPH + "chains/unknown-council", None),
    ("urn:dutygraph:graph:upload", None),
]


@pytest.mark.parametrize(("name", "slug"), OWNERS, ids=[n.rsplit(":", 1)[-1] for n, _ in OWNERS])
def test_a_graph_belongs_to_the_authority_its_name_ends_with_or_is_shared(
        name: str, slug: str | None) -> None:
    names = [GRAPH + "authority/synth-0001", name]
    assert _owners(names)[name] == slug
