"""dutygraph audit: the compliance matrix, every authority against every requirement.

  dutygraph audit [--as-of YYYY-MM-DD] [--out DIR] [--fail-on violation|warning] [--store ...]

Writes DIR/audit.html (colour-coded matrix) and DIR/audit.csv (one row per authority and
requirement). Each cell is met, not met, not evidenced, not applicable or superseded on the
date. Exit 0, or 1 with --fail-on when a finding reaches that severity; 2 for bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import InputError
from .common import add_store_options, parse_date, store_from
from .validate import FAIL_ON, check_choice, write_atomically


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("audit", help="compliance matrix of every authority on a date "
                                     "(audit.html and audit.csv)")
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="apply the law in force on this day (default: today)")
    p.add_argument("--out", metavar="DIR", default=".",
                   help="folder to write audit.html and audit.csv to (default: .)")
    p.add_argument("--fail-on", dest="fail_on", metavar="|".join(FAIL_ON),
                   help="exit 1 when a finding is at least this severe (default: never)")
    add_store_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..validation.audit import audit_store

    as_of = parse_date(args.as_of, "as-of")
    fail_on = check_choice(args.fail_on, FAIL_ON, "fail-on") if args.fail_on else None
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise InputError("not a folder", parameter="out", file=str(out))
    with store_from(args, read_only=True) as store:
        matrix = audit_store(store, as_of=as_of)
    out.mkdir(parents=True, exist_ok=True)
    html_text, csv_text = matrix.to_html(), matrix.to_csv()
    write_atomically(str(out / "audit.csv"), csv_text)
    write_atomically(str(out / "audit.html"), html_text)
    counts = ", ".join(f"{k}: {v}" for k, v in matrix.counts().items())
    print(f"audit of {len(matrix.authorities)} authorities x {len(matrix.requirements)} "
          f"requirements on {matrix.as_of.isoformat()} ({counts}) written to "
          f"{out / 'audit.html'} and {out / 'audit.csv'}", file=sys.stderr)
    if fail_on:
        limit = {"violation": {"Violation"}, "warning": {"Violation", "Warning"}}[fail_on]
        if any(f.severity in limit for c in matrix.cells.values() for f in c.findings):
            return 1
    return 0
