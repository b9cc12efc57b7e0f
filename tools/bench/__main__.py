"""`python -m tools.bench --out bench` (make bench): measure, then write the report.

Stages per size (N = 153 and N = 1,530 synthetic authorities on top of the repository's data):
data -> build -> queries (embedded, raw pyoxigraph, Oxigraph server, rdflib memory store,
HTTP) -> HTTP load and server memory -> validation. Results are saved after every stage, so a
failure late in the run still leaves every figure measured before it; the report is written
from results.json at the end (or alone, with --report-only).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from tools import synth

from . import ask as ask_stage
from . import build as build_stage
from . import load as load_stage
from . import procs
from . import queries as query_stage
from . import search as search_stage
from . import validation as validation_stage
from .data import SizeData, prepare, shapes_file
from .measure import RssSampler, mb
from .procs import dutygraph_server, oxigraph_server, run_worker


def _plan(*, build_reps: int, rdflib_reps: int, query_reps: int, memory_reps: int,
          validate_reps: int, slow: bool) -> dict[str, Any]:
    """Repetitions and budgets (seconds) of one size."""
    return {
        "build_reps": build_reps, "build_budget_s": 45 if slow else 30,
        "build_cli": not slow,
        "rdflib_reps": rdflib_reps, "rdflib_timeout_s": 120 if slow else 60,
        "query_reps": query_reps, "query_budget_s": 2.0 if slow else 1.5,
        # A query slower than this misses the 100 ms target by two orders of magnitude:
        # knowing by how much more is not worth the run's time.
        "query_timeout_s": 15 if slow else 10,
        "memory_reps": memory_reps, "memory_query_budget_s": 4 if slow else 2,
        "memory_timeout_s": 150 if slow else 90,
        "http_reps": query_reps, "load_seconds": 5 if slow else 4,
        "load_max_requests": 30000 if slow else 20000,
        "validate_reps": validate_reps, "validate_budget_s": 30 if slow else 20,
        "ask_reps": 10 if slow else 20, "ask_budget_s": 6 if slow else 4,
        "search_reps": 10 if slow else 20, "search_budget_s": 2.0 if slow else 1.0,
        "shape_times": not slow,
        "shacl_reps_all": 1, "shacl_reps_one": 3,
        "timeouts": {"dutygraph_all": 120 if slow else 90, "shape_times": 60,
                     "pyshacl_all": 90 if slow else 75, "pyshacl_one": 40,
                     "pyrudof_all": 60 if slow else 45, "pyrudof_one": 30,
                     "jena_all": 90 if slow else 60, "jena_one": 40,
                     "shacl_rust_all": 30, "shacl_rust_one": 30},
    }


# The run must finish within 15 minutes on 2 cores: fewer repetitions at N = 1,530.
PLANS: dict[int, dict[str, Any]] = {
    153: _plan(build_reps=3, rdflib_reps=3, query_reps=30, memory_reps=10, validate_reps=5,
               slow=False),
    1530: _plan(build_reps=3, rdflib_reps=1, query_reps=20, memory_reps=3, validate_reps=3,
                slow=True),
}


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) // 1024} MB"
    versions: dict[str, str | None] = {}
    for pkg in ("pyoxigraph", "oxigraph", "rdflib", "pyshacl", "pyrudof", "shacl-rust",
                "SPARQLWrapper", "flask", "gunicorn", "matplotlib", "psutil"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    versions["jena"] = _debian_version("libapache-jena-java")
    versions["java"] = _java_version()
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory": mem, "python": platform.python_version(),
            "platform": platform.platform(), "versions": versions}


def _debian_version(package: str) -> str | None:
    import subprocess

    try:
        done = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package],
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _java_version() -> str | None:
    """The first line of `java -version` (it writes to standard error)."""
    import subprocess

    try:
        done = subprocess.run(["java", "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[0] if lines else None


# The run must end within 15 minutes on a fresh clone: stages that would start after this
# many seconds are skipped (and reported), and no worker process outlives it.
RUN_SECONDS = 13.5 * 60


class OutOfTime(Exception):
    """A stage was not started: the run's time was spent."""


class Run:
    """The results being gathered, saved to results.json after every stage."""

    def __init__(self, out: Path, sizes: list[int], seconds: float = RUN_SECONDS) -> None:
        self.out = out
        self.started = time.time()
        self.deadline = time.monotonic() + seconds
        self.minutes = seconds / 60
        procs.DEADLINE = self.deadline
        self.results: dict[str, Any] = {
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(), "plans": {str(n): PLANS.get(n, PLANS[153]) for n in sizes},
            "sizes": {}, "errors": [], "stage_seconds": [],
        }

    def size(self, n: int) -> dict[str, Any]:
        size: dict[str, Any] = self.results["sizes"].setdefault(str(n), {})
        return size

    @contextlib.contextmanager
    def stage(self, n: int, name: str):  # type: ignore[no-untyped-def]
        t0 = time.perf_counter()
        print(f"[bench] N={n}: {name} ...", file=sys.stderr, flush=True)
        try:
            yield
        except OutOfTime as exc:
            self.results["errors"].append({"n": n, "stage": name, "error": str(exc)})
            print(f"[bench] N={n}: {name} skipped: {exc}", file=sys.stderr, flush=True)
        except Exception as exc:
            self.results["errors"].append({"n": n, "stage": name,
                                           "error": f"{type(exc).__name__}: {exc}",
                                           "trace": traceback.format_exc()[-1500:]})
            print(f"[bench] N={n}: {name} failed: {exc}", file=sys.stderr, flush=True)
        finally:
            took = round(time.perf_counter() - t0, 1)
            self.results["stage_seconds"].append([f"{n}:{name}", took])  # a list: run order
            self.results.setdefault("load_average", []).append(round(os.getloadavg()[0], 2))
            print(f"[bench] N={n}: {name} done in {took} s", file=sys.stderr, flush=True)
            self.save()

    def go(self) -> None:
        """First thing in a stage: raise OutOfTime if the run's time is (nearly) spent."""
        if self.deadline - time.monotonic() < 15:
            raise OutOfTime(f"not run: the run's {self.minutes:.1f} minutes were spent")

    def save(self) -> None:
        self.results["duration_s"] = round(time.time() - self.started, 1)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "results.json").write_text(json.dumps(self.results, indent=1,
                                                          sort_keys=True) + "\n")


def bench_size(run: Run, n: int, work: Path, skip: dict[str, str]) -> Iterator[None]:
    """Every stage for one size, most important first (the run's deadline may cut the tail):
    a generator that stops once after the core stages (data, build, named queries, HTTP and the
    question box, dutygraph's validation, search), so that main runs the core of every size
    before the other engines (Oxigraph server, plain validators, rdflib's memory store) of any.

    skip: plain validations whose outcome an earlier size settled ("did not finish within its
    budget on fewer authorities"); they are reported, not run again.
    """
    plan = PLANS.get(n, PLANS[153])
    res = run.size(n)
    data: SizeData | None = None
    with run.stage(n, "data"):
        run.go()
        data = prepare(n, work)
        res["data"] = data.to_json()
    if data is None:
        return
    store_dir = data.folder / "store"
    with run.stage(n, "build"):
        run.go()
        res["build"] = build_stage.run(
            data, reps=plan["build_reps"], budget_s=plan["build_budget_s"],
            rdflib_reps=plan["rdflib_reps"], rdflib_timeout_s=plan["rdflib_timeout_s"],
            store_dir=store_dir, cli=plan["build_cli"])
    if not store_dir.exists():
        return
    from dutygraph.store import EmbeddedStore
    from dutygraph.store.remote import RemoteStore

    store = EmbeddedStore(store_dir)
    # Servers get copies: the Oxigraph server opens the database of the current generation
    # itself; `dutygraph serve` a whole dutygraph store.
    server_copy = data.folder / "store-oxigraph-server"
    serve_copy = data.folder / "store-serve"
    database = store.generation_path() or store_dir
    for source, target in ((database, server_copy), (store_dir, serve_copy)):
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(source, target)
    qcases: list[query_stage.Case] = []
    queries: dict[str, dict[str, Any]] = {}
    res["queries"] = queries
    with run.stage(n, "queries: embedded and raw pyoxigraph"):
        run.go()
        qcases = query_stage.resolved(store, query_stage.cases(data.one_slug,
                                                               synth.AS_OF.isoformat()))
        res["query_cases"] = [{"name": c.name, "params": c.params,
                               "single_authority": c.single_authority} for c in qcases]
        for c in qcases:
            queries[c.name] = query_stage.embedded_and_raw(
                store_dir, c, plan["query_reps"], plan["query_budget_s"],
                plan["query_timeout_s"])
        # A query that did not finish on the embedded store is not sent to the other engines
        # (each would spend its whole time limit on it too); the report says so.
        stuck = [c.name for c in qcases if queries[c.name]["embedded"].get("timed_out")]
        res["queries_over_time_limit"] = stuck
        qcases = [c for c in qcases if c.name not in stuck]
    with run.stage(n, "HTTP: queries, load and server memory"):
        run.go()
        bench_http(res, data, qcases, plan, serve_copy)
    with run.stage(n, "validation: dutygraph"):
        run.go()
        res["validation"] = {"dutygraph": validation_stage.dutygraph_path(
            store, store_dir, data.one_slug, plan["validate_reps"], plan["validate_budget_s"],
            plan["timeouts"]["dutygraph_all"], data.folder, validation_stage.AS_OF)}
        dg_all = res["validation"]["dutygraph"].get("all", {})
        if plan["shape_times"] and ("error" in dg_all or dg_all.get("median_s", 0) > 10):
            records, error = run_worker("shape_times", {
                "store": str(store_dir), "as_of": validation_stage.AS_OF.isoformat()},
                timeout=plan["timeouts"]["shape_times"])
            res["validation"]["dutygraph"]["shape_seconds"] = {
                r["shape"]: r["s"] for r in records if "shape" in r}
            if error:
                res["validation"]["dutygraph"]["shape_seconds_note"] = error
    with run.stage(n, "search: text index against search.rq"):
        run.go()
        res["search"] = search_stage.measure(store, plan["search_reps"],
                                             plan["search_budget_s"])
    store.close()
    del store
    yield
    with run.stage(n, "queries: Oxigraph server via SPARQLWrapper"), \
            oxigraph_server(server_copy, data.folder) as srv:
        run.go()
        # dataset "server": the server's default graph is the union (--union-default-graph),
        # as dutygraph's own stores' is.
        limit = float(plan["query_timeout_s"])
        remote = RemoteStore(f"{srv.base_url}/query", dataset="server", timeout=limit)
        for c in qcases:
            queries.setdefault(c.name, {})["oxigraph_server"] = query_stage.library(
                remote, c, plan["query_reps"], plan["query_budget_s"]).to_json("ms")
        # The default "explicit" mode names every graph (N + a few) in each request, for
        # servers whose default graph is not the union; measured on the fastest query only.
        timed = [c for c in qcases if queries[c.name]["embedded"].get("p50_ms") is not None]
        if timed:
            fastest = min(timed, key=lambda c: queries[c.name]["embedded"]["p50_ms"])
            explicit = RemoteStore(f"{srv.base_url}/query", dataset="explicit",
                                   timeout=limit)
            res["oxigraph_server_explicit"] = {"query": fastest.name, **query_stage.library(
                explicit, fastest, 3, plan["query_budget_s"]).to_json("ms")}
    with run.stage(n, "validation: pyshacl, pyrudof, shacl-rust"):
        run.go()
        shapes = shapes_file(data.folder)
        if shapes is None:
            raise RuntimeError("no shapes in shapes/")
        res.setdefault("validation", {}).update(validation_stage.plain_validators(
            data.folder, shapes, data.union_nt, data.one_nt, validation_stage.AS_OF,
            reps_all=plan["shacl_reps_all"], reps_one=plan["shacl_reps_one"],
            timeouts=plan["timeouts"], skip=skip))
        for key, value in res["validation"].items():
            all_run = value.get("all") if isinstance(value, dict) else None
            if isinstance(all_run, dict) and "budget" in str(all_run.get("error", "")):
                skip[key] = (f"not run: it did not finish within its budget at N = {n}, "
                             f"on a tenth of the data")
    with run.stage(n, "queries: rdflib memory store"):
        run.go()
        mem, load_s, error = query_stage.memory_store(
            [data.synth_file], qcases, plan["memory_reps"], plan["memory_query_budget_s"],
            plan["memory_timeout_s"])
        res["memory_store"] = {"load_s": load_s, "error": error}
        for name, sample in mem.items():
            queries.setdefault(name, {})["memory"] = sample
    for name in ("scratch-store", "store-oxigraph-server", "store-serve"):
        shutil.rmtree(data.folder / name, ignore_errors=True)


def bench_http(res: dict[str, Any], data: SizeData, qcases: list[query_stage.Case],
               plan: dict[str, Any], serve_copy: Path) -> None:
    paths = _load_paths(data, qcases)
    with _served(serve_copy, data) as (srv, session, memory):
        for c in qcases:
            for key, cached in (("http", False), ("http_cached", True)):
                res["queries"].setdefault(c.name, {})[key] = query_stage.http(
                    session, srv.base_url, c, plan["http_reps"], plan["query_budget_s"],
                    cached=cached).to_json("ms")
        load: dict[str, Any] = {"queries": sorted({c.name for c in qcases
                                                   if c.single_authority})}
        if paths:
            # Each answer computed (Cache-Control: no-cache), then as served to repeated
            # questions (the answer cache, dutygraph.web.cache).
            for clients in (1, 8):
                load[str(clients)] = _load(srv.base_url, paths, clients, plan, cached=False)
                load[f"{clients}-cached"] = _load(srv.base_url, paths, clients, plan,
                                                  cached=True)
        res["http_load"] = load
        # The question box (issue 20): each kind's question, computed, then cached (after one
        # pass that fills the cache).
        res["ask"] = {"computed": ask_stage.answer_pages(
            session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
            cached=False)}
        ask_stage.answer_pages(session, srv.base_url, reps=1, budget_s=plan["ask_budget_s"],
                               cached=True)
        res["ask"]["cached"] = ask_stage.answer_pages(
            session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
            cached=True)
        res["ask"]["new_question"] = ask_stage.answer_pages(
            session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
            cached=True, new_days=True)
        res["server_memory"] = memory()
    if not paths:
        return
    # The same questions, each computed, on a server whose in-memory copy of the graphs is
    # off (dutygraph.store.hot): what the copy costs in memory, and what it buys.
    with _served(serve_copy, data, {"DUTYGRAPH_HOT_TRIPLES": "0"}) as (srv, session, memory):
        for c in qcases:
            query_stage.http(session, srv.base_url, c, plan["http_reps"],
                             plan["query_budget_s"])
        off = {f"rps_{clients}": _load(srv.base_url, paths, clients, plan,
                                       cached=False).get("rps") for clients in (1, 8)}
        res["server_memory_copy_off"] = {**off, **memory()}


@contextlib.contextmanager
def _served(serve_copy: Path, data: SizeData, env: dict[str, str] | None = None
            ) -> Iterator[tuple[Any, Any, Callable[[], dict[str, Any]]]]:
    """`dutygraph serve` with its memory sampled from start to end: the server, an HTTP
    session, and the memory figures so far (idle read before the first request)."""
    import requests

    with dutygraph_server(serve_copy, data.folder, env=env) as srv, RssSampler(srv.pid) as rss:
        time.sleep(0.5)
        idle, idle_pss = rss.tree_rss(), rss.tree_pss()
        yield srv, requests.Session(), lambda: _memory(srv.pid, rss, idle, idle_pss)


def _load(base_url: str, paths: list[str], clients: int, plan: dict[str, Any], *,
          cached: bool) -> dict[str, Any]:
    """One bounded load run; unless cached, every request asks for its answer computed."""
    headers = None if cached else {"Cache-Control": "no-cache"}
    return load_stage.run(base_url, paths, clients, plan["load_seconds"],
                          plan["load_max_requests"], headers)


def _load_paths(data: SizeData, qcases: list[query_stage.Case]) -> list[str]:
    """The load's requests: the single-authority queries, cycling over 50 authorities."""
    single = [c for c in qcases if c.single_authority]
    paths = []
    for k, slug in enumerate(data.authorities[:50] if single else []):
        case = single[k % len(single)]
        params = {key: value.replace(data.one_slug, slug) for key, value in case.params.items()}
        paths.append(f"/api/queries/{case.name}?{urlencode(params)}")
    return paths


def _memory(pid: int, rss: RssSampler, idle: int, idle_pss: int) -> dict[str, Any]:
    return {"idle_rss_mb": mb(idle), "peak_rss_mb": mb(rss.peak), "idle_pss_mb": mb(idle_pss),
            "peak_pss_mb": mb(rss.peak_pss), "processes": 1 + len(_children(pid))}


def _children(pid: int) -> list[int]:
    import psutil

    try:
        return [p.pid for p in psutil.Process(pid).children(recursive=True)]
    except psutil.Error:
        return []


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench",
                                     description="benchmark dutygraph; writes OUT/report.md")
    parser.add_argument("--out", default="bench", help="folder for report.md, results.json, "
                                                       "plots (default: bench)")
    parser.add_argument("--sizes", default="153,1530",
                        help="numbers of synthetic authorities (default 153,1530)")
    parser.add_argument("--work", help="scratch folder (default: a temporary one, removed)")
    parser.add_argument("--minutes", type=float, default=RUN_SECONDS / 60,
                        help="the run's time limit: stages that would start after it are "
                             f"skipped and reported (default {RUN_SECONDS / 60:.1f})")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from OUT/results.json without measuring")
    args = parser.parse_args(argv)
    out = Path(args.out)
    from . import report

    if args.report_only:
        report.write(json.loads((out / "results.json").read_text()), out)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    run = Run(out, sizes, seconds=args.minutes * 60)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="dutygraph-bench-"))
    skip: dict[str, str] = {}
    try:
        done = object()
        later = [g for g in (bench_size(run, n, work, skip) for n in sizes)
                 if next(g, done) is not done]
        for rest in later:
            next(rest, None)
    finally:
        run.save()
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    report.write(run.results, out)
    print(f"[bench] wrote {out / 'report.md'} in {run.results['duration_s']:.0f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
