"""Chains of accountability computed once, when data is written, and stored beside it.

Why: who-is-accountable and reporting-lines follow up to four links of accountability, each
hop a join of property paths over kinds, posts and bodies, checked against the day. Run as
recursive SPARQL on every request that cost 21 times `duties-of` at 1,530 councils (issue 21).
The chains change only when the data does, so every store kind computes them in the same write
that changes their sources (the same generation on disk, the same swap in memory, the same
MOVE request on a server), and the two queries look them up.

What is stored, per council, in one derived named graph (graph/chains/{slug}; the chains
between national kinds in graph/chains/national): one dg:ChainStep per (root, depth, link,
from, to) and validity interval, where the interval is the intersection, along the chain up to
that hop, of each hop's dates (the link's dg:validFrom / dg:validThrough and the dates in force
of the provision it applies). A hop valid over several intervals (a link with two bases) gives
one step per interval. So the question "which hops hold on day D" is one indexed lookup of the
council's steps and a comparison of two dates, on every engine. One graph per council, rather
than one graph for all: a load of one council replaces its own chain graph with its data, the
question's FROM clauses (queries/scope.py) name it beside the council's graph, and the
embedded store's in-memory copy of those graphs (hot.py) stays small.

The definition is the recursive form, kept in queries/chains/ (who-is-accountable.rq,
reporting-lines.rq); the hop they repeat, without the day, is split there in three queries this
module runs (chain-hops-own.rq, chain-hops-mapped.rq, chain-hops-national.rq), each starting
from what binds it so that a hop costs one council's data, not every council's.
tests/stores/test_chains*.py compare the lookups with the recursive answers row for row on
every store kind.

Each chain graph says what it is (dg:ChainGraph), what it was derived from (prov:wasDerivedFrom
the graphs read), with which query (dg:derivedWith) and when (prov:generatedAtTime).

A date that is not a plain xsd:date makes its hop hold on no day (the recursive form's
comparison would fail), though it still counts when no day is asked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

from .. import paths
from ..namespaces import BASE, authority_graph, authority_slug
from ..terms import to_oxigraph
from .base import GRAPH_PREFIX

CHAINS_PREFIX = f"{GRAPH_PREFIX}chains/"
NATIONAL = URIRef(f"{CHAINS_PREFIX}national")
STEP_PREFIX = "urn:dutygraph:chain-step:"
MAX_DEPTH = 4
HOPS_LOCAL = ("chain-hops-own", "chain-hops-mapped")
HOPS_NATIONAL = "chain-hops-national"

_DG = "https://w3id.org/dutygraph/def#"
_PROV = "http://www.w3.org/ns/prov#"
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_XSD_DATE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
_XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
_XSD_DATETIME = ox.NamedNode("http://www.w3.org/2001/XMLSchema#dateTime")
_LA = f"{BASE}id/authority/"
_PLAIN_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _dg(name: str) -> ox.NamedNode:
    return ox.NamedNode(_DG + name)


CHAIN_FOR = _dg("chainFor")
CHAIN_ROOT = _dg("chainRoot")
CHAIN_DEPTH = _dg("chainDepth")
CHAIN_STATEMENT = _dg("chainStatement")
CHAIN_FROM = _dg("chainFrom")
CHAIN_RELATION = _dg("chainRelation")
CHAIN_TO = _dg("chainTo")
CHAIN_VALID_FROM = _dg("chainValidFrom")
CHAIN_VALID_THROUGH = _dg("chainValidThrough")

# A hop or chain holds on the days lo..hi (inclusive; None: unbounded). NEVER holds on no day.
Interval = tuple[dt.date | None, dt.date | None]
NEVER: Interval = (dt.date.max, dt.date.min)


def is_chain_graph(name: str) -> bool:
    return str(name).startswith(CHAINS_PREFIX)


def chain_graph(authority: str) -> URIRef:
    """The derived graph holding one council's chains (by slug when its IRI has one)."""
    text = str(authority)
    slug = text[len(_LA):] if text.startswith(_LA) else None
    if not slug or "/" in slug:
        slug = "h-" + hashlib.sha1(text.encode()).hexdigest()[:16]
    return URIRef(f"{CHAINS_PREFIX}{slug}")


@dataclass
class Plan:
    """Which chains a write recomputes: all of them, or those of some councils."""

    everything: bool
    authorities: set[str] = field(default_factory=set)

    def dropped(self, existing: Iterable[str]) -> set[URIRef]:
        """The chain graphs the write replaces (removed, then written afresh if any)."""
        if self.everything:
            return {URIRef(g) for g in existing if is_chain_graph(g)}
        return {chain_graph(a) for a in self.authorities}


def plan_for(names: Iterable[URIRef] | None) -> Plan:
    """A rebuild, or a write touching any graph but a council's, recomputes every chain (the
    framework and ontology define every hop); a write of councils' graphs only, theirs."""
    if names is None:
        return Plan(everything=True)
    authorities = set()
    for name in names:
        if is_chain_graph(str(name)):
            continue
        slug = authority_slug(str(name))
        if slug is None or URIRef(str(name)) != authority_graph(slug):
            return Plan(everything=True)
        authorities.add(_LA + slug)
    return Plan(everything=False, authorities=authorities)


# --- computing -----------------------------------------------------------------------------

def _date(term: ox.Literal) -> dt.date | None:
    if term.datatype != _XSD_DATE or not _PLAIN_DATE.match(term.value):
        return None
    try:
        return dt.date.fromisoformat(term.value)
    except ValueError:
        return None


def _hop_interval(lows: Sequence[object], highs: Sequence[object]) -> Interval:
    lo: dt.date | None = None
    hi: dt.date | None = None
    for term in lows:
        if term is None:
            continue
        day = _date(term) if isinstance(term, ox.Literal) else None
        if day is None:
            return NEVER
        lo = day if lo is None else max(lo, day)
    for term in highs:
        if term is None:
            continue
        day = _date(term) if isinstance(term, ox.Literal) else None
        if day is None:
            return NEVER
        hi = day if hi is None else min(hi, day)
    return (lo, hi)


def _empty(i: Interval) -> bool:
    return i[0] is not None and i[1] is not None and i[0] > i[1]


def _contains(outer: Interval, inner: Interval) -> bool:
    if _empty(inner):
        return True
    return ((outer[0] is None or (inner[0] is not None and outer[0] <= inner[0]))
            and (outer[1] is None or (inner[1] is not None and inner[1] <= outer[1])))


def _prune(intervals: Iterable[Interval]) -> list[Interval]:
    """The intervals none of the others contains (one kept of equals; an empty one only
    when all are: a chain with no day still counts when no day is asked)."""
    unique = sorted(set(intervals), key=lambda i: (str(i[0]), str(i[1])))
    kept = [i for n, i in enumerate(unique)
            if not any(_contains(o, i) and (o != i) and not (_empty(o) and _empty(i))
                       for o in unique[:n] + unique[n + 1:])]
    if not kept and unique:
        kept = unique[:1]
    # equal empties: keep one
    if len(kept) > 1 and all(_empty(i) for i in kept):
        kept = kept[:1]
    return kept


def _intersect(a: Interval, b: Interval) -> Interval:
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return (lo, hi)


Node = ox.NamedNode | ox.BlankNode
HopKey = tuple[Node, ox.NamedNode, Node]  # (link, relation, next)


def _query_text(name: str, marker: str = "", block: str = "") -> str:
    """A query of queries/chains/, with a VALUES block of terms in place of its marker line
    (written here, not by the guard's binder: a frontier can be thousands of rows, and the
    terms are IRIs the store itself holds)."""
    text = (paths.queries_dir() / "chains" / f"{name}.rq").read_text(encoding="utf-8")
    return text.replace(marker, block) if marker else text


def _iri(term: object) -> str:
    assert isinstance(term, ox.NamedNode)
    return f"<{term.value}>"


def _select(store: ox.Store, text: str) -> Iterator[ox.QuerySolution]:
    yield from store.query(text, use_default_graph_as_union=True)  # type: ignore[misc]


Pair = tuple[str | None, Node]  # (authority IRI or None for the national chains, node)


def _query_hops(store: ox.Store, pairs: Sequence[Pair]
                ) -> dict[Pair, dict[HopKey, list[Interval]]]:
    """The hops from each (authority, node): the authority's own links and the national links
    mapped onto its posts and bodies, or (authority None) the national links between kinds."""
    found: dict[Pair, dict[HopKey, list[Interval]]] = defaultdict(lambda: defaultdict(list))
    local = [p for p in pairs if p[0] is not None]
    national = [p for p in pairs if p[0] is None]
    runs = [(name, local) for name in HOPS_LOCAL] + [(HOPS_NATIONAL, national)]
    for name, batch in runs:
        if not batch:
            continue
        rows = " ".join(f"({'UNDEF' if a is None else f'<{a}>'} {_iri(c)})" for a, c in batch)
        text = _query_text(name, "#FRONTIER", f"VALUES (?authority ?c) {{ {rows} }}")
        for row in _select(store, text):
            authority = row["authority"]
            owner = authority.value if isinstance(authority, ox.NamedNode) else None
            key = (row["L"], row["r"], row["next"])
            found[(owner, row["c"])][key].append(
                _hop_interval([row["f"], row["bf"]], [row["t"], row["bt"]]))
    return found


def _roots(store: ox.Store, authorities: Sequence[str], national: bool) -> list[Pair]:
    """Where chains start: the councils' posts and bodies (chain-roots.rq) and, for the
    national chains, the kinds national links start from (chain-national-roots.rq)."""
    pairs: list[Pair] = []
    for start in range(0, len(authorities), 500):
        block = " ".join(f"<{a}>" for a in authorities[start:start + 500])
        text = _query_text("chain-roots", "#AUTHORITIES", f"VALUES ?authority {{ {block} }}")
        pairs += [(row["authority"].value, row["c"]) for row in _select(store, text)
                  if isinstance(row["c"], ox.NamedNode)]
    if national:
        pairs += [(None, row["c"]) for row in _select(store, _query_text("chain-national-roots"))]
    return sorted(set(pairs), key=lambda p: (str(p[0]), str(p[1])))


Step = tuple[str | None, Node, int, Node, Node, ox.NamedNode, Node]  # owner root depth L from r to


def compute_steps(store: ox.Store, authorities: Sequence[str], national: bool
                  ) -> dict[Step, list[Interval]]:
    """Every step of every chain of the councils named (and, with national, of the chains
    between kinds), with the intervals on which the chain up to it holds."""
    edges: dict[Pair, dict[HopKey, list[Interval]]] = {}
    # A chain so far: (owner, root, nodes visited, intervals on which it holds).
    Chain = tuple[str | None, Node, tuple[Node, ...], list[Interval]]
    chains: list[Chain] = [(owner, c, (c,), [(None, None)])
                           for owner, c in _roots(store, authorities, national)]
    steps: dict[Step, list[Interval]] = defaultdict(list)
    for depth in range(1, MAX_DEPTH + 1):
        missing = {(owner, nodes[-1]) for owner, _, nodes, _ in chains} - set(edges)
        for pair in [p for p in missing if not isinstance(p[1], ox.NamedNode)]:
            edges[pair] = {}  # (a blank node cannot be named in VALUES)
            missing.discard(pair)
        asked = sorted(missing, key=lambda p: (str(p[0]), str(p[1])))
        for start in range(0, len(asked), 500):
            batch = asked[start:start + 500]
            got = _query_hops(store, batch)
            for pair in batch:
                edges[pair] = got.get(pair, {})
        longer: list[Chain] = []
        for owner, root, nodes, held in chains:
            for (link, relation, nxt), hop in edges.get((owner, nodes[-1]), {}).items():
                if nxt in nodes:
                    continue
                now = _prune(_intersect(a, b) for a in held for b in _prune(hop))
                steps[(owner, root, depth, link, nodes[-1], relation, nxt)].extend(now)
                longer.append((owner, root, (*nodes, nxt), now))
        chains = longer
    return {k: _prune(v) for k, v in steps.items()}


def _date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=_XSD_DATE)


def _step_quads(step: Step, interval: Interval, owner: ox.NamedNode,
                graph: ox.NamedNode) -> list[ox.Quad]:
    _, root, depth, link, start, relation, end = step
    key = "|".join([owner.value, str(root), str(depth), str(link), str(start), str(relation),
                    str(end), str(interval[0]), str(interval[1])])
    node = ox.NamedNode(STEP_PREFIX + hashlib.sha1(key.encode()).hexdigest())
    quads = [
        ox.Quad(node, _RDF_TYPE, _dg("ChainStep"), graph),
        ox.Quad(node, CHAIN_FOR, owner, graph),
        ox.Quad(node, CHAIN_ROOT, root, graph),
        ox.Quad(node, CHAIN_DEPTH, ox.Literal(str(depth), datatype=_XSD_INTEGER), graph),
        ox.Quad(node, CHAIN_STATEMENT, link, graph),
        ox.Quad(node, CHAIN_FROM, start, graph),
        ox.Quad(node, CHAIN_RELATION, relation, graph),
        ox.Quad(node, CHAIN_TO, end, graph),
    ]
    if interval[0] is not None:
        quads.append(ox.Quad(node, CHAIN_VALID_FROM, _date_literal(interval[0]), graph))
    if interval[1] is not None:
        quads.append(ox.Quad(node, CHAIN_VALID_THROUGH, _date_literal(interval[1]), graph))
    return quads


def _provenance(graph: ox.NamedNode, sources: Iterable[str], when: str) -> list[ox.Quad]:
    quads = [
        ox.Quad(graph, _RDF_TYPE, _dg("ChainGraph"), graph),
        ox.Quad(graph, ox.NamedNode(_PROV + "generatedAtTime"),
                ox.Literal(when, datatype=_XSD_DATETIME), graph),
    ]
    quads += [ox.Quad(graph, ox.NamedNode(_PROV + "wasDerivedFrom"), ox.NamedNode(s), graph)
              for s in sorted(sources)]
    quads += [ox.Quad(graph, _dg("derivedWith"), ox.Literal(f"queries/chains/{name}.rq"), graph)
              for name in ("chain-roots", "chain-national-roots", *HOPS_LOCAL, HOPS_NATIONAL)]
    return quads


def _local_authorities(store: ox.Store) -> list[str]:
    return sorted(row["authority"].value
                  for row in _select(store, _query_text("chain-authorities")))


def chain_quads(store: ox.Store, plan: Plan) -> list[ox.Quad]:
    """The quads of the chain graphs the plan recomputes, read from the store's union (which
    must already hold what the write puts in place of the old)."""
    present = set(_local_authorities(store))
    if plan.everything:
        authorities = sorted(present)
    else:
        authorities = sorted(a for a in plan.authorities if a in present)
    steps = compute_steps(store, authorities, national=plan.everything)
    names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    shared = sorted(g for g in names if not is_chain_graph(g) and authority_slug(g) is None)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    quads: list[ox.Quad] = []
    written: set[str] = set()
    for step, intervals in sorted(steps.items(), key=lambda kv: tuple(map(str, kv[0]))):
        owner_iri = step[0]
        graph = ox.NamedNode(str(NATIONAL if owner_iri is None else chain_graph(owner_iri)))
        owner = ox.NamedNode(str(NATIONAL) if owner_iri is None else owner_iri)
        for interval in intervals:
            quads += _step_quads(step, interval, owner, graph)
        if graph.value not in written:
            written.add(graph.value)
            sources = list(shared)
            if owner_iri is not None and (slug := authority_slug(owner_iri)) is not None \
                    and str(authority_graph(slug)) in names:
                sources.append(str(authority_graph(slug)))
            quads += _provenance(graph, sources, when)
    return quads


# --- what the store kinds call when they write ----------------------------------------------

def without_chains(quads: Iterable[ox.Quad]) -> Iterable[ox.Quad]:
    """The source's quads less any in a chain graph: chains are always derived by the store
    from what it holds, never taken from input (a copy of another store's graphs included)."""
    return (q for q in quads if not q.graph_name.value.startswith(CHAINS_PREFIX))  # type: ignore[union-attr]


def as_quads(triples: Iterable[tuple[Any, Any, Any]], name: str) -> Iterator[ox.Quad]:
    """rdflib triples as Oxigraph quads in the named graph (for the kinds that compute the
    chains on an Oxigraph copy of graphs they hold otherwise)."""
    graph = ox.NamedNode(name)
    for s, p, o in triples:
        yield ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), graph)  # type: ignore[arg-type]


def graphs_to_read(names: Iterable[URIRef] | None, existing: Iterable[str]) -> list[str]:
    """The graphs a partial write keeps that the chains it recomputes read, for a store kind
    that computes them apart from its data (memory, remote): every kept graph when all chains
    are recomputed; the shared ones (not a council's) when only some councils' are."""
    if names is None:
        return []
    written = {str(n) for n in names}
    kept = [g for g in existing if not is_chain_graph(g) and g not in written]
    if plan_for(names).everything:
        return kept
    return [g for g in kept if authority_slug(g) is None]


def refresh(store: ox.Store, names: Iterable[URIRef] | None, existing: Iterable[str]
            ) -> tuple[set[URIRef], list[ox.Quad]]:
    """The chain graphs a write replaces, and their new quads, computed from `store`: the
    union after the write (or, for memory and remote stores, the part graphs_to_read says)."""
    plan = plan_for(None if names is None else list(names))
    dropped = plan.dropped(existing)
    quads = chain_quads(store, plan)
    return dropped | {URIRef(q.graph_name.value) for q in quads}, quads  # type: ignore[union-attr]
