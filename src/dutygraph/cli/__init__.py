"""The dutygraph command: one module per subcommand in this package.

Exit codes (the same for every subcommand, documented in the README):
  0  success (validate: no finding reaches --fail-on)
  1  validate/audit: a finding reaches --fail-on
  2  bad input: unreadable or malformed file, unknown query or parameter, bad date; nothing run
  3  a store could not be reached, or refused, or a query ran out of time
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ..errors import InputError, StoreError

# Each module defines register(subparsers) and sets a `func(args) -> int` default.
COMMANDS = ["build", "load", "info", "export", "query", "validate", "audit", "serve",
            "store", "impact", "changes"]


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dutygraph",
        description=("Who answers for a child's safety in England: query and validate the "
                     "duty graph."),
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # command not built yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"dutygraph {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except StoreError as exc:
        print(f"dutygraph {args.command}: store error: {exc}", file=sys.stderr)
        return 3
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
