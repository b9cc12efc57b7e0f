"""Every named query, through the library on each store kind, and on raw pyoxigraph.

Issue 21's targets read the library's p50 on the embedded store (each query within 3x
`duties-of` and under 20 ms at 1,530 authorities) and the memory store's and a remote Oxigraph
server's against it (within 3x). The same SPARQL text (after dutygraph has bound the
parameters) on raw pyoxigraph against the same on-disk store, reading every value of every row,
is what the engine alone takes: it says whether a slow query is the engine's plan or
dutygraph's work around it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from dutygraph.sparql import check_query

from .measure import Sample, percentile, result_size
from .procs import run_worker

# Authority slugs of the repository's own data, replaced in example parameters by a synthetic one.
REAL_SLUGS = ("bromley", "harrow")


@dataclass
class Case:
    """One named query with the parameters the benchmark runs it with."""

    name: str
    params: dict[str, str]
    single_authority: bool


def cases(authority_slug: str, as_of: str) -> list[Case]:
    """Every catalogue query with its example parameters; an authority parameter names a
    synthetic authority by IRI (no label look-up, so library and raw run the same SPARQL) and
    the date of a single-authority query is the day the synthetic data describe."""
    from dutygraph.namespaces import authority_iri
    from dutygraph.queries import catalogue

    out = []
    entries = catalogue()
    items = entries.values() if isinstance(entries, dict) else entries
    for nq in items:
        params: dict[str, str] = {}
        authority_params = [p for p in nq.params if _is_authority(p)]
        single = bool(authority_params)
        for p in nq.params:
            if p in authority_params:
                params[p.name] = str(authority_iri(authority_slug))
            elif single and p.type == "date":
                params[p.name] = as_of
            elif p.example not in (None, ""):
                params[p.name] = str(p.example)
        out.append(Case(str(nq.name), params, single))
    return sorted(out, key=lambda c: c.name)


def resolved(store: Any, qcases: list[Case]) -> list[Case]:
    """The cases with labels resolved to IRIs once, up front: the library then runs exactly
    the SPARQL the raw reference runs (a label costs one more look-up query per call)."""
    from dutygraph.queries import bound_text

    out = []
    for c in qcases:
        try:
            _text, shown = bound_text(store, c.name, c.params)
            params = {k: shown.get(k, v) for k, v in c.params.items()}
        except Exception:  # reported when the case runs
            params = c.params
        out.append(Case(c.name, params, c.single_authority))
    return out


def _is_authority(param: Any) -> bool:
    kinds = " ".join(getattr(param, "kinds", ()) or ())
    example = str(getattr(param, "example", "")).lower()
    return "LocalAuthority" in kinds or any(slug in example for slug in REAL_SLUGS)


# The least work a query's answer needs on Oxigraph, timed on raw pyoxigraph beside the query
# itself, so that the report can say with a measured figure what keeps a query over 100 ms.
# `search` must read every label and definition it searches and match the text in each
# (Oxigraph has no text index): its floor is that scan and match, and nothing else.
SEARCH_PROPERTIES = ("rdfs:label", "skos:prefLabel", "skos:altLabel", "dg:citationLabel",
                     "skos:definition", "dg:requirement")


@dataclass(frozen=True)
class Floor:
    """The least work a query's answer needs, why it cannot be less, and that work as SPARQL."""

    work: str
    why: str
    sparql: str


FLOORS: dict[str, Floor] = {
    "search": Floor(
        "reading every label and definition it searches and matching the text",
        "Oxigraph has no text index, so every one is read",
        "PREFIX dg: <https://w3id.org/dutygraph/def#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT (COUNT(*) AS ?matches) WHERE {\n"
        f"  VALUES ?property {{ {' '.join(SEARCH_PROPERTIES)} }}\n"
        "  ?found ?property ?value .\n"
        "  FILTER(CONTAINS(LCASE(STR(?value)), LCASE(STR(?text))))\n"
        "}\n"),
}


def floor_sparql(case: Case) -> str | None:
    """The floor query of a case with its parameters bound as the named query binds them."""
    from rdflib import Literal

    from dutygraph.queries.binding import bind

    if case.name not in FLOORS:
        return None
    text = FLOORS[case.name].sparql
    names = sorted(p for p in case.params if f"?{p}" in text)
    return str(bind(text, names, {p: Literal(case.params[p]) for p in names}))


def rendered_sparql(store: Any, name: str, params: dict[str, str]) -> str:
    """The SPARQL text dutygraph runs for a named query with these parameters."""
    from dutygraph.queries import bound_text

    text, _shown = bound_text(store, name, params)
    return str(text)


MIN_WARM_RUNS = 3


def time_calls(fn: Any, reps: int, budget_s: float) -> Sample:
    """Time fn() up to reps times, for budget_s after a first, untimed call that warms the
    caches: the targets read a warm p50. The first call in a new process also loads what every
    query needs (the catalogue, the SPARQL grammar, the store's in-memory copy of the graphs),
    which under load took over two seconds and, when it was counted, was the only figure of
    most queries. At least MIN_WARM_RUNS warm calls are timed, unless a warm call alone takes
    longer than the budget (such a query misses the targets by far: one warm figure says so)."""
    sample = Sample()

    def one() -> float:
        t = time.perf_counter()
        value = fn()
        elapsed = time.perf_counter() - t
        if "rows" not in sample.extra:
            count = result_size(value)
            if count is not None:
                sample.extra["rows"] = count
        return elapsed

    def more() -> bool:
        if len(sample.runs) >= reps:
            return False
        if time.perf_counter() - started <= budget_s:
            return True
        return len(sample.runs) < MIN_WARM_RUNS and max(sample.runs) <= budget_s

    try:
        one()  # warm-up, not counted
        started = time.perf_counter()
        sample.runs.append(one())
        while more():
            sample.runs.append(one())
    except Exception as exc:  # one failing query is reported, not fatal
        sample.error = f"{type(exc).__name__}: {str(exc)[:300]}"
    if sample.runs and len(sample.runs) < reps and not sample.error:
        sample.note = f"{len(sample.runs)} of {reps} repetitions within the {budget_s} s budget"
    return sample


def raw_pyoxigraph(store: ox.Store, sparql: str) -> int:
    """Run SPARQL on pyoxigraph and touch every value, as any client must.

    The default graph is the union unless the query names its own graphs (FROM): pyoxigraph's
    union flag would otherwise override the FROM clauses, and answer another question (as the
    embedded store does, dutygraph.store.embedded)."""
    names_dataset = check_query(sparql).names_dataset
    result = store.query(sparql, use_default_graph_as_union=not names_dataset)
    if isinstance(result, ox.QueryBoolean):
        return int(bool(result))
    if isinstance(result, ox.QuerySolutions):
        variables = result.variables
        n = 0
        for solution in result:
            for v in variables:
                solution[v]
            n += 1
        return n
    return sum(1 for _ in result)


def library(store_obj: Any, case: Case, reps: int, budget_s: float) -> Sample:
    from dutygraph.queries import run_query

    return time_calls(lambda: run_query(store_obj, case.name, case.params), reps, budget_s)


def raw(store_obj: Any, case: Case, reps: int, budget_s: float) -> Sample:
    ox_store: ox.Store = store_obj.oxigraph
    try:
        sparql = rendered_sparql(store_obj, case.name, case.params)
    except Exception as exc:
        return Sample(error=f"{type(exc).__name__}: {str(exc)[:300]}")
    sample = time_calls(lambda: raw_pyoxigraph(ox_store, sparql), reps, budget_s)
    return sample


def floor(store_obj: Any, case: Case, reps: int, budget_s: float) -> Sample | None:
    """The case's floor query (FLOORS) on raw pyoxigraph, or None if it has none."""
    sparql = floor_sparql(case)
    if sparql is None:
        return None
    ox_store: ox.Store = store_obj.oxigraph
    return time_calls(lambda: raw_pyoxigraph(ox_store, sparql), reps, budget_s)


def http(session: Any, base_url: str, case: Case, reps: int, budget_s: float, *,
         cached: bool = False) -> Sample:
    """Through `dutygraph serve`; unless cached, with Cache-Control: no-cache, so each answer
    is computed (the figure compares with the library's)."""
    url = f"{base_url}/api/queries/{case.name}"
    if case.params:
        url += "?" + urlencode(case.params)
    headers = {} if cached else {"Cache-Control": "no-cache"}

    def call() -> int:
        resp = session.get(url, timeout=60, headers=headers)
        if resp.status_code != 200:
            raise RuntimeError(f"HTTP {resp.status_code} for {url}: {resp.text[:200]}")
        return len(resp.content)

    return time_calls(call, reps, budget_s)


def embedded_and_raw(store_dir: Path, case: Case, reps: int, budget_s: float,
                     timeout_s: float) -> dict[str, dict[str, Any]]:
    """Library on the embedded store and raw pyoxigraph, in a worker stopped at 3 × timeout_s
    (room for a warm-up and one timed call of each, for a query of timeout_s)."""
    records, error = run_worker("embedded_query", {
        "store": str(store_dir), "name": case.name, "params": case.params, "reps": reps,
        "budget_s": budget_s}, timeout=3 * timeout_s)
    out = {r["kind"]: r["sample"] for r in records if "kind" in r}
    for kind in ("embedded", "raw_pyoxigraph"):
        if kind not in out:
            out[kind] = {"n": 0, "error": error or "not run",
                         "timed_out": bool(error and "stopped at the" in error)}
    return out


def memory_store(extra: list[Path], qcases: list[Case], reps: int, per_query_budget_s: float,
                 timeout_s: float) -> tuple[dict[str, Any], float | None, str | None]:
    """rdflib's memory store in a worker process (it may be slow: bounded by timeout_s)."""
    records, error = run_worker("memory_queries", {
        "extra": [str(p) for p in extra], "reps": reps,
        "per_query_budget_s": per_query_budget_s,
        "queries": [{"name": c.name, "params": c.params} for c in qcases]}, timeout=timeout_s)
    load = next((r["load_s"] for r in records if "load_s" in r), None)
    out: dict[str, Any] = {}
    for r in records:
        if "query" in r:
            s = Sample(runs=r["runs"])
            if r.get("error"):
                s.error = r["error"]
            if r.get("rows") is not None:
                s.extra["rows"] = r["rows"]
            if len(s.runs) < reps and not s.error:
                s.note = f"{len(s.runs)} of {reps} repetitions within the query budget"
            out[r["query"]] = s.to_json("ms")
    for c in qcases:
        if c.name not in out:
            out[c.name] = {"n": 0, "error": error or "not reached"}
    return out, load, error


def summarise(samples: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Worst p50 and p95 across queries, for the report's headline."""
    p50 = [s["p50_ms"] for s in samples.values() if "p50_ms" in s]
    p95 = [s["p95_ms"] for s in samples.values() if "p95_ms" in s]
    return {"max_p50_ms": max(p50) if p50 else None, "max_p95_ms": max(p95) if p95 else None,
            "median_p50_ms": percentile(p50, 50) if p50 else None}
