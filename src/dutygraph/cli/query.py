"""dutygraph query: list, describe and run the named queries of queries/.

    dutygraph query --list
    dutygraph query NAME --describe
    dutygraph query NAME --param KEY=VALUE ... [--format table|json|csv] [--store ...]

JSON and CSV answers are the bytes the API gives for the same query (one writer,
queries.answers).

Bad input (unknown query or parameter, a missing one, an IRI or date that does not parse, a
label that matches nothing or several things) is an InputError naming the parameter: exit
code 2, and the query is not run.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ..errors import InputError
from ..queries import QueryResult, catalogue, get_query, run_query
from ..queries.answers import rows_bytes
from ..queries.params import validate
from .common import add_store_options, store_from

MAX_CELL = 48


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("query", help="list, describe or run a named query",
                       description="Run one of dutygraph's named queries (queries/*.rq).")
    p.add_argument("name", nargs="?", metavar="NAME", help="the query to describe or run")
    p.add_argument("--list", action="store_true", help="list the named queries")
    p.add_argument("--describe", action="store_true",
                   help="describe the query: parameters, provisions, example")
    p.add_argument("--param", "-p", action="append", default=[], metavar="KEY=VALUE",
                   help="a parameter (repeat for several); IRI parameters also take labels")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_store_options(p)
    p.set_defaults(func=run)


def parse_params(items: Sequence[str]) -> dict[str, str]:
    """KEY=VALUE pairs; a repeated key or a pair without '=' is an InputError."""
    params: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"'{item}' is not KEY=VALUE", parameter=key or item)
        if key in params:
            raise InputError("given twice", parameter=key)
        params[key] = value
    return params


def _list(fmt: str) -> None:
    queries = catalogue()
    if fmt == "json":
        print(json.dumps([q.to_dict() for q in queries], indent=2))
        return
    width = max(len(q.name) for q in queries)
    for q in queries:
        print(f"{q.name:<{width}}  {q.summary}")


def _describe(name: str, fmt: str) -> None:
    q = get_query(name)
    if fmt == "json":
        print(json.dumps(q.to_dict(), indent=2))
        return
    print(f"{q.name}: {q.summary}\n")
    print(q.description + "\n")
    print("Parameters:")
    for p in q.params:
        need = "required" if p.required else "optional"
        label = ", or a label" if p.accepts_label else ""
        print(f"  {p.name} ({p.type}{label}; {need}) - {p.description}")
        print(f"      e.g. {p.example}")
    if q.provisions:
        print("Provisions:")
        for prov in q.provisions:
            print(f"  {prov}")
    print(f"Example:\n  {q.example}")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    text = " ".join(text.split())
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


def print_result(result: QueryResult, fmt: str) -> None:
    """A query's rows on stdout as json, csv or a table (any other format). JSON and CSV are
    written by the API's writer (queries.answers.rows_bytes): the same bytes as
    /api/queries/<name>.json and .csv."""
    if fmt in ("json", "csv"):
        sys.stdout.write(rows_bytes(result, fmt).decode("utf-8"))
    else:
        print(format_table(result))


def format_table(result: QueryResult) -> str:
    """Rows for reading: an IRI column is left out where its label column is there."""
    shown = [v for v in result.variables if f"{v}Label" not in result.variables]
    records = result.records()
    cells = [[_cell(rec[v]) for v in shown] for rec in records]
    widths = [max([len(v)] + [len(row[i]) for row in cells]) for i, v in enumerate(shown)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(shown, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(records)} row{'s' if len(records) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    if args.list:
        _list(args.format)
        return 0
    if not args.name:
        raise InputError("name a query (dutygraph query --list shows them)", parameter="query")
    query = get_query(args.name)
    if args.describe:
        _describe(query.name, args.format)
        return 0
    params = parse_params(args.param)
    validate(query, params)  # before the store is opened: bad input never runs anything
    with store_from(args, read_only=True) as store:
        result = run_query(store, query.name, params)
    print_result(result, args.format)
    return 0
