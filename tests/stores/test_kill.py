"""Nothing lost: a `dutygraph build` or `dutygraph load` killed with SIGKILL at a random
moment leaves the previous contents complete and queryable (or, if it had already switched,
the new contents complete), and the next write recovers.

Each command first runs once to the end, to learn the new contents and how long the write
takes; then it is killed at random moments, mostly while its new generation is being written
(the folder *.building exists). The random seed is in the failure message.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dutygraph.store import EmbeddedStore

pytestmark = pytest.mark.slow

DUTYGRAPH = str(Path(sys.executable).parent / "dutygraph")
BASE = "https://w3id.org/dutygraph/"
PREFIXES = (f"@prefix dg: <{BASE}def#> .\n@prefix la: <{BASE}id/authority/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
            "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
TRIALS = 3


def synthetic_arrangements(path: Path, authorities: list[str], things: int) -> None:
    """A big arrangements file: each authority declared, with `things` subjects under it."""
    with open(path, "w", encoding="utf-8") as out:
        out.write(PREFIXES)
        for slug in authorities:
            out.write(f"la:{slug} a dg:LocalAuthority ; rdfs:label \"Synthetic {slug}\"@en .\n")
            for i in range(things):
                out.write(f"<{BASE}id/authority/{slug}/thing-{i}> a dg:Forum ; "
                          f"rdfs:label \"Forum {i} of {slug}\"@en ; dg:authority la:{slug} ; "
                          f"dg:meetingsPerYear {i % 12} ; dg:asAt \"2013-05-07\"^^xsd:date .\n")


Fingerprint = dict[str, int]


def fingerprint(store_dir: Path) -> Fingerprint:
    """Triples per named graph, read by a fresh reader; the store must also answer a query."""
    store = EmbeddedStore(store_dir, read_only=True)
    rows = store.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert store.ask(f"ASK {{ <{BASE}id/authority/bromley> a <{BASE}def#LocalAuthority> }}")
    store.close()
    return {str(r["g"]): int(r["n"]) for r in rows}  # type: ignore[call-overload]


def building(store_dir: Path) -> bool:
    return any(p.name.endswith(".building") for p in store_dir.iterdir())


def run(args: list[str]) -> None:
    result = subprocess.run([DUTYGRAPH, *args], capture_output=True, text=True, timeout=600,
                            check=False)
    assert result.returncode == 0, result.stderr


def timed_run(args: list[str], store_dir: Path) -> float:
    """Run to the end; how long the new generation was being written."""
    process = subprocess.Popen([DUTYGRAPH, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    seen = None
    deadline = time.monotonic() + 600
    while process.poll() is None and time.monotonic() < deadline:
        if seen is None and building(store_dir):
            seen = time.monotonic()
        time.sleep(0.01)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert seen is not None, "the write never made a .building generation"
    return time.monotonic() - seen


def kill_at(args: list[str], store_dir: Path, delay: float, after_building: bool) -> bool:
    """Start the command, SIGKILL it `delay` s after it starts writing (or after it starts);
    True if it was still running when killed."""
    process = subprocess.Popen([DUTYGRAPH, *args], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        if after_building:
            deadline = time.monotonic() + 600
            while not building(store_dir) and process.poll() is None \
                    and time.monotonic() < deadline:
                time.sleep(0.005)
        time.sleep(delay)
        running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):  # it may have finished already
            os.killpg(process.pid, signal.SIGKILL)
    finally:
        process.wait(60)
    return running


def kill_trials(command: list[str], restore: list[str], store_dir: Path,
                rng: random.Random, seed: int) -> None:
    run(restore)
    before = fingerprint(store_dir)
    started = time.monotonic()
    window = timed_run(command, store_dir)
    total = time.monotonic() - started
    after = fingerprint(store_dir)
    assert after != before, "the command must change the store for the test to mean anything"
    run(restore)
    killed_mid_write = 0
    plan = [(rng.uniform(0, window), True) for _ in range(TRIALS)]
    plan.append((rng.uniform(0, total), False))
    for delay, after_building in plan:
        was_running = kill_at(command, store_dir, delay, after_building)
        state = fingerprint(store_dir)
        moment = "writing began" if after_building else "start"
        where = f"(seed {seed}, killed {delay:.3f} s after {moment})"
        assert state in (before, after), f"a kill left a mixture {where}"
        if state == before and was_running and after_building:
            killed_mid_write += 1
        if state == after:
            run(restore)
    assert killed_mid_write >= 1, f"no kill landed while the generation was written (seed {seed})"
    # the next write recovers, and clears what the killed writers left
    run(command)
    assert fingerprint(store_dir) == after
    assert not building(store_dir)


def test_a_build_killed_at_random_moments_leaves_the_previous_store_complete(
        tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    big = tmp_path / "synthetic.ttl"
    synthetic_arrangements(big, [f"synth-{i}" for i in range(25)], 1200)  # ~150,000 triples
    store_dir = tmp_path / "store"
    kill_trials(["build", "--store", str(store_dir), "--with", str(big)],
                ["build", "--store", str(store_dir)], store_dir, rng, seed)


def test_a_load_killed_at_random_moments_leaves_the_previous_graph_complete(
        tmp_path: Path) -> None:
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    big = tmp_path / "bromley.ttl"
    synthetic_arrangements(big, ["bromley"], 8000)  # ~40,000 triples, one authority
    store_dir = tmp_path / "store"
    kill_trials(["load", str(big), "--authority", "bromley", "--store", str(store_dir)],
                ["build", "--store", str(store_dir)], store_dir, rng, seed)
