"""Dates in an officer's words: "on 1 April 2013", "1/4/2013", "2013-04-01", "April 2013",
"in 2012", "today", "now", and ranges ("between 2012 and 2014", "since April 2013").

Each date found says which words it came from and how precise it was, because the reading
shows it ("2012" is read as 1 July 2012, the middle of the year, and the page says so) and
a range takes the first day of its start and the last day of its end.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: number for number, names in enumerate([
    (), ("january", "jan"), ("february", "feb", "febuary", "feburary"), ("march", "mar"),
    ("april", "apr"), ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
    ("september", "sep", "sept", "septmber"), ("october", "oct"), ("november", "nov"),
    ("december", "dec")]) for name in names}
_MONTH = "(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"((?:19|20)\d\d)"

# Words before a year that make it part of a name ("Children Act 2004", "SI 2006/90",
# "Working Together 2013"), not a date.
_NAMED_YEAR = re.compile(r"(?:\bact|\bregulations?|\btogether|\bca|\bsi|\bguidance|\bwt)\s*$")

PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")),
    ("dmy", re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.](\d{4})\b")),
    ("day-month-year", re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}\b")),
    ("month-day-year", re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b")),
    ("month-year", re.compile(rf"\b{_MONTH},?\s+{_YEAR}\b")),
    ("year", re.compile(rf"(?<![/\d-]){_YEAR}(?![/\d-])")),
    ("today", re.compile(r"\b(today|now|nowadays|currently|current|at present|at the moment|"
                         r"these days|as it stands|right now)\b")),
]


@dataclass(frozen=True)
class Found:
    """A date in the question: the words, where they were, the first and last day they can
    mean, and how precise they were (day, month, year, today)."""

    words: str
    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: str

    @property
    def point(self) -> dt.date:
        """The one day a single date is read as: the day itself; the 1st of a month; the
        middle of a year (1 July)."""
        if self.precision == "year":
            return dt.date(self.first.year, 7, 1)
        return self.first


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _found(kind: str, m: re.Match[str], today: dt.date) -> Found | None:
    g = m.groups()
    try:
        if kind == "iso":
            day = dt.date(int(g[0]), int(g[1]), int(g[2]))
            return Found(m.group(0), m.start(), m.end(), day, day, "day")
        if kind == "dmy":
            day = dt.date(int(g[2]), int(g[1]), int(g[0]))
            return Found(m.group(0), m.start(), m.end(), day, day, "day")
        if kind == "day-month-year":
            day = dt.date(int(g[2]), MONTHS[g[1]], int(g[0]))
            return Found(m.group(0), m.start(), m.end(), day, day, "day")
        if kind == "month-day-year":
            day = dt.date(int(g[2]), MONTHS[g[0]], int(g[1]))
            return Found(m.group(0), m.start(), m.end(), day, day, "day")
        if kind == "month-year":
            year, month = int(g[1]), MONTHS[g[0]]
            return Found(m.group(0), m.start(), m.end(), dt.date(year, month, 1),
                         _month_end(year, month), "month")
        if kind == "year":
            year = int(g[0])
            return Found(m.group(0), m.start(), m.end(), dt.date(year, 1, 1),
                         dt.date(year, 12, 31), "year")
        return Found(m.group(0), m.start(), m.end(), today, today, "today")
    except ValueError:  # 31/02/2013: not a day
        return None


def find_dates(text: str, today: dt.date) -> list[Found]:
    """Every date in the text, left to right, none overlapping another (the most precise
    pattern wins where two overlap)."""
    lowered = text.lower().translate({0x2019: "'"})
    taken: list[Found] = []
    for kind, pattern in PATTERNS:
        for m in pattern.finditer(lowered):
            if any(m.start() < f.end and f.start < m.end() for f in taken):
                continue
            if kind == "year" and _NAMED_YEAR.search(lowered[:m.start()]):
                continue
            if kind == "month-year" and m.group(1) == "may" and not re.search(
                    r"\b(in|of|from|since|until|to|by|on|before|after|between|and)\s+$",
                    lowered[:m.start()]):
                continue  # "the LSCB may 2013..." is the verb, not the month
            found = _found(kind, m, today)
            if found is not None:
                taken.append(found)
    return sorted(taken, key=lambda f: f.start)


def long_date(day: dt.date) -> str:
    """1 April 2013."""
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"
