"""Build time: `dutygraph build` from a cold process against loading the same files straight
into pyoxigraph, and against rdflib's in-memory parse.

Issue 21's target: `dutygraph build --with FILE`, run as a user runs it (a new process, so
the interpreter's start and imports count), takes at most 1.5x a raw pyoxigraph bulk load of
the same files into a fresh on-disk store + 1 s of start-up, at 153 and at 1,530 authorities.
The CLI is run in a process group of its own with a time limit; when it fails, its standard
error is kept for the report (the last run lost the message of an exit 3 that way).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from .data import SizeData, ox_format
from .measure import Sample, repeat
from .procs import VENV_BIN, remaining, run_command, run_worker

SYNTH_GRAPH = "https://w3id.org/dutygraph/graph/synthetic"
# The target's allowance: the build may take LIMIT_FACTOR x the raw load + START_S seconds.
LIMIT_FACTOR = 1.5
START_S = 1.0


def _clear(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def pyoxigraph_load(data: SizeData, target: Path) -> None:
    """The reference: every file bulk-loaded into its graph (the synthetic file into one)."""
    store = ox.Store(str(target))
    for df in data.repo_files:
        store.bulk_load(path=str(df.path), format=ox_format(df.path),
                        to_graph=ox.NamedNode(str(df.graph)))
    store.bulk_load(path=str(data.synth_file), format=ox.RdfFormat.N_TRIPLES,
                    to_graph=ox.NamedNode(SYNTH_GRAPH))
    store.flush()
    del store


def dutygraph_build_cli(data: SizeData, target: Path, timeout_s: float) -> str:
    """`dutygraph build` as a user runs it; its standard error (the summary line)."""
    return run_command([str(VENV_BIN / "dutygraph"), "build", "--store", str(target),
                        "--with", str(data.synth_file)], timeout_s)


def built(store_dir: Path) -> bool:
    """Whether store_dir holds a dutygraph store a reader can open (a published generation)."""
    from dutygraph.store import EmbeddedStore

    if not store_dir.is_dir():
        return False
    try:
        store = EmbeddedStore(store_dir, read_only=True)
    except Exception:  # any failure to open means: no store for the later stages
        return False
    try:
        return store.generation_path() is not None
    finally:
        store.close()


def run(data: SizeData, *, reps: int, budget_s: float, rdflib_reps: int,
        rdflib_timeout_s: float, store_dir: Path) -> dict[str, Any]:
    """Measure the ways in, alternating raw load and CLI build so that a change in the
    machine's load weighs on both; leave the last dutygraph build in store_dir."""
    scratch = data.folder / "scratch-store"
    out: dict[str, Any] = {}
    ref, cli = Sample(), Sample()
    out["pyoxigraph_bulk_load"] = ref.to_json()
    for _rep in range(reps):
        one = repeat(lambda: pyoxigraph_load(data, scratch), reps=1, budget_s=budget_s,
                     setup=lambda: _clear(scratch))
        _clear(scratch)
        ref.runs += one.runs
        ref.error = ref.error or one.error
        said: list[str] = []
        one = repeat(lambda said=said: said.append(  # type: ignore[misc]
            dutygraph_build_cli(data, store_dir, budget_s)),
                     reps=1, budget_s=budget_s, setup=lambda: _clear(store_dir))
        if said and said[-1].strip():  # "built ...: N triples in G graphs (T s)"
            cli.extra["summary"] = said[-1].strip().splitlines()[-1][:300]
        cli.runs += one.runs
        if one.error:
            cli.error = one.error
            cli.extra.update(one.extra)  # the command's standard error
            break
        out["pyoxigraph_bulk_load"] = ref.to_json()
        out["dutygraph_build_cli"] = cli.to_json()
        if sum(ref.runs) + sum(cli.runs) > budget_s:
            break
    if len(cli.runs) < reps and not cli.error:
        cli.note = ref.note = f"{len(cli.runs)} of {reps} repetitions within the budget"
    out["pyoxigraph_bulk_load"] = ref.to_json()
    out["dutygraph_build_cli"] = cli.to_json()
    if cli.runs and ref.runs:
        limit = LIMIT_FACTOR * ref.median + START_S
        out["target"] = {"cli_s": round(cli.median, 3), "raw_s": round(ref.median, 3),
                         "limit_s": round(limit, 3), "ratio": round(cli.median / ref.median, 2),
                         "met": cli.median <= limit}
    if rdflib_reps:
        files = [[str(df.path), str(df.graph)] for df in data.repo_files]
        files.append([str(data.synth_file), SYNTH_GRAPH])
        records, error = run_worker("rdflib_parse", {"files": files, "reps": rdflib_reps},
                                    timeout=remaining(rdflib_timeout_s))
        parsed = Sample(runs=[r["s"] for r in records if "s" in r])
        if error:
            parsed.error = error if not parsed.runs else None
            parsed.note = error
        if records:
            parsed.extra["peak_rss_mb"] = max(r.get("rss_mb", 0) for r in records)
        out["rdflib_parse"] = parsed.to_json()
    return out
