"""What the chain tests share: the two chain questions bound both ways (the stored-chain
lookup in queries/ and the recursive definition in queries/chains/), and rows compared as the
parity suite compares them (equal as multisets, in the same order as far as ORDER BY goes)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from rdflib import BNode, Literal
from rdflib.term import Node

from dutygraph import paths
from dutygraph.queries.binding import bind
from dutygraph.queries.catalogue import get_query
from dutygraph.queries.params import resolve
from dutygraph.queries.run import sorted_lists
from dutygraph.queries.scope import graphs_for, with_dataset
from dutygraph.sparql.text import order_keys
from dutygraph.store import Store

CHAIN_QUERIES = ("who-is-accountable", "reporting-lines")
Params = dict[str, str]
Key = tuple[tuple[str, tuple[str, ...]], ...]


def texts(store: Store, name: str, params: Params) -> tuple[str, str]:
    """(lookup, recursive): the same parameters, read over the same graphs."""
    return lookup_text(store, name, params), recursive_text(store, name, params)


def lookup_text(store: Store, name: str, params: Params) -> str:
    """The named query (a lookup of the stored chains), bound and scoped as run_query does."""
    return _bound(store, name, params, recursive=False)


def recursive_text(store: Store, name: str, params: Params) -> str:
    """The recursive definition (queries/chains/), bound and scoped the same way."""
    return _bound(store, name, params, recursive=True)


def _bound(store: Store, name: str, params: Params, *, recursive: bool) -> str:
    # Each text is checked (parsed) by the guard: binding only the one a comparison needs
    # halves the parsing, which is most of these tests' time.
    query = get_query(name)
    terms = resolve(store, query, params)
    graphs = graphs_for(store, query, terms)
    text = get_query(name, paths.queries_dir() / "chains") if recursive else query
    return str(with_dataset(str(bind(text.sparql, text.param_names, terms)), graphs))


# Keyed by the store's id, and the store is kept with its answers, so the id is never reused
# by another store while the entry lives.
_RECURSIVE: dict[tuple[int, str, tuple[tuple[str, str], ...]],
                 tuple[Store, list[dict[str, Node]]]] = {}


def recursive_rows(reference: Store, name: str, params: Params) -> list[dict[str, Node]]:
    """The reference store's recursive answer, computed once per question: every store kind
    is compared with the same answer, so it is not asked again for each kind."""
    key = (id(reference), name, tuple(sorted(params.items())))
    if key not in _RECURSIVE:
        _RECURSIVE[key] = (reference, rows(reference, recursive_text(reference, name, params)))
    return _RECURSIVE[key][1]


def _term_key(term: Node) -> tuple[str, ...]:
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return ("iri", str(term))


def row_key(row: dict[str, Node], only: Iterable[str] | None = None) -> Key:
    names = set(only) if only is not None else None
    return tuple(sorted((var, _term_key(value)) for var, value in row.items()
                        if names is None or var in names))


def rows(store: Store, text: str) -> list[dict[str, Node]]:
    """The rows as run_query gives them: an empty group's row dropped, the lists a column
    holds (GROUP_CONCAT, whose order engines choose) in order."""
    result = store.select(text)
    first = result.variables[0] if result.variables else None
    found = [r for r in result.rows if first is None or first in r]
    sorted_lists(found, get_query(CHAIN_QUERIES[0]).lists)
    return found


def same_answer(got: list[dict[str, Node]], want: list[dict[str, Node]], text: str) -> bool:
    if Counter(map(row_key, got)) != Counter(map(row_key, want)):
        return False
    keys = order_keys(text) or []
    return [row_key(r, keys) for r in got] == [row_key(r, keys) for r in want]


def cases(authorities: Iterable[str], days: Iterable[str | None], functions: Iterable[str],
          function_days: Iterable[str | None] | None = None) -> Iterator[tuple[str, Params]]:
    """Every chain question for these authorities, days and functions (who-is-accountable
    on function_days, when given: it is the slower to compare)."""
    days = list(days)
    functions = list(functions)
    asked = days if function_days is None else list(function_days)
    for authority in authorities:
        for day in days:
            base = {"authority": authority} | ({"as_of": day} if day else {})
            yield "reporting-lines", base
            if day in asked:
                for function in functions:
                    yield "who-is-accountable", base | {"function": function}


def bearers(store: Store) -> list[str]:
    """One function or duty per kind of bearer that starts a chain (the subject of a link),
    and one whose bearer starts none (its answer is the carrier alone)."""
    result = store.select(
        "PREFIX dg: <https://w3id.org/dutygraph/def#> "
        "SELECT ?bearer (MIN(STR(?f)) AS ?fn) (SAMPLE(?chained) AS ?starts) WHERE { "
        "?f dg:bearer ?bearer . "
        "BIND(EXISTS { ?link dg:subject ?bearer } AS ?chained) } "
        "GROUP BY ?bearer ORDER BY ?bearer")
    starting = sorted({str(r["fn"]) for r in result.rows if r.get("starts") is not None
                       and r["starts"].toPython() is True})
    other = sorted(str(r["fn"]) for r in result.rows if "fn" in r
                   and str(r["fn"]) not in starting)
    return starting + other[:1]


def synth_file(folder: Path, n: int, seed: int) -> Path:
    from tools import synth

    path = folder / f"synth-{n}-{seed}.nt"
    if not path.exists():
        synth.write(path, n, seed=seed)
    return path
