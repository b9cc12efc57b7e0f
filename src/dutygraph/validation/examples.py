"""The committed example reports in docs/examples, and how to regenerate them.

    .venv/bin/python -m dutygraph.validation.examples      # rewrite docs/examples/validation-*

A test regenerates them from the repository's data and compares, so a change to the data,
the framework or the shapes that changes a finding shows up as a failing test (and a diff
to review) rather than silently.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

from .. import paths
from ..store import repository_store
from .api import validate_store

# (authority slug, as-of date): Bromley on its meeting day; Harrow on the dates of its two
# documents (the Leaders' meeting report, 28 March 2011; the draft protocol, April 2015).
EXAMPLES = [("bromley", dt.date(2013, 5, 7)), ("harrow", dt.date(2015, 4, 1)),
            ("harrow", dt.date(2011, 3, 28))]


def examples_dir() -> Path:
    return paths.root() / "docs" / "examples"


def render_examples() -> dict[str, str]:
    """File name -> content of every example report, built from the repository's files."""
    store = repository_store()
    out = {}
    for slug, day in EXAMPLES:
        report = validate_store(store, authority=slug, as_of=day)
        stem = f"validation-{slug}-{day.isoformat()}"
        out[f"{stem}.json"] = json.dumps(report.to_json_dict(), indent=2,
                                         ensure_ascii=False) + "\n"
        out[f"{stem}.txt"] = report.to_text()
    return out


def main() -> int:
    folder = examples_dir()
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in render_examples().items():
        (folder / name).write_text(text, encoding="utf-8")
        print(f"wrote {folder / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
