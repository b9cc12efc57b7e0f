"""Benchmark work that runs in its own process: `python -m tools.bench.worker TASK ARGS`.

Why a process: rdflib and pyshacl at a million triples can take minutes and gigabytes, and
cannot be interrupted from a thread. The parent gives each worker a deadline and keeps the JSON
lines it printed before it, so a slow engine still reports what it finished, and its memory is
returned to the system when it ends.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from pathlib import Path
from typing import Any

import psutil

from .findings import dutygraph_findings_keys, finding_key


def emit(record: dict[str, Any]) -> None:
    record.setdefault("rss_mb", round(psutil.Process().memory_info().rss / 2**20, 1))
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def _rdflib_dataset(files: list[list[str]]):  # type: ignore[no-untyped-def]
    from rdflib import Dataset, URIRef

    ds = Dataset(default_union=True)
    for path, graph in files:
        fmt = "nt" if path.endswith(".nt") else "turtle"
        ds.graph(URIRef(graph)).parse(path, format=fmt)
    return ds


def task_rdflib_parse(args: dict[str, Any]) -> None:
    """Parse the same files as the build into an rdflib Dataset (one graph per file)."""
    for rep in range(args["reps"]):
        gc.collect()
        t0 = time.perf_counter()
        ds = _rdflib_dataset(args["files"])
        elapsed = time.perf_counter() - t0
        emit({"rep": rep, "s": elapsed, "triples": len(ds)})
        del ds


def task_memory_queries(args: dict[str, Any]) -> None:
    """Load the build's graphs into dutygraph's MemoryStore (rdflib) and time each query."""
    from dutygraph.datasets import load_graphs, repository_files
    from dutygraph.queries import run_query
    from dutygraph.store import MemoryStore

    t0 = time.perf_counter()
    graphs = load_graphs(repository_files(), [Path(p) for p in args["extra"]])
    store = MemoryStore()
    store.replace_graphs(graphs, drop_others=True)
    del graphs
    gc.collect()
    emit({"load_s": time.perf_counter() - t0})
    from .queries import time_calls

    budget = args["per_query_budget_s"]
    for item in args["queries"]:
        # timed warm, as on the embedded store: the first call (which builds the memory
        # store's text index for `search`, say) is a warm-up
        sample = time_calls(lambda q=item: run_query(store, q["name"], q["params"]),
                            args["reps"], budget)
        emit({"query": item["name"], "runs": sample.runs, "rows": sample.extra.get("rows"),
              "error": sample.error})


def task_embedded_query(args: dict[str, Any]) -> None:
    """One named query on the embedded store through the library as configured (the figure
    issue 21's targets read), then the same bound SPARQL on raw pyoxigraph (what the engine
    alone takes), and the query's floor (queries.FLOORS) if it has one. In a process of its
    own so that a pathological plan can be stopped."""
    from dutygraph.store import EmbeddedStore

    from .queries import Case, floor, library, raw

    store = EmbeddedStore(args["store"], read_only=True)
    case = Case(args["name"], args["params"], True)
    emit({"kind": "embedded",
          "sample": library(store, case, args["reps"], args["budget_s"]).to_json("ms")})
    emit({"kind": "raw_pyoxigraph",
          "sample": raw(store, case, args["reps"], args["budget_s"]).to_json("ms")})
    least = floor(store, case, args["reps"], args["budget_s"])
    if least is not None:
        emit({"kind": "floor", "sample": least.to_json("ms")})


def task_pyshacl(args: dict[str, Any]) -> None:
    """Plain pyshacl on a whole data file: no inference, no dutygraph in between."""
    import pyshacl
    from rdflib import Graph

    t0 = time.perf_counter()
    data = Graph()
    data.parse(args["data"], format="nt")
    shapes = Graph()
    shapes.parse(args["shapes"], format="turtle")
    emit({"parse_s": time.perf_counter() - t0, "triples": len(data)})
    for rep in range(args["reps"]):
        gc.collect()
        t = time.perf_counter()
        conforms, report, _text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        elapsed = time.perf_counter() - t
        keys = report_keys(report)
        emit({"rep": rep, "s": elapsed, "conforms": bool(conforms), "findings": len(keys)})
        if rep == 0 and args.get("findings_out"):
            Path(args["findings_out"]).write_text(json.dumps(sorted(keys)))


def report_keys(report: Any) -> list[str]:
    """The comparable keys of a standard SHACL validation report graph (pyshacl's, Jena's)."""
    from rdflib import RDF, URIRef
    from rdflib.namespace import SH

    keys = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(pred: URIRef, r: Any = result) -> str | None:
            value = report.value(r, pred)
            return None if value is None else str(value)
        shape = report.value(result, SH.sourceShape)
        keys.append(finding_key(one(SH.focusNode) or "", one(SH.resultSeverity) or "",
                                one(SH.sourceConstraintComponent) or "", one(SH.resultPath),
                                str(shape) if isinstance(shape, URIRef) else None))
    return keys


def task_jena(args: dict[str, Any]) -> None:
    """Apache Jena SHACL (Debian's libapache-jena-java, `shacl validate`) on the same files:
    each repetition a JVM of its own, so its time includes the JVM's start and the parse."""
    from rdflib import Graph
    from rdflib.namespace import SH

    from tools.jena import Jena

    jena = Jena.prepare(Path(args["work"]), runner=False)
    for rep in range(args["reps"]):
        t = time.perf_counter()
        text = jena.shacl_text(Path(args["data"]), Path(args["shapes"]))
        elapsed = time.perf_counter() - t
        report = Graph().parse(data=text, format="turtle")
        keys = report_keys(report)
        conforms = report.value(None, SH.conforms)
        emit({"rep": rep, "s": elapsed, "conforms": str(conforms) == "true",
              "findings": len(keys), "distinct_findings": len(set(keys))})
        if rep == 0 and args.get("findings_out"):
            Path(args["findings_out"]).write_text(json.dumps(sorted(keys)))


def task_pyrudof(args: dict[str, Any]) -> None:
    """rudof's native SHACL engine (Rust, PyPI pyrudof) on the same files."""
    import pyrudof

    for rep in range(args["reps"]):
        gc.collect()
        t = time.perf_counter()
        rudof = pyrudof.Rudof(pyrudof.RudofConfig())
        rudof.read_data(args["data"], format=pyrudof.RDFFormat.NTriples)
        rudof.read_shacl(args["shapes"])
        loaded = time.perf_counter() - t
        report = rudof.validate_shacl()
        elapsed = time.perf_counter() - t
        keys = []
        for entry in report:
            shape = str(entry.source_shape)
            keys.append(finding_key(str(entry.focus_node), str(entry.severity),
                                    str(entry.constraint_component),
                                    str(entry.path) if entry.path is not None else None,
                                    shape if shape.startswith("http") else None))
        emit({"rep": rep, "s": elapsed, "load_s": loaded, "conforms": bool(report.conforms),
              "findings": len(keys)})
        if rep == 0 and args.get("findings_out"):
            Path(args["findings_out"]).write_text(json.dumps(sorted(keys)))


def task_shacl_rust(args: dict[str, Any]) -> None:
    """shacl-rust (PyPI shacl-rust) on the same files, where it is installed."""
    import shacl_rust

    for rep in range(args["reps"]):
        gc.collect()
        t = time.perf_counter()
        report = shacl_rust.validate_file(args["data"], args["shapes"])
        elapsed = time.perf_counter() - t
        keys = []
        for r in report.get("results", []):
            shape = r.get("sourceShape")
            keys.append(finding_key(r.get("focusNode", ""), r.get("severity", ""),
                                    r.get("sourceConstraintComponent", ""), r.get("resultPath"),
                                    shape if shape and shape.startswith("<") else None))
        emit({"rep": rep, "s": elapsed, "conforms": bool(report.get("conforms")),
              "findings": len(keys)})
        if rep == 0 and args.get("findings_out"):
            Path(args["findings_out"]).write_text(json.dumps(sorted(keys)))


def task_dutygraph_validate(args: dict[str, Any]) -> None:
    """dutygraph's validation of every authority of the embedded store (validate_store)."""
    import datetime as dt

    from dutygraph.store import EmbeddedStore
    from dutygraph.validation import validate_store


    store = EmbeddedStore(args["store"], read_only=True)
    as_of = dt.date.fromisoformat(args["as_of"])
    for rep in range(args["reps"]):
        gc.collect()
        t = time.perf_counter()
        report = validate_store(store, as_of=as_of)
        elapsed = time.perf_counter() - t
        keys = dutygraph_findings_keys(report)
        emit({"rep": rep, "s": elapsed, "findings": len(keys), "conforms": report.conforms})
        if rep == 0 and args.get("findings_out"):
            Path(args["findings_out"]).write_text(json.dumps(keys))
        if elapsed > args.get("budget_s", 0):
            break


def task_shape_times(args: dict[str, Any]) -> None:
    """Seconds per shape of dutygraph's compiled validation of every authority."""
    import datetime as dt

    from dutygraph.store import EmbeddedStore
    from dutygraph.validation.dataset import view_of_store
    from dutygraph.validation.dates import AsOf
    from dutygraph.validation.engine import constraint_query
    from dutygraph.validation.shapes import load_shapes

    store = EmbeddedStore(args["store"], read_only=True)
    view = view_of_store(store, None)
    day = AsOf(dt.date.fromisoformat(args["as_of"]))
    for shape in load_shapes().shapes:
        if shape.deactivated:
            continue
        t = time.perf_counter()
        for constraint in shape.constraints:
            view.select(constraint_query(shape, constraint, day))
        emit({"shape": str(shape.iri).rsplit("/", 1)[-1],
              "s": round(time.perf_counter() - t, 3)})


TASKS = {
    "rdflib_parse": task_rdflib_parse,
    "memory_queries": task_memory_queries,
    "embedded_query": task_embedded_query,
    "dutygraph_validate": task_dutygraph_validate,
    "shape_times": task_shape_times,
    "pyshacl": task_pyshacl,
    "pyrudof": task_pyrudof,
    "jena": task_jena,
    "shacl_rust": task_shacl_rust,
}


def main(argv: list[str]) -> int:
    task, raw = argv[0], argv[1]
    TASKS[task](json.loads(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
