"""Reading a SPARQL request before any engine sees it, so the endpoint stays read-only and
never makes the server fetch anything.

Both engines we embed fetch on request: Oxigraph sends SERVICE clauses over HTTP, and rdflib
sends SERVICE and (unless SPARQL_LOAD_GRAPHS is off) loads FROM graphs it does not hold, from
the web or from file: IRIs. Neither can be told not to, so we refuse such queries here.

The check is a SPARQL tokenizer, not a parser: it only has to find keywords and the IRIs of
dataset clauses, and it must never read code as a string, comment or IRI. It reads the text
twice, as written and with \\u codepoint escapes applied first (rdflib applies them anywhere
in the query, as SPARQL 1.1 allows; Oxigraph only inside strings), and refuses if either
reading shows a forbidden construct. Whether a query is well formed is left to the store's
own parser, whose message the client receives.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urljoin

from ..errors import InputError

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_WORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE",
                          "COPY"})
READ_ONLY_MESSAGE = ("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
                     "DROP, CREATE, ADD, MOVE, COPY) is refused")
MAX_NESTING = 200  # brackets deep a query may nest
SERVICE_MESSAGE = ("SERVICE is not allowed: this endpoint answers from its own store and never "
                   "contacts other hosts")

_PN_CHARS_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff"
                  "\u200c-\u200d\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf"
                  "\ufdf0-\ufffd\U00010000-\U000effff")
_PN_CHARS = _PN_CHARS_BASE + r"_\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_VAR_CHARS = _PN_CHARS_BASE + r"_0-9\u00b7\u0300-\u036f\u203f-\u2040"
_LOCAL = rf"(?:[{_PN_CHARS}.:]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?#@%])*"

# Every alternative is greedy with nothing after it that could fail, so the scan is linear.
# A name run (a prefixed name or a bare word) is taken whole, as the engines' lexers take it.
_TOKEN = re.compile(
    rf"""(?P<ws>\s+)
      | (?P<comment>\#[^\r\n]*)
      | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][{_VAR_CHARS}]+)
      | (?P<bnode>_:[{_PN_CHARS}.]*)
      | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
      | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)
      | (?P<name>(?:[{_PN_CHARS_BASE}][{_PN_CHARS}.]*)?:{_LOCAL}|[{_PN_CHARS_BASE}][{_PN_CHARS}.]*)
      | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# String bodies are matched without their closing quotes (so the match cannot fail); the
# caller looks for the closing quotes, as a SPARQL lexer does.
_STRING_BODY = {
    '"""': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*', re.DOTALL),
    "'''": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*", re.DOTALL),
    '"': re.compile(r'"(?:[^"\\\r\n]|\\.)*'),
    "'": re.compile(r"'(?:[^'\\\r\n]|\\.)*"),
}
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


@dataclass(frozen=True)
class Token:
    kind: str  # word, pname, iri, var, string, number, other, ...
    text: str
    start: int
    end: int

    @property
    def upper(self) -> str:
        return self.text.upper()


def unescape_codepoints(text: str) -> str:
    r"""Apply SPARQL's \uXXXX and \UXXXXXXXX escapes, as rdflib does before parsing."""

    def repl(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)

    return _CODEPOINT.sub(repl, text)


def _string_at(text: str, pos: int, failed: dict[str, int]) -> int | None:
    """End of the string literal opening at pos, or None if none can open there.

    A failed scan is remembered: any later opening of the same kind inside the region it
    scanned must fail the same way (it resumes in step with the first scan), so no region is
    scanned twice and adversarial runs of quotes stay linear.
    """
    quote = text[pos]
    for opening in (quote * 3, quote):
        if not text.startswith(opening, pos) or pos < failed.get(opening, -1):
            continue
        body = _STRING_BODY[opening].match(text, pos)
        end = body.end() if body else pos
        if text.startswith(opening, end):
            return end + len(opening)
        failed[opening] = end
    return None


def tokenize(text: str) -> list[Token]:
    """The significant tokens of a SPARQL text (whitespace and comments dropped).

    A name run without a colon is a 'word' (keywords live there); with one, a 'pname'.
    """
    tokens: list[Token] = []
    failed: dict[str, int] = {}
    pos, n = 0, len(text)
    while pos < n:
        if text[pos] in "\"'":
            end = _string_at(text, pos, failed)
            kind = "string" if end is not None else "other"
            end = end if end is not None else pos + 1
            tokens.append(Token(kind, text[pos:end], pos, end))
            pos = end
            continue
        m = _TOKEN.match(text, pos)
        if m is None:  # cannot happen: 'other' matches any character
            raise InputError("unreadable query text", parameter="query")
        kind = m.lastgroup or "other"
        if kind == "name":
            kind = "pname" if ":" in m.group() else "word"
        if kind not in ("ws", "comment"):
            tokens.append(Token(kind, m.group(), m.start(), m.end()))
        pos = m.end()
    return tokens


def _keyword_text(token: Token) -> str:
    """The part of a token in which an engine may find a keyword.

    Oxigraph's parser matches keywords without checking word boundaries ('SERVICEex:x' and
    'SERVICE:x' are SERVICE clauses to it), so a keyword may hide anywhere in a bare word or in
    the prefix of a prefixed name (not in a local name, which every lexer takes whole).
    """
    if token.kind == "word":
        return token.upper
    if token.kind == "pname":
        return token.text.partition(":")[0].upper()
    return ""


@dataclass
class DatasetClause:
    named: bool
    iri: str | None  # None when the IRI cannot be read (unknown prefix, not an IRI)
    start: int  # span of the whole clause in the text it was read from
    end: int


@dataclass
class QueryInfo:
    """What the endpoint needs to know about a query before running it."""

    text: str
    form: str | None  # SELECT, CONSTRUCT, DESCRIBE, ASK; None when not recognisable
    datasets: list[DatasetClause] = field(default_factory=list)  # as written
    escaped_datasets: list[DatasetClause] = field(default_factory=list)  # after \u escapes
    insert_at: int | None = None  # where protocol dataset clauses go in text

    @property
    def is_graph_query(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    @property
    def dataset_iris(self) -> list[str | None]:
        return [d.iri for d in self.datasets + self.escaped_datasets]


def _prologue(tokens: Sequence[Token]) -> tuple[dict[str, str], str | None, int]:
    """PREFIX and BASE declarations, and the index of the first token after them."""
    prefixes: dict[str, str] = {}
    base: str | None = None
    i = 0
    while i < len(tokens):
        word = tokens[i].upper if tokens[i].kind == "word" else ""
        if word == "BASE" and i + 1 < len(tokens) and tokens[i + 1].kind == "iri":
            base = _resolve(tokens[i + 1].text[1:-1], base)
            i += 2
        elif (word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 1].kind == "pname"
              and tokens[i + 1].text.endswith(":") and tokens[i + 2].kind == "iri"):
            prefixes[tokens[i + 1].text[:-1]] = _resolve(tokens[i + 2].text[1:-1], base)
            i += 3
        else:
            break
    return prefixes, base, i


def _resolve(iri: str, base: str | None) -> str:
    return urljoin(base, iri) if base else iri


def _iri_of(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    if token.kind == "iri":
        return _resolve(token.text[1:-1], base)
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + re.sub(r"\\(.)", r"\1", local)
    return None


def _find_insertion(tokens: Sequence[Token], form_index: int, form: str) -> int | None:
    """Index of the token before which dataset clauses stand (FROM, or the WHERE part), or
    len(tokens) for a DESCRIBE without a WHERE part; None if not found."""
    i = form_index + 1
    if form == "CONSTRUCT" and i < len(tokens):
        if tokens[i].upper in ("WHERE", "FROM"):
            return i  # short form: CONSTRUCT [FROM ...] WHERE { ... }
        if tokens[i].text == "{":  # skip the template
            depth = 0
            while i < len(tokens):
                depth += {"{": 1, "}": -1}.get(tokens[i].text, 0)
                i += 1
                if depth == 0:
                    break
    parens = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif parens == 0 and (tok.text == "{" or tok.upper in ("WHERE", "FROM") or (
                form == "DESCRIBE" and tok.kind == "word"
                and tok.upper in ("ORDER", "GROUP", "HAVING", "LIMIT", "OFFSET", "VALUES"))):
            return i
        i += 1
    return len(tokens) if form == "DESCRIBE" else None


def _nesting(tokens: Sequence[Token]) -> int:
    depth = peak = 0
    for t in tokens:
        if t.kind == "other" and t.text in "{([":
            depth += 1
            peak = max(peak, depth)
        elif t.kind == "other" and t.text in "})]":
            depth -= 1
    return peak


def _read(text: str) -> QueryInfo:
    tokens = tokenize(text)
    # Oxigraph's parser recurses per bracket and a few thousand levels overflow its stack.
    if _nesting(tokens) > MAX_NESTING:
        raise InputError(f"the query nests brackets more than {MAX_NESTING} deep",
                         parameter="query")
    if any("SERVICE" in _keyword_text(t) for t in tokens):
        raise InputError(SERVICE_MESSAGE, parameter="query")
    if any(t.kind == "word" and t.upper in UPDATE_WORDS for t in tokens):
        raise InputError(READ_ONLY_MESSAGE, parameter="query")
    prefixes, base, start = _prologue(tokens)
    first = tokens[start].upper if start < len(tokens) and tokens[start].kind == "word" else ""
    if first in ("WITH", "USING"):
        raise InputError(READ_ONLY_MESSAGE, parameter="query")
    form = first if first in QUERY_FORMS else None
    info = QueryInfo(text=text, form=form)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "word" and tok.upper == "FROM":
            j = i + 1
            named = j < len(tokens) and tokens[j].kind == "word" and tokens[j].upper == "NAMED"
            if named:
                j += 1
            if j < len(tokens):
                info.datasets.append(DatasetClause(named, _iri_of(tokens[j], prefixes, base),
                                                   tok.start, tokens[j].end))
            else:
                info.datasets.append(DatasetClause(named, None, tok.start, len(text)))
            i = j
        i += 1
    if form:
        at = _find_insertion(tokens, start, form)
        if at is not None:
            info.insert_at = tokens[at].start if at < len(tokens) else len(text)
    return info


def inspect_query(text: str) -> QueryInfo:
    """Refuse updates and SERVICE; return the query form and its dataset clauses.

    Raises InputError (parameter 'query') for anything the endpoint must not run.
    """
    info = _read(text)
    unescaped = unescape_codepoints(text)
    if unescaped != text:
        other = _read(unescaped)
        info.escaped_datasets = other.datasets
        if info.form is None:
            info.form = other.form
    return info


def check_graphs(iris: Iterable[str | None], allowed: Iterable[object], parameter: str) -> None:
    """Every graph a request names must be one of the store's own named graphs."""
    own = {str(g) for g in allowed}
    for iri in iris:
        if iri is None:
            raise InputError("a FROM clause must name one of this store's graphs by its IRI",
                             parameter=parameter)
        if iri not in own:
            raise InputError(
                f"the graph <{iri[:200]}> is not one of this store's named graphs, and this "
                "endpoint never loads graphs from elsewhere (SELECT DISTINCT ?g WHERE "
                "{ GRAPH ?g {} } lists the graphs it holds)", parameter=parameter)


def with_protocol_dataset(info: QueryInfo, default_graphs: Sequence[str],
                          named_graphs: Sequence[str]) -> str:
    """The query text with its own dataset clauses replaced by the protocol's
    default-graph-uri / named-graph-uri, which take precedence (SPARQL 1.1 Protocol 2.1.4)."""
    if not default_graphs and not named_graphs:
        return info.text
    for parameter, iris in (("default-graph-uri", default_graphs),
                            ("named-graph-uri", named_graphs)):
        for iri in iris:
            if not iri or any(c in iri for c in '<>"{}|^`\\ \t\r\n'):
                raise InputError(f"'{iri[:80]}' is not an IRI", parameter=parameter)
    if info.insert_at is None:
        raise InputError("cannot apply default-graph-uri / named-graph-uri: the query's "
                         "WHERE clause was not found", parameter="query")
    clauses = "".join(f" FROM <{g}>" for g in default_graphs)
    clauses += "".join(f" FROM NAMED <{g}>" for g in named_graphs)
    text = info.text
    out: list[str] = []
    pos, inserted = 0, False
    for clause in sorted(info.datasets, key=lambda d: d.start):
        if not inserted and info.insert_at <= clause.start:
            out.append(text[pos:info.insert_at] + clauses + " ")
            pos, inserted = info.insert_at, True
        out.append(text[pos:clause.start])
        pos = clause.end
    if not inserted:
        at = max(info.insert_at, pos)
        out.append(text[pos:at] + clauses + " ")
        pos = at
    out.append(text[pos:])
    return "".join(out)
