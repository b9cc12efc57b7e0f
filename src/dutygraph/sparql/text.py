"""Editing a checked query's text at places the parser found: its dataset clauses and the
group of its outer WHERE.

Why here: the named-query binder puts a VALUES block at the top of the WHERE group, the scope
rule and the protocol's default-graph-uri / named-graph-uri put FROM clauses in place of the
query's own. Each place is found by the same grammar that judged the query (rdflib's SPARQL
grammar, whose pieces are reused to read up to the WHERE group), never by looking for words.
Whatever is inserted is itself parsed as the grammar's VALUES or FROM, and the result is
returned checked only when the edit cannot have changed what the guard decided.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pyparsing import (
    CaselessKeyword,
    Literal,
    Located,
    OneOrMore,
    Optional,
    ParseBaseException,
    ParserElement,
    ZeroOrMore,
)
from rdflib.plugins.sparql import parser as P
from rdflib.term import Variable

from ..errors import InputError
from .guard import CheckedQuery, check_query

_COMMENT = P.QueryUnit.ignoreExprs[0]  # the grammar's own comment rule


def _located(expr: ParserElement, name: str) -> ParserElement:
    return Located(expr)(name)


_FORM = (P.SelectClause
         | CaselessKeyword("CONSTRUCT") + Optional(P.ConstructTemplate)
         | CaselessKeyword("DESCRIBE") + (OneOrMore(P.VarOrIri) | "*")
         | CaselessKeyword("ASK"))
_HEAD = (P.Prologue + _FORM + _located(ZeroOrMore(P.DatasetClause), "datasets")
         + Optional(_located(CaselessKeyword("WHERE"), "where"))
         + Optional(_located(Literal("{"), "brace")))
_HEAD.ignore(_COMMENT)
_VALUES = P.InlineData.copy()
_VALUES.ignore(_COMMENT)
_DATASET = ZeroOrMore(P.DatasetClause)
_DATASET.ignore(_COMMENT)


@dataclass(frozen=True)
class Places:
    datasets: tuple[int, int]  # span of the dataset clauses (empty where there are none)
    where: int | None  # start of the WHERE clause (its keyword, or its brace)
    brace: int | None  # the `{` that opens the outer WHERE group


class PlacedQuery(CheckedQuery):
    """A checked query that carries its Places, because this module wrote it.

    Why: the binder edits the same few templates with new values on every request, so each
    bound text is new; reading its head again (a pyparsing parse of the prologue and the
    SELECT clause, ~20 ms a request under load) found only what the edit already knew. An
    edit changes the text at known offsets, so the new Places are the old ones shifted (each
    rule below is checked against a fresh parse for every template in tests/sparql). It
    pickles as a plain CheckedQuery (the worker needs the text and the guard's verdict, not
    the places); any change to the text gives a plain str, which is read again.
    """

    placed: Places

    @classmethod
    def of(cls, text: str, checked: CheckedQuery, placed: Places,
           default_graphs: Sequence[str] | None = None,
           named_graphs: Sequence[str] | None = None) -> PlacedQuery:
        obj = cls(text, checked.form,
                  checked.default_graphs if default_graphs is None else default_graphs,
                  checked.named_graphs if named_graphs is None else named_graphs,
                  checked.variables)
        obj.placed = placed
        return obj


def places(text: str) -> Places:
    """Where the parts of a checked query's text stand: carried by a text this module
    edited, else read once per text (kept for the last few hundred: the templates and the
    clients' last texts)."""
    if isinstance(text, PlacedQuery):
        return text.placed
    return _read_places(text)


@functools.lru_cache(maxsize=256)  # the templates (79 files), and the last few client texts
def _read_places(text: str) -> Places:
    """The parse behind places(). Keyed by the exact text, so a kept answer is the answer a
    new parse would give: check_query is deterministic in the text, and so is _HEAD."""
    checked = check_query(text)  # a CheckedQuery is not read again
    try:
        found = _HEAD.parse_string(str(checked), parse_all=False)
    except ParseBaseException as exc:  # cannot happen for a checked query
        raise InputError(f"the query's head could not be read: {exc}",
                         parameter="query") from None
    datasets = found["datasets"]
    # A Located span with nothing in it starts after the whitespace it skipped: keep it at
    # the end of the head, so text inserted there follows the head directly.
    start, end = int(datasets[0]), int(datasets[2])
    if start == end:
        start = end = _end_before_space(str(checked), start)
    brace = int(found["brace"][0]) if "brace" in found else None
    where = int(found["where"][0]) if "where" in found else brace
    return Places((start, end), where, brace)


def _end_before_space(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def where_brace(text: str) -> int:
    """Index of the `{` that opens the outer WHERE group."""
    brace = places(text).brace
    if brace is None:
        raise InputError("the query has no WHERE group to bind parameters into",
                         parameter="query")
    return brace


@functools.lru_cache(maxsize=2048)  # an authority's graphs and its pages' parameter rows
def _grammar_reads(rule: ParserElement, written: str) -> None:
    """Raise ParseBaseException unless the rule reads all of the written text. Kept per
    (rule, text), because the same IRIs and VALUES rows come back request after request and
    each parse is milliseconds of pyparsing; a kept success is the success a new parse gives
    (the rule is fixed and the text is the key), and a failure is never kept (it raises)."""
    rule.parse_string(written, parse_all=True)


def _iri(value: str, parameter: str) -> str:
    """An absolute IRI as `<…>`, read back by the grammar's own IRI rule."""
    written = f"<{value}>"
    if not value or ":" not in value:
        raise InputError(f"'{value[:80]}' is not an absolute IRI", parameter=parameter)
    try:
        _grammar_reads(P.IRIREF, written)
    except ParseBaseException:
        raise InputError(f"'{value[:80]}' is not an IRI", parameter=parameter) from None
    return written


def with_dataset(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str],
                 *, parameters: tuple[str, str] = ("default-graph-uri", "named-graph-uri")
                 ) -> CheckedQuery:
    """The query with its dataset clauses replaced by FROM <g> for each default graph and
    FROM NAMED <g> for each named graph (SPARQL 1.1 Protocol 2.1.4: the protocol's dataset
    takes precedence over the query's). Graphs the store does not hold are empty graphs."""
    checked = check_query(text)
    clauses = [f"FROM {_iri(g, parameters[0])}" for g in default_graphs]
    clauses += [f"FROM NAMED {_iri(g, parameters[1])}" for g in named_graphs]
    block = "".join(f"\n{c}" for c in clauses)
    try:
        _grammar_reads(_DATASET, block)
    except ParseBaseException:  # each IRI was read already; a guard against future edits
        raise InputError("the dataset could not be written as FROM clauses",
                         parameter=parameters[0]) from None
    placed = places(checked)
    start, end = placed.datasets
    body = str(checked)
    new = f"{body[:start]}{block}\n{body[end:]}" if block else body[:start] + " " + body[end:]
    defaults, named = [str(g) for g in default_graphs], [str(g) for g in named_graphs]
    moved = _dataset_places(new, placed, start, end, len(block))
    if moved is None:  # a comment between the head and WHERE: read the new head once
        return CheckedQuery(new, checked.form, defaults, named, checked.variables)
    return PlacedQuery.of(new, checked, moved, defaults, named)


def _dataset_places(new: str, old: Places, start: int, end: int, written: int
                    ) -> Places | None:
    """The Places of the text with_dataset wrote, shifted from the old ones; None where the
    shift is not certain to equal a new parse (then the text is read again)."""
    delta = (written + 1 if written else 1) - (end - start)
    where = None if old.where is None else old.where + delta
    brace = None if old.brace is None else old.brace + delta
    if written:  # the block begins with "\n" and ends with its last clause
        return Places((start + 1, start + written), where, brace)
    if where is None or new[start:where].strip():  # only white space may lie between
        return None
    head_end = _end_before_space(new, where)
    return Places((head_end, head_end), where, brace)


def with_values(text: str, block: str) -> CheckedQuery:
    """The query with a VALUES block at the top of its outer WHERE group. The block is read
    by the grammar's VALUES rule first, so it can add rows of terms and nothing else."""
    checked = check_query(text)
    try:
        _grammar_reads(_VALUES, block)
    except ParseBaseException as exc:
        raise InputError(f"the parameters could not be written as VALUES: {exc}",
                         parameter="query") from None
    brace = where_brace(checked)
    body = str(checked)
    new = (f"{body[:brace + 1]}\n  # parameters bound by dutygraph\n  {block}\n"
           f"{body[brace + 1:]}")
    # Nothing up to the brace moved, and the head is read no further than the brace.
    return PlacedQuery.of(new, checked, places(checked))


def order_keys(text: str) -> list[str] | None:
    """The variables of the query's outermost ORDER BY, in order; [] when it is unordered;
    None when it orders by an expression (read from the algebra, not the words)."""
    from .guard import algebra_of  # the algebra is kept by the guard for the last texts

    node: Any = algebra_of(text).algebra
    while node is not None and getattr(node, "name", None) != "OrderBy":
        node = dict.get(node, "p") if isinstance(node, dict) else None
    if node is None:
        return []
    keys: list[str] = []
    for condition in node["expr"]:
        term = condition["expr"] if getattr(condition, "name", None) == "OrderCondition" \
            else condition
        if not isinstance(term, Variable):
            return None
        keys.append(str(term))
    return keys
