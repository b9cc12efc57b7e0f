"""dutygraph synth: write synthetic arrangements of N authorities (for benchmarks and scale).

The file loads like any arrangement file: `dutygraph build --with FILE` puts each synthetic
authority in its own named graph.
"""

from __future__ import annotations

import argparse
import sys
import time

from .. import synth
from ..errors import InputError


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from exc
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return rate


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "synth", help="write synthetic arrangements of N authorities (benchmarks, scale tests)",
        description="Invented authorities in the vocabulary of data/local, with a controlled "
                    "share of defects of every kind the shapes check. The same arguments always "
                    "write the same bytes.")
    p.add_argument("--authorities", type=int, required=True, metavar="N",
                   help="how many authorities (153 ~ 10^5 triples, 1530 ~ 10^6)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--defect-rate", type=_rate, default=0.05, metavar="R",
                   help="share of authorities given each kind of defect, 0..1 (default 0.05; "
                        f"there are {len(synth.DEFECT_KINDS)} kinds)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output file; .nt writes N-Triples, .ttl Turtle")
    p.add_argument("--manifest", metavar="FILE",
                   help="also write which authority got which defect, as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.authorities < 1:
        raise InputError("must be at least 1", parameter="authorities")
    started = time.perf_counter()
    summary = synth.write(args.out, args.authorities, seed=args.seed,
                          defect_rate=args.defect_rate, manifest=args.manifest)
    counts = summary.counts_by_kind()
    print(f"wrote {args.out}: {summary.authorities} authorities, {summary.triples} triples, "
          f"{sum(counts.values())} defects in {len(summary.defects)} authorities "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0
