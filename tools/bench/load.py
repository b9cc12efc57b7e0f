"""A loopback HTTP load generator: C client processes, each one request at a time, bounded in
requests and seconds.

Processes, not threads, so the client's own Python does not serialise on one GIL; plain
http.client with keep-alive, so the client's overhead per request is as small as Python allows.
On a 2-core machine the clients share the cores with the server: the report says so.
"""

from __future__ import annotations

import http.client
import multiprocessing as mp
import time
from typing import Any
from urllib.parse import urlsplit

from .measure import percentile


def _client(base_url: str, paths: list[str], start_at: float, seconds: float,
            max_requests: int, out: Any, headers: dict[str, str] | None = None) -> None:
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    conn = http.client.HTTPConnection(host, port, timeout=30)
    latencies: list[float] = []
    errors = 0
    while time.time() < start_at:
        time.sleep(0.001)
    stop = time.perf_counter() + seconds
    i = 0
    first = time.time()
    while i < max_requests and time.perf_counter() < stop:
        path = paths[i % len(paths)]
        t = time.perf_counter()
        try:
            conn.request("GET", path, headers={"Accept": "application/json", **(headers or {})})
            resp = conn.getresponse()
            resp.read()
            ok = resp.status == 200
            if resp.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=30)
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
        latencies.append(time.perf_counter() - t)
        if not ok:
            errors += 1
        i += 1
    out.put({"latencies": latencies, "errors": errors, "first": first, "last": time.time()})
    conn.close()


def run(base_url: str, paths: list[str], clients: int, seconds: float,
        max_requests: int, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """Throughput and latency of `clients` concurrent clients cycling through paths
    (headers: sent with every request, e.g. Cache-Control: no-cache)."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    start_at = time.time() + 1.5  # let every client process start before any sends
    procs = [ctx.Process(target=_client, args=(base_url, paths[k:] + paths[:k], start_at,
                                               seconds, max_requests, queue, headers),
                         daemon=True)
             for k in range(clients)]
    try:
        for p in procs:
            p.start()
        results = [queue.get(timeout=seconds + 60) for _ in procs]
    except BaseException:  # the stage's budget stopped it: no client outlives the load
        for p in procs:
            if p.is_alive():
                p.kill()
        raise
    for p in procs:
        p.join(timeout=10)
        if p.is_alive():
            p.kill()
    latencies = [x for r in results for x in r["latencies"]]
    errors = sum(r["errors"] for r in results)
    wall = max(r["last"] for r in results) - min(r["first"] for r in results)
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": errors,
        "seconds": round(wall, 2),
        "rps": round(len(latencies) / wall, 1) if wall > 0 else None,
        "p50_ms": round(percentile(latencies, 50) * 1000, 3) if latencies else None,
        "p99_ms": round(percentile(latencies, 99) * 1000, 3) if latencies else None,
        "max_ms": round(max(latencies) * 1000, 3) if latencies else None,
    }
