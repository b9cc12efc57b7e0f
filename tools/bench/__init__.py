"""The benchmark suite (make bench): dutygraph against what a user would otherwise pick.

Run as `python -m tools.bench --out bench`. Modules: data (synthetic inputs per size),
measure (medians, percentiles, memory), procs (servers and bounded workers), build, queries,
load (HTTP load generator), validation, worker (work run in its own process), report
(bench/report.md, plots). Timings are measured here and never asserted in tests.
"""
