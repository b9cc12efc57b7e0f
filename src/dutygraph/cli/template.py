"""dutygraph template: an empty workbook for a council's arrangements, with one example row."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import add_store_options, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("template", help="write the spreadsheet template (xlsx, or CSV + CSVW)")
    add_store_options(p)
    p.add_argument("--format", choices=["xlsx", "csv"], default="xlsx")
    p.add_argument("--out", metavar="PATH",
                   help="xlsx file; for csv a folder or a .zip (default: dutygraph-template.xlsx "
                        "or the folder dutygraph-template)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: the workbook writer pulls in openpyxl (~0.2 s), which
    # every other command (build, query, ...) would otherwise pay for at start-up.
    from ..workbook.template import EXAMPLE_SLUG, example_rows
    from ..workbook.vocab import read_vocabulary
    from ..workbook.write import write_csv, xlsx_bytes

    with store_from(args, read_only=True) as store:
        vocab = read_vocabulary(store)
    if not vocab["role"].labels:
        raise InputError("the store holds no framework (no roles): run `dutygraph build` first")
    rows = example_rows(vocab)
    if args.format == "xlsx":
        out = Path(args.out or "dutygraph-template.xlsx")
        out.write_bytes(xlsx_bytes(rows, vocab))
        print(f"wrote the template to {out}", file=sys.stderr)
    else:
        written = write_csv(rows, EXAMPLE_SLUG, Path(args.out or "dutygraph-template"), vocab)
        print(f"wrote {len(written)} file(s): {', '.join(map(str, written))}", file=sys.stderr)
    return 0
