"""The one SPARQL front door: every query and update is parsed here, and judged on its parse.

Why a parser and not a scan of words: the engines read SPARQL with their own grammars, and
any lexer of ours disagrees with them somewhere (`ex:.SERVICE<…>` is a prefixed name, a dot
and a SERVICE clause; `\\u0053ERVICE` is SERVICE to rdflib). So the text is read once by a
real SPARQL 1.1 parser (rdflib's: pyoxigraph exposes none), and what the engine runs is the
very text that parser read (codepoint escapes applied, as rdflib applies them), so that what
was judged and what runs are one reading.

Refused (InputError: exit 2 on the command line, 400 on the web), each message naming what and
where:
- SERVICE, wherever it stands (nested groups, subqueries, EXISTS, OPTIONAL, UNION, MINUS,
  GRAPH), whether its endpoint is an IRI or a variable: dutygraph never queries other hosts;
- every update (INSERT, DELETE, LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY): read-only;
- queries larger or deeper than the limits in sparql/limits.py, which count the operands of
  chains and the steps of paths as well as nesting, because Oxigraph's recursive evaluator
  dies on either;
- text the parser cannot read (with line and column).

Not refused: FROM / FROM NAMED naming a graph the store does not hold. Such a graph is an
empty graph (SPARQL 1.1 Protocol tests expect 2xx): no store kind fetches it. Oxigraph and
SPARQL servers answer from their own graphs only; the memory store is given its dataset
explicitly (store/memory.py), so rdflib's loader is never reached.

This guard is one layer. What makes a SERVICE it missed harmless is the query worker's
sandbox (dutygraph.limits: its own network namespace and a Landlock rule set), in which the
engine has no route to any host and reads no file but the store.

Where it reads: a client's text (/sparql) is read in that worker too
(limits.answers.protocol_answer), never in the server process, whose memory no cap holds; the
checked text then needs no second reading there (a CheckedQuery is not read again, and the
memory store finds the algebra kept here). Our own texts (the named queries' templates,
bound by queries.binding) are read where they are used: they are not a client's choice.
"""

from __future__ import annotations

import ctypes
import functools
import os
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from pyparsing import ParseBaseException, ParseResults
from rdflib.plugins.sparql import parser as sparql_parser
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Identifier, Variable

from ..errors import DutygraphError, InputError
from .limits import MAX_DEPTH, MAX_NESTING, MAX_PARSE_SECONDS, MAX_QUERY_CHARS

T = TypeVar("T")

READ_ONLY_MESSAGE = ("this endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, "
                     "DROP, CREATE, ADD, MOVE, COPY) is refused")
SERVICE_MESSAGE = ("SERVICE is not allowed: this endpoint answers from its own store and never "
                   "contacts other hosts")
FORMS = {"SelectQuery": "SELECT", "ConstructQuery": "CONSTRUCT", "AskQuery": "ASK",
         "DescribeQuery": "DESCRIBE"}

# Parse-tree nodes that open a level of nesting: each Expression (a bracket or a function's
# argument), each group, each subquery, each (parenthesised) property path.
_NESTING = frozenset({"ConditionalOrExpression", "GroupGraphPatternSub", "SubSelect",
                      "PathAlternative"})
# Nodes whose list of operands the engine nests left-deep (key of the list).
_CHAINS = {"ConditionalOrExpression": "other", "ConditionalAndExpression": "other",
           "AdditiveExpression": "other", "MultiplicativeExpression": "other",
           "PathAlternative": "part", "PathSequence": "part", "GroupGraphPatternSub": "part",
           "GroupOrUnionGraphPattern": "graph", "TriplesBlock": "triples"}
# Where a SERVICE stood, in words, for the message.
_PLACES = {"OptionalGraphPattern": "inside OPTIONAL", "GroupOrUnionGraphPattern": "inside UNION",
           "MinusGraphPattern": "inside MINUS", "GraphGraphPattern": "inside GRAPH",
           "SubSelect": "inside a subquery", "Builtin_EXISTS": "inside EXISTS",
           "Builtin_NOTEXISTS": "inside NOT EXISTS", "Filter": "inside FILTER",
           "ServiceGraphPattern": "inside another SERVICE"}
# Parts of a SELECT * whose variables are not among its columns.
_NOT_IN_SCOPE = frozenset({"Filter", "Builtin_EXISTS", "Builtin_NOTEXISTS",
                           "MinusGraphPattern"})


class CheckedQuery(str):
    """A query text the guard has read and accepted, with what it learnt from the parse.

    A str, so every store takes it as it takes any query; a store given one does not read
    it again. Any change to the text (slicing, formatting) gives a plain str, which is read
    again. It pickles as itself, so a worker process receives it checked.
    """

    form: str  # SELECT, CONSTRUCT, ASK or DESCRIBE
    default_graphs: tuple[str, ...]  # FROM, resolved against BASE and prefixes
    named_graphs: tuple[str, ...]  # FROM NAMED
    variables: tuple[str, ...]  # SELECT * only: its columns in the order the query names them

    def __new__(cls, text: str, form: str, default_graphs: Iterable[str] = (),
                named_graphs: Iterable[str] = (), variables: Iterable[str] = ()
                ) -> CheckedQuery:
        obj = super().__new__(cls, text)
        obj.form = form
        obj.default_graphs = tuple(default_graphs)
        obj.named_graphs = tuple(named_graphs)
        obj.variables = tuple(variables)
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (CheckedQuery, (str(self), self.form, self.default_graphs, self.named_graphs,
                               self.variables))

    @property
    def names_dataset(self) -> bool:
        """True when the query chooses its own dataset (FROM or FROM NAMED)."""
        return bool(self.default_graphs or self.named_graphs)

    @property
    def is_graph_query(self) -> bool:
        return self.form in ("CONSTRUCT", "DESCRIBE")

    def column_order(self, variables: Iterable[str]) -> list[str]:
        """The engine's columns in the query's order (SELECT * only; otherwise unchanged).

        The engine decides which columns a SELECT * has; only their order is taken from the
        query, as Jena and Oxigraph's server write them (Oxigraph's library sorts them)."""
        found = list(variables)
        if not self.variables:
            return found
        rank = {name: i for i, name in enumerate(self.variables)}
        return sorted(found, key=lambda v: (rank.get(v, len(rank)), found.index(v)))


def _wait_for_cpu_seconds(thread: threading.Thread, seconds: float) -> None:
    """Return when `thread` has ended or has used `seconds` of CPU time.

    CPU time, not time on the clock: a parser sharing a busy machine with other work is not
    slower at reading, so a query is judged by the work it asks of the parser, the same on a
    quiet laptop and a loaded CI machine. A clock backstop of WALL_FACTOR times the budget stops
    a thread that somehow accrues no CPU time (it cannot wait on anything, being pure Python).
    """
    try:
        clock = time.pthread_getcpuclockid(thread.ident or 0)
    except (AttributeError, OSError):  # no per-thread CPU clocks here: fall back to the clock
        thread.join(seconds)
        return
    backstop = time.monotonic() + seconds * WALL_FACTOR
    while thread.is_alive() and time.monotonic() < backstop:
        try:
            used = time.clock_gettime(clock)
        except OSError:  # the thread ended between the check and the read
            return
        if used >= seconds:
            return
        thread.join(min(0.05, seconds - used))


PARSE_STACK_BYTES = 16 << 20
"""The parsing thread's stack: room for PARSE_RECURSION_LIMIT frames of the parser."""

PARSE_RECURSION_LIMIT = 3000
"""Python frames the parser may use. pyparsing's frames per level of nesting depend on its
global state: with packrat memoisation on (another library in the process may switch it on;
matplotlib does) it reads only 14 levels within Python's default 1,000 frames, fewer than the
documented MAX_NESTING; with 3,000 it reads past MAX_NESTING either way, so the limit that
refuses a query is always the documented one. Raised once, when this module is imported."""

if sys.getrecursionlimit() < PARSE_RECURSION_LIMIT:
    sys.setrecursionlimit(PARSE_RECURSION_LIMIT)

WALL_FACTOR = 20
"""How many times the CPU budget a parse may take on the clock before it is stopped anyway."""


class _TooSlow(BaseException):
    """Raised inside the parsing thread when the parser runs past MAX_PARSE_SECONDS.
    A BaseException, so no `except Exception` in the parser can swallow it."""


def _with_deadline(work: Callable[[], T], seconds: float) -> T:
    """work() in a thread of its own, stopped with _TooSlow after `seconds` of its CPU time.

    Its own thread, so the parser's recursion starts from an empty stack whatever called it
    (the nesting it can read is the same from a web request as from a test), and so the
    stopping exception, set asynchronously on that thread, can never reach the caller. The
    parser is pure Python, so the exception stops it at its next bytecode; it may land where
    Python ignores it (a garbage collector's callback), so it is set again every 50 ms until
    the thread has ended.
    """
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # handed to the caller as it is
            outcome["error"] = exc

    previous = threading.stack_size(PARSE_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="sparql-parse", daemon=True)
        thread.start()
    finally:
        threading.stack_size(previous)
    _wait_for_cpu_seconds(thread, seconds)
    while thread.is_alive():
        ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread.ident or 0),
                                                   ctypes.py_object(_TooSlow))
        thread.join(0.05)
    if "error" in outcome:
        raise outcome["error"]
    if "value" not in outcome:  # cannot happen: the thread ends with one or the other
        raise _TooSlow
    return outcome["value"]  # type: ignore[no-any-return]


def _too_deep(what: str) -> InputError:
    return InputError(
        f"the query {what}; the limits are {MAX_NESTING} levels of nesting and a depth of "
        f"{MAX_DEPTH} (each operand of a chain of operators, each step of a property path, "
        "each pattern of a group and each level of nesting counts one)", parameter="query")


def _position(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}"


def _expand_escapes(text: str, parameter: str) -> str:
    r"""The text with \uXXXX and \UXXXXXXXX applied, exactly as the parser applies them, and
    refused if the result cannot be sent to an engine (a lone surrogate is not UTF-8)."""
    try:
        expanded = sparql_parser.expandUnicodeEscapes(text)
    except ValueError as exc:
        raise InputError(f"the query has an invalid codepoint escape: {exc}",
                         parameter=parameter) from exc
    try:
        expanded.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(f"the query has a character that is not Unicode text (a lone "
                         f"surrogate) at {_position(expanded, exc.start)}",
                         parameter=parameter) from exc
    return expanded


def _parse(text: str, parameter: str) -> tuple[ParseResults, Query]:
    """The parse tree and the algebra; InputError for anything unreadable, too deep or
    calling out (the tree is judged before the algebra is made: rdflib's translation rewrites
    the tree in place)."""
    try:
        return _parsed_within_limits(lambda: _parse_now(text))
    except _TooSlow:
        raise InputError(f"the query took the parser more than {MAX_PARSE_SECONDS:g} s of CPU "
                         f"time to read; shorten it (the depth limit is {MAX_DEPTH})",
                         parameter=parameter) from None
    except RecursionError:
        raise _too_deep("nests deeper than the parser reads") from None
    except ParseBaseException as exc:
        if _is_update(text):
            raise InputError(READ_ONLY_MESSAGE, parameter=parameter) from None
        raise InputError(f"malformed SPARQL at line {exc.lineno}, column {exc.col}: "
                         f"{exc.msg}", line=exc.lineno, parameter=parameter) from None
    except DutygraphError:  # the guard's own refusal, or the caller's time limit (a CLI
        raise  # command's SIGALRM lands in whatever it is doing): never "unreadable"
    except Exception as exc:  # the algebra's own refusals (scope, grouping...)
        raise InputError(f"the query could not be read: {exc}", parameter=parameter) from None


_PARSER_LOCK = threading.Lock()
"""One parse at a time in a process: pyparsing's grammar objects are shared module state, and
two first parses racing in two threads leave them broken for the life of the process (every
later query then fails with a TypeError from inside the grammar; seen under load). Time spent
waiting for it is not parse time: the budget counts the parsing thread's CPU."""


def _fresh_locks() -> None:
    """In a child forked while another thread of its parent held a lock (a query worker is
    forked from a server process that may be parsing), a new lock: the copied one would stay
    held for ever, and every parse in the child would wait on it."""
    global _PARSER_LOCK, _ALGEBRA_LOCK
    _PARSER_LOCK = threading.Lock()
    _ALGEBRA_LOCK = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks)


def _parse_now(text: str) -> tuple[ParseResults, Query]:
    parsed = sparql_parser.parseQuery(text)
    _walk(parsed, text)
    return parsed, translateQuery(parsed)


def _parsed_within_limits(work: Callable[[], T]) -> T:
    """work() (a parse) under the deadline, one at a time. The lock is taken by the calling
    thread, never by the parsing thread, so the exception that stops a slow parse can never
    land between acquiring and releasing it."""
    with _PARSER_LOCK:
        return _with_deadline(work, MAX_PARSE_SECONDS)


def _is_update(text: str) -> bool:
    """Whether the text is a SPARQL Update (read only to say so in the refusal)."""
    try:
        _parsed_within_limits(lambda: sparql_parser.parseUpdate(text))
    except (_TooSlow, RecursionError, ParseBaseException, ValueError):
        return False
    return True


def _children(node: object) -> Iterator[object]:
    if isinstance(node, CompValue):
        yield from OrderedDict.values(node)
    elif isinstance(node, (ParseResults, list, tuple)):
        yield from node


def _chain_length(node: CompValue) -> int:
    key = _CHAINS.get(node.name)
    if key is None or key not in node:
        return 0
    items = OrderedDict.__getitem__(node, key)
    return len(items) if isinstance(items, (list, ParseResults)) else 1


def _walk(tree: object, text: str) -> None:
    """Refuse SERVICE anywhere, and depth or nesting past the limits (iteratively: the tree
    of a refused query may be deeper than Python's stack)."""
    stack: list[tuple[object, int, int, str]] = [(tree, 0, 0, "")]
    while stack:
        node, depth, nesting, place = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise _service(node, text, place)
            if node.name in _NESTING:
                nesting += 1
                depth += 1
            depth += _chain_length(node)
            if nesting > MAX_NESTING:
                raise _too_deep(f"nests more than {MAX_NESTING} levels deep")
            if depth > MAX_DEPTH:
                raise _too_deep(f"is deeper than {MAX_DEPTH}")
            place = _PLACES.get(node.name, place)
        for child in _children(node):
            if isinstance(child, (CompValue, ParseResults, list, tuple)):
                stack.append((child, depth, nesting, place))


def _service(node: CompValue, text: str, place: str) -> InputError:
    term: Any = OrderedDict.get(node, "term")
    if isinstance(term, Identifier):
        name = term.n3()
    elif isinstance(term, CompValue) and term.name == "pname":  # a prefixed name, as written
        name = f"{OrderedDict.get(term, 'prefix') or ''}:{OrderedDict.get(term, 'localname') or ''}"
    else:
        name = "?"
    where = [place] if place else []
    written = OrderedDict.get(node, "service_string")
    if isinstance(written, str) and written and text.find(written) >= 0:
        where.append("at " + _position(text, text.find(written)))
    detail = f" (SERVICE {name[:200]}{', ' + ', '.join(where) if where else ''})"
    return InputError(SERVICE_MESSAGE + detail, parameter="query")


def _walk_algebra(algebra: object) -> None:
    """The same refusal on the algebra: a second reading of the same parse, so a SERVICE the
    tree walk missed (a node in an unexpected place) is still found."""
    stack = [algebra]
    seen: set[int] = set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                raise InputError(SERVICE_MESSAGE, parameter="query")
            stack.extend(v for v in OrderedDict.values(node)
                         if isinstance(v, (CompValue, list, tuple, ParseResults)))
        elif isinstance(node, (list, tuple, ParseResults)):
            stack.extend(v for v in node if isinstance(v, (CompValue, list, tuple, ParseResults)))


def _star_columns(select: CompValue) -> list[str]:
    """The variables of a SELECT * in the order the query first names them (document order,
    leaving out what is not in scope: FILTER, EXISTS, MINUS, BIND's expression, and what a
    subquery does not project)."""
    if "projection" in select:
        return []
    order: list[str] = []
    stack: list[object] = [OrderedDict.get(select, "where")]
    while stack:
        node = stack.pop()
        if isinstance(node, Variable):
            if str(node) not in order:
                order.append(str(node))
            continue
        children: list[object]
        if isinstance(node, CompValue):
            if node.name in _NOT_IN_SCOPE:
                continue
            if node.name == "Bind":
                children = [OrderedDict.get(node, "var")]
            elif node.name == "SubSelect" and "projection" in node:
                children = [OrderedDict.get(p, "evar") or OrderedDict.get(p, "var")
                            for p in OrderedDict.__getitem__(node, "projection")]
            else:
                children = list(OrderedDict.values(node))
        elif isinstance(node, (ParseResults, list, tuple)):
            children = list(node)
        else:
            continue
        stack.extend(reversed(children))
    return order


_ALGEBRA: OrderedDict[str, Query] = OrderedDict()
# Parsed forms, for the memory store (rdflib), which evaluates the algebra: one named question
# sends several texts (label look-ups, cited graphs, the question), and parsing one costs rdflib
# more than evaluating it, so a whole catalogue's worth is kept, least recently used out.
_ALGEBRA_KEPT = 256
_KEPT_CHARS = 20_000  # texts longer than this are neither kept parsed nor kept checked
_ALGEBRA_LOCK = threading.Lock()


def algebra_of(query: str) -> Query:
    """rdflib's algebra of a checked query (kept for the last few texts, so the memory store
    does not parse again what the guard just read)."""
    checked = check_query(query)
    with _ALGEBRA_LOCK:
        found = _ALGEBRA.get(str(checked))
        if found is not None:
            _ALGEBRA.move_to_end(str(checked))
    if found is not None:
        return found
    _parsed, algebra = _parse(str(checked), "query")
    _keep(str(checked), algebra)
    return algebra


def _keep(text: str, algebra: Query) -> None:
    if len(text) > _KEPT_CHARS:
        return
    with _ALGEBRA_LOCK:
        _ALGEBRA[text] = algebra
        _ALGEBRA.move_to_end(text)
        while len(_ALGEBRA) > _ALGEBRA_KEPT:
            _ALGEBRA.popitem(last=False)


def check_query(text: str, parameter: str = "query") -> CheckedQuery:
    """Read a query; refuse it (InputError) or return it checked, as the engine must run it.

    The returned text is the query with codepoint escapes applied: the reading that was
    judged. A CheckedQuery given back is returned as it is.
    """
    if isinstance(text, CheckedQuery):
        return text
    if len(text) > _KEPT_CHARS:  # a cache of long texts would hold megabytes per process
        return _check.__wrapped__(str(text), parameter)
    return _check(str(text), parameter)


@functools.lru_cache(maxsize=256)
def _check(text: str, parameter: str) -> CheckedQuery:
    """check_query, kept for the last few hundred texts: a query is checked by the endpoint
    and again by the store, and the store's own internal queries repeat."""
    if not text.strip():
        raise InputError("no query: the text is empty", parameter=parameter)
    if len(text) > MAX_QUERY_CHARS:
        raise InputError(f"the query is {len(text)} characters long; the limit is "
                         f"{MAX_QUERY_CHARS}", parameter=parameter)
    expanded = _expand_escapes(text, parameter)
    parsed, algebra = _parse(expanded, parameter)
    _walk_algebra(algebra.algebra)
    main = algebra.algebra
    form = FORMS.get(main.name)
    if form is None:  # cannot happen with rdflib's grammar; refuse rather than guess
        raise InputError(f"not a read query ({main.name})", parameter=parameter)
    defaults: list[str] = []
    named: list[str] = []
    for clause in OrderedDict.get(main, "datasetClause") or []:
        if OrderedDict.get(clause, "default") is not None:
            defaults.append(str(OrderedDict.__getitem__(clause, "default")))
        elif OrderedDict.get(clause, "named") is not None:
            named.append(str(OrderedDict.__getitem__(clause, "named")))
    top = parsed[-1]
    columns = _star_columns(top) if form == "SELECT" else []
    _keep(expanded, algebra)
    return CheckedQuery(expanded, form, defaults, named, columns)


def check_update(text: str, parameter: str = "update") -> None:
    """Every update is refused: the endpoint, the API and the CLI only read."""
    raise InputError(READ_ONLY_MESSAGE, parameter=parameter)
