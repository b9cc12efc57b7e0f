"""dutygraph import: a filled workbook (xlsx, CSV folder or zip) as the project's Turtle.

Nothing is written unless every row is right; then every problem is listed (exit 2).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..errors import InputError
from .common import add_store_options, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("import", help="turn a filled workbook into Turtle with provenance")
    add_store_options(p)
    p.add_argument("workbook", metavar="FILE.xlsx|FILE.csv|FOLDER|FILE.zip")
    p.add_argument("--authority", metavar="SLUG",
                   help="the council's slug (default: the id of the workbook's authority row)")
    p.add_argument("--out", metavar="FILE.ttl", help="write here instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here: the workbook reader pulls in openpyxl, which other commands need not
    # load at start-up (see cli/template.py).
    from ..workbook.api import import_book, template_examples
    from ..workbook.read import read_path
    from ..workbook.vocab import read_vocabulary

    if args.authority is not None and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}",
                                                       args.authority):
        raise InputError(f"--authority {args.authority!r}: expected a slug such as 'bromley'",
                         parameter="--authority")
    path = Path(args.workbook)
    if not path.exists():
        raise InputError("no such file or folder", file=str(path))  # the error names it
    with store_from(args, read_only=True) as store:
        book = read_path(path)
        graph = import_book(book, args.authority, store)
        for warning in template_examples(book, read_vocabulary(store)):
            print(f"dutygraph import: warning: {path}: {warning}", file=sys.stderr)
    data = graph.serialize(format="turtle")
    if args.out:
        Path(args.out).write_text(data, encoding="utf-8")
        print(f"wrote {len(graph)} triples to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data)
    return 0
