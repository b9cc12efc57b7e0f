"""Issue 21's targets read from one run's results.json: one row per target, each a ratio
within the run, with its status: met, not met (by how much), or not measured (why).

Why a module of its own: the rows are what the benchmark is for, so they are tested on small
results dicts (tests/bench/test_targets.py) apart from the rest of the report, and every row
reads its figures through the same few look-ups.

The targets are read at N = 153 ("small") and N = 1,530 ("large"); a run on other sizes (a
rehearsal) reads them at its smallest and largest, and says so in the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .fmt import _f, _median, _sizes

QUERY_RATIO = 3.0  # every named query's p50 within this many times duties-of's
QUERY_MS = 20.0  # and under this many milliseconds, at the large size, embedded
STORE_RATIO = 3.0  # memory store and Oxigraph server: within this many times embedded
PAGE_RPS = 300.0  # computed answer page at one client, at the small size
PAGE_P99_MS = 50.0
BUILD_FACTOR, BUILD_START_S = 1.5, 1.0  # build <= 1.5 x raw bulk load + 1 s
GROWTH_PER_10X = 10.5  # validate-all at 10x the authorities <= 10.5x the time
FASTEST_FACTOR = 2.0  # validate-all <= 2x the fastest validator measured
REVALIDATE_MS = 200.0
SERVER_PSS_MB = 300.0
FLAT_GROWTH = 0.10  # the last minute's PSS at most 10% over the first minute's
OTHER_VALIDATORS = ("pyshacl", "jena", "pyrudof", "shacl_rust")
BASE_QUERY = "duties-of"

MET = "met"


def not_met(by: str) -> str:
    return f"**not met**: {by}"


def not_measured(why: str) -> str:
    return f"not measured: {why}"


@dataclass(frozen=True)
class Row:
    """One target: what it asks, what the run measured, its status, and what bounds it."""

    target: str
    measured: str
    status: str
    why: str = ""


def small_large(results: dict[str, Any]) -> tuple[str | None, str | None]:
    """The sizes the targets are read at: 153 and 1,530 if measured, else the run's smallest
    and largest."""
    sizes = _sizes(results)
    if not sizes:
        return None, None
    small = "153" if "153" in sizes else sizes[0]
    large = "1530" if "1530" in sizes else sizes[-1]
    return small, large


def _size(results: dict[str, Any], n: str | None) -> dict[str, Any]:
    if n is None:
        return {}
    size: dict[str, Any] = results.get("sizes", {}).get(n) or {}
    return size


def stage_error(results: dict[str, Any], n: str | None, *stages: str) -> str | None:
    """Why a stage of size n gave no figures: its recorded error, if any (first match of the
    stage names' beginnings)."""
    for e in results.get("errors") or []:
        if str(e.get("n")) != str(n):
            continue
        name = str(e.get("stage", ""))
        if any(name.startswith(s) for s in stages) or name == "every stage after the build":
            return " ".join(str(e.get("error", "")).split())[:300]
    return None


def _p50(sample: dict[str, Any] | None) -> float | None:
    if not sample:
        return None
    value = sample.get("p50_ms")
    return float(value) if value is not None else None


def _why_missing(sample: dict[str, Any] | None, fallback: str) -> str:
    if sample and (sample.get("error") or sample.get("note")):
        return " ".join(str(sample.get("error") or sample.get("note")).split())[:160]
    return fallback


# ---- named queries ------------------------------------------------------------------------

def query_row(results: dict[str, Any]) -> Row:
    _small, n = small_large(results)
    title = (f"every named query p50 ≤ {QUERY_RATIO:g}× `{BASE_QUERY}` and < {QUERY_MS:g} ms "
             f"at N = {n or '–'}, embedded store")
    qs = _size(results, n).get("queries") or {}
    base = _p50((qs.get(BASE_QUERY) or {}).get("embedded"))
    if not qs or base is None:
        why = stage_error(results, n, "queries: embedded", "build") or \
            _why_missing((qs.get(BASE_QUERY) or {}).get("embedded"), f"no `{BASE_QUERY}` figure")
        return Row(title, "–", not_measured(why))
    fails, missing, worst = [], [], (0.0, "")
    bounds = []
    for name in sorted(qs):
        p50 = _p50(qs[name].get("embedded"))
        if p50 is None:
            missing.append(f"`{name}` ({_why_missing(qs[name].get('embedded'), 'no figure')})")
            continue
        ratio = p50 / base
        worst = max(worst, (ratio, name))
        if ratio > QUERY_RATIO or p50 >= QUERY_MS:
            fails.append(f"`{name}` {_f(p50, 1)} ms = {ratio:.1f}×")
            raw = _p50(qs[name].get("raw_pyoxigraph"))
            if raw is not None:
                bounds.append(f"`{name}`: the same SPARQL on raw pyoxigraph {_f(raw, 1)} ms"
                              + (" (the engine's own time: the query's plan)"
                                 if raw >= 0.8 * p50 else " (the rest is dutygraph's)"))
    measured = (f"`{BASE_QUERY}` {_f(base, 2)} ms; worst `{worst[1]}` {worst[0]:.1f}× "
                f"({len(qs) - len(missing)} queries)")
    if fails:
        return Row(title, measured, not_met(f"{len(fails)} over: " + "; ".join(fails)),
                   "; ".join(bounds))
    if missing:
        return Row(title, measured, not_measured("no figure for " + "; ".join(missing)))
    return Row(title, measured, MET)


def store_row(results: dict[str, Any], key: str, label: str, stage: str) -> Row:
    """A store kind's p50 of each named query against the embedded store's, at the large
    size (the small size's worst ratio is given where the large was not measured)."""
    small, n = small_large(results)
    title = f"{label}: each named query within {STORE_RATIO:g}× its embedded p50, N = {n or '–'}"

    def ratios(size: str | None) -> tuple[list[tuple[float, str, float, float]], list[str]]:
        qs = _size(results, size).get("queries") or {}
        found, missing = [], []
        for name in sorted(qs):
            emb, other = _p50(qs[name].get("embedded")), _p50(qs[name].get(key))
            if emb is None:
                continue
            if other is None:
                missing.append(name)
            else:
                found.append((other / emb, name, other, emb))
        return found, missing

    found, missing = ratios(n)
    if not found:
        why = stage_error(results, n, stage, "build") or \
            _why_missing((_size(results, n).get("memory_store") if key == "memory" else None),
                         "no query timed on it")
        if key == "memory" and (_size(results, n).get("memory_store") or {}).get("error"):
            why = "rdflib's memory store: " + str(_size(results, n)["memory_store"]["error"])
        there, _ = ratios(small) if small != n else ([], [])
        if there:
            r, name, _o, _e = max(there)
            why += f" (at N = {small}: worst `{name}` {r:.2f}×)"
        return Row(title, "–", not_measured(why))
    over = [f"`{name}` {_f(o, 1)} vs {_f(e, 1)} ms = {r:.1f}×"
            for r, name, o, e in sorted(found, reverse=True) if r > STORE_RATIO]
    worst = max(found)
    measured = f"worst `{worst[1]}` {worst[0]:.2f}× ({len(found)} queries)"
    if over:
        qs = _size(results, n).get("queries") or {}
        raws = [f"`{name}` {_f(_p50(qs[name].get('raw_pyoxigraph')), 1)} ms"
                for r, name, _o, _e in sorted(found, reverse=True)
                if r > STORE_RATIO and _p50(qs[name].get("raw_pyoxigraph")) is not None]
        why = ("the embedded store answers from an in-memory copy of the question's graphs "
               "(and `search` from its text index)" if key == "memory" else
               "the server runs the SPARQL itself (`search` too: no text index there), each "
               "answer crosses HTTP and is parsed from JSON")
        if raws:
            why += "; the same SPARQL on raw pyoxigraph: " + ", ".join(raws)
        return Row(title, measured, not_met(f"{len(over)} over: " + "; ".join(over)), why)
    if missing:
        return Row(title, measured, not_measured(
            "no figure for " + ", ".join(f"`{m}`" for m in missing)))
    return Row(title, measured, MET)


# ---- HTTP -----------------------------------------------------------------------------------

def page_row(results: dict[str, Any], key: str, label: str) -> Row:
    n, _large = small_large(results)
    title = (f"computed answer page {label} (Cache-Control: no-cache) ≥ {PAGE_RPS:g} req/s at "
             f"one client and p99 < {PAGE_P99_MS:g} ms, N = {n or '–'}")
    page = (_size(results, n).get("answer_pages") or {}).get(key)
    if not page or page.get("rps") is None:
        why = (page or {}).get("error") or stage_error(results, n, "HTTP: answer", "build") \
            or "not run"
        return Row(title, "–", not_measured(str(why)))
    rps, p99 = float(page["rps"]), float(page["p99_ms"])
    errors = int(page.get("errors") or 0)
    measured = (f"{_f(rps)} req/s, p99 {_f(p99, 1)} ms, p50 {_f(page.get('p50_ms'), 2)} ms "
                f"({page.get('requests')} requests, {errors} errors; `{page.get('path', '')}`)")
    misses = []
    if rps < PAGE_RPS:
        misses.append(f"{_f(rps)} req/s is {rps / PAGE_RPS:.2f}× of {PAGE_RPS:g}")
    if p99 >= PAGE_P99_MS:
        misses.append(f"p99 {_f(p99, 1)} ms is {p99 / PAGE_P99_MS:.1f}× of {PAGE_P99_MS:g}")
    if errors:
        misses.append(f"{errors} requests failed")
    if not misses:
        return Row(title, measured, MET)
    why = ""
    if key == "api":
        lib = _p50(((_size(results, n).get("queries") or {}).get(BASE_QUERY) or {})
                   .get("embedded"))
        p50 = page.get("p50_ms")
        if lib is not None and p50:
            why = (f"`{BASE_QUERY}` alone takes {_f(lib, 2)} ms p50 in the library (at most "
                   f"{_f(1000 / lib)} req/s with no HTTP); the page's p50 is "
                   f"{_f(float(p50), 2)} ms")
    return Row(title, measured, not_met("; ".join(misses)), why)


# ---- build ----------------------------------------------------------------------------------

def build_row(results: dict[str, Any], n: str | None) -> Row:
    title = (f"`dutygraph build` (CLI, cold process) ≤ {BUILD_FACTOR:g}× raw pyoxigraph bulk "
             f"load + {BUILD_START_S:g} s, N = {n or '–'}")
    b = _size(results, n).get("build") or {}
    cli, raw = _median(b.get("dutygraph_build_cli")), _median(b.get("pyoxigraph_bulk_load"))
    if cli is None or raw is None:
        sample = b.get("dutygraph_build_cli") if raw is not None else b.get(
            "pyoxigraph_bulk_load")
        why = _why_missing(sample, "") or stage_error(results, n, "build") or "not run"
        return Row(title, "–", not_measured(why))
    limit = BUILD_FACTOR * raw + BUILD_START_S
    measured = (f"{_f(cli, 2)} s vs limit {_f(limit, 2)} s (raw {_f(raw, 2)} s; "
                f"{cli / raw:.2f}× raw)")
    summary = (b.get("dutygraph_build_cli") or {}).get("summary")
    why = f"the build's own line: {summary}" if summary else ""
    if cli <= limit:
        return Row(title, measured, MET, why)
    return Row(title, measured, not_met(f"{_f(cli - limit, 2)} s over ({cli / limit:.2f}× "
                                        "the limit)"), why)


# ---- validation -----------------------------------------------------------------------------

def _validation(results: dict[str, Any], n: str | None) -> dict[str, Any]:
    v: dict[str, Any] = _size(results, n).get("validation") or {}
    return v


def _all_time(results: dict[str, Any], n: str | None, key: str
              ) -> tuple[float | None, float | None, str]:
    """(seconds, lower bound if stopped at its budget, why there is neither)."""
    run = ((_validation(results, n).get(key) or {}).get("all")) or {}
    t = _median(run)
    if t is not None:
        return t, None, ""
    error = str(run.get("error") or "")
    budget = ((results.get("plans", {}).get(n) or {}).get("timeouts") or {}).get(f"{key}_all")
    if "stopped at" in error and budget:
        return None, float(budget), error
    return None, None, error or "not run"


def growth_row(results: dict[str, Any]) -> Row:
    small, large = small_large(results)
    if small is None or large is None or small == large:
        return Row("validate-all growth", "–", not_measured("one size only"))
    factor = int(large) / int(small)
    limit = GROWTH_PER_10X * factor / 10
    title = (f"validate-all at N = {large} ≤ {_f(limit, 1)}× its time at N = {small}")
    a, _lo_a, why_a = _all_time(results, small, "dutygraph")
    b, lo_b, why_b = _all_time(results, large, "dutygraph")
    if a is None:
        return Row(title, "–", not_measured(f"N = {small}: {why_a}"))
    if b is None:
        if lo_b is not None:
            return Row(title, f"> {lo_b / a:.1f}× (> {lo_b:.0f} s vs {_f(a, 2)} s)",
                       not_met(f"over {lo_b / a / limit:.1f}× the limit (stopped at its "
                               "budget)") if lo_b / a > limit else
                       not_measured(f"N = {large}: {why_b}"))
        return Row(title, "–", not_measured(f"N = {large}: {why_b}"))
    growth = b / a
    measured = f"{growth:.2f}× ({_f(b, 2)} s vs {_f(a, 2)} s)"
    if growth <= limit:
        return Row(title, measured, MET)
    return Row(title, measured, not_met(f"{growth / limit:.2f}× the limit"),
               "the stage's load average is under Machine; see Validation")


def fastest_row(results: dict[str, Any], n: str | None) -> Row:
    """dutygraph's validate-all against each other validator's, side by side at size n."""
    title = f"validate-all ≤ {FASTEST_FACTOR:g}× the fastest validator measured, N = {n or '–'}"
    dg, _dg_lo, why = _all_time(results, n, "dutygraph")
    if dg is None:
        return Row(title, "–", not_measured(f"dutygraph: {why}"))
    parts, finished, bounds = [f"dutygraph {_f(dg, 2)} s"], [], []
    for key in OTHER_VALIDATORS:
        t, lo, why_o = _all_time(results, n, key)
        if t is not None:
            finished.append((t, key))
            parts.append(f"{key} {_f(t, 2)} s ({dg / t:.2f}×)")
        elif lo is not None:
            bounds.append(lo)
            parts.append(f"{key} > {lo:.0f} s, stopped at its budget (< {dg / lo:.2f}×)")
        else:
            entry = _validation(results, n).get(key)
            if entry is None and key == "shacl_rust":
                continue  # optional, and not even reported as missing: nothing to say
            if isinstance(entry, dict) and entry.get("error") and not entry.get("all"):
                why_o = str(entry["error"])  # e.g. not installed
            elif not (entry or {}).get("all"):  # the stage ended before its run on all
                why_o = stage_error(results, n, "validation: pyshacl") or why_o
            parts.append(f"{key}: {why_o[:80]}")
    measured = "; ".join(parts)
    if finished:
        t, key = min(finished)
        ratio = dg / t if t < dg else 1.0
        if ratio <= FASTEST_FACTOR:
            return Row(title, measured, MET, f"fastest: {key if t < dg else 'dutygraph'}")
        return Row(title, measured, not_met(f"{ratio:.2f}× {key} ({ratio / FASTEST_FACTOR:.2f}× "
                                            "the limit)"))
    if bounds and dg <= FASTEST_FACTOR * min(bounds):
        return Row(title, measured, MET, "no other validator finished within its budget")
    return Row(title, measured, not_measured("no other validator finished"))


def findings_row(results: dict[str, Any]) -> Row:
    """dutygraph's findings against pyshacl's wherever pyshacl finished: one authority, a
    subset of authorities, all of them."""
    title = "findings identical to pyshacl's (where pyshacl finishes)"
    seen, differ = [], []
    for n in _sizes(results):
        agreement = (_validation(results, n).get("agreement") or {}).get("dutygraph") or {}
        for scope in ("one", "subset", "all"):
            a = agreement.get(scope)
            if not a:
                continue
            label = {"one": "one authority", "subset": "a subset of authorities",
                     "all": "all authorities"}[scope]
            text = (f"N = {n}, {label}: {a['same']} of {a['oracle']} same, {a['missing']} "
                    f"missing, {a['extra']} extra")
            seen.append(text)
            if not a["identical"]:
                differ.append(text)
    if not seen:
        why = next((stage_error(results, n, "validation: pyshacl", "validation: dutygraph")
                    for n in _sizes(results)
                    if stage_error(results, n, "validation: pyshacl", "validation: dutygraph")),
                   None) or "pyshacl finished no comparison"
        return Row(title, "–", not_measured(why))
    if differ:
        return Row(title, "; ".join(seen), not_met("; ".join(differ)),
                   "examples of each difference are in results.json (agreement)")
    return Row(title, "; ".join(seen), MET)


def revalidate_row(results: dict[str, Any]) -> Row:
    _small, n = small_large(results)
    title = f"re-validation of one authority < {REVALIDATE_MS:g} ms (warm process), N = {n}"
    r = ((_validation(results, n).get("dutygraph") or {}).get("revalidate_one")) or {}
    p50 = _p50(r.get("validate"))
    if p50 is None:
        why = r.get("error") or stage_error(results, n, "validation: dutygraph", "build") \
            or "not run"
        return Row(title, "–", not_measured(str(why)))
    write = _p50(r.get("replace_graph"))
    measured = (f"{_f(p50, 1)} ms p50 ({(r.get('validate') or {}).get('n')} runs); the store "
                f"write of the changed authority, apart: {_f(write, 1)} ms")
    if p50 < REVALIDATE_MS:
        return Row(title, measured, MET)
    return Row(title, measured, not_met(f"{p50 / REVALIDATE_MS:.2f}× the limit"))


# ---- server memory --------------------------------------------------------------------------

def memory_rows(results: dict[str, Any]) -> list[Row]:
    _small, n = small_large(results)
    minutes = results.get("load_minutes")
    run = _size(results, n).get("memory_run") or {}
    blocks = [b for b in run.get("blocks") or [] if b.get("pss_max_mb") is not None]
    title = f"server memory < {SERVER_PSS_MB:g} MB PSS, N = {n}"
    peak = run.get("peak_pss_mb")
    where = f"peak over the {_f(minutes, 0)}-minute load run"
    if peak is None:
        peak = (_size(results, n).get("server_memory") or {}).get("peak_pss_mb")
        where = "peak during the HTTP stage (no long load run)"
    rows = []
    if peak is None:
        why = stage_error(results, n, "HTTP") or "not run"
        rows.append(Row(title, "–", not_measured(why)))
    else:
        measured = f"{_f(peak)} MB ({where}; {run.get('processes', '–')} processes)"
        rows.append(Row(title, measured, MET if peak < SERVER_PSS_MB else
                        not_met(f"{_f(peak - SERVER_PSS_MB)} MB over "
                                f"({peak / SERVER_PSS_MB:.2f}×)")))
    flat = f"server memory flat over a {_f(minutes, 0)}-minute load run, N = {n}"
    if len(blocks) < 2:
        why = stage_error(results, n, "HTTP: ") if not blocks else "one block only"
        rows.append(Row(flat, "–", not_measured(why or "no long load run")))
        return rows
    first, last = blocks[0], blocks[-1]
    a, b = float(first["pss_max_mb"]), float(last["pss_max_mb"])
    growth = (b - a) / a if a else 0.0
    measured = (f"first minute {_f(a)} MB, last {_f(b)} MB ({growth:+.1%}); "
                f"{_f(first.get('rps'))} vs {_f(last.get('rps'))} req/s, "
                f"{sum(int(x.get('errors') or 0) for x in blocks)} errors in "
                f"{sum(int(x.get('requests') or 0) for x in blocks)} requests")
    if growth <= FLAT_GROWTH:
        return [*rows, Row(flat, measured, MET, f"flat: the last minute ≤ the first + "
                                                f"{FLAT_GROWTH:.0%}")]
    return [*rows, Row(flat, measured, not_met(f"grew {_f(b - a)} MB ({growth:.0%}; "
                                               f"allowed {FLAT_GROWTH:.0%})"))]


def rows(results: dict[str, Any]) -> list[Row]:
    """Every target of issue 21, in the issue's order."""
    small, large = small_large(results)
    out = [query_row(results),
           store_row(results, "memory", "rdflib memory store", "queries: rdflib memory"),
           store_row(results, "oxigraph_server", "remote Oxigraph server",
                     "queries: Oxigraph server"),
           page_row(results, "api", "`/api/queries/duties-of`"),
           page_row(results, "ask", "`/ask` (the question box's answer page)"),
           build_row(results, small)]
    if large != small:
        out.append(build_row(results, large))
    out.append(growth_row(results))
    out.append(fastest_row(results, large))
    if large != small:
        out.append(fastest_row(results, small))
    out += [findings_row(results), revalidate_row(results), *memory_rows(results)]
    return out
