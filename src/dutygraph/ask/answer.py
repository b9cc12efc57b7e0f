"""From a reading to the named query that answers it, and back from an answer page's
parameters to the reading (so that a permalink answers the same question again, without the
words it was first asked in).

Why here and not in the web view: the CLI, a test or another front end can run the same
plan; the web page only draws it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import authority_iri
from ..queries import QueryResult, run_query
from ..queries.internal import page_text
from ..queries.params import expand_prefixed, looks_like_iri
from ..store import Store
from ..validation.dates import parse_day
from .kinds import DG, MODALITIES, Kind, kind
from .lexicon import Lexicon, Thing
from .proposals import marked
from .read import Day, Reading

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class Plan:
    """The named query, its parameters, and which of its rows answer the question (links-of
    answers several kinds: each keeps the links of its relations)."""

    query: str
    params: dict[str, str]
    relations: tuple[tuple[str, str], ...] = ()
    modalities: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    page_query: bool = False  # one of the pages' own queries (queries/pages)


def plan(reading: Reading) -> Plan:
    """The query that answers an "answer" reading, with its parameters."""
    k = reading.kind
    if k is None or reading.status != "answer":
        raise InputError("only a reading with a kind can be answered", parameter="q")
    subject = reading.subject.iri if reading.subject is not None else ""
    authority = reading.authority.iri if reading.authority is not None else ""
    day = reading.day.iso if reading.day is not None else ""
    params: dict[str, str]
    relations, columns = k.relations, k.columns
    if k.name == "accountable":
        params = {"function": subject, "authority": authority, "as_of": day}
    elif k.name in ("duties", "law-today"):
        params = {"subject": subject, "as_of": day}
    elif k.name in ("reports-to", "chair", "chaired-by", "holder"):
        params = {"subject": subject, "authority": authority, "as_of": day}
    elif k.name in ("board-partners", "partners"):
        params = {"authority": authority, "as_of": day}
    elif k.name == "report-recipients" and authority:
        params = {"authority": authority}
    elif k.name == "report-recipients":
        # Nationally: the links into the report, from the roles that receive it.
        return Plan("links-of", _given({"subject": subject, "as_of": day}),
                    (("incoming", "receivesReport"),), (),
                    (("Recipient", "other"), ("Link", "relationLabel"),
                     ("Force", "modalityLabel"), ("Provision", "provision"),
                     ("In force from", "validFrom"), ("to", "validThrough")))
    elif k.name == "provision":
        params = {"provision": subject}
    elif k.name == "replaced":
        params = {"subject": subject}
    elif k.name == "changes":
        params = {"since": day, "until": reading.until.iso if reading.until else "",
                  "authority": authority}
    else:  # pragma: no cover - every kind is listed above
        raise InputError(f"no plan for the kind '{k.name}'", parameter="kind")
    modalities = tuple(DG + m for m in MODALITIES.get(reading.modality or "", ()))
    return Plan(k.query, _given(params), relations, modalities, columns, k.page_query)


def _given(params: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in params.items() if value}


def run(store: Store, p: Plan) -> QueryResult:
    """The plan's query run, with only the rows that answer the question, each saying
    whether what it names is only proposed by its document (a `proposed` column)."""
    result = _page(store, p) if p.page_query else run_query(store, p.query, p.params)
    rows = [row for row in result.rows if _keep(p, row)]
    return marked(store, QueryResult(query=result.query, params=result.params,
                                     variables=result.variables, rows=rows, sparql=result.sparql))


def _page(store: Store, p: Plan) -> QueryResult:
    """A page query's answer as a named query's (its parameters are IRIs and a date)."""
    values: dict[str, Node] = {
        name: (Literal(value, datatype=XSD.date) if name == "as_of" else URIRef(value))
        for name, value in p.params.items()}
    text = page_text(p.query, values)
    got = store.select(text)
    return QueryResult(query=p.query, params=p.params, variables=list(got.variables),
                       rows=[dict(r) for r in got.rows], sparql=str(text))


def _keep(p: Plan, row: dict[str, Node]) -> bool:
    if p.relations:
        relation = str(row.get("relation", "")).rsplit("#", 1)[-1]
        if (str(row.get("direction", "")), relation) not in p.relations:
            return False
    return not p.modalities or str(row.get("modality", "")) in p.modalities


def reading_from_params(kind_name: str, args: dict[str, str], lexicon: Lexicon,
                        today: dt.date | None = None) -> Reading:
    """The reading an answer page's parameters stand for (kind in the path; subject,
    authority, on, until, modality, q), each checked: a bad one is an InputError naming it."""
    k = kind(kind_name)
    if k is None:
        raise InputError(f"no kind of question '{kind_name}'", parameter="kind")
    reading = Reading(args.get("q", ""), "answer", kind=k)
    reading.subject = _thing(args.get("subject"), "subject", lexicon)
    authority = _authority(args.get("authority"), lexicon)
    if authority is not None and authority.category != "authority":
        raise InputError(f"<{authority.iri}> is not a local authority", parameter="authority")
    reading.authority = authority
    reading.day = _day(args.get("date"), "date", today)
    reading.until = _day(args.get("until"), "until", today)
    modality = (args.get("modality") or "").strip()
    if modality and modality not in MODALITIES:
        raise InputError(f"'{modality}' is not must, should or may", parameter="modality")
    reading.modality = modality or None
    _check_complete(reading, k)
    return reading


def _authority(value: str | None, lexicon: Lexicon) -> Thing | None:
    """The authority a permalink names: its IRI, its slug ("bromley", as the named queries
    and /authority/<slug> take it) or one of its names ("Bromley", "London Borough of
    Bromley"); a name that fits no authority, or several, is an InputError."""
    text = (value or "").strip()
    if not text:
        return None
    if looks_like_iri(text):
        return _thing(expand_prefixed(text), "authority", lexicon)
    by_slug = lexicon.get(str(authority_iri(text))) if _SLUG.match(text) else None
    if by_slug is not None and by_slug.category == "authority":
        return by_slug
    hits = sorted(i for i in lexicon.named(text)
                  if (t := lexicon.get(i)) is not None and t.category == "authority")
    if len(hits) == 1:
        return lexicon.get(hits[0])
    if hits:
        raise InputError(f"“{text}” names more than one authority: "
                         + ", ".join(f"<{i}>" for i in hits), parameter="authority")
    raise InputError(f"no authority has the slug, name or IRI “{text}”", parameter="authority")


def _thing(value: str | None, name: str, lexicon: Lexicon) -> Thing | None:
    iri = (value or "").strip()
    if not iri:
        return None
    thing = lexicon.get(iri)
    if thing is not None:
        return thing
    cite = next((c for c in lexicon.citations if c.iri == iri), None)
    if cite is not None:
        return Thing(cite.iri, cite.label, "provision")
    raise InputError(f"nothing in the graph is <{iri}>", parameter=name)


def _day(value: str | None, name: str, today: dt.date | None) -> Day | None:
    text = (value or "").strip()
    if not text:
        return None
    if text in ("today", "now"):
        return Day((today or dt.date.today()).isoformat(), text, "today")
    day = parse_day(text, name)  # the one date rule (validation.dates)
    assert day is not None  # text is not empty
    return Day(day.isoformat(), None, "day")


def _check_complete(reading: Reading, k: Kind) -> None:
    if k.needs_subject and reading.subject is None and k.name != "report-recipients":
        raise InputError(f"“{k.title}” needs a subject", parameter="subject")
    if reading.subject is not None and k.subjects and \
            reading.subject.category not in k.subjects:
        raise InputError(f"“{reading.subject.label}” is not something “{k.title}” is asked "
                         "about", parameter="subject")
    if k.needs_authority and reading.authority is None:
        raise InputError(f"“{k.title}” needs an authority", parameter="authority")
    if k.name == "report-recipients" and reading.subject is None and reading.authority is None:
        raise InputError("say which report, or which authority", parameter="subject")
    if k.name == "changes" and (reading.day is None or reading.until is None):
        raise InputError("“What changed” needs two dates", parameter="date")
