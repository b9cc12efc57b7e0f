"""The amendment impact and change-over-time pages (/impact and /changes).

/impact?as_of=D answers dutygraph impact for D (default today): what is coming (enacted, not
in force) first, then what rests on provisions superseded, not yet in force or no longer in
force, each with the duties, validation shapes and named queries citing it.
/changes?since=D1&until=D2[&authority=A] answers the what-changed named query. Bad input (a
date that does not parse, since not before until, an unknown authority) is a 400 naming the
parameter, through the app's error handler.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, render_template, request

from ..amendments import COMING, HEADINGS, changes, impact
from ..errors import InputError
from . import get_store
from .common import parse_as_of

bp = Blueprint("amendments", __name__)


@bp.route("/impact")
def impact_page() -> str:
    day = parse_as_of(request.args.get("as_of"), parameter="as_of") or dt.date.today()
    items = impact(get_store(), day)
    coming = [i for i in items if i.status in COMING]
    rest = [i for i in items if i.status not in COMING]
    return render_template("amendments/impact.html", day=day, coming=coming, rest=rest,
                           headings=HEADINGS)


@bp.route("/changes")
def changes_page() -> str:
    since = parse_as_of(request.args.get("since"), parameter="since")
    until = parse_as_of(request.args.get("until"), parameter="until")
    authority = (request.args.get("authority") or "").strip() or None
    rows: list[dict[str, Any]] | None = None
    if since is not None or until is not None:
        if since is None or until is None:
            raise InputError("give both days", parameter="since" if since is None else "until")
        if not since < until:
            raise InputError(f"{since} is not before {until}", parameter="since")
        rows = changes(get_store(), since, until, authority).records()
    return render_template("amendments/changes.html", since=since, until=until,
                           authority=authority or "", rows=rows)
