"""Developer tools kept outside the installed package: benchmarks, the load test, synthetic data.

Run them from the repository root (`python -m tools.bench`, `python -m tools.loadtest`,
`python -m tools.synth`, or the make targets). They import dutygraph; dutygraph never imports
them, and their extra packages are the `tools` optional-dependency group.
"""
