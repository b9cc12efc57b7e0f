"""dutygraph info: what the store holds, by class, by source and by named graph."""

from __future__ import annotations

import argparse
import json

from .common import add_store_options, store_from

BY_GRAPH = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
BY_CLASS = ("SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } "
            "GROUP BY ?class ORDER BY DESC(?n) ?class")
BY_SOURCE = ("PREFIX prov: <http://www.w3.org/ns/prov#> "
             "SELECT ?source (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s prov:wasDerivedFrom ?source } "
             "GROUP BY ?source ORDER BY ?source")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("info", help="counts by class, by source and by named graph")
    add_store_options(p)
    p.add_argument("--format", choices=["text", "json"], default="text")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with store_from(args, read_only=False) as store:
        sections = {
            "graphs": [(str(r["g"]), int(r["n"])) for r in store.select(BY_GRAPH)],  # type: ignore[call-overload]
            "classes": [(str(r["class"]), int(r["n"])) for r in store.select(BY_CLASS)],  # type: ignore[call-overload]
            "sources": [(str(r["source"]), int(r["n"])) for r in store.select(BY_SOURCE)],  # type: ignore[call-overload]
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
