"""The as-of date: which day's law a validation applies, and how the shapes learn it.

The shapes are plain SHACL-SPARQL and read the day from the data graph: one dg:AuditContext
node with dg:asOf (the day) and dg:windowStart (the first day of the twelve months ending on
it). Date arithmetic is done here, once, rather than in SPARQL, where engines disagree on
xsd:date minus xsd:duration. The fast engine does not add the node to a store it does not
own: it replaces the two canonical context patterns of the shapes by inline VALUES, which
is the same join when there is exactly one context node (see engine.py).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from rdflib import RDF, BNode, Graph, Literal
from rdflib.namespace import XSD

from ..errors import InputError
from ..namespaces import DG, bind_prefixes

# The only two ways a shape may read the context (tests/validation checks every shape).
CONTEXT_PATTERNS = {
    "asOf": re.compile(r"\?context\s+dg:asOf\s+\?asOf\s*\."),
    "windowStart": re.compile(r"\?context\s+dg:windowStart\s+\?windowStart\s*\."),
}


# The one rule for a date from a user, on every entry point (CLI options, web forms, API and
# query parameters): YYYY-MM-DD exactly (Python's fromisoformat also takes 20130501 and
# 2013-W19-2, which the web did not), a real calendar day, in the years the law it holds
# can be asked about. Spaces around it are ignored; empty means "not given".
DATE_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only
FIRST_YEAR, LAST_YEAR = 1900, 2999


def parse_day(value: str | None, parameter: str) -> dt.date | None:
    """The date a user gave, None when none was given, or InputError naming the parameter."""
    text = (value or "").strip()
    if not text:
        return None
    if not DATE_FORM.fullmatch(text):
        raise InputError(f"'{text[:40]}' is not a date in the form YYYY-MM-DD",
                         parameter=parameter)
    try:
        day = dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(f"'{text}' is not a date in the form YYYY-MM-DD (no such day)",
                         parameter=parameter) from exc
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # the law it holds begins in 1989
        raise InputError(f"'{text}' is outside the years {FIRST_YEAR}-{LAST_YEAR} this "
                         "service answers for", parameter=parameter)
    return day


def year_before(day: dt.date) -> dt.date:
    """The same day one year earlier (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class AsOf:
    """The day whose law applies, and the first day of the twelve months ending on it.

    The window is inclusive at both ends: on 7 May 2013 it runs from 8 May 2012 to
    7 May 2013, so a report published on 8 May 2012 is within "the last 12 months".
    """

    day: dt.date

    @property
    def window_start(self) -> dt.date:
        if self.day.year == dt.MINYEAR:
            # The twelve months would begin in the year 0, which neither Python nor xsd:date
            # (as rdflib reads it) can hold; nothing can be dated before the year 1 anyway.
            return dt.date.min
        return year_before(self.day) + dt.timedelta(days=1)

    def iso(self) -> str:
        return self.day.isoformat()

    def context_graph(self) -> Graph:
        """The dg:AuditContext node the shapes read, as triples to add to a data graph."""
        g = Graph()
        bind_prefixes(g)
        node = BNode("auditContext")
        g.add((node, RDF.type, DG.AuditContext))
        g.add((node, DG.asOf, Literal(self.day.isoformat(), datatype=XSD.date)))
        g.add((node, DG.windowStart, Literal(self.window_start.isoformat(), datatype=XSD.date)))
        return g

    def substitute(self, sparql: str) -> str:
        """Replace the canonical context patterns of a shape's query by inline data."""
        values = {"asOf": self.day, "windowStart": self.window_start}
        for var, pattern in CONTEXT_PATTERNS.items():
            literal = f'"{values[var].isoformat()}"^^<{XSD.date}>'
            sparql = pattern.sub(f"VALUES ?{var} {{ {literal} }}", sparql)
        return sparql


def resolve(as_of: dt.date | None) -> AsOf:
    """The as-of date to use: the one given, or today."""
    return AsOf(as_of or dt.date.today())
