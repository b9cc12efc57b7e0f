"""One spelling for every literal, whichever engine answered.

Engines agree on values but not on how they write them: Virtuoso answers `true` as
"1"^^xsd:boolean, a year's duration as "12", xsd:string literals with their datatype; rdflib
writes doubles as "100.0" and UTC as "+00:00"; Oxigraph writes "100", "Z", folds xsd:int into
xsd:integer and lower-cases language tags. The embedded store (Oxigraph) is the reference, so
this module rewrites the other engines' literals into Oxigraph's canonical forms. A value we
cannot read is returned untouched: better a visible difference than a silent change.
"""

from __future__ import annotations

import math
import re
import struct
from decimal import Decimal, InvalidOperation

from rdflib import Literal, URIRef
from rdflib.term import Node

XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING = XSD + "string"
_BOOLEAN = XSD + "boolean"
_INTEGER = XSD + "integer"
_DECIMAL = XSD + "decimal"
_DOUBLE = XSD + "double"
_FLOAT = XSD + "float"
_DATETIME = XSD + "dateTime"
_DURATIONS = {XSD + "duration", XSD + "yearMonthDuration", XSD + "dayTimeDuration"}
# Oxigraph stores every type derived from xsd:integer as xsd:integer.
_INTEGER_TYPES = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "negativeInteger", "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}

_DURATION_RE = re.compile(
    r"^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$")


def canonical_term(term: Node) -> Node:
    """The same term, with a literal rewritten in Oxigraph's canonical form."""
    if isinstance(term, Literal):
        return canonical_literal(str(term), str(term.datatype) if term.datatype else None,
                                 term.language)
    return term


def canonical_literal(lexical: str, datatype: str | None, lang: str | None = None) -> Literal:
    if lang:
        return Literal(lexical, lang=lang.lower())
    if datatype is None or datatype == _STRING:
        return Literal(lexical)
    spelled = _canonical_lexical(lexical.strip(), datatype)
    if spelled is None:
        return Literal(lexical, datatype=URIRef(datatype), normalize=False)
    text, dt = spelled
    return Literal(text, datatype=URIRef(dt), normalize=False)


def _canonical_lexical(lexical: str, datatype: str) -> tuple[str, str] | None:
    try:
        if datatype == _BOOLEAN:
            if lexical in ("1", "true"):
                return "true", datatype
            if lexical in ("0", "false"):
                return "false", datatype
            return None
        if datatype in _INTEGER_TYPES:
            return str(int(lexical)), _INTEGER
        if datatype == _DECIMAL:
            return _decimal(lexical), datatype
        if datatype == _DOUBLE:
            return _double(float(lexical.replace("INF", "inf"))), datatype
        if datatype == _FLOAT:
            return _float32(float(lexical.replace("INF", "inf"))), datatype
        if datatype in _DURATIONS:
            return _duration(lexical), datatype
        if datatype == _DATETIME and lexical.endswith("+00:00"):
            return lexical[:-6] + "Z", datatype
    except (ValueError, InvalidOperation, OverflowError):
        return None
    return lexical, datatype


def _plain(d: Decimal) -> str:
    """A decimal written without exponent and without trailing zeros ("100", "1.5", "-0")."""
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _decimal(lexical: str) -> str:
    d = Decimal(lexical)
    if not d.is_finite():
        raise ValueError(lexical)
    text = _plain(d)
    return "0" if text in ("-0", "") else text


def _special(x: float) -> str | None:
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "INF" if x > 0 else "-INF"
    return None


def _double(x: float) -> str:
    # Oxigraph writes a double as Rust's Display does: the shortest decimal that reads back
    # as the same double, without exponent ("125000", "0.00000015").
    return _special(x) or _plain(Decimal(repr(x)))


def _float32(x: float) -> str:
    special = _special(x)
    if special:
        return special
    target = struct.unpack("f", struct.pack("f", x))[0]
    for digits in range(1, 10):
        text = f"{target:.{digits}g}"
        if struct.unpack("f", struct.pack("f", float(text)))[0] == target:
            return _plain(Decimal(text))
    return _plain(Decimal(repr(target)))


def _duration(lexical: str) -> str:
    """ISO 8601 duration in canonical form; Virtuoso's bare numbers are months (an integer,
    for year-month durations) or seconds (a decimal, for day-time durations)."""
    negative = False
    if re.fullmatch(r"-?\d+", lexical):
        months, seconds = int(lexical), Decimal(0)
    elif re.fullmatch(r"-?\d+\.\d*(?:[eE][-+]?\d+)?", lexical):
        months, seconds = 0, Decimal(lexical)
    else:
        m = _DURATION_RE.match(lexical)
        if not m or lexical in ("P", "-P") or lexical.endswith("T"):
            raise ValueError(lexical)
        sign, y, mo, d, h, mi, s = m.groups()
        negative = bool(sign)
        months = int(y or 0) * 12 + int(mo or 0)
        seconds = (Decimal(d or 0) * 86400 + Decimal(h or 0) * 3600 + Decimal(mi or 0) * 60
                   + Decimal(s or 0))
    if months < 0 or seconds < 0:
        negative = True
        months, seconds = abs(months), abs(seconds)
    years, months = divmod(months, 12)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    date = (f"{years}Y" if years else "") + (f"{months}M" if months else "") + \
        (f"{int(days)}D" if days else "")
    time = (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "") + \
        (f"{_plain(secs)}S" if secs else "")
    if not date and not time:
        return "PT0S"
    return ("-" if negative else "") + "P" + date + (("T" + time) if time else "")
