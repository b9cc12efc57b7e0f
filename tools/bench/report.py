"""bench/report.md and its plots, written from results.json alone (so it can be re-rendered).

Every figure is shown with the ratio to its reference measured in the same run; the Targets
section reads the issue's targets against the largest size measured and says what bounds any
that is not met, from the figures themselves.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

TARGET_N = "1530"


def _f(value: Any, digits: int = 1, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}" + unit
    if isinstance(value, float):
        if abs(value) >= 100:
            text = f"{value:,.0f}"
        elif abs(value) >= 10:
            text = f"{value:.1f}"
        else:
            text = f"{value:.{digits}f}" if digits else f"{value:.0f}"
            if float(text) == 0 and value:
                text = f"{value:.3g}"
        return text + unit
    return str(value)


def _ratio(a: Any, b: Any) -> float | None:
    if a is None or b is None or not b:
        return None
    return float(round(a / b, 2))


def _rx(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _sizes(results: dict[str, Any]) -> list[str]:
    return sorted(results.get("sizes", {}), key=int)


def _median(sample: dict[str, Any] | None, unit: str = "s") -> float | None:
    if not sample:
        return None
    return sample.get(f"median_{unit}") or sample.get(f"p50_{unit}")


def _cell(sample: dict[str, Any] | None, unit: str = "ms", p: str = "p95") -> str:
    if not sample:
        return "–"
    if "p50_" + unit not in sample:
        err = sample.get("error") or sample.get("note") or "not measured"
        return f"n/a ({err[:60]})"
    text = f"{_f(sample['p50_' + unit], 2)} / {_f(sample.get(p + '_' + unit), 2)}"
    if sample.get("note"):
        text += "*"
    return text


# ---- sections -------------------------------------------------------------------------------

def machine_section(results: dict[str, Any]) -> list[str]:
    m = results.get("machine", {})
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items() if v)
    return [
        "## Machine", "",
        f"- {m.get('nproc')} cores ({m.get('cpu')}), {m.get('memory')} memory; {m.get('platform')}",
        f"- Python {m.get('python')}; {versions}",
        f"- Load average (1 min) after each stage: "
        f"{', '.join(str(x) for x in results.get('load_average', [])) or '–'} "
        f"(above {m.get('nproc')} means other work shared the cores and inflated the times).",
        f"- Run on {results.get('generated')}, took {_f(results.get('duration_s'), 0)} s "
        "in all (stages: " + ", ".join(f"{stage} {seconds} s" for stage, seconds in
                                       results.get("stage_seconds", [])) + ").",
        "",
    ]


def data_section(results: dict[str, Any]) -> list[str]:
    lines = ["## Data", "",
             "`tools.synth` arrangements (seed 2013, defect rate 0.05 per kind) on top of the "
             "repository's ontology, framework and local data.", "",
             "| N authorities | synthetic triples | total triples | authorities with defects | "
             "synth time |", "|---|---|---|---|---|"]
    for n in _sizes(results):
        d = results["sizes"][n].get("data", {})
        lines.append(f"| {n} | {_f(d.get('synth_triples'))} | {_f(d.get('total_triples'))} | "
                     f"{_f(d.get('authorities_with_defects'))} | {_f(d.get('synth_s'), 2, ' s')} |")
    by_kind = {n: results["sizes"][n].get("data", {}).get("defects_by_kind", {})
               for n in _sizes(results)}
    kinds = sorted({k for counts in by_kind.values() for k in counts})
    if kinds:
        lines += ["", "Defects injected per kind (N = " + ", ".join(_sizes(results)) + "): " +
                  "; ".join(f"{k} " + "/".join(str(by_kind[n].get(k, "–")) for n in by_kind)
                            for k in kinds) + "."]
    return [*lines, ""]


def build_section(results: dict[str, Any]) -> list[str]:
    sizes = _sizes(results)
    lines = ["## Build", "",
             "Median seconds (repetitions in brackets); ratio to pyoxigraph's own bulk load of "
             "the same files into a fresh on-disk store, measured in the same run.", "",
             "| way in | " + " | ".join(f"N = {n}" for n in sizes) + " |",
             "|---|" + "---|" * len(sizes)]
    rows = [("pyoxigraph bulk_load (reference)", "pyoxigraph_bulk_load"),
            ("`dutygraph build` (in-process)", "dutygraph_build"),
            ("`dutygraph build` (CLI, with interpreter start)", "dutygraph_build_cli"),
            ("rdflib Dataset.parse", "rdflib_parse")]
    for label, key in rows:
        cells = []
        for n in sizes:
            b = results["sizes"][n].get("build", {})
            s = b.get(key)
            ref = _median(b.get("pyoxigraph_bulk_load"))
            med = _median(s)
            if med is None:
                cells.append("n/a" + (f" ({(s or {}).get('error', '')[:60]})" if s else ""))
            else:
                cells.append(f"{_f(med, 2)} s ({s.get('n')}) · {_rx(_ratio(med, ref))}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return [*lines, ""]


STORES = [("raw_pyoxigraph", "raw pyoxigraph (ref)"), ("embedded", "library, embedded"),
          ("embedded_disk", "library, embedded, copy off"),
          ("embedded_first", "library, embedded, first question"),
          ("memory", "library, rdflib memory"), ("oxigraph_server", "library, Oxigraph server"),
          ("http", "HTTP /api/queries"), ("http_cached", "HTTP, answer cached")]


def _floor_lines(qs: dict[str, Any]) -> list[str]:
    """The floor of each query that has one (bench.queries.FLOORS), beside its own time."""
    from .queries import FLOORS

    out = []
    for name in sorted(qs):
        least = qs[name].get("floor")
        if not least or name not in FLOORS:
            continue
        ref = (qs[name].get("raw_pyoxigraph") or {}).get("p50_ms")
        out.append(f"- `{name}`: {FLOORS[name].work}, and nothing else, takes {_cell(least)} "
                   f"ms p50 / p95 on raw pyoxigraph ({_rx(_ratio(least.get('p50_ms'), ref))} "
                   f"of the whole query there): the least work its answer needs on this "
                   f"engine ({FLOORS[name].why}).")
    return ["", "Floors (`tools.bench.queries.FLOORS`):", "", *out] if out else []


def query_section(results: dict[str, Any]) -> list[str]:
    lines = ["## Named queries", "",
             "p50 / p95 in milliseconds; the ratio is the p50 over raw pyoxigraph's p50 on the "
             "same SPARQL text (parameters bound by dutygraph) against the same store. Library "
             "figures go through `dutygraph.queries.run_query`. *library, embedded* is the "
             "default: a question that names its graphs runs on the store's in-memory copy of "
             "them (`dutygraph.store.hot`); *copy off* runs every lookup on disk, as raw "
             "pyoxigraph does; *first question* starts each call with an empty copy, so it pays "
             "for copying the graphs from disk. The Oxigraph server is reached "
             "with SPARQLWrapper (dutygraph's remote store); HTTP is `dutygraph serve` (gunicorn), "
             "each answer computed (the request says `Cache-Control: no-cache`) and, in the last "
             "column, served from the answer cache to a repeated question "
             "(`dutygraph.web.cache`). `*` marks fewer repetitions than planned (time budget).",
             ""]
    for n in _sizes(results):
        qs = results["sizes"][n].get("queries", {})
        if not qs:
            continue
        lines += [f"### N = {n}", "",
                  "| query | rows | " + " | ".join(label for _k, label in STORES) + " |",
                  "|---|---|" + "---|" * len(STORES)]
        for name in sorted(qs):
            q = qs[name]
            ref = (q.get("raw_pyoxigraph") or {}).get("p50_ms")
            rows = next((q[k].get("rows") for k, _l in STORES if q.get(k) and
                         q[k].get("rows") is not None and not k.startswith("http")), None)
            cells = []
            for key, _label in STORES:
                s = q.get(key)
                cell = _cell(s)
                if key != "raw_pyoxigraph" and s and s.get("p50_ms") is not None and ref:
                    cell += f" · {_rx(_ratio(s['p50_ms'], ref))}"
                cells.append(cell)
            lines.append(f"| `{name}` | {_f(rows)} | " + " | ".join(cells) + " |")
        lines += _floor_lines(qs)
        explicit = results["sizes"][n].get("oxigraph_server_explicit")
        if explicit:
            lines += ["", f"The remote store's default dataset mode (`explicit`, which names "
                          f"every graph in each request, for servers whose default graph is "
                          f"not the union) took {_cell(explicit)} ms p50 / p95 on "
                          f"`{explicit['query']}` against the same Oxigraph server; the table "
                          f"uses `DUTYGRAPH_STORE_DATASET=server` with `--union-default-graph`."]
        stuck = results["sizes"][n].get("queries_over_time_limit") or []
        if stuck:
            limit = (results.get("plans", {}).get(n) or {}).get("query_timeout_s")
            lines += ["", "Did not finish on the embedded store within the "
                          f"{limit} s limit (so not sent to the other engines): "
                      + ", ".join(f"`{q}`" for q in stuck) + "."]
        mem = results["sizes"][n].get("memory_store", {})
        if mem:
            lines += ["", f"rdflib memory store: loading took {_f(mem.get('load_s'), 1, ' s')}"
                      + (f"; stopped early: {mem['error']}" if mem.get("error") else "") + "."]
        lines.append("")
    return lines


def http_section(results: dict[str, Any]) -> list[str]:
    lines = ["## HTTP load", "",
             "Single-authority named queries through `dutygraph serve`, cycling over 50 "
             "synthetic authorities; each client one request at a time (keep-alive where the "
             "server allows), bounded in seconds and requests. Clients and server share the "
             "machine's cores. *computed*: every request says `Cache-Control: no-cache`, so "
             "every answer is a query; *cached*: the same requests without it, so after the "
             "first round the answers come from the answer cache.", "",
             "| N | clients | answers | requests | errors | req/s | p50 ms | p99 ms | max ms |",
             "|---|---|---|---|---|---|---|---|---|"]
    for n in _sizes(results):
        load = results["sizes"][n].get("http_load", {})
        for c in ("1", "1-cached", "8", "8-cached"):
            r = load.get(c)
            if r:
                clients, _, mode = c.partition("-")
                lines.append(f"| {n} | {clients} | {mode or 'computed'} | {r['requests']} | "
                             f"{r['errors']} | {_f(r['rps'])} | {_f(r['p50_ms'], 2)} | "
                             f"{_f(r['p99_ms'], 2)} | {_f(r['max_ms'], 1)} |")
        if load.get("queries"):
            lines.append(f"| {n} | queries: " + ", ".join(f"`{q}`" for q in load["queries"])
                         + " | | | | | | | |")
    lines += ["", "Server memory (gunicorn master, workers and their query processes "
              "together): RSS sums each process's resident pages, so pages the processes "
              "share (Python, the libraries, the store's files) count once per process; PSS "
              "counts each shared page once across them, the memory the server really holds.",
              "", "| N | idle RSS MB | peak RSS MB | idle PSS MB | peak PSS MB | processes |",
              "|---|---|---|---|---|---|"]
    off_rps = []
    for n in _sizes(results):
        for key, label in (("server_memory", str(n)),
                           ("server_memory_copy_off", f"{n}, in-memory copy off")):
            m = results["sizes"][n].get(key)
            if m:
                lines.append(f"| {label} | {_f(m['idle_rss_mb'])} | {_f(m['peak_rss_mb'])} | "
                             f"{_f(m.get('idle_pss_mb'))} | {_f(m.get('peak_pss_mb'))} | "
                             f"{m['processes']} |")
        off = results["sizes"][n].get("server_memory_copy_off") or {}
        if off.get("rps_1") is not None:
            off_rps.append(f"N = {n}: {_f(off['rps_1'])} req/s at one client and "
                           f"{_f(off.get('rps_8'))} at 8")
    if off_rps:
        lines += ["", "*In-memory copy off* is a second server with `DUTYGRAPH_HOT_TRIPLES=0` "
                  "(every query on disk), given the same computed questions: what the copy of "
                  "the graphs (`dutygraph.store.hot`) costs in memory. Its computed load: "
                  + "; ".join(off_rps) + " (with the copy: under HTTP load above)."]
    return [*lines, ""]


VALIDATORS = [("dutygraph", "dutygraph validate_store"), ("pyshacl", "pyshacl"),
              ("jena", "Apache Jena SHACL (Java; a JVM per run, its start and parse included)"),
              ("pyrudof", "pyrudof (Rust), rewritten shapes"),
              ("shacl_rust", "shacl-rust (Rust), rewritten shapes")]


def _support(v: dict[str, Any], key: str) -> str:
    """What a Rust validator makes of the shapes as they are (one authority's data)."""
    s = (v.get(key + "_as_is") or {}).get("one") or {}
    oracle = ((v.get("pyshacl") or {}).get("one") or {}).get("findings")
    if s.get("error"):
        return "fails: " + str(s["error"]).strip().splitlines()[-1][:200]
    if s.get("findings") == 0 and oracle:
        return (f"runs, but reports none of pyshacl's {oracle} findings: it does not run "
                "sh:SPARQLTarget (SHACL-AF), so no shape has a focus node")
    if "findings" in s:
        return f"{s['findings']} findings (pyshacl: {oracle})"
    return "not run"


def validation_section(results: dict[str, Any]) -> list[str]:
    sizes = _sizes(results)
    lines = ["## Validation", "",
             "Median seconds (repetitions, findings); ratio to plain pyshacl on the same data "
             "(inference none, SHACL-AF on for the SPARQL targets). dutygraph's path is "
             "`dutygraph.validation.validate_store` (its compiled-SPARQL engine) on the embedded "
             "store. The plain validators read one N-Triples file of the data plus the as-of "
             "context node, in a process of their own with a time budget; a stopped run is "
             "shown as more than its budget.", "",
             "dutygraph's engine compiles each shape into SPARQL and runs it on batches of "
             "authorities (`dutygraph.validation.engine.BATCH_AUTHORITIES`), each batch in a "
             "small in-memory store with the shared graphs: a query on the union of all "
             "authorities read every one of them (its sub-SELECTs grouped over all, its hash "
             "joins and indexes past the caches) and grew 16-20× for 10× the authorities, while "
             "a batch costs the same at any national size. Before the shapes run, "
             "`validation.records` copies the view without the records a document had not made "
             "by the day (every synthetic authority has some: its 2019 successor arrangements); "
             "that copy is linear in the data and is part of the figures.", "",
             "| validator | scope | " + " | ".join(f"N = {n}" for n in sizes) + " |",
             "|---|---|" + "---|" * len(sizes)]
    for vname, label in VALIDATORS:
        for scope in ("one", "all"):
            cells = []
            for n in sizes:
                v = results["sizes"][n].get("validation", {})
                s: dict[str, Any] = ((v.get(vname) or {}).get(scope) or {}) \
                    if isinstance(v.get(vname), dict) else {}
                ref = _median((v.get("pyshacl") or {}).get(scope))
                med = _median(s)
                if med is None:
                    err = (s or {}).get("error") or (v.get(vname) or {}).get("error") or "–"
                    budget = results.get("plans", {}).get(n, {}).get("timeouts", {}).get(
                        f"{vname}_{scope}")
                    if (s or {}).get("skipped"):
                        cells.append(str(err))
                    elif "stopped at the" in str(err) and budget:
                        cells.append(f"> {budget} s (stopped at its budget)")
                    else:
                        cells.append(f"n/a ({str(err).strip().splitlines()[-1][:70]})")
                else:
                    extra = f", {s['findings']} findings" if "findings" in s else ""
                    cells.append(f"{_f(med, 3)} s ({s.get('n')}{extra}) · "
                                 f"{_rx(_ratio(med, ref))}")
            lines.append(f"| {label} | {scope} | " + " | ".join(cells) + " |")
    last = results["sizes"][sizes[-1]].get("validation", {}) if sizes else {}
    lines += ["", "The Rust validators and dutygraph's shapes, as they are:", ""]
    for key, label in (("pyrudof", "pyrudof"), ("shacl_rust", "shacl-rust")):
        lines.append(f"- {label}: {_support(last, key)}.")
    if last.get("rewrite"):
        lines += ["", "So for the Rust figures each shape is rewritten into SHACL-SPARQL core "
                      "(`tools.bench.rustshapes`): its SPARQL target becomes a "
                      "`sh:targetClass` that covers the target's focus nodes in this data, and "
                      "the target pattern moves into each constraint as `FILTER EXISTS` on "
                      "`$this`; shapes whose target is empty on the as-of date are deactivated. "
                      "The focus nodes are the same; the agreement table below checks the "
                      "findings. What was done to each shape:", ""]
        lines += [f"  - `{k}`: {v}" for k, v in sorted(last["rewrite"].items())]
    for n in sizes:
        shape_s = ((results["sizes"][n].get("validation") or {}).get("dutygraph") or {}).get(
            "shape_seconds")
        if shape_s:
            top = sorted(shape_s.items(), key=lambda kv: -kv[1])[:5]
            lines += ["", f"Where dutygraph's validation of all authorities spends its time at "
                          f"N = {n} (seconds per shape, the five slowest of {len(shape_s)}, "
                          f"{_f(sum(shape_s.values()), 1)} s in all): "
                      + "; ".join(f"`{k}` {v:.2f}" for k, v in top) + "."]
    lines += ["", "Re-validating one changed authority (replace its graph, then validate it), "
                  "milliseconds p50 / p95:", "",
              "| N | replace graph | validate | total |", "|---|---|---|---|"]
    for n in sizes:
        r = ((results["sizes"][n].get("validation") or {}).get("dutygraph") or {}).get(
            "revalidate_one")
        if r:
            lines.append(f"| {n} | {_cell(r.get('replace_graph'))} | {_cell(r.get('validate'))} | "
                         f"{_cell(r.get('total'))} |")
    lines += ["", "Agreement with pyshacl (findings compared by focus node, severity, "
                  "constraint component, path and shape IRI; `_as_is` is the shapes as they "
                  "are, the others the rewritten shapes):", "",
              "| N | validator | scope | pyshacl findings | same | missing | extra |",
              "|---|---|---|---|---|---|---|"]
    for n in sizes:
        agreement = (results["sizes"][n].get("validation") or {}).get("agreement", {})
        for vname, scopes in sorted(agreement.items()):
            for scope, a in sorted(scopes.items()):
                lines.append(f"| {n} | {vname} | {scope} | {a['oracle']} | {a['same']} | "
                             f"{a['missing']} | {a['extra']} |")
    checks = [f"N = {n}, against {name}: {_agree(a)}" for n in sizes
              for name, a in sorted(((results["sizes"][n].get("validation") or {})
                                     .get("cross_check") or {}).items())]
    if checks:
        lines += ["", "Where pyshacl did not finish on all authorities, dutygraph's findings on "
                  "all of them compared with Jena's (the shapes as they are) or a Rust "
                  "validator's (the rewritten shapes) where one finished (its findings are the "
                  "reference): " + "; ".join(checks) + "."]
    return [*lines, ""]


def ask_section(results: dict[str, Any]) -> list[str]:
    """Issue 20's row: the answer page reached from the question box, p50 and p99."""
    sizes = [n for n in _sizes(results) if results["sizes"][n].get("ask")]
    if not sizes:
        return []
    lines = ["## The question box (/ask)", "",
             "`GET /ask?q=...` with its redirect to the answer page followed, on `dutygraph "
             "serve`, one question of each kind the box answers (`tools.bench.ask.QUESTIONS`), "
             "asked in turn. Computed: every request says `Cache-Control: no-cache` (the "
             "question is read, the box's vocabulary rebuilt and the answer's query run each "
             "time); cached: after one pass that fills the answer cache; new question: the "
             "kind asked about another day at each repetition (`tools.bench.ask.DATED`: the "
             "answer computed, the vocabulary kept, as for a question nobody asked before). "
             "Milliseconds, p50 / p99 (requests).", "",
             "| kind | question | " + " | ".join(
                 f"N = {n} computed | N = {n} cached | N = {n} new question" for n in sizes)
             + " |", "|---|---|" + "---|---|---|" * len(sizes)]

    def cell(s: dict[str, Any] | None) -> str:
        if not s or s.get("p50_ms") is None:
            return "n/a" + (f" ({str(s.get('error'))[:60]})" if s and s.get("error") else "")
        return f"{_f(s['p50_ms'], 1)} / {_f(s.get('p99_ms'), 1)} ({s.get('n')})"

    first = results["sizes"][sizes[0]]["ask"]["computed"]
    for kind, question in (first.get("questions") or {}).items():
        row = [f"`{kind}`", question.replace("|", "/")]
        for n in sizes:
            a = results["sizes"][n]["ask"]
            fresh = (a.get("new_question") or {}).get("kinds", {}).get(kind)
            row += [cell((a.get("computed") or {}).get("kinds", {}).get(kind)),
                    cell((a.get("cached") or {}).get("kinds", {}).get(kind)),
                    cell(fresh) if fresh else "–"]
        lines.append("| " + " | ".join(row) + " |")
    row = ["**all**", "every request above"]
    for n in sizes:
        a = results["sizes"][n]["ask"]
        row += [cell((a.get("computed") or {}).get("all")),
                cell((a.get("cached") or {}).get("all")),
                cell((a.get("new_question") or {}).get("all"))]
    lines.append("| " + " | ".join(row) + " |")
    return [*lines, ""]


def search_section(results: dict[str, Any]) -> list[str]:
    """The text index (SQLite FTS5) against search.rq, on the same store and words."""
    sizes = [n for n in _sizes(results) if results["sizes"][n].get("search")]
    if not sizes:
        return []
    lines = ["## Search: the text index against search.rq", "",
             "In one process on the embedded store: the index's `search` (the rows search.rq "
             "gives, from the FTS5 trigram table), its `ranked` search (porter-stemmed words, "
             "prefix, fuzzy when nothing matches; bm25), and search.rq itself on raw pyoxigraph "
             "(it scans and lower-cases every label and definition). Milliseconds p50; the "
             "ratio is search.rq's time over the index's; 'same rows' compares their row "
             "counts.", ""]
    for n in sizes:
        s = results["sizes"][n]["search"]
        lines += [f"N = {n}: the index holds {s.get('records')} labels and definitions and "
                  f"took {_f(s.get('build_s'), 2)} s to build (once per store version).", "",
                  "| text | index search | ranked | search.rq | search.rq / index | same rows |",
                  "|---|---|---|---|---|---|"]
        for text, e in (s.get("texts") or {}).items():
            idx = (e.get("index") or {}).get("p50_ms")
            rq = (e.get("search_rq") or {}).get("p50_ms")
            lines.append(f"| {text} | {_f(idx, 2)} | {_f((e.get('ranked') or {}).get('p50_ms'), 2)}"
                         f" | {_f(rq, 1)} | {_rx(_ratio(rq, idx))} | "
                         f"{'yes' if e.get('same_row_count') else 'no'} |")
        lines.append("")
    return lines


# ---- targets ----------------------------------------------------------------------------------

def _issue21_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """The validation and answer-page targets of issues 20 and 21."""
    sizes = results.get("sizes", {})
    rows: list[tuple[str, str, str, str]] = []

    def dg_all(n: str) -> float | None:
        return _median((((sizes.get(n) or {}).get("validation") or {}).get("dutygraph")
                        or {}).get("all"))

    small, large = dg_all("153"), dg_all(TARGET_N)
    growth = _ratio(large, small)
    rows.append(("validate all at N = 1,530 ≤ 10.5× its time at N = 153",
                 f"{_rx(growth)} ({_f(large, 2)} s vs {_f(small, 2)} s)",
                 _met(growth is not None and growth <= 10.5, growth),
                 "" if growth is None or growth <= 10.5 else
                 "see Validation: the records left out for the day are copied first "
                 "(validation/records.py, linear) and the batches of authorities are copied "
                 "from that copy; the load average during the stage is under Machine"))
    v = (sizes.get(TARGET_N) or {}).get("validation") or {}
    measured = []
    for key in ("pyshacl", "jena", "pyrudof", "shacl_rust"):
        t = _median((v.get(key) or {}).get("all"))
        if t is not None:
            measured.append((t, key))
    if measured and large is not None:
        t, key = min(measured)
        ratio = large / t
        rows.append(("validate all ≤ 2× the fastest validator measured",
                     f"{ratio:.2f}× of {key} ({_f(t, 2)} s)", _met(ratio <= 2, ratio),
                     "validators stopped at their budget are not candidates"))
    else:
        stopped = [key for key in ("pyshacl", "jena", "pyrudof", "shacl_rust")
                   if "budget" in str(((v.get(key) or {}).get("all") or {}).get("error", ""))
                   or ((v.get(key) or {}).get("all") or {}).get("skipped")]
        budgets = (results.get("plans", {}).get(TARGET_N) or {}).get("timeouts", {})
        least = min((float(budgets.get(f"{k}_all", 0)) for k in stopped), default=0.0)
        ok = large is not None and bool(stopped) and large <= least
        rows.append(("validate all ≤ 2× the fastest validator measured",
                     f"dutygraph {_f(large, 2)} s; no other validator finished"
                     + (f" ({', '.join(stopped)}: stopped at a budget of ≥ {least:.0f} s, "
                        "or not run after being stopped at N = 153)" if stopped else ""),
                     "met (every other validator is slower)" if ok else "not measured",
                     "see Validation"))
    a = ((sizes.get(TARGET_N) or {}).get("ask") or {})
    comp = (a.get("computed") or {}).get("all") or {}
    cach = (a.get("cached") or {}).get("all") or {}
    failed = sorted(k for k, s in ((a.get("computed") or {}).get("kinds") or {}).items()
                    if s.get("error"))
    new = (a.get("new_question") or {}).get("all") or {}
    rows.append(("answer page (/ask) at N = 1,530: p50 and p99 (issue 20)",
                 f"computed {_f(comp.get('p50_ms'), 1)} / {_f(comp.get('p99_ms'), 1)} ms; "
                 f"cached {_f(cach.get('p50_ms'), 1)} / {_f(cach.get('p99_ms'), 1)} ms; "
                 f"new question {_f(new.get('p50_ms'), 1)} / {_f(new.get('p99_ms'), 1)} ms",
                 "measured" if comp.get("p50_ms") is not None else "not measured",
                 ("kinds not answered: " + ", ".join(failed)) if failed else
                 "per kind under The question box"))
    return rows



def _target_rows(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    n = TARGET_N if TARGET_N in results.get("sizes", {}) else (_sizes(results) or [""])[-1]
    r = results.get("sizes", {}).get(n, {})
    rows: list[tuple[str, str, str, str]] = []

    b = r.get("build", {})
    ratio = b.get("ratio_build_to_pyoxigraph")
    rows.append(("build within 1.5× of pyoxigraph bulk load",
                 f"{_rx(ratio)} ({_f(_median(b.get('dutygraph_build')), 2)} s vs "
                 f"{_f(_median(b.get('pyoxigraph_bulk_load')), 2)} s)",
                 _met(ratio is not None and ratio <= 1.5, ratio),
                 "" if ratio is not None and ratio <= 1.5 else
                 "see Build: the time goes where the profile below says"))

    qs = r.get("queries", {})
    worst_ratio, worst_name, worst_p50, slow = None, "", None, []
    worst_detail = ""
    for name, q in qs.items():
        lib = (q.get("embedded") or {}).get("p50_ms")
        ref = (q.get("raw_pyoxigraph") or {}).get("p50_ms")
        ratio_q = _ratio(lib, ref)
        if ratio_q is not None and (worst_ratio is None or ratio_q > worst_ratio):
            worst_ratio, worst_name = ratio_q, name
            worst_detail = (f"`{name}`: {_f(lib, 2)} ms through the library against "
                            f"{_f(ref, 2)} ms raw (p50 of {q['embedded'].get('n')} and "
                            f"{q['raw_pyoxigraph'].get('n')} runs)")
        if lib is not None:
            worst_p50 = lib if worst_p50 is None else max(worst_p50, lib)
            if lib > 100:
                slow.append(name)
    stuck = r.get("queries_over_time_limit") or []
    slow += stuck
    met_ratio = worst_ratio is not None and worst_ratio <= 1.2
    rows.append(("every named query within 1.2× of raw pyoxigraph",
                 f"worst {_rx(worst_ratio)} (`{worst_name}`)", _met(met_ratio, worst_ratio),
                 "" if met_ratio else worst_detail))
    limit = (results.get("plans", {}).get(n) or {}).get("query_timeout_s")
    measured = f"slowest p50 {_f(worst_p50, 1)} ms" + (
        f"; {len(stuck)} did not finish within {limit} s" if stuck else "")
    rows.append(("no named query over 100 ms", measured,
                 _met(worst_p50 is not None and worst_p50 <= 100 and not stuck, worst_p50),
                 "; ".join(_slow_bound(name, qs.get(name) or {}) for name in slow)))

    load = r.get("http_load") or {}
    load1 = load.get("1") or {}
    rps = load1.get("rps")
    p99 = load1.get("p99_ms")
    raw_times: dict[str, float] = {}
    for q in load.get("queries", []):
        t = ((qs.get(q) or {}).get("embedded") or {}).get("p50_ms")
        if t is not None:
            raw_times[q] = float(t)
    http_bound = ""
    if raw_times:
        mean = sum(raw_times.values()) / len(raw_times)
        http_bound = ("the queries themselves: through the library they take "
                      + ", ".join(f"`{q}` {t:.1f} ms" for q, t in sorted(raw_times.items()))
                      + f" (mean {mean:.1f} ms, so at most {1000 / mean:.3g} req/s at one "
                        "client even with no HTTP at all)")
        # What HTTP adds, read on the queries timed often enough to trust a difference.
        overheads = []
        for q, entry in qs.items():
            via_http, library = entry.get("http") or {}, entry.get("embedded") or {}
            if via_http.get("n", 0) >= 10 and library.get("n", 0) >= 10:
                overheads.append((via_http["p50_ms"] - library["p50_ms"], q))
        if overheads:
            cost, q = sorted(overheads)[len(overheads) // 2]
            http_bound += (f"; HTTP adds about {cost:.1f} ms to the library's p50 (`{q}`, "
                           f"the median over {len(overheads)} queries timed 10+ times)")
    cached = load.get("1-cached") or {}
    c_rps, c_p99 = cached.get("rps"), cached.get("p99_ms")
    rows.append(("HTTP ≥ 1,000 req/s at one client",
                 f"{_f(c_rps)} req/s cached; {_f(rps)} req/s computed",
                 _met(c_rps is not None and c_rps >= 1000, c_rps)
                 + ("" if rps is not None and rps >= 1000 else " (cached answers only)"),
                 "" if rps is not None and rps >= 1000 else "computed: " + http_bound))
    rows.append(("HTTP p99 < 10 ms at one client",
                 f"{_f(c_p99, 2)} ms cached; {_f(p99, 2)} ms computed",
                 _met(c_p99 is not None and c_p99 < 10, c_p99)
                 + ("" if p99 is not None and p99 < 10 else " (cached answers only)"),
                 "" if p99 is not None and p99 < 10 else "computed: " + http_bound))

    v = r.get("validation", {})
    dg_all = _median((v.get("dutygraph") or {}).get("all"))
    dg_bound = None if dg_all is not None else _stopped_at(results, "dutygraph", n)
    ps_all = _median((v.get("pyshacl") or {}).get("all"))
    ps_bound = None if ps_all is not None else _stopped_at(results, "pyshacl", n)
    if dg_all is not None and ps_all is not None:
        speedup = _ratio(ps_all, dg_all)
        rows.append(("validate all ≥ 10× faster than whole-graph pyshacl",
                     f"{_f(speedup)}× ({_f(dg_all, 2)} s vs {_f(ps_all, 1)} s)",
                     _met(speedup is not None and speedup >= 10, speedup), ""))
    elif dg_all is not None and ps_bound:
        # pyshacl was stopped at its budget at some size: compare with dutygraph at that size.
        at = ps_bound[1]
        dg_there = _median(((results["sizes"][at].get("validation") or {}).get("dutygraph")
                             or {}).get("all"))
        low = ps_bound[0] / dg_there if dg_there else None
        rows.append(("validate all ≥ 10× faster than whole-graph pyshacl",
                     f"≥ {low or 0:.1f}× at N = {at} ({_f(dg_there, 2)} s vs pyshacl > "
                     f"{ps_bound[0]:.0f} s, stopped at its budget)",
                     f"met at N = {at}" if low is not None and low >= 10 else "not shown",
                     (f"pyshacl is not run at N = {n}: it did not finish at N = {at}, on a "
                      f"tenth of the data (dutygraph: {_f(dg_all, 2)} s at N = {n})")
                     if at != n else ""))
    else:
        rows.append(("validate all ≥ 10× faster than whole-graph pyshacl",
                     f"dutygraph {_f(dg_all, 2)} s"
                     + (f" (> {dg_bound[0]:.0f} s, stopped)" if dg_bound else "")
                     + f"; pyshacl {_f(ps_all, 1)} s"
                     + (f" (> {ps_bound[0]:.0f} s, stopped)" if ps_bound else ""),
                     "not measured" if dg_bound is None else "**not met**",
                     "dutygraph's validation of all authorities did not finish: see the "
                     "slowest shapes under Validation" if dg_bound else ""))
    rust_rows = []
    for name in ("pyrudof", "shacl_rust"):
        if _median((v.get(name) or {}).get("one")) is None:
            continue  # it did not run the (rewritten) shapes at all: no bound to read
        t = _median((v.get(name) or {}).get("all"))
        bound = None if t is not None else _stopped_at(results, name, n)
        if t is not None:
            rust_rows.append((name, t, False))
        elif bound:
            rust_rows.append((name, bound[0], True))
    if rust_rows and dg_all is not None:
        name, t, lower = min(rust_rows, key=lambda x: x[1])
        ratio_r = dg_all / t
        rows.append(("validate all within 2× of the fastest Rust validator",
                     f"{'<' if lower else ''}{ratio_r:.2f}× of {name} "
                     f"({'>' if lower else ''}{_f(t, 2)} s, rewritten shapes)",
                     _met(ratio_r <= 2, ratio_r),
                     "what each Rust validator supports of the shapes is under Validation"))
    else:
        rows.append(("validate all within 2× of the fastest Rust validator", "–", "not measured",
                     "no Rust validator finished on these shapes, or dutygraph did not"))
    rows.append(_findings_row(results, n))
    revalidate = (v.get("dutygraph") or {}).get("revalidate_one") or {}
    rev_p50 = (revalidate.get("total") or {}).get("p50_ms")
    rows.append(("re-validate one changed authority < 200 ms", f"{_f(rev_p50, 1)} ms",
                 _met(rev_p50 is not None and rev_p50 < 200, rev_p50),
                 "" if rev_p50 is None or rev_p50 < 200 else
                 f"writing the changed graph takes "
                 f"{_f((revalidate.get('replace_graph') or {}).get('p50_ms'), 1)} ms of it "
                 f"(the store's atomic write), validating it "
                 f"{_f((revalidate.get('validate') or {}).get('p50_ms'), 1)} ms"))
    server = r.get("server_memory") or {}
    mem = server.get("peak_pss_mb")
    off = (r.get("server_memory_copy_off") or {}).get("peak_pss_mb")
    rows.append(("server at N = 1,530 < 300 MB resident",
                 f"{_f(mem)} MB peak PSS ({_f(server.get('peak_rss_mb'))} MB summed RSS)"
                 + (f"; {_f(off)} MB with the in-memory copy off" if off is not None else ""),
                 _met(mem is not None and mem < 300, mem),
                 "" if mem is None or mem < 300 else
                 f"{server.get('processes')} processes (gunicorn master, workers and their "
                 f"query processes), {_f(server.get('idle_pss_mb'))} MB PSS before any "
                 "request"))
    return rows


def _stopped_at(results: dict[str, Any], key: str, upto: str) -> tuple[float, str] | None:
    """(budget, N) of the largest size up to `upto` at which the validation of all
    authorities by `key` was stopped at its time budget: a lower bound of its time."""
    found = None
    for n in _sizes(results):
        if int(n) > int(upto):
            break
        run = ((results["sizes"][n].get("validation") or {}).get(key) or {}).get("all") or {}
        budget = (results.get("plans", {}).get(n) or {}).get("timeouts", {}).get(f"{key}_all")
        if "stopped at the" in str(run.get("error", "")) and budget:
            found = (float(budget), n)
    return found


def _findings_row(results: dict[str, Any], n: str) -> tuple[str, str, str, str]:
    """Whether dutygraph's findings are pyshacl's: on all authorities where pyshacl finished;
    where it did not, on one authority against pyshacl and on all against a Rust validator
    that finished (at the largest size where one did)."""
    title = "findings identical to pyshacl's"
    v = results["sizes"].get(n, {}).get("validation") or {}
    ours = (v.get("agreement") or {}).get("dutygraph") or {}
    if "all" in ours:
        a = ours["all"]
        return (title, f"all authorities: {_agree(a)}", "met" if a["identical"] else
                "**not met**", "" if a["identical"] else "the examples are in results.json")
    one = ours.get("one")
    seen, ok = [], one is not None and one["identical"]
    if one:
        seen.append(f"one authority: {_agree(one)}")
    for size in reversed(_sizes(results)):
        checks = ((results["sizes"][size].get("validation") or {}).get("cross_check") or {})
        for name, a in sorted(checks.items()):
            how = "shapes as they are" if name == "jena" else "rewritten shapes"
            seen.append(f"all authorities at N = {size}, against {name} ({how}): "
                        f"{_agree(a)}")
            ok = ok and a["identical"]
        if checks:
            break
    if not seen:
        return (title, "–", "not measured", "no comparison finished")
    return (title, "; ".join(seen), "met" if ok else "**not met**",
            "pyshacl does not finish on all authorities, so here it is the oracle for one; "
            "`make test` holds dutygraph to pyshacl result for result on every validation case "
            "and the whole repository (tests/validation/test_engines_agree.py)")


def _agree(a: dict[str, Any]) -> str:
    return (f"{a['same']} of {a['oracle']} same, {a['missing']} missing, "
            f"{a['extra']} extra")


def _met(ok: bool, value: Any) -> str:
    if value is None:
        return "not measured"
    return "met" if ok else "**not met**"


def _slow_bound(name: str, q: dict[str, Any]) -> str:
    """What keeps a query over 100 ms: its floor's time, when the benchmark has one for it."""
    from .queries import FLOORS

    lib = (q.get("embedded") or {}).get("p50_ms")
    least = (q.get("floor") or {}).get("p50_ms")
    if least is None or name not in FLOORS:
        return f"`{name}`"
    return (f"`{name}` ({_f(lib, 1)} ms): its floor, {FLOORS[name].work} and nothing else, "
            f"takes {_f(least, 1)} ms on raw pyoxigraph (under Named queries); "
            f"{FLOORS[name].why}")


def targets_section(results: dict[str, Any], bounds: dict[str, str]) -> list[str]:
    n = TARGET_N if TARGET_N in results.get("sizes", {}) else (_sizes(results) or ["?"])[-1]
    lines = ["## Targets", "", f"Read at N = {n}, as ratios within this run.", "",
             "| target | measured | status | what bounds it |", "|---|---|---|---|"]
    for target, measured, status, bound in _target_rows(results) + _issue21_rows(results):
        lines.append(f"| {target} | {measured} | {status} | {bounds.get(target, bound)} |")
    return [*lines, ""]


# ---- plots ------------------------------------------------------------------------------------

def plots(results: dict[str, Any], out: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    sizes = _sizes(results)
    xs = [int(n) for n in sizes]
    made = []
    Point = tuple[float, bool]  # (value, whether it is only a lower bound)

    def series(getter: Any) -> list[Point | None]:
        out_: list[Point | None] = []
        for n in sizes:
            value = getter(results["sizes"][n], n)
            out_.append(value if value is None or isinstance(value, tuple) else (value, False))
        return out_

    def draw(name: str, title: str, ylabel: str, lines: dict[str, list[Point | None]],
             note: str = "") -> None:
        fig, ax = plt.subplots(figsize=(6.6, 4.4), dpi=110)
        bounded = False
        for label, ys in lines.items():
            pts = [(x, p[0], p[1]) for x, p in zip(xs, ys, strict=True)
                   if p is not None and p[0] > 0]
            if not pts:
                continue
            line = ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=label)[0]
            for x, y, lower in pts:
                if lower:
                    bounded = True
                    ax.plot([x], [y], marker="^", markersize=11, color=line.get_color(),
                            markerfacecolor="white")
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xticks(xs, [str(x) for x in xs])
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{v:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("synthetic authorities (N)")
        ax.set_ylabel(ylabel)
        ax.set_title(title + ("\n(open triangle: stopped at its time budget, a lower bound)"
                              if bounded else ""), fontsize=10)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=8)
        if note:
            fig.text(0.01, 0.01, note, fontsize=7, alpha=0.7)
        fig.tight_layout()
        fig.savefig(out / name)
        plt.close(fig)
        made.append(name)

    build = {label: series(lambda r, _n, k=key: _median(r.get("build", {}).get(k)))
             for label, key in (("pyoxigraph bulk_load", "pyoxigraph_bulk_load"),
                                ("dutygraph build", "dutygraph_build"),
                                ("dutygraph build (CLI)", "dutygraph_build_cli"),
                                ("rdflib parse", "rdflib_parse"))}
    draw("build.png", "Build time", "seconds", build)

    # Each store's median p50 over the same queries: those every store timed at every size
    # (a store that timed none at some size is left out of that choice, and drawn on what
    # it has), so the lines are read on the same questions.
    def timed(n: str, key: str) -> set[str]:
        return {name for name, q in results["sizes"][n].get("queries", {}).items()
                if (q.get(key) or {}).get("p50_ms") is not None}

    complete = [key for key, _label in STORES if all(timed(n, key) for n in sizes)]
    common = set.intersection(*(timed(n, key) for n in sizes for key in complete)) \
        if complete and sizes else set()

    def query_stat(r: dict[str, Any], n: str, key: str) -> float | None:
        chosen = common if key in complete else timed(n, key)
        values = sorted(r["queries"][q][key]["p50_ms"] for q in chosen
                        if (r["queries"][q].get(key) or {}).get("p50_ms") is not None)
        return values[len(values) // 2] if values else None

    draw("queries.png", "Named queries: median p50 over the queries every store answered "
                        f"at every N ({len(common)})", "milliseconds",
         {label: series(lambda r, n, k=key: query_stat(r, n, k)) for key, label in STORES})

    def val(r: dict[str, Any], n: str, name: str) -> Point | None:
        v = r.get("validation", {}).get(name)
        if not isinstance(v, dict):
            return None
        med = _median(v.get("all"))
        if med is not None:
            return (med, False)
        stopped = _stopped_at(results, name, n)
        return (stopped[0], True) if stopped and stopped[1] == n else None

    draw("validation.png", "Validation of all authorities", "seconds",
         {label: series(lambda r, n, k=key: val(r, n, k))
          for key, label in (("dutygraph", "dutygraph"), ("pyshacl", "pyshacl"),
                             ("pyrudof", "pyrudof (rewritten shapes)"),
                             ("shacl_rust", "shacl-rust (rewritten shapes)"))})

    def rss(r: dict[str, Any], path: tuple[str, ...]) -> float | None:
        cur: Any = r
        for p in path:
            cur = cur.get(p) if isinstance(cur, dict) else None
        return cur if isinstance(cur, int | float) else None

    draw("memory.png", "Peak resident memory", "MB", {
        "dutygraph serve (under load)": series(lambda r, _n: rss(r, ("server_memory",
                                                                     "peak_rss_mb"))),
        "dutygraph serve (idle)": series(lambda r, _n: rss(r, ("server_memory",
                                                               "idle_rss_mb"))),
        "rdflib parse (process)": series(lambda r, _n: rss(r, ("build", "rdflib_parse",
                                                               "peak_rss_mb"))),
        "pyshacl all (process)": series(lambda r, _n: rss(r, ("validation", "pyshacl", "all",
                                                              "peak_rss_mb"))),
        "pyrudof all (process)": series(lambda r, _n: rss(r, ("validation", "pyrudof", "all",
                                                              "peak_rss_mb"))),
    })
    return made


def write(results: dict[str, Any], out: Path, bounds: dict[str, str] | None = None) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    try:
        images = plots(results, out)
    except Exception as exc:  # a plot must not cost the tables
        images = []
        results.setdefault("errors", []).append({"stage": "plots", "error": str(exc)})
    lines = ["# dutygraph benchmark", "",
             "Written by `make bench` (`python -m tools.bench --out bench`) from one run; "
             "raw figures in `results.json`. Each figure is a median of repetitions (count in "
             "brackets) and is also given as a ratio to its reference in the same run. "
             "Timings are never asserted in `make test`.", ""]
    lines += targets_section(results, bounds or {})
    lines += machine_section(results)
    lines += data_section(results)
    lines += build_section(results)
    lines += query_section(results)
    lines += http_section(results)
    lines += ask_section(results)
    lines += search_section(results)
    lines += validation_section(results)
    if images:
        lines += ["## Plots", ""] + [f"![{name}]({name})" for name in images] + [""]
    notes = results.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    errors = results.get("errors") or []
    if errors:
        lines += ["## Errors during the run", ""]
        lines += [f"- N = {e.get('n', '–')}, {e.get('stage')}: "
                  + " ".join(str(e.get("error")).split())[:600] for e in errors]
        lines.append("")
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
