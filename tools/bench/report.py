"""bench/report.md and its plots, written from results.json alone (so it can be re-rendered).

Every figure is shown with the ratio to its reference measured in the same run; the Targets
section reads the issue's targets against the largest size measured and says what bounds any
that is not met, from the figures themselves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .fmt import _f, _median, _ratio, _rx, _sizes

TARGET_N = "1530"


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
    budgets = results.get("stage_budgets") or {}
    versions = ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items() if v)
    return [
        "## Machine", "",
        f"- {m.get('nproc')} cores ({m.get('cpu')}), {m.get('memory')} memory; {m.get('platform')}",
        f"- Python {m.get('python')}; {versions}",
        f"- Load average (1 min) after each stage: "
        f"{', '.join(str(x) for x in results.get('load_average', [])) or '–'} "
        f"(above {m.get('nproc')} means other work shared the cores and inflated the times).",
        f"- Run on {results.get('generated')}, took {_f(results.get('duration_s'), 0)} s "
        "in all (stages, each with the time it took and its budget: " + ", ".join(
            f"{stage} {seconds} s"
            + (f" of {budgets[stage]:.0f}" if stage in budgets else "")
            for stage, seconds in results.get("stage_seconds", [])) + ").",
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
            ("`dutygraph build` (CLI, a cold process: interpreter start included)",
             "dutygraph_build_cli"),
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
    said = []
    for n in sizes:
        cli = (results["sizes"][n].get("build") or {}).get("dutygraph_build_cli") or {}
        if cli.get("summary"):
            said.append(f"N = {n}: {cli['summary']}")
    if said:
        lines += ["", "The build's own summary (its time is from inside the process, so the "
                  "difference from the table is the interpreter's start and imports): "
                  + "; ".join(said) + "."]
    return [*lines, ""]


STORES = [("raw_pyoxigraph", "raw pyoxigraph (ref)"), ("embedded", "library, embedded"),
          ("memory", "library, rdflib memory"), ("oxigraph_server", "library, Oxigraph server")]


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
             "p50 / p95 in milliseconds, through `dutygraph.queries.run_query` on each store "
             "kind, and the same bound SPARQL on raw pyoxigraph (the engine alone, for "
             "reference). The ratios are the targets': the embedded store's p50 over "
             "`duties-of`'s, and each other store's p50 over the embedded store's for the same "
             "query. *library, embedded* is the default: a question that names its graphs runs "
             "on the store's in-memory copy of them (`dutygraph.store.hot`). The Oxigraph "
             "server is reached with SPARQLWrapper (dutygraph's remote store, "
             "`--union-default-graph`). `*` marks fewer repetitions than planned (time budget).",
             ""]
    for n in _sizes(results):
        qs = results["sizes"][n].get("queries", {})
        if not qs:
            continue
        lines += [f"### N = {n}", "",
                  "| query | rows | " + " | ".join(label for _k, label in STORES) + " |",
                  "|---|---|" + "---|" * len(STORES)]
        base = ((qs.get("duties-of") or {}).get("embedded") or {}).get("p50_ms")
        for name in sorted(qs):
            q = qs[name]
            emb = (q.get("embedded") or {}).get("p50_ms")
            rows = next((q[k].get("rows") for k, _l in STORES if q.get(k) and
                         q[k].get("rows") is not None), None)
            cells = []
            for key, _label in STORES:
                s = q.get(key)
                cell = _cell(s)
                if s and s.get("p50_ms") is not None:
                    if key == "embedded" and base:
                        cell += f" · {_rx(_ratio(s['p50_ms'], base))} duties-of"
                    elif key in ("memory", "oxigraph_server") and emb:
                        cell += f" · {_rx(_ratio(s['p50_ms'], emb))} embedded"
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
    lines = ["## HTTP: computed answer pages", "",
             "`dutygraph serve` on loopback, one client asking for the same page again and "
             "again (keep-alive), every request saying `Cache-Control: no-cache` so that every "
             "answer is computed; the client shares the machine's cores with the server. "
             "`/api/queries/duties-of` is the named query every other is held to; the question "
             "box's answer page is the page `/ask?q=What must the DCS do?` redirects to.", "",
             "| N | page | requests | errors | req/s | p50 ms | p99 ms | max ms |",
             "|---|---|---|---|---|---|---|---|"]
    for n in _sizes(results):
        pages = results["sizes"][n].get("answer_pages") or {}
        for key in ("api", "ask"):
            r = pages.get(key)
            if not r:
                continue
            if r.get("rps") is None:
                lines.append(f"| {n} | {key} | n/a ({str(r.get('error'))[:120]}) "
                             "| | | | | |")
                continue
            lines.append(f"| {n} | `{r.get('path', key)}` | {r['requests']} | {r['errors']} | "
                         f"{_f(r['rps'])} | {_f(r['p50_ms'], 2)} | {_f(r['p99_ms'], 2)} | "
                         f"{_f(r['max_ms'], 1)} |")
    lines += ["", "Server memory (gunicorn master, workers and their query processes "
              "together): RSS sums each process's resident pages, so pages the processes "
              "share (Python, the libraries, the store's files) count once per process; PSS "
              "counts each shared page once across them, the memory the server really holds. "
              "Peak during the HTTP stage above.", "",
              "| N | idle RSS MB | peak RSS MB | idle PSS MB | peak PSS MB | processes |",
              "|---|---|---|---|---|---|"]
    for n in _sizes(results):
        m = results["sizes"][n].get("server_memory")
        if m:
            lines.append(f"| {n} | {_f(m['idle_rss_mb'])} | {_f(m['peak_rss_mb'])} | "
                         f"{_f(m.get('idle_pss_mb'))} | {_f(m.get('peak_pss_mb'))} | "
                         f"{m['processes']} |")
    for n in _sizes(results):
        run = results["sizes"][n].get("memory_run")
        if not run or not run.get("blocks"):
            continue
        lines += ["", f"### The long load run, N = {n}", "",
                  f"{_f(run.get('seconds', 0) / 60, 1)} minutes of {run.get('clients')} "
                  "clients asking computed questions (the single-authority named queries over "
                  "50 authorities, `duties-of` and the question box's answer page, each with "
                  "`Cache-Control: no-cache`), in blocks of up to a minute; the server's PSS "
                  "sampled "
                  f"every second (idle before the run: {_f(run.get('idle_pss_mb'))} MB; peak "
                  f"{_f(run.get('peak_pss_mb'))} MB PSS, {_f(run.get('peak_rss_mb'))} MB summed "
                  "RSS).", "",
                  "| block from | requests | errors | req/s | p50 ms | p99 ms | PSS max MB | "
                  "PSS at end MB |", "|---|---|---|---|---|---|---|---|"]
        for blk in run["blocks"]:
            lines.append(f"| {_f(blk.get('start_s'), 0)} s | {blk.get('requests')} | "
                         f"{blk.get('errors')} | {_f(blk.get('rps'))} | "
                         f"{_f(blk.get('p50_ms'), 2)} | {_f(blk.get('p99_ms'), 1)} | "
                         f"{_f(blk.get('pss_max_mb'))} | {_f(blk.get('pss_last_mb'))} |")
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
        for scope in ("one", "subset", "all"):
            cells = []
            for n in sizes:
                v = results["sizes"][n].get("validation", {})
                s: dict[str, Any] = ((v.get(vname) or {}).get(scope) or {}) \
                    if isinstance(v.get(vname), dict) else {}
                ref = _median((v.get("pyshacl") or {}).get(scope))
                med = _median(s)
                if vname == "dutygraph" and scope == "subset" and "findings" in s:
                    cells.append(f"{s['findings']} findings (of validate-all, about "
                                 f"{s.get('authorities')} authorities)")
                elif med is None:
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

    asked = [part for n in sizes for part in results["sizes"][n]["ask"].values()
             if isinstance(part, dict) and part.get("questions")]
    # every kind's question (computed and cached ask them all; a new question, some)
    first = max(asked, key=lambda a: len(a["questions"])) if asked else {}
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
                  f"took {_f(s.get('build_s'), 2)} s to open or build in a new process (the "
                  "index written with the store's generation, else built once per version).",
                  "",
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


def _agree(a: dict[str, Any]) -> str:
    return (f"{a['same']} of {a['oracle']} same, {a['missing']} missing, "
            f"{a['extra']} extra")


def targets_section(results: dict[str, Any], bounds: dict[str, str]) -> list[str]:
    """Issue 21's targets (tools.bench.targets), each a ratio within this run."""
    from .targets import rows, small_large

    small, large = small_large(results)
    lines = ["## Targets", "",
             f"Issue 21's targets, read at N = {small} and N = {large} as ratios within this "
             "run; each says met, not met (by how much) or not measured (why). The machine "
             "and its load average after each stage are under Machine.", "",
             "| target | measured | status | what bounds it |", "|---|---|---|---|"]
    for row in rows(results):
        cells = [row.target, row.measured, row.status, bounds.get(row.target, row.why)]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
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
                                ("dutygraph build (CLI, cold process)",
                                 "dutygraph_build_cli"),
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
        "dutygraph serve, PSS (long load run)": series(lambda r, _n: rss(r, ("memory_run",
                                                                           "peak_pss_mb"))),
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
    errors = list(results.get("errors") or [])
    for n in _sizes(results):  # a failed build is recorded in its figures, not raised
        cli = (results["sizes"][n].get("build") or {}).get("dutygraph_build_cli") or {}
        if cli.get("error"):
            errors.append({"n": n, "stage": "build", "error": cli["error"],
                           "stderr": cli.get("stderr")})
    if errors:
        lines += ["## Errors during the run", ""]
        for e in errors:
            lines.append(f"- N = {e.get('n', '–')}, {e.get('stage')}: "
                         + " ".join(str(e.get("error")).split())[:600])
            if e.get("stderr"):
                tail = "\n".join(str(e["stderr"]).strip().splitlines()[-12:])
                lines += ["", "  ```", *("  " + x for x in tail.splitlines()), "  ```", ""]
        lines.append("")
    path = out / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path
