"""dutygraph info: what the store holds, by class, by source and by named graph."""

from __future__ import annotations

import argparse
import json

from ..queries.internal import page_select
from .common import add_store_options, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("info", help="counts by class, by source and by named graph")
    add_store_options(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with store_from(args, read_only=False) as store:
        sections = {  # queries/pages/info-*.rq
            key: [(str(r[column]), int(r["n"]))  # type: ignore[call-overload]
                  for r in page_select(store, f"info-{key}")]
            for key, column in (("graphs", "g"), ("classes", "class"), ("sources", "source"))
        }
    if args.format == "json":
        print(json.dumps({k: dict(v) for k, v in sections.items()}, indent=2))
        return 0
    titles = {"graphs": "Triples by named graph", "classes": "Instances by class",
              "sources": "Local statements by source document"}
    for key, rows in sections.items():
        print(titles[key])
        for name, n in rows:
            print(f"  {n:>8}  {name}")
        print()
    return 0
