"""The fast paths of the chain derivation (store/chains.py) against the plain forms they
replace: a rebuild derives its chains from the quads as they stream to the store, a load from
the store it wrote, and both must store the same chains; the interval pruning is a sort and a
sweep, and must keep exactly what comparing every interval with every other keeps."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dutygraph.datasets import Source, repository_source
from dutygraph.store import EmbeddedStore
from dutygraph.store.chains import (
    NEVER,
    Interval,
    Plan,
    _prune,
    chain_quads,
    is_chain_graph,
)

from .chains_support import synth_file

GENERATED = "http://www.w3.org/ns/prov#generatedAtTime"


def _contains(outer: Interval, inner: Interval) -> bool:
    """The definition: an empty interval is inside every interval; else both ends."""
    if inner[0] is not None and inner[1] is not None and inner[0] > inner[1]:
        return True
    return ((outer[0] is None or (inner[0] is not None and outer[0] <= inner[0]))
            and (outer[1] is None or (inner[1] is not None and inner[1] <= outer[1])))


def _empty(i: Interval) -> bool:
    return i[0] is not None and i[1] is not None and i[0] > i[1]


def _pruned_by_definition(intervals: list[Interval]) -> list[Interval]:
    """Every interval compared with every other (the form _prune replaced)."""
    unique = sorted(set(intervals), key=lambda i: (str(i[0]), str(i[1])))
    kept = [i for n, i in enumerate(unique)
            if not any(_contains(o, i) and o != i and not (_empty(o) and _empty(i))
                       for o in unique[:n] + unique[n + 1:])]
    if not kept and unique:
        kept = unique[:1]
    if len(kept) > 1 and all(_empty(i) for i in kept):
        kept = kept[:1]
    return kept


DAYS = st.one_of(st.none(), st.dates(min_value=dt.date(1989, 1, 1),
                                     max_value=dt.date(1989, 3, 1)),
                 st.sampled_from([dt.date.min, dt.date.max]))
INTERVALS = st.lists(st.one_of(st.tuples(DAYS, DAYS), st.just(NEVER)), max_size=12)


@settings(max_examples=400, deadline=None)
@given(INTERVALS)
def test_pruning_keeps_the_intervals_no_other_contains_in_the_same_order(
        intervals: list[Interval]) -> None:
    assert _prune(intervals) == _pruned_by_definition(intervals)


def _chains(store: EmbeddedStore) -> set[str]:
    """The chain quads of a store, less the time they were made."""
    return {str(q) for q in store.oxigraph
            if is_chain_graph(q.graph_name.value)
            and q.predicate.value != GENERATED}


@pytest.mark.parametrize("seed", [7, 2013])
def test_a_rebuild_streams_the_same_chains_as_are_derived_from_the_store_it_wrote(
        tmp_path: Path, seed: int) -> None:
    source = repository_source([synth_file(tmp_path, 6, seed)])
    store = EmbeddedStore(tmp_path / "store")
    store.write(source, drop_others=True)
    streamed = _chains(store)
    assert streamed
    data = ox.Store()
    data.bulk_extend(q for q in store.oxigraph
                     if not is_chain_graph(q.graph_name.value))
    derived = {str(q) for q in chain_quads(data, Plan(everything=True))
               if q.predicate.value != GENERATED}
    assert streamed == derived


@pytest.mark.parametrize("where", ["disk", "memory"])
def test_loading_a_council_again_keeps_the_chains_a_rebuild_makes(
        tmp_path: Path, where: str) -> None:
    """A load recomputes one council's chains from the store it wrote (not the stream): the
    store after it holds what a rebuild of the same data holds."""
    extra = synth_file(tmp_path, 6, 11)
    rebuilt = EmbeddedStore(tmp_path / "rebuilt")
    rebuilt.write(repository_source([extra]), drop_others=True)
    store = EmbeddedStore(tmp_path / "loaded" if where == "disk" else None)
    store.write(repository_source([extra]), drop_others=True)
    one = next(g for g in store.graph_names() if "/graph/authority/synth-" in str(g))
    again = Source(graphs={one: store.export_graph(one)})
    store.write(again)
    assert _chains(store) == _chains(rebuilt)
