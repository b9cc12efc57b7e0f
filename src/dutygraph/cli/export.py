"""dutygraph export: the merged graph as Turtle, JSON-LD or N-Triples; or one authority's
arrangements as the spreadsheet template (xlsx, or CSV files with CSVW metadata)."""

from __future__ import annotations

import argparse
import json
import sys

from rdflib import Graph

from ..errors import InputError
from ..namespaces import authority_graph, bind_prefixes
from ..paths import context_file
from .common import add_store_options, store_from

FORMATS = {"turtle": "turtle", "jsonld": "json-ld", "nt": "nt"}
WORKBOOK_FORMATS = ("xlsx", "csv")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("export", help="write the merged graph")
    add_store_options(p)
    p.add_argument("--format", choices=sorted(FORMATS) + list(WORKBOOK_FORMATS),
                   default="turtle")
    p.add_argument("--authority", metavar="SLUG",
                   help="xlsx/csv: the council whose arrangements to write (required)")
    p.add_argument("--out", metavar="FILE", help="write here instead of standard output "
                   "(xlsx/csv: default SLUG.xlsx or the folder SLUG-workbook)")
    p.set_defaults(func=run)


def run_workbook(args: argparse.Namespace) -> int:
    from pathlib import Path

    from ..workbook.project import authority_rows
    from ..workbook.vocab import read_vocabulary
    from ..workbook.write import write_csv, xlsx_bytes

    slug = args.authority
    if not slug:
        raise InputError(f"--format {args.format} needs --authority SLUG", parameter="--authority")
    with store_from(args, read_only=True) as store:
        if authority_graph(slug) not in store.graph_names():
            raise InputError(f"--authority {slug!r}: the store holds no such authority",
                             parameter="--authority")
        vocab = read_vocabulary(store)
        rows = authority_rows(store, slug, vocab)
    if args.format == "xlsx":
        out = Path(args.out or f"{slug}.xlsx")
        out.write_bytes(xlsx_bytes(rows, vocab))
        written = [out]
    else:
        written = write_csv(rows, slug, Path(args.out or f"{slug}-workbook"), vocab)
    count = sum(len(v) for v in rows.values())
    print(f"wrote {count} rows to {', '.join(map(str, written))}", file=sys.stderr)
    return 0


def run(args: argparse.Namespace) -> int:
    if args.format in WORKBOOK_FORMATS:
        return run_workbook(args)
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
