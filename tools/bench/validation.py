"""Validation of one authority and of all: dutygraph's path against plain pyshacl on the whole
graph (no inference), Apache Jena SHACL (Java) and the Rust SHACL validators on PyPI, on the
same shapes and data.

pyshacl is the oracle: for each other validator the report gives how many of pyshacl's findings
it also reports and how many it reports that pyshacl does not (findings compared by focus node,
severity, constraint component, path and, where it is an IRI, the shape).
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import time
from pathlib import Path
from typing import Any

from rdflib import Graph

from tools import synth

from .findings import dutygraph_findings_keys
from .measure import Sample
from .procs import run_worker


def with_context(data_nt: Path, as_of: dt.date, out: Path) -> Path:
    """What dutygraph's validation judges, as one N-Triples file for the plain validators: the
    data less the records no document had made by the day or gone stale on it
    (validation.records, which dutygraph applies before any shape runs), plus the
    dg:AuditContext node the shapes read. Given the raw file instead, a plain validator judges
    other data, and its findings differ for that reason alone."""
    import pyoxigraph as ox

    from dutygraph.validation.dataset import DataView
    from dutygraph.validation.dates import AsOf
    from dutygraph.validation.records import without_future_records

    day = AsOf(as_of)
    store = ox.Store()
    graph = ox.NamedNode("urn:dutygraph:bench:data")
    store.bulk_load(path=str(data_nt), format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
    view, _left_out = without_future_records(DataView(store, None), day)
    context: Graph = day.context_graph()
    with out.open("wb") as fh:
        for name in view.store.named_graphs():
            view.store.dump(fh, format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        fh.write(context.serialize(format="nt", encoding="utf-8"))
    return out


def _external(task: str, data: Path, shapes: Path, reps: int, timeout_s: float,
              findings_out: Path) -> dict[str, Any]:
    records, error = run_worker(task, {"data": str(data), "shapes": str(shapes), "reps": reps,
                                       "findings_out": str(findings_out),
                                       "work": str(findings_out.parent / "jena")},
                                timeout=timeout_s)
    runs = [r["s"] for r in records if "s" in r]
    sample = Sample(runs=runs)
    if error:
        if runs:
            sample.note = error
        else:
            sample.error = error
    elif len(runs) < reps:
        sample.note = f"{len(runs)} of {reps} repetitions"
    out = sample.to_json()
    first = next((r for r in records if "findings" in r), None)
    if first:
        out["findings"] = first["findings"]
        out["conforms"] = first["conforms"]
    parse = next((r["parse_s"] for r in records if "parse_s" in r), None)
    if parse is not None:
        out["parse_s"] = round(parse, 3)
    if records:
        out["peak_rss_mb"] = max(r.get("rss_mb", 0) for r in records)
    return out


def compare(oracle: Path, other: Path) -> dict[str, Any] | None:
    """How a validator's findings compare with pyshacl's (as sets of comparable keys)."""
    if not oracle.exists() or not other.exists():
        return None
    a = set(json.loads(oracle.read_text()))
    b = set(json.loads(other.read_text()))
    return {"oracle": len(a), "same": len(a & b), "missing": len(a - b), "extra": len(b - a),
            "identical": a == b, "examples_missing": sorted(a - b)[:3],
            "examples_extra": sorted(b - a)[:3]}


def subset_keys(keys: list[str], slugs: list[str]) -> list[str]:
    """The findings about the given authorities: those whose focus node is one of theirs
    (the authority's IRI, or an IRI under it: its Board, posts, memberships, reports)."""
    from dutygraph.namespaces import LA

    roots = [str(LA[slug]) for slug in slugs]
    return sorted(k for k in keys
                  if any(k.split("|", 1)[0] == r or k.startswith(r + "/") for r in roots))


def dutygraph_path(store: Any, store_dir: Path, one_slug: str, reps: int, budget_s: float,
                   timeout_s: float, folder: Path, as_of: dt.date,
                   subset: list[str] | None = None) -> dict[str, Any]:
    """validate_store on the default store: all authorities (in a worker stopped at
    timeout_s), one, and one after a change (in this process). subset: authorities whose
    findings of the validation of all are kept apart, to compare with pyshacl's on a file of
    those authorities alone (pyshacl does not finish on all of them)."""
    from dutygraph.namespaces import LA
    from dutygraph.validation import validate_store

    out: dict[str, Any] = {}
    records, error = run_worker("dutygraph_validate", {
        "store": str(store_dir), "as_of": as_of.isoformat(), "reps": reps,
        "budget_s": budget_s, "findings_out": str(folder / "findings-dutygraph-all.json")},
        timeout=timeout_s)
    sample = Sample(runs=[r["s"] for r in records if "s" in r])
    if error:
        if sample.runs:
            sample.note = error
        else:
            sample.error = error
    out["all"] = sample.to_json()
    first = next((r for r in records if "findings" in r), None)
    if first:
        out["all"]["findings"] = first["findings"]
    every = folder / "findings-dutygraph-all.json"
    if subset and every.exists():
        part = subset_keys(json.loads(every.read_text()), subset)
        (folder / "findings-dutygraph-subset.json").write_text(json.dumps(part))
        out["subset"] = {"authorities": len(subset), "findings": len(part)}
    authority = str(LA[one_slug])
    one = Sample()
    report = None
    started = time.perf_counter()
    try:
        for _ in range(reps):
            t = time.perf_counter()
            report = validate_store(store, authority=authority, as_of=as_of)
            one.runs.append(time.perf_counter() - t)
            if time.perf_counter() - started > budget_s:
                break
    except Exception as exc:
        one.error = f"{type(exc).__name__}: {str(exc)[:300]}"
    out["one"] = one.to_json()
    if report is not None:
        keys = dutygraph_findings_keys(report)
        out["one"]["findings"] = len(keys)
        (folder / "findings-dutygraph-one.json").write_text(json.dumps(keys))
    out["revalidate_one"] = revalidate_one(store, one_slug, reps, budget_s, as_of)
    return out


def revalidate_one(store: Any, slug: str, reps: int, budget_s: float,
                   as_of: dt.date) -> dict[str, Any]:
    """Change one authority (its chair becomes not independent and back), then re-validate it:
    the time a user waits after editing one council's file."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import XSD

    from dutygraph.namespaces import DG, LA, authority_graph
    from dutygraph.validation import validate_store

    graph_name = authority_graph(slug)
    original = store.export_graph(graph_name)
    chair = URIRef(f"{LA}{slug}/post-lscb-chair")
    changed = Graph()
    for t in original:
        changed.add(t)
    changed.set((chair, DG.independent, Literal(False, datatype=XSD.boolean)))
    sample_replace = Sample()
    sample_validate = Sample()
    try:
        started = time.perf_counter()
        for k in range(reps):
            t = time.perf_counter()
            store.replace_graphs({graph_name: changed if k % 2 == 0 else original})
            t1 = time.perf_counter()
            validate_store(store, authority=str(LA[slug]), as_of=as_of)
            t2 = time.perf_counter()
            sample_replace.runs.append(t1 - t)
            sample_validate.runs.append(t2 - t1)
            if time.perf_counter() - started > budget_s:
                break
    except Exception as exc:
        sample_validate.error = f"{type(exc).__name__}: {str(exc)[:300]}"
    finally:
        store.replace_graphs({graph_name: original})
    total = Sample(runs=[a + b for a, b in zip(sample_replace.runs, sample_validate.runs,
                                               strict=True)])
    return {"replace_graph": sample_replace.to_json("ms"),
            "validate": sample_validate.to_json("ms"), "total": total.to_json("ms"),
            "error": sample_validate.error}


def plain_validators(folder: Path, shapes: Path, union: Path, one: Path, as_of: dt.date, *,
                     reps_all: int, reps_one: int, timeouts: dict[str, float],
                     skip: dict[str, str] | None = None, subset: Path | None = None,
                     out: dict[str, Any] | None = None) -> dict[str, Any]:
    """pyshacl and Jena on the shapes as they are; pyrudof and shacl-rust on them as they are
    (to show what they support) and on the rewritten shapes (rustshapes.py); on one
    authority, on the subset, then on all, each run with its own time budget.

    Every validator's cheap runs come before any validator's run on all authorities, so that
    a stage stopped at its budget still has them; `out` is filled as the runs finish (the
    caller's dict, so a stopped stage keeps what finished), and the comparisons with pyshacl
    are made from the findings files whatever stopped the runs."""
    from .rustshapes import rewrite

    out = {} if out is None else out
    rust = ["pyrudof"]
    if importlib.util.find_spec("shacl_rust") is not None:
        rust.append("shacl_rust")
    else:
        out["shacl_rust"] = {"error": "not installed (pip install shacl-rust)"}
    try:
        union_ctx = with_context(union, as_of, folder / "union-context.nt")
        one_ctx = with_context(one, as_of, folder / "one-context.nt")
        subset_ctx = with_context(subset, as_of, folder / "subset-context.nt") \
            if subset else None
        rewritten = folder / "shapes-rewritten.ttl"
        out["rewrite"] = rewrite(shapes, union_ctx, rewritten)
        runs: list[tuple[str, str, Path, bool]] = [("pyshacl", "pyshacl", shapes, True),
                                                   ("jena", "jena", shapes, True)]
        for name in rust:
            runs.append((name, name + "_as_is", shapes, False))
            runs.append((name, name, rewritten, True))
        scopes: list[tuple[str, Path, int]] = [("one", one_ctx, reps_one)]
        if subset_ctx is not None:
            scopes.append(("subset", subset_ctx, 1))
        scopes.append(("all", union_ctx, reps_all))
        for _task, key, _shape_file, _timed in runs:
            out[key] = {}
            for scope, _data, _reps in scopes:
                (folder / f"findings-{key}-{scope}.json").unlink(missing_ok=True)
        for scope, data, reps in scopes:
            for task, key, shape_file, timed in runs:
                if scope != "one" and not timed:
                    continue
                if scope == "all" and skip and key in skip:
                    out[key][scope] = {"n": 0, "error": skip[key], "skipped": True}
                    continue
                out[key][scope] = _external(task, data, shape_file, reps,
                                            timeouts[f"{task}_{scope}"],
                                            folder / f"findings-{key}-{scope}.json")
    finally:
        _compare_all(folder, out, rust)
    return out


def _compare_all(folder: Path, out: dict[str, Any], rust: list[str]) -> None:
    """Each validator's findings against pyshacl's, scope by scope, where both finished."""
    for key in [k for k in out if k.startswith(("pyrudof", "shacl_rust", "jena"))] + \
            ["dutygraph"]:
        for scope in ("one", "subset", "all"):
            cmp = compare(folder / f"findings-pyshacl-{scope}.json",
                          folder / f"findings-{key}-{scope}.json")
            if cmp is not None:
                out.setdefault("agreement", {}).setdefault(key, {})[scope] = cmp
    if "all" not in (out.get("agreement") or {}).get("dutygraph", {}):
        # pyshacl did not finish on the whole data: Jena (the shapes as they are) or a Rust
        # validator (same focus nodes by construction of the rewrite) that did is the
        # independent second opinion there.
        for key in ["jena", *rust]:
            cmp = compare(folder / f"findings-{key}-all.json",
                          folder / "findings-dutygraph-all.json")
            if cmp is not None:
                out.setdefault("cross_check", {})[key] = cmp


AS_OF = synth.AS_OF
