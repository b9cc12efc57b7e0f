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
import os
import sys

from ..errors import InputError, StoreError
from ..limits.deadline import command_deadline

# Each module defines register(subparsers) and sets a `func(args) -> int` default.
COMMANDS = ["build", "load", "info", "export", "query", "validate", "audit", "serve",
            "store", "impact", "changes", "template", "import_"]


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


# Commands that read a store and answer: each runs under a time limit (limits.deadline).
# build, load and import write (their own steps are bounded), serve runs until stopped and
# limits each request itself, store recovers a store.
LIMITED_COMMANDS = frozenset({"info", "export", "query", "validate", "audit", "impact",
                              "changes", "template"})
DEFAULT_COMMAND_TIMEOUT = 600.0  # seconds


def _time_limit(args: argparse.Namespace) -> float | None:
    if args.command not in LIMITED_COMMANDS:
        return None
    given = getattr(args, "timeout", None)
    if given is not None:
        return float(given)
    return float(os.environ.get("DUTYGRAPH_COMMAND_TIMEOUT", DEFAULT_COMMAND_TIMEOUT))


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        with command_deadline(_time_limit(args), f"dutygraph {args.command}"):
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
