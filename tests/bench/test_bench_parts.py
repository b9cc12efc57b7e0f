"""The benchmark's own parts that decide what its figures mean (never its timings):
percentiles, the shapes rewritten for the Rust validators, and the report written from JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tools import synth
from tools.bench import report
from tools.bench.data import _dump, shapes_file
from tools.bench.findings import dutygraph_findings_keys, finding_key
from tools.bench.measure import percentile
from tools.bench.rustshapes import rewrite
from tools.bench.validation import with_context

from dutygraph.datasets import repository_files
from dutygraph.namespaces import FRAMEWORK_GRAPH, ONTOLOGY_GRAPH
from dutygraph.store import Store
from dutygraph.validation import validate_files


@pytest.mark.parametrize(("q", "expected"), [(50, 3), (95, 5), (99, 5), (0, 1), (20, 1)])
def test_percentiles_are_nearest_rank(q: float, expected: float) -> None:
    assert percentile([5, 1, 4, 2, 3], q) == expected


def test_the_rewritten_shapes_give_pyrudof_the_findings_dutygraph_gives(tmp_path: Path) -> None:
    """The Rust figures are only comparable if the rewrite keeps what every shape reports."""
    pyrudof = pytest.importorskip("pyrudof")
    arrangements = tmp_path / "six.nt"
    synth.write(arrangements, 6, seed=3, defect_rate=0.4)
    core = [df for df in repository_files() if df.graph in (ONTOLOGY_GRAPH, FRAMEWORK_GRAPH)]
    data = tmp_path / "data.nt"
    _dump(core, [arrangements], data)
    data = with_context(data, synth.AS_OF, tmp_path / "data-context.nt")
    shapes = shapes_file(tmp_path)
    assert shapes is not None
    done = rewrite(shapes, data, tmp_path / "rewritten.ttl")
    assert done and all(("targetClass" in what or "deactivated" in what)
                        for what in done.values()), done

    rudof = pyrudof.Rudof(pyrudof.RudofConfig())
    rudof.read_data(str(data), format=pyrudof.RDFFormat.NTriples)
    rudof.read_shacl(str(tmp_path / "rewritten.ttl"))
    rust = sorted(finding_key(str(e.focus_node), str(e.severity), str(e.constraint_component),
                              None, str(e.source_shape)) for e in rudof.validate_shacl())
    ours = dutygraph_findings_keys(validate_files([arrangements], as_of=synth.AS_OF))
    assert ours, "the planted defects should give findings"
    assert set(rust) == set(ours)


def minimal_results() -> dict[str, object]:
    def size(n: int, scale: float) -> dict[str, object]:
        return {
            "data": {"n": n, "synth_triples": 700 * n, "total_triples": 700 * n + 5000,
                     "synth_s": 0.01 * scale, "authorities_with_defects": n // 2,
                     "defects_by_kind": {"missing-lay-members": n // 20}},
            "build": {"pyoxigraph_bulk_load": {"n": 3, "median_s": 1.0 * scale},
                      "dutygraph_build": {"n": 3, "median_s": 1.2 * scale},
                      "rdflib_parse": {"n": 1, "median_s": 9.0 * scale, "peak_rss_mb": 900},
                      "ratio_build_to_pyoxigraph": 1.2},
            "queries": {"board-partners": {
                "raw_pyoxigraph": {"n": 20, "p50_ms": 2.0 * scale, "p95_ms": 3.0, "rows": 11},
                "embedded": {"n": 20, "p50_ms": 2.2 * scale, "p95_ms": 3.1, "rows": 11},
                "http": {"n": 20, "p50_ms": 3.0 * scale, "p95_ms": 4.0}}, "search": {
                "raw_pyoxigraph": {"n": 5, "p50_ms": 18.0 * scale, "p95_ms": 19.0, "rows": 9},
                "embedded": {"n": 5, "p50_ms": 18.5 * scale, "p95_ms": 19.5, "rows": 9},
                "floor": {"n": 5, "p50_ms": 9.5 * scale, "p95_ms": 9.9, "rows": 1}}},
            "http_load": {"queries": ["board-partners"],
                          "1": {"clients": 1, "requests": 500, "errors": 0, "seconds": 4.0,
                                "rps": 125.0, "p50_ms": 7.0, "p99_ms": 20.0, "max_ms": 29.0},
                          "1-cached": {"clients": 1, "requests": 5000, "errors": 0,
                                       "seconds": 4.0, "rps": 1250.0, "p50_ms": 0.7,
                                       "p99_ms": 2.0, "max_ms": 9.0}},
            "server_memory": {"idle_rss_mb": 120.0, "peak_rss_mb": 150.0 * scale,
                              "idle_pss_mb": 60.0, "peak_pss_mb": 40.0 * scale,
                              "processes": 3},
            "server_memory_copy_off": {"idle_rss_mb": 120.0, "peak_rss_mb": 130.0 * scale,
                                       "idle_pss_mb": 60.0, "peak_pss_mb": 30.0 * scale,
                                       "processes": 3, "rps_1": 20.0, "rps_8": 30.0},
            "validation": {"dutygraph": {"all": {"n": 3, "median_s": 0.5 * scale},
                                         "revalidate_one": {"total": {"p50_ms": 80.0}}},
                           "pyshacl": {"all": {"n": 0, "error": "stopped at the 90 s budget"}},
                           "pyrudof": {"all": {"n": 1, "median_s": 3.0 * scale}},
                           "agreement": {"dutygraph": {"one": _agreement(2, 0)}},
                           "cross_check": {"pyrudof": _agreement(26, 0)} if n == 153 else {}},
        }
    return {"generated": "2026-01-01T00:00:00+00:00", "duration_s": 600,
            "machine": {"nproc": 2, "cpu": "test", "versions": {}},
            "plans": {"153": {"timeouts": {"pyshacl_all": 90}},
                      "1530": {"timeouts": {"pyshacl_all": 90}}},
            "sizes": {"153": size(153, 1.0), "1530": size(1530, 10.0)}, "errors": []}


def _agreement(reference: int, missing: int) -> dict[str, Any]:
    return {"oracle": reference, "same": reference - missing, "missing": missing, "extra": 0,
            "identical": missing == 0}


def test_the_report_gives_each_store_s_ratio_the_targets_read(tmp_path: Path) -> None:
    """The Named queries table shows the ratios the Targets table judges: the embedded store
    over duties-of, and every other store over the embedded store."""
    results = minimal_results()
    queries = results["sizes"]["1530"]["queries"]  # type: ignore[index]
    queries["duties-of"] = {"embedded": {"n": 20, "p50_ms": 4.0, "p95_ms": 5.0, "rows": 5},
                            "memory": {"n": 5, "p50_ms": 10.0, "p95_ms": 11.0, "rows": 5}}
    text = report.write(results, tmp_path).read_text()
    assert "## Targets" in text and "read at N = 153 and N = 1530" in text
    assert "| `duties-of` | 5 | – | 4.00 / 5.00 · 1.00× duties-of | 10.0 / 11.0 · 2.50× " \
           "embedded | – |" in text
    assert "22.0 / 3.10 · 5.50× duties-of" in text  # board-partners at N = 1530
    assert "Floors (`tools.bench.queries.FLOORS`)" in text
    assert "N = 153, against pyrudof: 26 of 26 same" in text
    for png in ("build.png", "queries.png", "validation.png", "memory.png"):
        assert (tmp_path / png).stat().st_size > 1000


def test_the_report_can_be_rewritten_from_results_json(tmp_path: Path) -> None:
    from tools.bench.__main__ import main

    (tmp_path / "results.json").write_text(json.dumps(minimal_results()))
    assert main(["--out", str(tmp_path), "--report-only"]) == 0
    assert "## Build" in (tmp_path / "report.md").read_text()


def test_the_search_floor_reads_what_search_reads_and_finds_at_least_its_matches(
        embedded_store: Store) -> None:
    import re

    from tools.bench.queries import FLOORS, SEARCH_PROPERTIES, Case, floor_sparql

    from dutygraph.queries import run_query
    from dutygraph.queries.catalogue import get_query

    text = get_query("search").sparql
    searched = re.search(r"VALUES \?property \{([^}]*)\}", text)
    assert searched and tuple(searched.group(1).split()) == SEARCH_PROPERTIES
    case = Case("search", {"text": "Serious Case"}, False)
    sparql = floor_sparql(case)
    assert sparql is not None and FLOORS["search"].work
    matches = int(next(iter(embedded_store.oxigraph.query(
        sparql, use_default_graph_as_union=True)))[0].value)
    found = run_query(embedded_store, "search", case.params)
    assert 0 < len(found.rows) <= matches
