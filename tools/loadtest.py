"""`make loadtest`: a bounded load run against the production server on loopback.

    python -m tools.loadtest --store .store/oxigraph --out bench [--clients 64]
        [--seconds 60] [--workers 1] [--threads 16] [--query-timeout 10]

Starts `dutygraph serve` (waitress) on a free 127.0.0.1 port and runs two phases of the same
length with the same number of clients, each client a keep-alive HTTP connection sending one
request after another (the phases alternate in --blocks blocks, so that other work on the
machine weighs on both alike):

1. *normal*: every client mixes pages, named queries, /sparql and validation uploads;
2. *pathological*: a quarter of the clients send pathological queries instead (every triple
   times every triple, three times over, counted; each client its own spelling), the rest
   keep the normal mix.

It reports requests per second, p50/p99 latency and errors (any status of 400 or more, or a
failed connection, for a normal client; for a pathological client anything but the 503 it
must get), and the memory of the server's whole process tree (the server process, its
query workers) before and after, as RSS and PSS (PSS shares each shared page among the
processes that map it, so it does not count the forked workers' shared pages twice). The
acceptance checks: zero errors, and the normal clients' p99 in phase 2 at most twice phase
1's. Writes OUT/loadtest.md and OUT/loadtest.json. Every loop is bounded by --seconds, and
the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from dutygraph.cli.serve import DEFAULT_THREADS, DEFAULT_WORKERS

PATHOLOGICAL = "SELECT (COUNT(*) AS ?{var}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
SPARQL = [
    "SELECT ?label WHERE { <https://w3id.org/dutygraph/id/role/dcs> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "PREFIX dg: <https://w3id.org/dutygraph/def#> SELECT ?post ?role WHERE { ?post "
    "<http://www.w3.org/ns/org#role> ?role ; dg:authority "
    "<https://w3id.org/dutygraph/id/authority/bromley> } LIMIT 50",
    "PREFIX dg: <https://w3id.org/dutygraph/def#> ASK { ?d a dg:Duty ; dg:modality dg:Must }",
]
PAGES = ["/", "/queries", "/authority/", "/authority/bromley", "/authority/harrow",
         "/id/role/dcs", "/entity?iri=https%3A%2F%2Fw3id.org%2Fdutygraph%2Fid%2Frole%2Flscb-chair",
         "/answer?function=https%3A%2F%2Fw3id.org%2Fdutygraph%2Fid%2Ffunction%2Freg5-1-e"
         "&authority=https%3A%2F%2Fw3id.org%2Fdutygraph%2Fid%2Fauthority%2Fbromley"]
# A small arrangement to validate: an authority and its Board, from one source.
UPLOAD = b"""@prefix dg: <https://w3id.org/dutygraph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix la: <https://w3id.org/dutygraph/id/authority/> .
la:loadtest a dg:LocalAuthority ; rdfs:label "Load Test Borough"@en ;
    prov:wasDerivedFrom <https://w3id.org/dutygraph/id/source/loadtest> ;
    dg:locator "p1" ; dg:asAt "2013-05-07"^^xsd:date .
<https://w3id.org/dutygraph/id/authority/loadtest/lscb> a dg:LSCB ;
    rdfs:label "Load Test Safeguarding Children Board"@en ;
    dg:establishedBy la:loadtest ; dg:authority la:loadtest ;
    prov:wasDerivedFrom <https://w3id.org/dutygraph/id/source/loadtest> ;
    dg:locator "p2" ; dg:asAt "2013-05-07"^^xsd:date .
"""
MIX = [("page", 0.3), ("named", 0.3), ("sparql", 0.3), ("validate", 0.1)]


@dataclass
class Sample:
    kind: str
    status: int  # 0: the connection failed
    seconds: float


@dataclass
class PhaseResult:
    name: str
    seconds: float
    clients: int
    pathological_clients: int
    requests: int = 0
    requests_per_second: float = 0.0
    normal: dict[str, Any] = field(default_factory=dict)
    pathological: dict[str, Any] = field(default_factory=dict)
    by_kind: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: int = 0
    error_examples: list[str] = field(default_factory=list)
    rows: list[tuple[str, int, float]] = field(default_factory=list, repr=False)


# ------------------------------------------------------------------------------------------
# The server
# ------------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: str, port: int, workers: int, threads: int, timeout: float,
                 log: Path) -> subprocess.Popen[bytes]:
    command = [str(Path(sys.executable).parent / "dutygraph"), "serve", "--store", store,
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
               "--threads", str(threads), "--query-timeout", str(timeout)]
    out = log.open("wb")
    return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT,
                            start_new_session=True)


def wait_until_up(port: int, process: subprocess.Popen[bytes], attempts: int = 240) -> None:
    for _ in range(attempts):
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/sparql?query=ASK%7B%7D")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise RuntimeError("the server did not come up")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def memory(pid: int) -> dict[str, int]:
    """RSS and PSS of a process and all its descendants, in bytes."""
    import psutil

    try:
        root = psutil.Process(pid)
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return {"processes": 0, "rss": 0, "pss": 0}
    rss = pss = count = 0
    for p in procs:
        try:
            info = p.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        count += 1
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return {"processes": count, "rss": rss, "pss": pss}


# ------------------------------------------------------------------------------------------
# The clients
# ------------------------------------------------------------------------------------------

def _named_requests() -> list[str]:
    from dutygraph.queries import catalogue

    paths = []
    items = catalogue()
    for q in items.values() if isinstance(items, dict) else items:
        params = {p.name: str(p.example) for p in q.params if p.example not in (None, "")}
        paths.append(f"/api/queries/{q.name}?{urllib.parse.urlencode(params)}")
    return paths


def _request(kind: str, rng: random.Random, named: list[str], variant: str,
             ) -> tuple[str, str, bytes | None, dict[str, str]]:
    if kind == "pathological":
        body = urllib.parse.urlencode({"query": variant}).encode()
        return "POST", "/sparql", body, {"Content-Type": "application/x-www-form-urlencoded"}
    if kind == "page":
        return "GET", rng.choice(PAGES), None, {"Accept": "text/html"}
    if kind == "named":
        return "GET", rng.choice(named), None, {"Accept": "application/json"}
    if kind == "sparql":
        query = urllib.parse.quote(rng.choice(SPARQL))
        return "GET", f"/sparql?query={query}", None, {
            "Accept": "application/sparql-results+json"}
    return "POST", "/api/validate?as_of=2013-05-07", UPLOAD, {"Content-Type": "text/turtle"}


def _client(port: int, until: float, pathological: bool, seed: int, named: list[str],
            out: list[Sample]) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*MIX, strict=True)
    variant = PATHOLOGICAL.format(var=f"n{seed}")
    conn: http.client.HTTPConnection | None = None
    while time.monotonic() < until:
        kind = "pathological" if pathological else rng.choices(kinds, weights)[0]
        method, path, body, headers = _request(kind, rng, named, variant)
        start = time.monotonic()
        status = 0
        for attempt in range(2):  # one retry: the server may have closed an idle keep-alive
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.will_close:
                    conn.close()
                    conn = None
                break
            except (http.client.HTTPException, OSError):
                if conn is not None:
                    conn.close()
                conn = None
                if attempt == 1:
                    status = 0
        out.append(Sample(kind, status, time.monotonic() - start))
    if conn is not None:
        conn.close()


def _client_process(port: int, until: float, plan: list[tuple[bool, int]], named: list[str],
                    queue: Any) -> None:
    samples: list[Sample] = []
    threads = [threading.Thread(target=_client, args=(port, until, patho, seed, named, samples))
               for patho, seed in plan]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put([(s.kind, s.status, s.seconds) for s in samples])


def merge(parts: list[PhaseResult]) -> PhaseResult:
    """One phase's blocks as one result (latencies pooled, not averaged)."""
    rows = [row for part in parts for row in part.rows]
    elapsed = sum(part.seconds for part in parts)
    return summarise(parts[0].name, rows, elapsed, parts[0].clients,
                     parts[0].pathological_clients)


def run_phase(name: str, port: int, clients: int, pathological: int, seconds: float,
              processes: int, named: list[str]) -> PhaseResult:
    plan = [(i < pathological, i + 1) for i in range(clients)]
    random.Random(7).shuffle(plan)
    chunks = [plan[i::processes] for i in range(processes)]
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    until = time.monotonic() + seconds
    started = time.monotonic()
    procs = [ctx.Process(target=_client_process, args=(port, until, chunk, named, queue))
             for chunk in chunks if chunk]
    for p in procs:
        p.start()
    rows: list[tuple[str, int, float]] = []
    for _ in procs:
        rows.extend(queue.get(timeout=seconds + 120))
    for p in procs:
        p.join(timeout=30)
    elapsed = time.monotonic() - started
    return summarise(name, rows, elapsed, clients, pathological)


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def _stats(samples: list[tuple[str, int, float]], elapsed: float) -> dict[str, Any]:
    latencies = [s[2] for s in samples]
    return {"requests": len(samples), "requests_per_second": round(len(samples) / elapsed, 1),
            "p50_ms": round(1000 * _percentile(latencies, 0.5), 2),
            "p99_ms": round(1000 * _percentile(latencies, 0.99), 2),
            "mean_ms": round(1000 * statistics.fmean(latencies), 2) if latencies else 0.0,
            "statuses": {str(k): v for k, v in sorted(_count(s[1] for s in samples).items())}}


def _count(values: Any) -> dict[Any, int]:
    out: dict[Any, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


def summarise(name: str, rows: list[tuple[str, int, float]], elapsed: float, clients: int,
              pathological: int) -> PhaseResult:
    normal = [r for r in rows if r[0] != "pathological"]
    patho = [r for r in rows if r[0] == "pathological"]
    result = PhaseResult(name, round(elapsed, 1), clients, pathological, len(rows),
                         round(len(rows) / elapsed, 1), _stats(normal, elapsed),
                         _stats(patho, elapsed) if patho else {}, rows=rows)
    for kind in sorted({r[0] for r in rows}):
        result.by_kind[kind] = _stats([r for r in rows if r[0] == kind], elapsed)
    bad = [r for r in normal if r[1] == 0 or r[1] >= 400]
    bad += [r for r in patho if r[1] != 503]
    result.errors = len(bad)
    result.error_examples = [f"{k} -> {s or 'connection failed'}" for k, s, _ in bad[:10]]
    return result


# ------------------------------------------------------------------------------------------
# The run and its report
# ------------------------------------------------------------------------------------------

def _public(phase: PhaseResult) -> dict[str, Any]:
    out = asdict(phase)
    del out["rows"]
    return out


def _load(values: Any) -> str:
    return ", ".join(f"{v:.1f}" for v in values)


def report(results: dict[str, Any]) -> str:
    normal, patho = results["phases"]
    ratio = results["p99_ratio"]
    mb = 1024 * 1024

    def mem(m: dict[str, int]) -> str:
        return (f"{m['rss'] / mb:.0f} MB RSS, {m['pss'] / mb:.0f} MB PSS "
                f"({m['processes']} processes)")

    lines = [
        "# Load test", "",
        f"`make loadtest` ({results['command']}) on {results['when']}: `dutygraph serve` "
        f"(waitress, {results['server']['workers']} workers x {results['server']['threads']} "
        f"threads, query time limit {results['server']['query_timeout']:g} s) over "
        f"`{results['store']}`, on loopback, on a machine with {results['cpus']} cores that "
        "also runs the load generator (Python, keep-alive connections, "
        f"{results['client_processes']} processes). Each phase ran in {results['blocks']} "
        "blocks, alternating with the other's. The machine's load average (1, 5, 15 "
        f"min) was {_load(results['load_average']['before'])} before the run and "
        f"{_load(results['load_average']['after'])} after it: other work shares the cores.",
        "",
        "| phase | clients | requests/s (all) | normal p50 | normal p99 | errors |",
        "|---|---|---|---|---|---|"]
    for phase in (normal, patho):
        lines.append(
            f"| {phase['name']} | {phase['clients']} ({phase['pathological_clients']} "
            f"pathological) | {phase['requests_per_second']} | {phase['normal']['p50_ms']} ms "
            f"| {phase['normal']['p99_ms']} ms | {phase['errors']} |")
    lines += [
        "",
        f"- Errors: **{normal['errors'] + patho['errors']}** (normal clients: any status of "
        "400 or more or a failed connection; pathological clients: anything but 503).",
        f"- The normal clients' p99 with a quarter of the clients sending pathological "
        f"queries is **{ratio:.2f}x** its value without them (the requirement: at most 2x).",
        f"- Memory of the server's process tree: before {mem(results['memory']['before'])}; "
        f"after the last normal block {mem(results['memory']['after_normal'])}; after the "
        f"last pathological block {mem(results['memory']['after_pathological'])}.",
        f"- Pathological requests: {patho['pathological'].get('requests', 0)}, answered "
        f"{patho['pathological'].get('statuses', {})} (503: stopped at the time limit, "
        "refused as a repeat of a query that ran out of time, or refused because the "
        "long-query slots were full).", "",
        "## By kind of request", "",
        "| phase | kind | requests | requests/s | p50 | p99 | statuses |",
        "|---|---|---|---|---|---|---|"]
    for phase in (normal, patho):
        for kind, s in phase["by_kind"].items():
            lines.append(f"| {phase['name']} | {kind} | {s['requests']} | "
                         f"{s['requests_per_second']} | {s['p50_ms']} ms | {s['p99_ms']} ms | "
                         f"{s['statuses']} |")
    lines += ["", "Mix of a normal client: pages 30%, named queries 30%, /sparql 30%, "
              "validation uploads 10%. Raw figures: loadtest.json.", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.loadtest",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--store", default=None, help="store folder (default: the default)")
    parser.add_argument("--out", type=Path, default=Path("bench"))
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    parser.add_argument("--pathological-share", type=float, default=0.25)
    parser.add_argument("--workers", type=int, default=DEFAULT_WORKERS)
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS)
    parser.add_argument("--query-timeout", type=float, default=10.0)
    parser.add_argument("--client-processes", type=int, default=4)
    parser.add_argument("--blocks", type=int, default=3,
                        help="alternate the two phases in this many blocks each")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or not 0 <= args.pathological_share < 1:
        parser.error("need clients >= 1, seconds > 0 and 0 <= pathological-share < 1")
    from dutygraph.store import store_spec

    store = store_spec(args.store)
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    load_before = os.getloadavg()
    log = Path(tempfile.mkdtemp(prefix="dutygraph-loadtest-")) / "server.log"
    process = start_server(store, port, args.workers, args.threads, args.query_timeout, log)
    try:
        wait_until_up(port, process)
        named = _named_requests()
        run_phase("warm-up", port, min(args.clients, 8), 0, min(5.0, args.seconds),
                  1, named)
        before = memory(process.pid)
        processes = max(1, min(args.client_processes, args.clients))
        patho_clients = round(args.clients * args.pathological_share)
        # The phases alternate in blocks (normal, pathological, normal, ...), so that other
        # work on the machine that comes and goes weighs on both alike.
        blocks = max(1, args.blocks)
        parts: dict[str, list[PhaseResult]] = {"normal": [], "pathological": []}
        after: dict[str, dict[str, int]] = {}
        for _ in range(blocks):
            for name, count in (("normal", 0), ("pathological", patho_clients)):
                parts[name].append(run_phase(name, port, args.clients, count,
                                             args.seconds / blocks, processes, named))
                after[name] = memory(process.pid)
        normal = merge(parts["normal"])
        patho = merge(parts["pathological"])
        after_normal, after_patho = after["normal"], after["pathological"]
    except BaseException:
        stop_server(process)
        print(f"the server's log: {log}", file=sys.stderr)
        raise
    stop_server(process)
    base = normal.normal["p99_ms"] or 1.0
    results = {
        "command": "python -m tools.loadtest " + " ".join(argv or sys.argv[1:]),
        "load_average": {"before": load_before, "after": os.getloadavg()},
        "when": time.strftime("%Y-%m-%d %H:%M %Z"), "store": store, "cpus": os.cpu_count(),
        "client_processes": processes,
        "server": {"workers": args.workers, "threads": args.threads,
                   "query_timeout": args.query_timeout},
        "phases": [_public(normal), _public(patho)], "blocks": blocks,
        "p99_ratio": round(patho.normal["p99_ms"] / base, 3),
        "memory": {"before": before, "after_normal": after_normal,
                   "after_pathological": after_patho},
    }
    results["passed"] = (normal.errors == 0 and patho.errors == 0
                         and results["p99_ratio"] <= 2.0)
    (args.out / "loadtest.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (args.out / "loadtest.md").write_text(report(results), encoding="utf-8")
    print(report(results))
    return 0 if results["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
