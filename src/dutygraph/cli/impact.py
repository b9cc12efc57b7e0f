"""dutygraph impact: on a day, which duties, shapes and named queries rest on provisions that
are not yet in force, no longer in force, superseded, or awaiting an enacted amendment.

    dutygraph impact --as-of 2026-12-07 [--format text|json] [--store ...]

Without --as-of, today. What is enacted but not in force (the Children's Wellbeing and Schools
Act 2026 s2 on 2026-12-07) is listed first, as coming. A bad date is exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json

from ..amendments import HEADINGS, Affected, impact
from .common import add_store_options, parse_date, store_from


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("impact", help="what rests on provisions not in force on a day",
                       description=("Amendment impact: the duties, validation shapes and named "
                                    "queries resting on provisions that on the day are not yet "
                                    "in force, no longer in force, superseded, or awaiting an "
                                    "enacted amendment."))
    p.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                   help="the day to assess (default: today)")
    p.add_argument("--format", choices=["text", "json"], default="text")
    add_store_options(p)
    p.set_defaults(func=run)


def format_text(day: dt.date, items: list[Affected]) -> str:
    """Grouped by state, coming first; each provision with what rests on it."""
    lines = [f"Amendment impact on {day.isoformat()}: {len(items)} provision state(s)."]
    current = None
    for item in items:
        if item.status != current:
            current = item.status
            lines += ["", HEADINGS.get(current, current)]
        by = f" by {item.by_label}" if item.by_label else ""
        lines.append(f"  {item.provision_label} ({item.on}{by}) <{item.provision}>")
        for s in item.statements:
            lines.append(f"    duty/statement: {s.label}" + (f" [{s.detail}]" if s.detail else ""))
        for s in item.shapes:
            lines.append(f"    shape: {s.label} <{s.iri}>")
        for q in item.queries:
            lines.append(f"    query: {q.iri}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    day = parse_date(args.as_of, "--as-of") or dt.date.today()
    with store_from(args, read_only=True) as store:
        items = impact(store, day)
    if args.format == "json":
        print(json.dumps({"as_of": day.isoformat(), "items": [i.to_dict() for i in items]},
                         indent=2, ensure_ascii=False))
    else:
        print(format_text(day, items))
    return 0
