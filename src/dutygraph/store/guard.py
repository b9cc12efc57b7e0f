"""What a read query may not do, checked before any engine sees it.

Every store kind would otherwise act on some of these: pyoxigraph and rdflib fetch SERVICE
endpoints over HTTP, rdflib loads FROM graphs from the web when SPARQL_LOAD_GRAPHS is on,
Virtuoso's DEFINE pragmas turn on its web crawler (the "sponger") and its /sparql endpoint
runs updates sent as queries. The store layer is the last line of defence, so it refuses
them whoever calls it (the web endpoint refuses them too, earlier, with its own message).

The check is lexical: comments, strings and IRIs are blanked out, then the remaining words are
compared with SPARQL keywords. That is enough because every refused construct starts with a
keyword that cannot appear, unquoted, in a standard read query.
"""

from __future__ import annotations

import functools
import re

from ..errors import InputError

QUERY_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                   "WITH", "USING"}
_TOKEN = re.compile(
    r"""(?P<comment>\#[^\n]*)
      | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                  |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<pname>(?:[A-Za-z_][\w.-]*)?:[\w.:%-]*)
      | (?P<name>[?$@][\w-]+|\d[\w.+-]*)
      | (?P<word>[A-Za-z_][\w-]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)


def tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) of each token outside comments: kinds are string, iri, pname, name
    (variables, language tags, numbers), word and other (punctuation)."""
    return [(m.lastgroup or "other", m.group()) for m in _TOKEN.finditer(query)
            if m.lastgroup != "comment" and not m.group().isspace()]


@functools.lru_cache(maxsize=512)
def keywords(query: str) -> tuple[str, ...]:
    """The bare words of a query, upper-cased, outside comments, strings and IRIs.

    Kept for the last few hundred texts: every query is checked several times on its way
    (read-only, its form, its dataset), and reading a long one costs more than a small query."""
    return tuple(m.group("word").upper() for m in _TOKEN.finditer(query) if m.group("word"))


def query_form(query: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE; InputError for anything else (updates included)."""
    words = keywords(query)
    for word in words:
        if word in ("PREFIX", "BASE"):
            continue  # prefix names and IRIs are not words, so the form comes next
        if word in QUERY_FORMS:
            return word
        break
    raise InputError("not a read query: only SELECT, ASK, CONSTRUCT and DESCRIBE are accepted",
                     parameter="query")


def check_read_query(query: str) -> str:
    """Refuse updates, SERVICE and engine pragmas; return the query form."""
    words = set(keywords(query))
    if "DEFINE" in words:
        raise InputError("DEFINE pragmas are not allowed", parameter="query")
    form = query_form(query)
    if "SERVICE" in words:
        raise InputError("SERVICE is not allowed: dutygraph never queries other endpoints",
                         parameter="query")
    if words & UPDATE_KEYWORDS:
        found = sorted(words & UPDATE_KEYWORDS)[0]
        raise InputError(f"{found} is an update keyword; only read queries are accepted",
                         parameter="query")
    return form


def names_dataset(query: str) -> bool:
    """True when the query chooses its own dataset with FROM or FROM NAMED."""
    return "FROM" in keywords(query)


def dataset_clauses(query: str) -> tuple[list[str], list[str]]:
    """The IRIs of the query's FROM and FROM NAMED clauses (prefixed names resolved), so a
    client can send them as the protocol's default-graph-uri / named-graph-uri instead: a
    server told to use the union as its default graph may ignore FROM in the query text."""
    defaults, named = _dataset_clauses(query)
    return list(defaults), list(named)


@functools.lru_cache(maxsize=512)
def _dataset_clauses(query: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """dataset_clauses, kept per text: the embedded store asks it of every scoped query."""
    found = tokens(query)
    prefixes: dict[str, str] = {}
    defaults: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(found):
        kind, text = found[i]
        word = text.upper() if kind == "word" else ""
        if word == "PREFIX" and i + 2 < len(found) and found[i + 2][0] == "iri":
            prefixes[found[i + 1][1].rstrip(":")] = found[i + 2][1][1:-1]
            i += 3
            continue
        if word == "FROM" and i + 1 < len(found):
            target = named if found[i + 1][1].upper() == "NAMED" else defaults
            j = i + 2 if target is named else i + 1
            if j < len(found):
                kind_j, ref = found[j]
                if kind_j == "iri":
                    target.append(ref[1:-1])
                elif kind_j == "pname" and ":" in ref:
                    prefix, local = ref.split(":", 1)
                    if prefix not in prefixes:
                        raise InputError(f"unknown prefix '{prefix}:' in FROM",
                                         parameter="query")
                    target.append(prefixes[prefix] + local)
            i = j + 1
            continue
        i += 1
    return tuple(defaults), tuple(named)
