"""dutygraph build: load ontology/ and data/ (and --with files) into the store, atomically.

The old contents keep answering until the new are complete (see dutygraph.store.embedded
and dutygraph.store.remote for how each kind switches).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ..datasets import repository_source
from ..errors import InputError
from ..store import describe_store
from ..store.progress import progress_bar
from .common import add_store_options, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="load the ontology and data into the store (atomically)")
    add_store_options(p)
    p.add_argument("--with", dest="extra", nargs="+", default=[], metavar="FILE",
                   help="also load these arrangement files (e.g. from python -m tools.synth); "
                        "each triple goes to the graph of the authority it belongs to")
    p.add_argument("--progress", action="store_true",
                   help="show a progress bar on standard error even when it is not a terminal")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    extra = [Path(p) for p in args.extra]
    for path in extra:
        if not path.is_file():
            raise InputError("no such file", file=str(path))
    source = repository_source(extra)
    bar = progress_bar("building", args.progress)
    try:
        with store_from(args) as store:
            result = store.write(source, drop_others=True, progress=bar)
            count = store.triple_count()
    finally:
        if bar:
            bar.close()
    note = " (the memory store lasts only as long as this command)" \
        if not store.persistent else ""
    print(f"built {describe_store(args.store)}: {count} triples in {len(result.graphs)} graphs "
          f"({time.perf_counter() - started:.1f} s){note}", file=sys.stderr)
    return 0
