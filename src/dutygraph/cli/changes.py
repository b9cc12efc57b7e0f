"""dutygraph changes: what changed in the law, and in one authority's records, between two days.

    dutygraph changes --from 2019-01-01 --to 2023-12-31 [--authority Bromley]
                      [--format table|json|csv] [--store ...]

Runs the named query `what-changed`. --from must be before --to; a bad date, or an authority label
that matches nothing or several councils, is exit 2 naming the option.
"""

from __future__ import annotations

import argparse

from ..amendments import changes
from ..errors import InputError
from .common import add_store_options, parse_date, store_from
from .query import print_result


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("changes", help="what changed between two days",
                       description=("What changed between two days: provisions, duties, partner "
                                    "lists and guidance editions that came into force, ceased or "
                                    "were enacted; with --authority, also its own records."))
    p.add_argument("--from", dest="since", required=True, metavar="YYYY-MM-DD",
                   help="the earlier day")
    p.add_argument("--to", dest="until", required=True, metavar="YYYY-MM-DD",
                   help="the later day")
    p.add_argument("--authority", metavar="IRI|LABEL", help="a local authority (IRI or label)")
    p.add_argument("--format", choices=["table", "json", "csv"], default="table")
    add_store_options(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    since = parse_date(args.since, "--from")
    until = parse_date(args.until, "--to")
    assert since is not None and until is not None  # both options are required
    if not since < until:
        raise InputError(f"{since} is not before {until}", parameter="--from")
    with store_from(args, read_only=True) as store:
        result = changes(store, since, until, args.authority)
    print_result(result, args.format)
    return 0
