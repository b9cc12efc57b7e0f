"""Stored chains against the recursive form: p50 of who-is-accountable and reporting-lines, and
what computing the chains adds to a build, in one process and one run (so the ratios hold on a
loaded machine; the absolute figures do not).

    python -m tools.bench.chains --authorities 153 [--reps 15] [--memory-reps 3]

"Before" is the recursive definition (queries/chains/*.rq) and "after" the lookup
(queries/*.rq), bound the same way (parameters, FROM clauses) and run through the library on
the same store. "target" is issue 21's build target in the same run: `dutygraph build` from a
cold process against a raw pyoxigraph bulk load of the same files, limit 1.5x raw + 1 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from dutygraph import paths
from dutygraph.datasets import repository_files, repository_source
from dutygraph.queries.binding import bind
from dutygraph.queries.catalogue import get_query
from dutygraph.queries.params import resolve
from dutygraph.queries.scope import graphs_for, with_dataset
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store import chains as chains_module

from .. import synth
from .build import SYNTH_GRAPH
from .data import ox_format
from .procs import VENV_BIN


def _texts(store: Store, name: str, params: dict[str, str]) -> tuple[str, str]:
    query = get_query(name)
    terms = resolve(store, query, params)
    recursive = get_query(name, paths.queries_dir() / "chains")
    graphs = graphs_for(store, query, terms)
    return (with_dataset(str(bind(query.sparql, query.param_names, terms)), graphs),
            with_dataset(str(bind(recursive.sparql, recursive.param_names, terms)), graphs))


def _p50(fn: Callable[[], Any], reps: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(reps):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def _no_chains(store: Any, names: Any, existing: Any) -> tuple[set[Any], list[Any]]:
    return set(), []


def _raw_load(extra: Path, target: Path) -> None:
    """The reference: every repository file bulk-loaded into its graph, the synthetic file
    into one, into a fresh on-disk store."""
    import pyoxigraph as ox
    store = ox.Store(str(target))
    for df in repository_files():
        store.bulk_load(path=str(df.path), format=ox_format(df.path),
                        to_graph=ox.NamedNode(str(df.graph)))
    store.bulk_load(path=str(extra), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(SYNTH_GRAPH))
    store.flush()
    del store


def _cli_build(extra: Path, target: Path) -> None:
    proc = subprocess.run([str(VENV_BIN / "dutygraph"), "build", "--store", str(target),
                           "--with", str(extra)], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"dutygraph build exited {proc.returncode}: {proc.stderr[-300:]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--authorities", type=int, default=153)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--memory-reps", type=int, default=3)
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args(argv)
    out: dict[str, Any] = {"authorities": args.authorities}
    with tempfile.TemporaryDirectory() as tmp:
        extra = Path(tmp) / "synth.nt"
        synth.write(extra, args.authorities, seed=0)
        source = repository_source([extra])
        # Build cost: on-disk builds with and without the chains, alternated.
        with_chains: list[float] = []
        without: list[float] = []

        def build(folder: Path) -> None:
            EmbeddedStore(folder).write(source, drop_others=True)

        import dutygraph.store.embedded as embedded_module
        real = embedded_module.refresh
        for rep in range(2):
            with_chains.append(_timed(partial(build, Path(tmp) / f"w{rep}")))
            embedded_module.refresh = _no_chains
            try:
                without.append(_timed(partial(build, Path(tmp) / f"n{rep}")))
            finally:
                embedded_module.refresh = real
        out["build_s"] = {"with_chains": min(with_chains), "without_chains": min(without)}
        # Issue 21's target, in the same run: `dutygraph build` from a cold process against a
        # raw pyoxigraph bulk load of the same files (as tools/bench/build.py measures it).
        raw_s: list[float] = []
        cli_s: list[float] = []
        for rep in range(2):
            raw_s.append(_timed(partial(_raw_load, extra, Path(tmp) / f"raw{rep}")))
            cli_s.append(_timed(partial(_cli_build, extra, Path(tmp) / f"cli{rep}")))
        raw_best, cli_best = min(raw_s), min(cli_s)
        out["target"] = {"raw_bulk_load_s": round(raw_best, 3),
                         "dutygraph_build_cli_s": round(cli_best, 3),
                         "ratio": round(cli_best / raw_best, 2),
                         "limit_s (1.5x raw + 1 s)": round(1.5 * raw_best + 1, 3),
                         "met": cli_best <= 1.5 * raw_best + 1}
        store = EmbeddedStore(Path(tmp) / "w0", read_only=True)
        import pyoxigraph as ox
        raw = ox.Store.read_only(str(store.generation_path()))
        plan = chains_module.Plan(everything=True)
        out["chain_compute_s"] = _timed(partial(chains_module.chain_quads, raw, plan))
        out["chain_graph_triples"] = sum(
            int(str(r["n"])) for r in store.select(
                "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                'FILTER(STRSTARTS(STR(?g), "https://w3id.org/dutygraph/graph/chains/")) }').rows)
        out["triples"] = store.triple_count()
        print(json.dumps(out), file=sys.stderr, flush=True)
        slug = "https://w3id.org/dutygraph/id/authority/" + synth.slug_for(
            max(1, args.authorities // 2))
        questions = {
            "who-is-accountable": {"function": "https://w3id.org/dutygraph/id/function/reg5-1-e",
                                   "authority": slug, "as_of": "2013-05-07"},
            "reporting-lines": {"authority": slug, "as_of": "2013-05-07"},
            "duties-of": {"subject": "https://w3id.org/dutygraph/id/role/lscb-chair"},
        }
        kinds: list[tuple[str, Store, int]] = [("embedded", store, args.reps)]
        if not args.skip_memory:
            memory = MemoryStore()
            out["memory_load_s"] = _timed(partial(memory.write, source, drop_others=True))
            kinds.append(("memory", memory, args.memory_reps))
        for kind, target, reps in kinds:
            for name, params in questions.items():
                if name == "duties-of":
                    text = with_dataset(str(bind(get_query(name).sparql,
                                                 get_query(name).param_names,
                                                 resolve(target, get_query(name), params))),
                                        None)
                    out[f"{kind}/{name}_ms"] = _p50(lambda t=text, s=target: s.select(t), reps)  # type: ignore[misc]
                    continue
                lookup, recursive = _texts(target, name, params)
                after = _p50(lambda t=lookup, s=target: s.select(t), reps)  # type: ignore[misc]
                before = _p50(lambda t=recursive, s=target: s.select(t), reps)  # type: ignore[misc]
                out[f"{kind}/{name}"] = {"recursive_ms": round(before, 2),
                                         "lookup_ms": round(after, 2),
                                         "speed-up": round(before / after, 2)}
                print(json.dumps(out), file=sys.stderr, flush=True)  # so far, if stopped
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
