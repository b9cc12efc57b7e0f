"""Options shared by every subcommand that reads or writes a store."""

from __future__ import annotations

import argparse

from ..store import Store, open_store
from ..validation.dates import parse_day


def add_store_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("store")
    group.add_argument("--store", metavar="PATH|URL|memory",
                       help="embedded store folder, SPARQL query endpoint URL, or 'memory' "
                            "(default: $DUTYGRAPH_STORE or .store/oxigraph)")
    group.add_argument("--store-update", metavar="URL",
                       help="SPARQL Update endpoint, where it differs ($DUTYGRAPH_STORE_UPDATE)")
    group.add_argument("--store-graphs", metavar="URL",
                       help="Graph Store Protocol endpoint, where it differs "
                            "($DUTYGRAPH_STORE_GRAPHS)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="time limit of a reading command (default 600, or "
                             "$DUTYGRAPH_COMMAND_TIMEOUT; exit 3 past it)")


def store_from(args: argparse.Namespace, *, read_only: bool = False) -> Store:
    return open_store(args.store, update=args.store_update, graphs=args.store_graphs,
                      read_only=read_only)


# The one date rule (validation.dates), under the name the commands know.
parse_date = parse_day
