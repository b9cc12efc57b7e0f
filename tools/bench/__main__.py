"""`python -m tools.bench --out bench` (make bench): measure issue 21's targets, then write
the report.

Stages per size (N = 153 and N = 1,530 synthetic authorities on top of the repository's data),
each within a budget of its own: data -> build (`dutygraph build` from a cold process against a
raw pyoxigraph bulk load) -> named queries (embedded store, raw pyoxigraph) -> HTTP (the
computed answer pages at one client, the question box, server memory) -> dutygraph's
validation -> search -> at the largest size a 10-minute load run with the server's memory
sampled; then, for every size, the Oxigraph server, the plain validators (pyshacl, Jena,
pyrudof) and rdflib's memory store. Results are saved after every stage, so a failure late in
the run still leaves every figure measured before it; the report is written from results.json
at the end (or alone, with --report-only).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
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
from .procs import dutygraph_server, oxigraph_server


def _plan(*, slow: bool) -> dict[str, Any]:
    """Repetitions, per-call budgets and each stage's budget (seconds) of one size.

    Why each stage has a budget of its own: at N = 1,530 one slow engine must cost its stage,
    not the stages after it (the last run lost everything after a build that failed late).
    A stage past its budget is stopped (SIGALRM in this process, the process group of a
    worker or server) and reported as "stopped at its budget of N s"; the next one starts.
    """
    return {
        "build_reps": 2 if slow else 3, "build_budget_s": 240 if slow else 60,
        "rdflib_reps": 0 if slow else 1, "rdflib_timeout_s": 60,
        "query_reps": 20 if slow else 30, "query_budget_s": 1.5 if slow else 1.0,
        # A query slower than this misses the 20 ms target by three orders of magnitude:
        # knowing by how much more is not worth the run's time.
        "query_timeout_s": 15 if slow else 10,
        "memory_reps": 5 if slow else 10, "memory_query_budget_s": 2 if slow else 1,
        "page_seconds": 10, "load_max_requests": 100000,
        "validate_reps": 2 if slow else 3, "validate_budget_s": 60 if slow else 20,
        "ask_reps": 5 if slow else 10, "ask_budget_s": 3 if slow else 2,
        "ask_computed": not slow,
        "search_reps": 10 if slow else 20, "search_budget_s": 1.0 if slow else 0.5,
        "shape_times": False,
        "subset_authorities": 10,
        "shacl_reps_all": 1, "shacl_reps_one": 2,
        "timeouts": {"dutygraph_all": 240 if slow else 90, "shape_times": 60,
                     "pyshacl_all": 150 if slow else 90, "pyshacl_one": 40,
                     "pyshacl_subset": 90,
                     "pyrudof_all": 90 if slow else 45, "pyrudof_one": 30,
                     "pyrudof_subset": 30,
                     "jena_all": 120 if slow else 60, "jena_one": 40, "jena_subset": 60,
                     "shacl_rust_all": 30, "shacl_rust_one": 30, "shacl_rust_subset": 30},
        "stages": {"data": 120, "build": 600 if slow else 150,
                   "queries": 300 if slow else 150, "http": 300 if slow else 150,
                   "memory_run": 720, "validation": 360 if slow else 150,
                   "search": 90 if slow else 60, "remote": 150 if slow else 90,
                   "plain_validators": 300 if slow else 420,
                   "memory_store": 240 if slow else 120},
    }


# The two sizes of issue 21's targets; other sizes (rehearsals) use the nearer plan.
PLANS: dict[int, dict[str, Any]] = {153: _plan(slow=False), 1530: _plan(slow=True)}


def plan_for(n: int) -> dict[str, Any]:
    return PLANS.get(n) or (PLANS[1530] if n >= 1000 else PLANS[153])


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


# The run's hard limit: stages that would start after it are skipped (and reported), and no
# worker process outlives it. A quiet 2-core machine needs about 30 minutes (the 10-minute
# load run at N = 1,530 is a third of it); the limit leaves room for a busier one.
RUN_SECONDS = 45 * 60


class OutOfTime(Exception):
    """A stage was not started: the run's time was spent."""


class OverBudget(Exception):
    """A stage ran past its own budget and was stopped (raised by SIGALRM in the stage)."""


@contextlib.contextmanager
def _alarm(seconds: float, message: str) -> Iterator[None]:
    """Raise OverBudget(message) in the main thread after `seconds`: a stage's Python work
    stops there, its `with` blocks stop the servers and worker process groups it started."""
    def on_alarm(_signum: int, _frame: Any) -> None:
        raise OverBudget(message)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, max(seconds, 0.01))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Run:
    """The results being gathered, saved to results.json after every stage."""

    def __init__(self, out: Path, sizes: list[int], seconds: float = RUN_SECONDS,
                 load_minutes: float = 10.0) -> None:
        self.out = out
        self.started = time.time()
        self.deadline = time.monotonic() + seconds
        self.minutes = seconds / 60
        self.load_minutes = load_minutes
        procs.DEADLINE = self.deadline
        self.results: dict[str, Any] = {
            "generated": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine(), "plans": {str(n): plan_for(n) for n in sizes},
            "sizes": {}, "errors": [], "stage_seconds": [], "stage_budgets": {},
            "load_minutes": load_minutes,
        }

    def size(self, n: int) -> dict[str, Any]:
        size: dict[str, Any] = self.results["sizes"].setdefault(str(n), {})
        return size

    @contextlib.contextmanager
    def stage(self, n: int, name: str, budget_s: float | None = None
              ) -> Iterator[None]:
        """One stage: bounded by its budget and by the run's limit; any failure is recorded
        (with the failing command's standard error, where a command failed) and the run goes
        on to the next stage."""
        t0 = time.perf_counter()
        left = self.deadline - time.monotonic()
        budget = min(budget_s, left) if budget_s else left
        self.results["stage_budgets"][f"{n}:{name}"] = round(budget, 1)
        print(f"[bench] N={n}: {name} (budget {budget:.0f} s) ...", file=sys.stderr,
              flush=True)
        saved = procs.DEADLINE
        procs.DEADLINE = min(self.deadline, time.monotonic() + budget)
        why = (f"stopped at its budget of {budget:.0f} s" if budget_s and budget_s <= left
               else f"stopped at the run's limit of {self.minutes:.1f} minutes")
        try:
            with _alarm(budget, why):
                yield
        except OutOfTime as exc:
            self._error(n, name, str(exc))
        except OverBudget as exc:
            self._error(n, name, str(exc), over_budget=True)
        except Exception as exc:
            self._error(n, name, f"{type(exc).__name__}: {exc}",
                        trace=traceback.format_exc()[-1500:],
                        stderr=getattr(exc, "stderr", None))
        finally:
            procs.DEADLINE = saved
            took = round(time.perf_counter() - t0, 1)
            self.results["stage_seconds"].append([f"{n}:{name}", took])  # a list: run order
            self.results.setdefault("load_average", []).append(round(os.getloadavg()[0], 2))
            print(f"[bench] N={n}: {name} done in {took} s", file=sys.stderr, flush=True)
            self.save()

    def go(self) -> None:
        """First thing in a stage's body: raise OutOfTime if the run's time is (nearly)
        spent (a context manager cannot skip its body itself)."""
        if self.deadline - time.monotonic() < 15:
            raise OutOfTime(f"not run: the run's {self.minutes:.1f} minutes were spent")

    def _error(self, n: int, stage: str, error: str, *, over_budget: bool = False,
               trace: str | None = None, stderr: str | None = None) -> None:
        entry: dict[str, Any] = {"n": n, "stage": stage, "error": error}
        if over_budget:
            entry["over_budget"] = True
        if trace:
            entry["trace"] = trace
        if stderr:
            entry["stderr"] = stderr[-2000:]
        self.results["errors"].append(entry)
        print(f"[bench] N={n}: {stage}: {error}", file=sys.stderr, flush=True)

    def save(self) -> None:
        self.results["duration_s"] = round(time.time() - self.started, 1)
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "results.json").write_text(json.dumps(self.results, indent=1,
                                                          sort_keys=True) + "\n")


def bench_size(run: Run, n: int, work: Path, skip: dict[str, str], *,
               long_run: bool) -> Iterator[None]:
    """Every stage for one size, most important first, each within its own budget: a
    generator that stops once after the core stages (data, build, named queries, HTTP and the
    question box, dutygraph's validation, search, and at the largest size the long load run),
    so that main runs the core of every size before the other engines (Oxigraph server, plain
    validators, rdflib's memory store) of any.

    skip: plain validations whose outcome an earlier size settled ("did not finish within its
    budget on fewer authorities"); they are reported, not run again.
    """
    plan = plan_for(n)
    budget = plan["stages"]
    res = run.size(n)
    data: SizeData | None = None
    with run.stage(n, "data", budget["data"]):
        run.go()
        data = prepare(n, work, subset=plan["subset_authorities"])
        res["data"] = data.to_json()
    if data is None:
        return
    store_dir = data.folder / "store"
    with run.stage(n, "build", budget["build"]):
        run.go()
        res["build"] = build_stage.run(
            data, reps=plan["build_reps"], budget_s=plan["build_budget_s"],
            rdflib_reps=plan["rdflib_reps"], rdflib_timeout_s=plan["rdflib_timeout_s"],
            store_dir=store_dir)
    from dutygraph.store import EmbeddedStore
    from dutygraph.store.remote import RemoteStore

    if not build_stage.built(store_dir):
        # Every later stage reads the store: say once why none of them ran.
        why = ((res.get("build") or {}).get("dutygraph_build_cli") or {}).get("error") \
            or "the build stage did not finish"
        run._error(n, "every stage after the build", f"not run: no store was built ({why})")
        return
    store = EmbeddedStore(store_dir)  # writable: re-validation replaces one authority
    # Servers get copies: the Oxigraph server opens the database of the current generation
    # itself; `dutygraph serve` a whole dutygraph store.
    server_copy = data.folder / "store-oxigraph-server"
    serve_copy = data.folder / "store-serve"
    database = store.generation_path()
    for source, target in ((database, server_copy), (store_dir, serve_copy)):
        shutil.rmtree(target, ignore_errors=True)
        if source is not None:
            shutil.copytree(source, target)
    qcases: list[query_stage.Case] = []
    queries: dict[str, dict[str, Any]] = {}
    res["queries"] = queries
    with run.stage(n, "queries: embedded and raw pyoxigraph", budget["queries"]):
        run.go()
        qcases = query_stage.resolved(store, query_stage.cases(data.one_slug,
                                                               synth.AS_OF.isoformat()))
        res["query_cases"] = [{"name": c.name, "params": c.params,
                               "single_authority": c.single_authority} for c in qcases]
        # duties-of first: every other query's target is a ratio to it.
        for c in sorted(qcases, key=lambda c: c.name != "duties-of"):
            queries[c.name] = query_stage.embedded_and_raw(
                store_dir, c, plan["query_reps"], plan["query_budget_s"],
                plan["query_timeout_s"])
        # A query that did not finish on the embedded store is not sent to the other engines
        # (each would spend its whole time limit on it too); the report says so.
        stuck = [c.name for c in qcases if queries[c.name]["embedded"].get("timed_out")]
        res["queries_over_time_limit"] = stuck
        qcases = [c for c in qcases if c.name not in stuck]
    with run.stage(n, "HTTP: answer pages, question box and server memory", budget["http"]):
        run.go()
        bench_http(res, data, qcases, plan, serve_copy)
    with run.stage(n, "validation: dutygraph", budget["validation"]):
        run.go()
        res["validation"] = {"dutygraph": validation_stage.dutygraph_path(
            store, store_dir, data.one_slug, plan["validate_reps"], plan["validate_budget_s"],
            plan["timeouts"]["dutygraph_all"], data.folder, validation_stage.AS_OF,
            subset=data.subset_slugs)}
    with run.stage(n, "search: text index against search.rq", budget["search"]):
        run.go()
        res["search"] = search_stage.measure(store, plan["search_reps"],
                                             plan["search_budget_s"])
    store.close()
    del store
    if long_run and run.load_minutes > 0:
        seconds = run.load_minutes * 60
        with run.stage(n, f"HTTP: {run.load_minutes:g}-minute load run, server memory",
                       max(budget["memory_run"], seconds + 120)):
            run.go()
            res["memory_run"] = memory_run(data, qcases, serve_copy, seconds)
    yield
    with run.stage(n, "queries: Oxigraph server via SPARQLWrapper", budget["remote"]):
        run.go()
        with oxigraph_server(server_copy, data.folder) as srv:
            # dataset "server": the server's default graph is the union
            # (--union-default-graph), as dutygraph's own stores' is.
            limit = float(plan["query_timeout_s"])
            remote = RemoteStore(f"{srv.base_url}/query", dataset="server", timeout=limit)
            for c in qcases:
                queries.setdefault(c.name, {})["oxigraph_server"] = query_stage.library(
                    remote, c, plan["query_reps"], plan["query_budget_s"]).to_json("ms")
    with run.stage(n, "validation: pyshacl, Jena, pyrudof, shacl-rust",
                   budget["plain_validators"]):
        run.go()
        shapes = shapes_file(data.folder)
        if shapes is None:
            raise RuntimeError("no shapes in shapes/")
        try:
            validation_stage.plain_validators(
                data.folder, shapes, data.union_nt, data.one_nt, validation_stage.AS_OF,
                reps_all=plan["shacl_reps_all"], reps_one=plan["shacl_reps_one"],
                timeouts=plan["timeouts"], skip=skip, subset=data.subset_nt,
                out=res.setdefault("validation", {}))
        finally:  # also when the stage was stopped: the next size need not try again
            for key, value in res["validation"].items():
                all_run = value.get("all") if isinstance(value, dict) else None
                if isinstance(all_run, dict) and "budget" in str(all_run.get("error", "")):
                    skip[key] = (f"not run: it did not finish within its budget at N = {n}, "
                                 f"on fewer authorities")
    with run.stage(n, "queries: rdflib memory store", budget["memory_store"]):
        run.go()
        mem, load_s, error = query_stage.memory_store(
            [data.synth_file], qcases, plan["memory_reps"], plan["memory_query_budget_s"],
            budget["memory_store"] - 5)
        res["memory_store"] = {"load_s": load_s, "error": error}
        for name, sample in mem.items():
            queries.setdefault(name, {})["memory"] = sample
    for name in ("scratch-store", "store-oxigraph-server", "store-serve"):
        shutil.rmtree(data.folder / name, ignore_errors=True)


def _question_page(session: Any, base_url: str, question: str) -> str:
    """The answer page the question box sends this question to (its redirect followed)."""
    resp = session.get(f"{base_url}/ask?{urlencode({'q': question})}", timeout=120)
    if resp.status_code != 200 or "/ask/" not in resp.url:
        raise RuntimeError(f"/ask did not answer {question!r}: HTTP {resp.status_code} at "
                           f"{resp.url}")
    return str(resp.url)[len(base_url):]


# The computed answer pages of issue 21's HTTP target: the named query every other is held
# to, and the question box's answer page for the same question in words.
PAGE_QUERY = "duties-of"
PAGE_QUESTION = "What must the DCS do?"


def bench_http(res: dict[str, Any], data: SizeData, qcases: list[query_stage.Case],
               plan: dict[str, Any], serve_copy: Path) -> None:
    """The computed answer pages at one client (each request says Cache-Control: no-cache),
    the question box, and the server's memory meanwhile."""
    with _served(serve_copy, data) as (srv, session, memory):
        pages: dict[str, Any] = {}
        res["answer_pages"] = pages
        duties = next((c for c in qcases if c.name == PAGE_QUERY), None)
        if duties is not None:
            path = f"/api/queries/{duties.name}?{urlencode(duties.params)}"
            pages["api"] = {"path": path, **_page_load(srv.base_url, path, plan)}
        else:
            pages["api"] = {"error": f"no `{PAGE_QUERY}` case: the named-query stage did not "
                                     "resolve the catalogue"}
        try:
            path = _question_page(session, srv.base_url, PAGE_QUESTION)
            pages["ask"] = {"path": path, "question": PAGE_QUESTION,
                            **_page_load(srv.base_url, path, plan)}
        except RuntimeError as exc:
            pages["ask"] = {"error": str(exc)}
        # The question box (issue 20): each kind's question, computed, then cached (after one
        # pass that fills the cache), then asked about a new day each time.
        ask: dict[str, Any] = {}
        res["ask"] = ask
        if plan["ask_computed"]:
            ask["computed"] = ask_stage.answer_pages(
                session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
                cached=False)
        ask_stage.answer_pages(session, srv.base_url, reps=1, budget_s=plan["ask_budget_s"],
                               cached=True)
        ask["cached"] = ask_stage.answer_pages(
            session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
            cached=True)
        ask["new_question"] = ask_stage.answer_pages(
            session, srv.base_url, reps=plan["ask_reps"], budget_s=plan["ask_budget_s"],
            cached=True, new_days=True)
        res["server_memory"] = memory()


def _page_load(base_url: str, path: str, plan: dict[str, Any]) -> dict[str, Any]:
    """One client asking for one page again and again, each answer computed."""
    return load_stage.run(base_url, [path], 1, plan["page_seconds"],
                          plan["load_max_requests"], {"Cache-Control": "no-cache"})


def memory_run(data: SizeData, qcases: list[query_stage.Case], serve_copy: Path,
               seconds: float, block_s: float = 60.0) -> dict[str, Any]:
    """The server's memory over a long load run: two clients asking computed questions
    (single-authority named queries over 50 authorities, duties-of and the question box's
    answer page, all with Cache-Control: no-cache) in blocks of a minute, the server's PSS
    sampled throughout. Flat means the last minute holds no more than the first."""
    paths = _load_paths(data, qcases)
    blocks: list[dict[str, Any]] = []
    out: dict[str, Any] = {"seconds": seconds, "clients": 2, "blocks": blocks}
    with dutygraph_server(serve_copy, data.folder) as srv, \
            RssSampler(srv.pid, interval=0.25) as rss:
        import requests

        session = requests.Session()
        duties = next((c for c in qcases if c.name == PAGE_QUERY), None)
        if duties is not None:
            paths.append(f"/api/queries/{duties.name}?{urlencode(duties.params)}")
        with contextlib.suppress(RuntimeError):
            paths.append(_question_page(session, srv.base_url, PAGE_QUESTION))
        if not paths:
            raise RuntimeError("no computed question to ask")
        time.sleep(1.0)
        out["idle_pss_mb"] = mb(rss.tree_pss())
        block_s = min(block_s, seconds / 2)  # a short (rehearsal) run still has two blocks
        started = time.monotonic()
        while time.monotonic() - started < seconds - 1:
            length = min(block_s, seconds - (time.monotonic() - started))
            t0 = time.monotonic()
            load = load_stage.run(srv.base_url, paths, 2, length, 10**7,
                                  {"Cache-Control": "no-cache"})
            pss = [v for t, v in rss.series if t >= t0]
            blocks.append({**load, "start_s": round(t0 - started, 1),
                           "pss_max_mb": mb(max(pss)) if pss else None,
                           "pss_last_mb": mb(pss[-1]) if pss else None})
            out["peak_pss_mb"] = mb(rss.peak_pss)
            out["peak_rss_mb"] = mb(rss.peak)
        out["processes"] = 1 + len(_children(srv.pid))
    return out


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
    parser.add_argument("--load-minutes", type=float, default=10.0,
                        help="length of the load run at the largest size, during which the "
                             "server's memory is sampled (default 10; 0 leaves it out)")
    parser.add_argument("--report-only", action="store_true",
                        help="rewrite the report from OUT/results.json without measuring")
    args = parser.parse_args(argv)
    out = Path(args.out)
    from . import report

    if args.report_only:
        report.write(json.loads((out / "results.json").read_text()), out)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    run = Run(out, sizes, seconds=args.minutes * 60, load_minutes=args.load_minutes)
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="dutygraph-bench-"))
    skip: dict[str, str] = {}
    try:
        done = object()
        later = [g for g in (bench_size(run, n, work, skip, long_run=n == max(sizes))
                             for n in sizes)
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
