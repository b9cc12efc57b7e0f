"""dutygraph validate: check arrangements against the law in force on a date.

  dutygraph validate FILE... [--authority IRI|label] [--as-of YYYY-MM-DD]
                     [--format text|json|turtle|html]
                     [--fail-on not-met|not-evidenced|violation|warning|info]
                     [--out FILE] [--store ...]

Without FILE, every authority in the store is validated. Each finding has an outcome (not
met: a document states the contrary; not evidenced: the documents are silent) and a severity
(the legal force of the requirement). Exit 0 when no finding reaches --fail-on (default
not-met: a finding the documents show; not-evidenced also counts silence; a severity name
counts findings at least that serious, whatever their outcome), 1 when one does, 2 for bad
input (nothing is written then), 3 for a store error.
The report is written to --out only once it is complete (a temporary file renamed into place).
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
import tempfile
from pathlib import Path

from ..errors import InputError
from .common import add_store_options, parse_date, store_from

FORMATS = ["text", "json", "turtle", "html"]
FAIL_ON = ["not-met", "not-evidenced", "violation", "warning", "info"]


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "validate", help="check arrangements against the law in force on a date (SHACL)",
        description="Validate local safeguarding arrangements (Turtle or JSON-LD files, or "
                    "every authority in the store) against the shapes in shapes/, applying "
                    "the law in force on the as-of date.")
    p.add_argument("files", nargs="*", metavar="FILE",
                   help="arrangement files (.ttl, .nt, .jsonld); none: validate the store")
    p.add_argument("--authority", metavar="IRI|label",
                   help="only this authority (IRI, slug such as 'bromley', or label)")
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="apply the law in force on this day (default: today)")
    p.add_argument("--format", default="text", metavar="|".join(FORMATS),
                   help="report format (default: text)")
    p.add_argument("--fail-on", dest="fail_on", default="not-met",
                   metavar="|".join(FAIL_ON),
                   help="exit 1 when a finding has this outcome (not-met; not-evidenced "
                        "includes not met) or is at least this severe (violation, warning, "
                        "info); default: not-met")
    p.add_argument("--out", metavar="FILE", help="write the report here (default: stdout)")
    p.add_argument("--engine", default="fast", choices=["fast", "pyshacl"],
                   help="fast compiled SPARQL (default) or the pyshacl reference engine")
    add_store_options(p)
    p.set_defaults(func=run)


def check_choice(value: str, choices: list[str], parameter: str) -> str:
    if value not in choices:
        raise InputError(f"'{value}' is not one of {', '.join(choices)}", parameter=parameter)
    return value


def write_atomically(path: str, text: str) -> None:
    """Write the whole report or nothing: a reader never sees a half-written file."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the folder does not exist", parameter="out", file=str(folder))
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=folder)
    try:
        os.fchmod(fd, _file_mode(target))
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    """mkstemp makes its file 0600, and the rename would hand that to a report meant to be read
    and published: keep the mode of the file replaced, else the one open() would give."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mask = os.umask(0o022)
        os.umask(mask)
        return 0o666 & ~mask


def run(args: argparse.Namespace) -> int:
    from ..validation import validate_files, validate_store

    fmt = check_choice(args.format, FORMATS, "format")
    fail_on = check_choice(args.fail_on.strip().lower().replace("_", "-"), FAIL_ON, "fail-on")
    as_of = parse_date(args.as_of, "as-of")
    if args.files:
        store = store_from(args, read_only=True) if args.store else None
        report = validate_files(args.files, authority=args.authority, as_of=as_of,
                                store=store, engine=args.engine)
    else:
        with store_from(args, read_only=True) as store:
            report = validate_store(store, authority=args.authority, as_of=as_of,
                                    engine=args.engine)
    text = report.render(fmt)
    if args.out:
        write_atomically(args.out, text)
        print(report.summary_line(), file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 1 if report.reaches(fail_on) else 0
