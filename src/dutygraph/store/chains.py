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
reporting-lines.rq); the hop they repeat, without the day, is split there in three queries
(chain-hops-own.rq, chain-hops-mapped.rq, chain-hops-national.rq) and the roots in two
(chain-roots.rq, chain-national-roots.rq), which this module answers pattern for pattern by
dictionary joins over the quads of the eleven predicates they read (Facts, _Index): run as
SPARQL on the store being built they cost 3-4 times the load itself (issue 21's build target).
A rebuild gathers those quads as they stream to the store and streams its chains into the
same bulk load after them (embedded.py), reading nothing back; a write of some graphs reads
them from the store it wrote (Facts.from_store).
tests/stores/test_chains*.py compare the lookups with the recursive answers row for row on
every store kind.

Each chain graph says what it is (dg:ChainGraph), what it was derived from (prov:wasDerivedFrom
the graphs read), with which query (dg:derivedWith) and when (prov:generatedAtTime).

A date that is not a plain xsd:date makes its hop hold on no day (the recursive form's
comparison would fail), though it still counts when no day is asked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox
from rdflib import URIRef

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
#
# Every node is a plain string while the chains are computed (an IRI as itself, a blank node
# as "_:" + its label, which no IRI can start with) and every literal a (lexical form,
# datatype, language) tuple. Why: Oxigraph terms are rebuilt on every attribute access and
# hashed through Rust on every dictionary lookup; strings hash once. They become Oxigraph
# terms again only in the quads written (_Terms).

Key = Any  # str (an IRI or "_:label") or tuple[str, str, str] (a literal)
_XSD_DATE_IRI = _XSD_DATE.value


def fact_key(term: object) -> Key:
    """A term as the chains compute with it (see above)."""
    kind = type(term)
    if kind is ox.NamedNode:
        return term.value  # type: ignore[attr-defined]
    if kind is ox.BlankNode:
        return "_:" + term.value  # type: ignore[attr-defined]
    if kind is ox.Literal:
        return (term.value, term.datatype.value, term.language or "")  # type: ignore[attr-defined]
    return (str(term), "", "")  # a triple term: compared as text, never a node of a chain


def _is_iri(key: Key) -> bool:
    return type(key) is str and not key.startswith("_:")


def _date(term: Key) -> dt.date | None:
    if type(term) is not tuple or term[1] != _XSD_DATE_IRI or not _PLAIN_DATE.match(term[0]):
        return None
    try:
        return dt.date.fromisoformat(term[0])
    except ValueError:
        return None


def _hop_interval(lows: Sequence[object], highs: Sequence[object]) -> Interval:
    lo: dt.date | None = None
    hi: dt.date | None = None
    for term in lows:
        if term is None:
            continue
        day = _date(term)
        if day is None:
            return NEVER
        lo = day if lo is None else max(lo, day)
    for term in highs:
        if term is None:
            continue
        day = _date(term)
        if day is None:
            return NEVER
        hi = day if hi is None else min(hi, day)
    return (lo, hi)


def _empty(i: Interval) -> bool:
    return i[0] is not None and i[1] is not None and i[0] > i[1]


_BEFORE_ALL, _AFTER_ALL = 0, dt.date.max.toordinal() + 1  # the unbounded ends, as day numbers


def _prune(intervals: Iterable[Interval]) -> list[Interval]:
    """The intervals none of the others contains (one kept of equals; an empty one only
    when all are: a chain with no day still counts when no day is asked), in the order of
    their dates as text.

    One sort and a sweep: a chain reached through many links gathers hundreds of intervals,
    and comparing each with every other was a fifth of the whole derivation at 153 councils."""
    unique = set(intervals)
    if len(unique) <= 1:
        return list(unique)  # (the common case: one interval, nothing to compare)
    spans = [(_BEFORE_ALL if i[0] is None else i[0].toordinal(),
              _AFTER_ALL if i[1] is None else i[1].toordinal(), i)
             for i in unique if not _empty(i)]
    if not spans:  # all empty: one of them
        return [min(unique, key=lambda i: (str(i[0]), str(i[1])))]
    # Sorted by start, and among equal starts from the latest end, an interval is inside
    # another exactly when one before it ends no earlier (the intervals are distinct).
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept: list[Interval] = []
    reach = -1
    for _, high, i in spans:
        if high > reach:
            kept.append(i)
            reach = high
    return sorted(kept, key=lambda i: (str(i[0]), str(i[1])))


def _intersect(a: Interval, b: Interval) -> Interval:
    lo = a[0] if b[0] is None else b[0] if a[0] is None else max(a[0], b[0])
    hi = a[1] if b[1] is None else b[1] if a[1] is None else min(a[1], b[1])
    return (lo, hi)


HopKey = tuple[Key, Key, Key]  # (link, relation, next)
Pair = tuple[str | None, Key]  # (authority IRI or None for the national chains, node)


# --- the hops, joined in Python ------------------------------------------------------------
#
# The three hop queries and the two root queries of queries/chains/ (chain-hops-own,
# chain-hops-mapped, chain-hops-national, chain-roots, chain-national-roots) answered by one
# pass over the quads of the eleven predicates they read, indexed in dictionaries, and joined
# here pattern for pattern. Why: SPARQL's optimiser joined a frontier of thousands of VALUES
# rows against the whole store (3.8 s for the roots alone at 153 councils on disk); a
# dictionary lookup per pattern makes each hop cost its own council's few nodes, and the
# whole derivation one scan of those predicates. The queries stay the statement of what a hop
# is (and tests/stores/test_chains*.py hold the stored chains to the recursive definition).

_ORG = "http://www.w3.org/ns/org#"
_ELI = "http://data.europa.eu/eli/ontology#"
# predicate IRI -> the name its table has in Facts
_READ = {
    _DG + "subject": "subject", _DG + "relation": "relation", _DG + "object": "object",
    _DG + "validFrom": "validFrom", _DG + "validThrough": "validThrough",
    _DG + "basis": "basis", _ORG + "role": "role",
    _ELI + "first_date_entry_in_force": "inForce", _ELI + "date_no_longer_in_force": "noLonger",
    _RDF_TYPE.value: "type", _DG + "authority": "authority",
}
_MEMBERSHIP = _ORG + "Membership"
_RELATION_KIND = _DG + "AccountabilityRelation"
_LOCAL_AUTHORITY = _DG + "LocalAuthority"
Multi = dict[Key, set[Key]]
_NONE: frozenset[Key] = frozenset()


class Facts:
    """The union of a store's graphs (what use_default_graph_as_union reads) for the eleven
    predicates the chains read: subject -> objects, one table per predicate.

    Filled from the quads of a write as they stream to the store (add; a rebuild reads
    nothing back), or from a store that already holds them (from_store)."""

    def __init__(self) -> None:
        self.tables: dict[str, Multi] = {name: defaultdict(set) for name in _READ.values()}
        self.by_predicate = {iri: self.tables[name] for iri, name in _READ.items()}

    def add(self, quad: ox.Quad) -> None:
        table = self.by_predicate.get(quad.predicate.value)
        if table is not None:
            table[fact_key(quad.subject)].add(fact_key(quad.object))

    @classmethod
    def from_store(cls, store: ox.Store) -> Facts:
        """Read from a store that holds the data (a load, or a memory/remote store's part).

        rdf:type and dg:authority are the two largest tables of a national store (every
        record has them) and a store on disk costs ~14 µs a quad read, so they are read only
        for what a join can reach, as chains were computed before the streamed rebuild: the
        types of the kinds a link names and of the three kinds the index starts from, and the
        authority of links, their ends, typed nodes and authorities. Reading them whole made
        a one-council load at 1,530 authorities take ~14 s instead of ~1 s; the chains are the
        same (tests/stores/test_chain_derivation.py: a load ends with a rebuild's chains)."""
        facts = cls()
        partial = {"type", "authority"}
        for iri, name in _READ.items():
            if name in partial:
                continue
            table = facts.tables[name]
            for quad in store.quads_for_pattern(None, ox.NamedNode(iri), None, None):
                table[fact_key(quad.subject)].add(fact_key(quad.object))
        tables = facts.tables
        linked = {o for objects in tables["subject"].values() for o in objects}
        relevant = linked | {o for objects in tables["object"].values() for o in objects}
        kinds = {k for k in relevant if _is_iri(k)} | {_MEMBERSHIP, _RELATION_KIND,
                                                      _LOCAL_AUTHORITY}
        types = tables["type"]
        rdf_type = ox.NamedNode(_RDF_TYPE.value)
        for kind in kinds:
            for quad in store.quads_for_pattern(None, rdf_type, ox.NamedNode(str(kind)), None):
                types[fact_key(quad.subject)].add(kind)
        reach = linked | set(types) | set(tables["subject"])
        reach |= {n for n, ks in tables["role"].items() if ks & relevant}
        owners = tables["authority"]
        authority = ox.NamedNode(_DG + "authority")
        for node in reach:
            term = _node(node)
            if term is None:
                continue
            for quad in store.quads_for_pattern(term, authority, None, None):
                owners[node].add(fact_key(quad.object))
        return facts


def _node(key: Key) -> ox.NamedNode | ox.BlankNode | None:
    """The store's term for a fact key that names a node (None for a literal's key)."""
    if type(key) is not str:
        return None
    return ox.BlankNode(key[2:]) if key.startswith("_:") else ox.NamedNode(key)


def _inverse(table: Multi) -> Multi:
    inverse: Multi = defaultdict(set)
    for subject, objects in table.items():
        for o in objects:
            inverse[o].add(subject)
    return inverse


class _Index:
    """The Facts, and the inverses the joins start from."""

    def __init__(self, facts: Facts) -> None:
        self.out = facts.tables
        self.by_subject = _inverse(self.out["subject"])  # node -> links whose dg:subject it is
        self.by_authority = _inverse(self.out["authority"])  # authority -> its nodes
        by_kind = _inverse(self.out["type"])
        self.members = by_kind.get(_MEMBERSHIP, set())
        self.relations = by_kind.get(_RELATION_KIND, set())
        self.authorities = sorted(n for n in by_kind.get(_LOCAL_AUTHORITY, ()) if _is_iri(n))
        self._roles, self._types = self.out["role"], self.out["type"]
        self._kinds_of: dict[Key, dict[Key, list[Key]]] = {}
        self._dates: dict[Key, list[Interval]] = {}

    def get(self, key: str, node: Key) -> AbstractSet[Key]:
        return self.out[key].get(node, _NONE)

    def kinds(self, node: Key) -> AbstractSet[Key]:
        """org:role|rdf:type (the types a link names)."""
        roles = self._roles.get(node)
        types = self._types.get(node)
        if roles is None:
            return types or _NONE
        return roles if types is None else roles | types

    def national(self, link: Key) -> bool:
        """FILTER NOT EXISTS { ?L dg:authority ?any }."""
        return link not in self.out["authority"]

    def dates(self, link: Key) -> list[Interval]:
        """The OPTIONALs ?f ?t and dg:basis ?b (?bf ?bt) of a hop query: one interval per
        solution."""
        known = self._dates.get(link)
        if known is not None:
            return known
        lows = list(self.get("validFrom", link)) or [None]
        highs = list(self.get("validThrough", link)) or [None]
        bases: list[tuple[Key, Key]] = []
        for b in self.get("basis", link):
            b_lows = list(self.get("inForce", b) | self.get("validFrom", b)) or [None]
            b_highs = list(self.get("noLonger", b) | self.get("validThrough", b)) or [None]
            bases += [(bf, bt) for bf in b_lows for bt in b_highs]
        bases = bases or [(None, None)]
        known = [_hop_interval([f, bf], [t, bt])
                 for f in lows for t in highs for bf, bt in bases]
        self._dates[link] = known
        return known

    def _relations(self, link: Key) -> list[tuple[Key, Key]]:
        """?L dg:relation ?r ; dg:object ?next . ?r a dg:AccountabilityRelation."""
        return [(r, o) for r in self.get("relation", link) if r in self.relations
                for o in self.get("object", link)]

    def of_kind(self, authority: Key) -> dict[Key, list[Key]]:
        """The authority's nodes by kind: ?next dg:authority? ?authority . ?next
        org:role|rdf:type ?o, with COALESCE(?nextAuth, ?next) = ?authority and no
        membership."""
        known = self._kinds_of.get(authority)
        if known is not None:
            return known
        nodes = set(self.by_authority.get(authority, set()))
        if authority not in self.out["authority"]:
            nodes.add(authority)
        table: dict[Key, list[Key]] = defaultdict(list)
        for node in nodes:
            if node in self.members:
                continue
            for kind in self.kinds(node):
                table[kind].append(node)
        self._kinds_of[authority] = table
        return table

    def hops(self, owner: str | None, c: Key) -> dict[HopKey, list[Interval]]:
        """chain-hops-own and chain-hops-mapped for a council's node, chain-hops-national
        for a kind (owner None)."""
        found: dict[HopKey, list[Interval]] = defaultdict(list)
        if not _is_iri(c):
            return found  # (as before: a blank node was never asked)
        links = self.by_subject.get(c, set())
        if owner is None:
            for link in links:
                if not self.national(link):
                    continue
                for r, nxt in self._relations(link):
                    if nxt not in self.members and nxt != c:
                        found[(link, r, nxt)] += self.dates(link)
            return found
        authority = owner
        for link in links:
            if authority not in self.get("authority", link):
                continue
            for r, nxt in self._relations(link):
                if nxt not in self.members and nxt != c:
                    found[(link, r, nxt)] += self.dates(link)
        mine = self.of_kind(authority)
        for k in self.kinds(c):
            if k == c:
                continue
            for link in self.by_subject.get(k, set()):
                if not self.national(link):
                    continue
                for r, o in self._relations(link):
                    for nxt in mine.get(o, ()):
                        if nxt != c and nxt != o:
                            found[(link, r, nxt)] += self.dates(link)
        return found

    def roots(self, authorities: Sequence[str], national: bool) -> list[Pair]:
        """chain-roots (and chain-national-roots)."""
        pairs: set[Pair] = set()
        for a in authorities:
            for c in {a} | self.by_authority.get(a, set()):
                if c in self.members or not _is_iri(c):
                    continue
                if c in self.by_subject or any(k in self.by_subject for k in self.kinds(c)):
                    pairs.add((a, c))
        if national:
            pairs |= {(None, c) for c, links in self.by_subject.items()
                      if _is_iri(c) and any(map(self.national, links))}
        return sorted(pairs, key=lambda p: (str(p[0]), str(p[1])))


Step = tuple[str | None, Key, int, Key, Key, Key, Key]  # owner root depth L from r to


def compute_steps(store: ox.Store, authorities: Sequence[str], national: bool
                  ) -> dict[Step, list[Interval]]:
    """Every step of every chain of the councils named (and, with national, of the chains
    between kinds), with the intervals on which the chain up to it holds."""
    return _steps(_Index(Facts.from_store(store)), authorities, national)


def _steps(index: _Index, authorities: Sequence[str], national: bool
           ) -> dict[Step, list[Interval]]:
    # A node's hops, each with its intervals pruned once (a node is reached by many chains).
    edges: dict[Pair, list[tuple[HopKey, list[Interval]]]] = {}
    # A chain so far: (owner, root, nodes visited, intervals on which it holds).
    Chain = tuple[str | None, Key, tuple[Key, ...], list[Interval]]
    chains: list[Chain] = [(owner, c, (c,), [(None, None)])
                           for owner, c in index.roots(authorities, national)]
    steps: dict[Step, list[Interval]] = defaultdict(list)
    for depth in range(1, MAX_DEPTH + 1):
        longer: list[Chain] = []
        for owner, root, nodes, held in chains:
            pair = (owner, nodes[-1])
            hops = edges.get(pair)
            if hops is None:
                hops = edges[pair] = [(key, _prune(hop))
                                      for key, hop in index.hops(owner, nodes[-1]).items()]
            for (link, relation, nxt), hop in hops:
                if nxt in nodes:
                    continue
                now = _prune(_intersect(a, b) for a in held for b in hop)
                steps[(owner, root, depth, link, nodes[-1], relation, nxt)].extend(now)
                longer.append((owner, root, (*nodes, nxt), now))
        chains = longer
    return {k: _prune(v) for k, v in steps.items()}


class _Terms:
    """Keys back to Oxigraph terms, each made once, with the text the step's name hashes."""

    def __init__(self) -> None:
        self._known: dict[Key, tuple[object, str]] = {}

    def __call__(self, key: Key) -> tuple[Any, str]:
        known = self._known.get(key)
        if known is None:
            term: object
            if type(key) is tuple:
                lexical, datatype, language = key
                term = (ox.Literal(lexical, language=language) if language
                        else ox.Literal(lexical, datatype=ox.NamedNode(datatype)))
            elif key.startswith("_:"):
                term = ox.BlankNode(key[2:])
            else:
                term = ox.NamedNode(key)
            known = self._known[key] = (term, str(term))
        return known


@functools.lru_cache(maxsize=4096)
def _date_literal(day: dt.date) -> ox.Literal:
    return ox.Literal(day.isoformat(), datatype=_XSD_DATE)


@functools.lru_cache(maxsize=8)
def _depth_literal(depth: int) -> ox.Literal:
    return ox.Literal(str(depth), datatype=_XSD_INTEGER)


_CHAIN_STEP = _dg("ChainStep")


def _step_quads(step: Step, intervals: Sequence[Interval], owner: ox.NamedNode,
                graph: ox.NamedNode, terms: _Terms) -> Iterator[ox.Quad]:
    _, root, depth, link, start, relation, end = step
    root_t, root_s = terms(root)
    link_t, link_s = terms(link)
    start_t, start_s = terms(start)
    relation_t, relation_s = terms(relation)
    end_t, end_s = terms(end)
    prefix = "|".join([owner.value, root_s, str(depth), link_s, start_s, relation_s, end_s])
    for interval in intervals:
        key = f"{prefix}|{interval[0]}|{interval[1]}"
        node = ox.NamedNode(STEP_PREFIX + hashlib.sha1(key.encode()).hexdigest())
        yield ox.Quad(node, _RDF_TYPE, _CHAIN_STEP, graph)
        yield ox.Quad(node, CHAIN_FOR, owner, graph)
        yield ox.Quad(node, CHAIN_ROOT, root_t, graph)
        yield ox.Quad(node, CHAIN_DEPTH, _depth_literal(depth), graph)
        yield ox.Quad(node, CHAIN_STATEMENT, link_t, graph)
        yield ox.Quad(node, CHAIN_FROM, start_t, graph)
        yield ox.Quad(node, CHAIN_RELATION, relation_t, graph)
        yield ox.Quad(node, CHAIN_TO, end_t, graph)
        if interval[0] is not None:
            yield ox.Quad(node, CHAIN_VALID_FROM, _date_literal(interval[0]), graph)
        if interval[1] is not None:
            yield ox.Quad(node, CHAIN_VALID_THROUGH, _date_literal(interval[1]), graph)


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


@dataclass
class Derived:
    """What derive made, known once it is drained: the chain graphs and how many quads."""

    graphs: set[URIRef] = field(default_factory=set)
    count: int = 0


def derive(facts: Facts, plan: Plan, names: AbstractSet[str],
           out: Derived | None = None) -> Iterator[ox.Quad]:
    """The quads of the chain graphs the plan recomputes, from the facts of the store's union
    as it will be and the names of its graphs (both read only when the first quad is asked
    for); what was made is noted in `out`. A generator, so a rebuild can stream the chains
    into the same bulk load as their sources, right after them. (Written as N-Quads text and
    bulk-loaded instead, the chains cost half as much again at 153 councils.)"""
    out = out if out is not None else Derived()
    index = _Index(facts)
    present = set(index.authorities)
    if plan.everything:
        authorities = sorted(present)
    else:
        authorities = sorted(a for a in plan.authorities if a in present)
    steps = _steps(index, authorities, national=plan.everything)
    shared = sorted(g for g in names if not is_chain_graph(g) and authority_slug(g) is None)
    when = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    terms = _Terms()
    made: dict[str | None, tuple[ox.NamedNode, ox.NamedNode]] = {}
    for step, intervals in sorted(steps.items(), key=lambda kv: tuple(map(str, kv[0]))):
        owner_iri = step[0]
        pair = made.get(owner_iri)
        if pair is None:
            graph = ox.NamedNode(str(NATIONAL if owner_iri is None else chain_graph(owner_iri)))
            owner = ox.NamedNode(str(NATIONAL) if owner_iri is None else owner_iri)
            pair = made[owner_iri] = (graph, owner)
            sources = list(shared)
            if owner_iri is not None and (slug := authority_slug(owner_iri)) is not None \
                    and str(authority_graph(slug)) in names:
                sources.append(str(authority_graph(slug)))
            out.graphs.add(URIRef(graph.value))
            provenance = _provenance(graph, sources, when)
            out.count += len(provenance)
            yield from provenance
        out.count += sum(8 + (lo is not None) + (hi is not None) for lo, hi in intervals)
        yield from _step_quads(step, intervals, pair[1], pair[0], terms)


def chain_quads(store: ox.Store, plan: Plan) -> list[ox.Quad]:
    """The quads of the chain graphs the plan recomputes, read from the store's union (which
    must already hold what the write puts in place of the old)."""
    names = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    return list(derive(Facts.from_store(store), plan, names))


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


def add_chains(staging: ox.Store, names: Iterable[URIRef] | None, existing: Iterable[str],
               kept_graph: Callable[[str], Iterable[tuple[Any, Any, Any]]]) -> set[URIRef] | None:
    """For the kinds that compute the chains apart from their data (memory, remote): the
    chain quads of the data as it will be, added to `staging` (the new graphs), read from it
    and the kept graphs it needs (`kept_graph` gives one graph's triples); returns the graphs
    the write replaces, chain graphs included (None: all)."""
    existing = list(existing)
    reading = staging
    kept = graphs_to_read(names, existing)
    if kept:
        reading = ox.Store()
        reading.bulk_extend(staging)
        for name in kept:
            reading.bulk_extend(as_quads(kept_graph(name), name))
    chain_names, chain_quads = refresh(reading, names, existing)
    staging.bulk_extend(chain_quads)
    return None if names is None else set(names) | chain_names


def refresh(store: ox.Store, names: Iterable[URIRef] | None, existing: Iterable[str]
            ) -> tuple[set[URIRef], list[ox.Quad]]:
    """The chain graphs a write replaces, and their new quads, computed from `store`: the
    union after the write (or, for memory and remote stores, the part graphs_to_read says)."""
    plan = plan_for(None if names is None else list(names))
    dropped = plan.dropped(existing)
    present = {g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode)}
    derived = Derived()
    quads = list(derive(Facts.from_store(store), plan, present, derived))
    return dropped | derived.graphs, quads
