"""Checking parameters and turning them into typed terms, resolving labels to IRIs.

Every value is checked before any query runs: an IRI must parse (no spaces or <>"{}|^`\\),
a date must be YYYY-MM-DD, text is a plain literal. An IRI parameter may instead be given as
a label ("Bromley", "Director of Children's Services"), matched case-insensitively against
rdfs:label, skos:prefLabel, skos:altLabel and dg:citationLabel of things of the right kind;
an exact match wins over a partial one, and several matches are an error listing them.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Hashable, Mapping

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import PREFIXES
from ..store import Store
from ..validation.dates import parse_day
from .catalogue import NamedQuery, Param
from .internal import internal_select

MAX_TEXT = 500
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_IRI_CHARS = set('<>"{}|^`\\') | {chr(c) for c in range(0x21)} | {"\x7f"}
_CODEPOINT_ESCAPE = re.compile(r"\\[uU]")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'"})


def looks_like_iri(value: str) -> bool:
    """Whether a value is meant as an IRI (or a known prefixed name) rather than a label."""
    return bool(_SCHEME.match(value)) and not any(ch.isspace() for ch in value)


def expand_prefixed(value: str) -> str:
    prefix, _, local = value.partition(":")
    if prefix in PREFIXES and not local.startswith("//"):
        return str(PREFIXES[prefix]) + local
    return value


def parse_iri(value: str, parameter: str) -> URIRef:
    iri = expand_prefixed(value.strip())
    bad = sorted({ch for ch in iri if ch in _BAD_IRI_CHARS})
    if bad:
        shown = ", ".join(repr(ch) for ch in bad)
        raise InputError(f"'{value}' is not a valid IRI (it contains {shown})",
                         parameter=parameter)
    if not _SCHEME.match(iri) or iri.endswith(":"):
        raise InputError(f"'{value}' is not an absolute IRI", parameter=parameter)
    return URIRef(iri)


def parse_date(value: str, parameter: str) -> Literal:
    """A date parameter as an xsd:date, by the one rule for dates (validation.dates)."""
    day = parse_day(value, parameter)
    if day is None:
        raise InputError("no date given (the form is YYYY-MM-DD)", parameter=parameter)
    return Literal(day.isoformat(), datatype=XSD.date)


def parse_text(value: str, parameter: str) -> Literal:
    text = value.strip()
    if not text:
        raise InputError("the text is empty", parameter=parameter)
    if len(text) > MAX_TEXT:
        raise InputError(f"the text is longer than {MAX_TEXT} characters", parameter=parameter)
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        raise InputError("the text contains control characters", parameter=parameter)
    if _CODEPOINT_ESCAPE.search(text):
        # SPARQL processes \uXXXX escapes before parsing; refusing them keeps any value
        # from turning into a quote once it is in the query text.
        raise InputError("the text contains a \\u or \\U escape sequence",
                         parameter=parameter)
    return Literal(text)


def check(query: NamedQuery, params: Mapping[str, str]) -> dict[str, str]:
    """Unknown and missing parameters, before anything is looked up or run."""
    known = {p.name for p in query.params}
    for name in params:
        if name not in known:
            listed = ", ".join(sorted(known)) or "none"
            raise InputError(f"unknown parameter for query '{query.name}' "
                             f"(it takes: {listed})", parameter=name)
    given = {k: v for k, v in params.items() if v is not None and str(v).strip() != ""}
    for p in query.params:
        if p.required and p.name not in given:
            raise InputError(f"required by query '{query.name}' ({p.description})",
                             parameter=p.name)
    for name, value in given.items():
        if not isinstance(value, str):
            raise InputError(f"expected text, got {type(value).__name__}", parameter=name)
    return given


def _kinds(store: Store, param: Param) -> tuple[list[str], list[str]]:
    """The classes whose instances the parameter accepts (its kinds and their subclasses),
    and the classes it accepts as things themselves (subclasses of its kind classes)."""
    classes: set[str] = set(param.kinds)
    selves: set[str] = set()
    wanted = [URIRef(k) for k in dict.fromkeys([*param.kinds, *param.kind_classes])]
    if wanted:
        kinds, kind_classes = set(param.kinds), set(param.kind_classes)
        for row in internal_select(store, "kind-subclasses", kind=wanted).rows:
            kind, found = str(row["kind"]), str(row["class"])
            if kind in kinds:
                classes.add(found)
            if kind in kind_classes:
                selves.add(found)
    return sorted(classes), sorted(selves)


def _containing(store: Store, classes: list[str], selves: list[str],
                text: str) -> list[tuple[str, str]]:
    """(thing, label) for the instances of the classes, and the selves, whose label contains
    the text (lower-cased, curly apostrophes made straight), in order of thing and label."""
    needle = Literal(text.lower().translate(_APOSTROPHES))
    found: set[tuple[str, str]] = set()
    if classes:
        rows = internal_select(store, "labels-containing", needle=needle,
                               **{"class": [URIRef(c) for c in classes]}).rows
        found |= {(str(r["item"]), str(r["label"])) for r in rows}
    if selves:
        rows = internal_select(store, "subclass-labels-containing", needle=needle,
                               item=[URIRef(s) for s in selves]).rows
        found |= {(str(r["item"]), str(r["label"])) for r in rows}
    return sorted(found)


def _exact_label(store: Store, classes: list[str], selves: list[str],
                 text: str) -> URIRef | None:
    """The one thing of the right kind labelled exactly the text, found through the store's
    index on the label's value; None when there is no such thing, or several.

    Why: the substring search reads every label in the store (a second at 1,530 councils);
    a label given exactly as written, the usual case, needs one index lookup.
    """
    literals = [Literal(text.strip()), Literal(text.strip(), lang="en")]
    rows = internal_select(store, "label-exact", label=literals).rows
    wanted, own = set(classes), set(selves)
    items = {str(r["item"]) for r in rows if isinstance(r.get("item"), URIRef)
             and (str(r.get("type")) in wanted or str(r["item"]) in own)}
    return URIRef(items.pop()) if len(items) == 1 else None


# Labels resolved, per store version: a label that is not written exactly as given ("Bromley"
# for "London Borough of Bromley") is found by the substring search, which reads every label
# in the store (0.7 s at 1,530 councils, 60 times the question it was given for). What a label
# names changes only when the store does, so each is looked up once per version. Only found
# things are kept: an unknown or ambiguous label is looked up again, and refused again.
_RESOLVED: OrderedDict[tuple[Hashable, tuple[str, ...], tuple[str, ...], str], URIRef] = \
    OrderedDict()
_RESOLVED_KEPT = 4096
_RESOLVED_LOCK = threading.Lock()


def resolve_label(store: Store, param: Param, text: str) -> URIRef:
    """The one thing of the parameter's kinds whose label matches the text (kept for the
    store's version, where it has one)."""
    version = store.version()
    if version is None:
        return _resolve_label(store, param, text)
    key = (version, param.kinds, param.kind_classes, text.strip())
    with _RESOLVED_LOCK:
        found = _RESOLVED.get(key)
        if found is not None:
            _RESOLVED.move_to_end(key)
            return found
    found = _resolve_label(store, param, text)
    with _RESOLVED_LOCK:
        _RESOLVED[key] = found
        while len(_RESOLVED) > _RESOLVED_KEPT:
            _RESOLVED.popitem(last=False)
    return found


def _resolve_label(store: Store, param: Param, text: str) -> URIRef:
    classes, selves = _kinds(store, param)
    found = _exact_label(store, classes, selves, text)
    if found is not None:
        return found
    needle = text.strip().lower().translate(_APOSTROPHES)
    labels: dict[str, list[str]] = {}
    exact: set[str] = set()
    for item, label in _containing(store, classes, selves, text):
        labels.setdefault(item, []).append(label)
        if label.strip().lower().translate(_APOSTROPHES) == needle:
            exact.add(item)
    candidates = sorted(exact) if exact else sorted(labels)
    if not candidates:
        raise InputError(f"nothing of the right kind is labelled '{text}' "
                         "(give an IRI, or another label)", parameter=param.name)
    if len(candidates) > 1:
        shown = "; ".join(f"{labels[c][0]} <{c}>" for c in candidates[:10])
        more = f" and {len(candidates) - 10} more" if len(candidates) > 10 else ""
        raise InputError(f"'{text}' is ambiguous: it matches {shown}{more}",
                         parameter=param.name)
    return URIRef(candidates[0])


def validate(query: NamedQuery, params: Mapping[str, str]) -> None:
    """Every check that needs no store: names, required, IRI and date syntax, text limits.

    Callers run this before opening a store, so bad input fails fast and nothing runs.
    """
    given = check(query, params)
    for p in query.params:
        if p.name not in given:
            continue
        value = given[p.name].strip()
        if p.type == "date":
            parse_date(value, p.name)
        elif p.type == "text" or (p.accepts_label and not looks_like_iri(value)):
            parse_text(value, p.name)
        else:
            parse_iri(value, p.name)


def resolve(store: Store | None, query: NamedQuery,
            params: Mapping[str, str]) -> dict[str, Node]:
    """Typed terms for the given parameters: IRIs (labels resolved), dates, plain literals."""
    given = check(query, params)
    terms: dict[str, Node] = {}
    for p in query.params:  # header order, so that errors come in a stable order
        if p.name not in given:
            continue
        value = given[p.name].strip()
        if p.type == "date":
            terms[p.name] = parse_date(value, p.name)
        elif p.type == "text":
            terms[p.name] = parse_text(value, p.name)
        elif looks_like_iri(value) or not p.accepts_label:
            terms[p.name] = parse_iri(value, p.name)
        else:
            label = parse_text(value, p.name)
            if store is None:
                raise InputError("a label needs a store to be looked up in", parameter=p.name)
            terms[p.name] = resolve_label(store, p, str(label))
    return terms
