"""Build time: `dutygraph build` against loading the same files straight into pyoxigraph, and
against rdflib's in-memory parse.

The reference for the target (within 1.5x) is pyoxigraph's own bulk load of the same files into
a fresh on-disk store: what a user would write by hand with no dutygraph at all.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from dutygraph.cli import main as cli_main

from .data import SizeData, ox_format
from .measure import Sample, repeat
from .procs import VENV_BIN, run_worker

SYNTH_GRAPH = "https://w3id.org/dutygraph/graph/synthetic"


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


def dutygraph_build_inprocess(data: SizeData, target: Path) -> None:
    with contextlib.redirect_stderr(io.StringIO()):
        code = cli_main(["build", "--store", str(target), "--with", str(data.synth_file)])
    if code != 0:
        raise RuntimeError(f"dutygraph build exited {code}")


def dutygraph_build_cli(data: SizeData, target: Path) -> None:
    proc = subprocess.run([str(VENV_BIN / "dutygraph"), "build", "--store", str(target),
                           "--with", str(data.synth_file)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"dutygraph build exited {proc.returncode}: {proc.stderr[-300:]}")


def run(data: SizeData, *, reps: int, budget_s: float, rdflib_reps: int,
        rdflib_timeout_s: float, store_dir: Path, cli: bool = True) -> dict[str, Any]:
    """Measure the three ways in; leave the last dutygraph build in store_dir."""
    scratch = data.folder / "scratch-store"
    out: dict[str, Any] = {}
    ref = repeat(lambda: pyoxigraph_load(data, scratch), reps=reps, budget_s=budget_s,
                 setup=lambda: _clear(scratch))
    _clear(scratch)
    out["pyoxigraph_bulk_load"] = ref.to_json()
    if cli:  # the interpreter's start is the same at every size: measured at the first
        by_cli = repeat(lambda: dutygraph_build_cli(data, scratch), reps=1, budget_s=budget_s,
                        setup=lambda: _clear(scratch))
        _clear(scratch)
        out["dutygraph_build_cli"] = by_cli.to_json()
    lib = repeat(lambda: dutygraph_build_inprocess(data, store_dir), reps=reps,
                 budget_s=budget_s, setup=lambda: _clear(store_dir))
    out["dutygraph_build"] = lib.to_json()
    files = [[str(df.path), str(df.graph)] for df in data.repo_files]
    files.append([str(data.synth_file), SYNTH_GRAPH])
    records, error = run_worker("rdflib_parse", {"files": files, "reps": rdflib_reps},
                                timeout=rdflib_timeout_s)
    parsed = Sample(runs=[r["s"] for r in records if "s" in r])
    if error:
        parsed.error = error if not parsed.runs else None
        parsed.note = error
    elif len(parsed.runs) < rdflib_reps:
        parsed.note = f"{len(parsed.runs)} of {rdflib_reps} repetitions"
    if records:
        parsed.extra["peak_rss_mb"] = max(r.get("rss_mb", 0) for r in records)
    out["rdflib_parse"] = parsed.to_json()
    if lib.runs and ref.runs:
        out["ratio_build_to_pyoxigraph"] = round(lib.median / ref.median, 2)
    if cli and by_cli.runs and ref.runs:
        out["ratio_cli_to_pyoxigraph"] = round(by_cli.median / ref.median, 2)
    if parsed.runs and ref.runs:
        out["ratio_rdflib_to_pyoxigraph"] = round(parsed.median / ref.median, 2)
    return out
