"""dutygraph build: load ontology/ and data/ (and --with files) into the store."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..datasets import load_graphs, repository_files
from .common import add_store_options, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="load the ontology and data into the store (atomically)")
    add_store_options(p)
    p.add_argument("--with", dest="extra", nargs="+", default=[], metavar="FILE",
                   help="also load these arrangement files (e.g. from dutygraph synth)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    graphs = load_graphs(repository_files(), [Path(p) for p in args.extra])
    store = store_from(args)
    with store:
        store.replace_graphs(graphs, drop_others=True)
        total = sum(len(g) for g in graphs.values())
    print(f"built {store.location}: {total} triples in {len(graphs)} graphs "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
