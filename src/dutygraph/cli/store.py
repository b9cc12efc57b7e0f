"""dutygraph store recover: repair an embedded store whose record of its current generation
is missing or unreadable, by pointing it at the newest complete generation.

Every other command stops with exit 3 on such a store rather than guess (see
dutygraph.store.generations); this is the one command that chooses, says what it chose and
why, and deletes nothing.
"""

from __future__ import annotations

import argparse
import sys

from ..errors import StoreError
from ..store import store_folder, store_spec
from ..store.generations import POINTER, recover
from .common import add_store_options


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("store", help="repair an embedded store (store recover)")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    r = actions.add_parser("recover", help="point a store whose record is missing or broken "
                                           "at its newest complete generation (deletes nothing)")
    add_store_options(r)
    r.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    root = store_folder(args.store)
    if root is None:
        raise StoreError(f"{store_spec(args.store)} is not an embedded store folder; only "
                         "those have a record to recover")
    result = recover(root)
    if not result.changed:
        print(f"{root / POINTER} is sound: current generation {result.chosen} "
              f"({result.triples} triples); nothing changed", file=sys.stderr)
        return 0
    print(f"the record {root / POINTER} {result.old_record}", file=sys.stderr)
    for name, why in result.skipped:
        print(f"  skipped {name}: {why}", file=sys.stderr)
    print(f"chose {result.chosen} ({result.triples} triples): the newest generation that was "
          "complete (renamed from .building only once flushed) and that Oxigraph opens",
          file=sys.stderr)
    if result.previous:
        print(f"kept {result.previous} as the previous generation", file=sys.stderr)
    print(f"rewrote {root / POINTER}; nothing was deleted", file=sys.stderr)
    return 0
