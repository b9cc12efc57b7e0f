"""dutygraph export: the merged graph as Turtle, JSON-LD or N-Triples."""

from __future__ import annotations

import argparse
import json
import sys

from rdflib import Graph

from ..namespaces import bind_prefixes
from ..paths import context_file
from .common import add_store_options, store_from

FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="write the merged graph")
    add_store_options(p)
    p.add_argument("--format", choices=sorted(FORMATS), default="turtle")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    merged = Graph()
    bind_prefixes(merged)
    with store_from(args) as store:
        for name in store.graph_names():
            merged += store.export_graph(name)
    fmt = FORMATS[args.format]
    if fmt == "json-ld":
        context = json.loads(context_file().read_text())["@context"]
        data = merged.serialize(format="json-ld", context=context, auto_compact=True)
    else:
        data = merged.serialize(format=fmt)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(data)
        print(f"wrote {len(merged)} triples to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(data)
    return 0
