"""dutygraph audit: the compliance matrix, every authority against every requirement.

  dutygraph audit [--as-of YYYY-MM-DD] [--out DIR]
                  [--fail-on not-met|not-evidenced|violation|warning|info] [--store ...]
  dutygraph audit --sample N --seed S --sample-out FILE [--as-of ...]

Writes DIR/audit.html (colour-coded matrix) and DIR/audit.csv (one row per authority and
requirement). Each cell is met, not met, not evidenced, not applicable or superseded on the
date, counted by the same computation as `dutygraph validate`. Exit 0, or 1 with --fail-on
when a finding has that outcome or reaches that severity; 2 for bad input.
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
                   help="exit 1 when a finding has this outcome (not-met, not-evidenced) or "
                        "is at least this severe (violation, warning, info); default: never")
    p.add_argument("--sample", type=int, metavar="N",
                   help="instead of the matrix: draw N assessments of the shipped data (each "
                        "authority on the days its documents describe) into a hand-checkable "
                        "Markdown table")
    p.add_argument("--seed", type=int, default=7, help="the sample's random seed (default: 7)")
    p.add_argument("--sample-out", dest="sample_out", metavar="FILE",
                   help="write the sample table here (default: stdout)")
    add_store_options(p)
    p.set_defaults(func=run)


def run_sample(args: argparse.Namespace) -> int:
    from ..validation.sample import sample_markdown

    if args.sample <= 0:
        raise InputError("give a positive number of rows", parameter="sample")
    text = sample_markdown(args.sample, args.seed)
    if args.sample_out:
        write_atomically(args.sample_out, text)
        print(f"audit sample of {args.sample} (seed {args.seed}) written to {args.sample_out}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def run(args: argparse.Namespace) -> int:
    from ..validation.audit import audit_store

    if args.sample is not None:
        return run_sample(args)
    as_of = parse_date(args.as_of, "as-of")
    fail_on = (check_choice(args.fail_on.strip().lower().replace("_", "-"), FAIL_ON, "fail-on")
               if args.fail_on else None)
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
    counts += "; findings: " + ", ".join(
        f"{k}: {v}" for k, v in matrix.finding_outcomes().items())
    print(f"audit of {len(matrix.authorities)} authorities x {len(matrix.requirements)} "
          f"requirements on {matrix.as_of.isoformat()} ({counts}) written to "
          f"{out / 'audit.html'} and {out / 'audit.csv'}", file=sys.stderr)
    if fail_on and matrix.reaches(fail_on):
        return 1
    return 0
