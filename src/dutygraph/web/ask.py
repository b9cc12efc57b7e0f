"""The question box: /ask reads a question (dutygraph.ask) and sends a clear one to its
answer page; /ask/<kind> is that page, a permalink made of the reading's parts, which runs
the kind's named query and shows the rows that answer it, with how the question was read
(each part changeable), the named query one click away, and CSV and JSON exports.

Why a blueprint of its own: the reader, its pages and their print style change together and
apart from the other pages; pages.py only points its old /answer box here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from rdflib import Literal, URIRef
from rdflib.term import Node
from werkzeug.wrappers import Response as BaseResponse

from ..ask import KINDS, Lexicon, Reading, read
from ..ask.answer import Plan, plan, reading_from_params, run
from ..ask.dates import long_date
from ..ask.kinds import MODALITIES, Kind
from ..ask.kinds import kind as kind_named
from ..ask.lexicon import Thing
from ..ask.lexicon import kept as kept_lexicon
from ..ask.proposals import COLUMN as PROPOSED
from ..ask.read import Day
from ..ask.succession import Successor, body_succession, kind_on, succession
from ..errors import InputError, QueryTimeout, StoreError
from ..queries import QueryResult
from . import get_store

bp = Blueprint("ask", __name__)

MAX_QUESTION = 500


def lexicon() -> Lexicon:
    """The graph's vocabulary, read once per store version (ask.lexicon.kept), whether or not
    the request asks for a fresh answer."""
    return kept_lexicon(get_store())


def today() -> dt.date:
    """The day "today" means: ASK_TODAY in the app's config (tests), else the machine's."""
    fixed = current_app.config.get("ASK_TODAY")
    return dt.date.fromisoformat(fixed) if fixed else dt.date.today()


def _question() -> str:
    text = (request.args.get("q") or "").strip()
    if len(text) > MAX_QUESTION:
        raise InputError(f"the question is longer than {MAX_QUESTION} characters",
                         parameter="q")
    return text


@bp.get("/ask")
def ask() -> BaseResponse | str:
    """Read the question; a clear reading goes to its answer page, anything else is shown
    here: the choices, or "I can't answer that" with the nearest questions."""
    question = _question()
    if not question:
        return render_template("pages/ask.html", reading=None, question="", kinds=KINDS)
    reading = read(question, lexicon(), today(), _successor)
    if reading.status == "answer" and reading.kind is not None:
        params = {**reading.params(), "q": question}
        return redirect(_link(reading.kind.name, params), 303)
    return render_template("pages/ask.html", reading=reading, question=question, kinds=KINDS,
                           choice_url=choice_url)


def _successor(k: Kind, day: dt.date) -> tuple[Kind, str] | None:
    return kind_on(get_store(), k, day)


def choice_url(choice: Any) -> str:
    params = dict(choice.params)
    if not choice.kind:
        return url_for("ask.ask") + "?" + urlencode(params)
    return _link(choice.kind, params)


def _link(kind: str, params: dict[str, str]) -> str:
    """The answer page of a kind with its parameters (the permalink)."""
    given = {k: v for k, v in params.items() if v}
    return url_for("ask.answer", kind=kind) + ("?" + urlencode(given) if given else "")


@bp.get("/ask/change")
def change() -> BaseResponse:
    """The "change the reading" form: its fields back to the permalink of the new reading
    (the authority may be typed as a name, the date picked)."""
    kind = (request.args.get("kind") or "").strip()
    args = {k: (request.args.get(k) or "").strip()
            for k in ("subject", "authority", "date", "until", "modality", "q")}
    named = args.pop("authority")
    if named and not named.startswith(("http://", "https://")):
        found = lexicon().named(named) or lexicon().named(f"{named}")
        hits = [i for i in found if (t := lexicon().get(i)) and t.category == "authority"]
        if len(hits) != 1:
            raise InputError(f"no one authority is called “{named}”", parameter="authority")
        named = hits[0]
    args["authority"] = named
    # A subject the new kind is not asked about is dropped (its page then asks for one).
    k = kind_named(kind)
    thing = lexicon().get(args["subject"]) if args["subject"] else None
    if k is not None and thing is not None and thing.category not in k.subjects:
        args["subject"] = ""
    if k is not None and not k.takes_authority:
        args["authority"] = ""
    return redirect(_link(kind, args), 303)


@bp.get("/ask/<kind>")
def answer(kind: str) -> Response | str:
    """The answer to one reading: a permalink. format=csv or json gives the rows with their
    provisions and sources."""
    args = {k: (request.args.get(k) or "") for k in
            ("subject", "authority", "date", "until", "modality", "q")}
    if len(args["q"]) > MAX_QUESTION:
        raise InputError(f"the question is longer than {MAX_QUESTION} characters",
                         parameter="q")
    lex = lexicon()
    reading = reading_from_params(kind, args, lex, today())
    _explain(reading, lex)
    p = plan(reading)
    fmt = (request.args.get("format") or "html").lower()
    if fmt not in ("html", "csv", "json"):
        raise InputError(f"no format '{fmt}' (html, csv or json)", parameter="format")
    law = _law_of_the_day(reading, lex)
    if fmt == "csv":
        table = run(get_store(), p) if law is None else \
            _law_rows(law, run(get_store(), law.history_plan))
        return _download(table.to_csv(), "text/csv", kind)
    if fmt == "json":
        result = run(get_store(), p)
        data = _json(reading, p, result)
        if law is not None:
            history = run(get_store(), law.history_plan)
            data["lawOfTheDay"] = {
                "day": law.day, "replaced": law.replaced, "graces": law.graces,
                "successors": [{"title": title, "successor": s.iri, "successorLabel": s.label,
                                "restsOn": s.provision_iri or None,
                                "restsOnLabel": s.provision, "query": sp.query,
                                "params": sp.params,
                                "rows": [{**row, "restsOn": s.provision_iri or None,
                                          "restsOnLabel": s.provision}
                                         for row in sr.to_json_dict()["rows"]]}
                               for s, (title, sp, sr, _t) in zip(law.successors, law.current,
                                                                 strict=True)],
                "history": {"title": law.history_title, "day": law.history_iso,
                            "query": law.history_plan.query,
                            "params": law.history_plan.params,
                            "rows": history.to_json_dict()["rows"]}}
        body = json.dumps(data, ensure_ascii=False, indent=2)
        return _download(body, "application/json", kind)
    permalink = _link(kind, reading.params())
    # About replaced law, the page shows the old answer on its last day in force (not the
    # reading's own, which it would only throw away).
    result = run(get_store(), p if law is None else law.history_plan)
    return render_template(
        "pages/ask_answer.html", reading=reading, plan=p, result=result, law=law,
        table=_table(result, p), permalink=permalink,
        query_url=None if p.page_query else
        url_for("pages.query", name=p.query) + "?" + urlencode(p.params),
        api_url=None if p.page_query else
        f"/api/queries/{p.query}.json" + ("?" + urlencode(p.params) if p.params else ""),
        csv_url=_link(kind, {**reading.params(), "format": "csv"}),
        json_url=_link(kind, {**reading.params(), "format": "json"}),
        kinds=KINDS, lexicon=lex, modalities=list(MODALITIES), day_words=_day_words(reading),
        answered_day=_answered_day(result),
    )


@dataclass
class LawOfTheDay:
    """The answer for a duty or function that had ended before the day asked about: its
    successors' answers (current law first), what replaced it and when, the day used, and
    the plan of the old answer shown as history (or as still in force, in a grace period)."""

    day: str
    dateless: bool
    replaced: list[str]
    current: list[tuple[str, Plan, QueryResult, tuple[list[str], list[list[Cell | None]]]]]
    graces: list[str]
    history_title: str
    history_plan: Plan
    history_day: str = ""
    history_iso: str = ""
    history_provision: str = ""  # the old duty's own provision (the history rests on it)
    successors: list[Successor] = field(default_factory=list)  # one per entry of current


# The columns an export of replaced law adds before the rows' own: which answer a row belongs
# to, the duty that answers the question today and the provision that duty rests on.
LAW_COLUMNS = ["answerPart", "answeredBy", "answeredByLabel", "restsOn", "restsOnLabel"]


def _law_rows(law: LawOfTheDay, history: QueryResult) -> QueryResult:
    """One table of an answer about replaced law: each successor's rows (today's law first),
    each saying which successor answers it and the provision that successor rests on, then
    the old answer on its last day in force, as history."""
    variables = list(LAW_COLUMNS)
    rows: list[dict[str, Node]] = []
    parts = [(f"in force on {law.day}", s.iri, s.label, s.provision_iri, s.provision, sr)
             for s, (_title, _sp, sr, _t) in zip(law.successors, law.current, strict=True)]
    subject = law.history_plan.params.get("function") or law.history_plan.params.get(
        "subject", "")
    parts.append((f"history: as on its last day in force, {law.history_day}", subject, "",
                  "", law.history_provision, history))
    for part, by, by_label, rests_iri, rests_label, sub in parts:
        variables += [v for v in sub.variables if v not in variables]
        for row in sub.rows:
            added: dict[str, Node] = {"answerPart": Literal(part)}
            if by:
                added["answeredBy"] = URIRef(by)
            if by_label:
                added["answeredByLabel"] = Literal(by_label)
            if rests_iri:
                added["restsOn"] = URIRef(rests_iri)
            if rests_label:
                added["restsOnLabel"] = Literal(rests_label)
            rows.append({**row, **added})
    return QueryResult(query=law.history_plan.query, params=law.history_plan.params,
                       variables=variables, rows=rows)


def _law_of_the_day(reading: Reading, lex: Lexicon) -> LawOfTheDay | None:
    """Follow dg:supersededBy from the duty or function asked about when it ended before
    the day (a question with no date means today): the successors in force that day answer
    the question; the old answer, on its last day in force, is history."""
    k, subject = reading.kind, reading.subject
    if k is not None and subject is not None and subject.category in ("role", "body") and \
            reading.day is not None:
        return _body_gone(reading, k, subject, lex)
    if k is None or k.name != "accountable" or subject is None or \
            subject.category not in ("function", "duty"):
        return None
    on = dt.date.fromisoformat(reading.day.iso) if reading.day is not None else today()
    chain = succession(get_store(), subject.iri)
    if not chain.ended_before(on) or chain.last is None:
        return None
    current = []
    successors: list[Successor] = []
    for s in chain.in_force_on(on):
        thing = lex.get(s.iri) or Thing(s.iri, s.label, "duty")
        successor = Reading(reading.question, "answer", kind=reading.kind, subject=thing,
                            authority=reading.authority,
                            day=Day(on.isoformat(), None, "day"))
        sp = plan(successor)
        got = run(get_store(), sp)
        current.append((f"{s.label} ({s.provision})", sp, got, _table(got, sp)))
        successors.append(s)
    graces = [f"Until {long_date(g.last) if g.last else 'further notice'}, “{g.label}” "
              f"({g.provision}) kept the old function going for work under way: the old "
              "answer below is still in force for that work." for g in chain.grace_on(on)]
    last = Reading(reading.question, "answer", kind=reading.kind, subject=subject,
                   authority=reading.authority,
                   day=Day(chain.last.isoformat(), None, "day"))
    title = (f"Still in force for work under way: “{subject.label}”, as on its last day, "
             f"{long_date(chain.last)}" if graces else
             f"History: “{subject.label}”, as on its last day in force, "
             f"{long_date(chain.last)}")
    cite = next((c for c in lex.citations if c.iri == subject.provision), None)
    return LawOfTheDay(long_date(on), reading.day is None, chain.replaced_words(subject.label),
                       current, graces, title, plan(last), long_date(chain.last),
                       chain.last.isoformat(), cite.label if cite else (subject.provision or ""),
                       successors)


def _body_gone(reading: Reading, k: Kind, subject: Thing, lex: Lexicon) -> LawOfTheDay | None:
    """A question about a kind of body or a role that no longer existed in law on the day
    asked ("What must the LSCB do today?", "Who chairs the LSCB today?"): the page says so and
    since when, answers the same question of what took over (the safeguarding partners'
    arrangements, CA 2004 s16E) where the box can ask it of that, and keeps the old answer,
    on its last day, as history."""
    assert reading.day is not None
    on = dt.date.fromisoformat(reading.day.iso)
    chain = body_succession(get_store(), subject.iri)
    if chain is None or chain.last >= on:
        return None
    current = []
    successors: list[Successor] = []
    for s in chain.successors:
        thing = lex.get(s.iri)
        if thing is None or thing.category not in k.subjects:
            continue  # said in words only: the box cannot ask this question of it
        successor = Reading(reading.question, "answer", kind=k, subject=thing,
                            authority=reading.authority, day=reading.day,
                            modality=reading.modality)
        sp = plan(successor)
        got = run(get_store(), sp)
        current.append((f"{s.label} ({s.provision})", sp, got, _table(got, sp)))
        successors.append(s)
    last = Reading(reading.question, "answer", kind=k, subject=subject,
                   authority=reading.authority, modality=reading.modality,
                   day=Day(chain.last.isoformat(), None, "day"))
    title = (f"History: “{subject.label}”, as on its last day in law, "
             f"{long_date(chain.last)}")
    return LawOfTheDay(long_date(on), False, chain.replaced_words(subject.label), current, [],
                       title, plan(last), long_date(chain.last), chain.last.isoformat(), "",
                       successors)


def _explain(reading: Reading, lex: Lexicon) -> None:
    """The words behind a permalink's parts: when the page carries the question (q) and the
    question still reads as these parts, its notes (spelling read, what was ignored) and the
    words each date came from are shown too; parts changed by hand keep no words."""
    if not reading.question or reading.kind is None:
        return
    again = read(reading.question, lex, today(), _successor)
    if again.status != "answer" or again.kind is not reading.kind:
        return
    if again.params() == {k: v for k, v in reading.params().items()}:
        reading.notes = again.notes
        reading.day, reading.until = again.day, again.until


def _download(body: str, mimetype: str, kind: str) -> Response:
    extension = "csv" if mimetype == "text/csv" else "json"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="dutygraph-{kind}.{extension}"'
    return response


def _json(reading: Reading, p: Plan, result: QueryResult) -> dict[str, Any]:
    data = result.to_json_dict()
    return {
        "question": reading.question or None,
        "readAs": {what: value for what, value, _words in reading.parts()},
        "reading": reading.params(),
        "query": p.query,
        "params": data["params"],
        "rows": data["rows"],
    }


def _answered_day(result: QueryResult) -> str:
    """The day the query answered for when the question gave none (the date of the
    authority's data), as the rows say it."""
    days = {str(row["day"]) for row in result.rows if row.get("day") is not None}
    if len(days) != 1:
        return ""
    try:
        return long_date(dt.date.fromisoformat(days.pop()))
    except ValueError:
        return ""


def _day_words(reading: Reading) -> str:
    if reading.day is None:
        return ""
    return long_date(dt.date.fromisoformat(reading.day.iso))


@dataclass(frozen=True)
class Cell:
    """A value as the answer table shows it: text, and a link (entity page or web page)."""

    text: str
    href: str | None = None
    external: str | None = None  # the legislation.gov.uk page beside a provision
    css: str | None = None  # "proposed": drawn as a proposal, not as law or practice


def _table(result: QueryResult, p: Plan) -> tuple[list[str], list[list[Cell | None]]]:
    """The plan's columns that the result has, and each row's cells."""
    columns = [(h, v) for h, v in p.columns if v in result.variables]
    if any(_is_true(row.get(PROPOSED)) for row in result.rows):
        columns.insert(0, ("Status", PROPOSED))  # a proposal is never shown as in place
    rows = [[_cell(row, v) for _h, v in columns] for row in result.rows]
    return [h for h, _v in columns], rows


def _is_true(value: Node | None) -> bool:
    return isinstance(value, Literal) and value.toPython() is True


def _cell(row: dict[str, Node], var: str) -> Cell | None:
    value = row.get(var)
    if var == PROPOSED:
        return Cell("only proposed by the document, not recorded as in place", css="proposed") \
            if _is_true(value) else Cell("recorded")
    if value is None or str(value) == "":
        return None
    if isinstance(value, URIRef):
        label = row.get(var + "Label")
        text = str(label) if label is not None else _fallback(str(value))
        page = row.get("legislationPage") if var in ("provision", "listedBy", "newProvision") \
            else None
        external = str(page) if page is not None and re.match(r"(?i)https?://", str(page)) \
            else None
        return Cell(text, url_for("pages.entity", iri=str(value)), external)
    if isinstance(value, Literal) and value.datatype is not None and \
            str(value.datatype).endswith("#boolean"):
        return Cell("yes" if value.toPython() is True else "no")
    return Cell(str(value))


def _fallback(iri: str) -> str:
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail.replace("-", " ") if tail else iri


@bp.errorhandler(InputError)
def _bad_input(exc: InputError) -> tuple[str, int]:
    return render_template("pages/error.html", title="That did not work", message=str(exc),
                           status=400), 400


@bp.errorhandler(QueryTimeout)
def _timeout(exc: QueryTimeout) -> tuple[str, int]:
    return render_template("pages/error.html", title="The store took too long",
                           message=str(exc), status=503), 503


@bp.errorhandler(StoreError)
def _store_error(exc: StoreError) -> tuple[str, int]:
    return render_template("pages/error.html", title="The store could not answer",
                           message=str(exc), status=503), 503
