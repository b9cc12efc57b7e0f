"""What the HTML pages show, read from the store with the page queries in queries/pages/.

The named-query catalogue answers the questions policy officers ask (who is accountable,
reporting lines...); this module gathers the rest a page needs around them: labels, an
entity's links in and out, an authority's bodies and posts, the graph of who answers to whom.
Its SPARQL lives in .rq files with headers (queries.internal runs them, bound with VALUES),
so every store kind (embedded, memory, remote) serves the same pages and no request value is
ever written into a query's text.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from ..ask.proposals import proposed
from ..errors import InputError
from ..namespaces import PREFIXES, authority_iri, authority_slug, bind_prefixes
from ..queries.internal import page_ask, page_construct, page_select
from ..store import Store

# Characters an IRI may not contain (RFC 3987 / SPARQL IRIREF), checked before any IRI from
# a request is written into a query.
_BAD_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_LEGISLATION_ID = "http://www.legislation.gov.uk/id/"
_LABEL_PREDICATES = ("rdfs:label", "skos:prefLabel", "foaf:name", "dg:citationLabel")
_RELATION_WORDS = {
    "reportsTo": "reports to",
    "isAccountableTo": "is accountable to",
    "holdsToAccount": "holds to account",
    "isAppointedBy": "is appointed by",
    "appoints": "appoints",
    "isRemovableBy": "is removable by",
    "isChairedBy": "is chaired by",
    "chairs": "chairs",
    "isScrutinisedBy": "is scrutinised by",
    "scrutinises": "scrutinises",
    "receivesReport": "receives the report",
    "advises": "advises",
    "consults": "consults",
    "observes": "observes",
}


def checked_iri(iri: str, parameter: str = "iri") -> URIRef:
    """The IRI a request gave, or InputError naming the parameter if it cannot be one."""
    if not iri or _BAD_IRI.search(iri) or ":" not in iri:
        raise InputError(f"not an IRI: '{iri[:200]}'", parameter=parameter)
    return URIRef(iri)


def iri_ref(iri: str, parameter: str = "iri") -> str:
    """The IRI as a SPARQL IRIREF, or InputError naming the parameter if it cannot be one."""
    return f"<{checked_iri(iri, parameter)}>"


def curie(iri: str) -> str:
    """A short name for an IRI with our prefixes (dg:LSCB, fn:reg5-1-e), else the IRI."""
    best = ""
    prefix_name = ""
    for name, ns in PREFIXES.items():
        ns_str = str(ns)
        if iri.startswith(ns_str) and len(ns_str) > len(best):
            best, prefix_name = ns_str, name
    if best and re.fullmatch(r"[A-Za-z0-9_.\-]*", iri[len(best):]):
        return f"{prefix_name}:{iri[len(best):]}"
    return iri


def fallback_label(iri: str) -> str:
    """A readable name for an IRI with no label: its last path segment or fragment (for a
    legislation.gov.uk identifier, its whole path: ukpga/2004/31/section/18)."""
    if iri.startswith(_LEGISLATION_ID):
        return iri[len(_LEGISLATION_ID):]
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail.replace("-", " ") if tail else iri


def _pick_label(candidates: list[tuple[int, Literal]]) -> str:
    """Prefer the label predicate listed first, then English, then untagged."""
    def rank(item: tuple[int, Literal]) -> tuple[int, int]:
        order, lit = item
        lang = (lit.language or "").lower()
        return (order, 0 if lang.startswith("en") else 1 if not lang else 2)

    return str(sorted(candidates, key=rank)[0][1])


def labels(store: Store, iris: Iterable[Node]) -> dict[str, str]:
    """Labels for many IRIs at once (one query per 200), falling back to the IRI's tail."""
    wanted = sorted({str(i) for i in iris if isinstance(i, URIRef) and not _BAD_IRI.search(str(i))})
    found: dict[str, list[tuple[int, Literal]]] = defaultdict(list)
    order = {p: n for n, p in enumerate(_LABEL_PREDICATES)}
    for start in range(0, len(wanted), 200):
        rows = page_select(store, "labels", x=[URIRef(i) for i in wanted[start:start + 200]])
        for row in rows:
            lit = row.get("l")
            if isinstance(lit, Literal):
                found[str(row["x"])].append((order.get(curie(str(row["p"])), 9), lit))
    return {i: (_pick_label(found[i]) if found.get(i) else fallback_label(i)) for i in wanted}


def label_of(store: Store, iri: str) -> str:
    return labels(store, [URIRef(iri)]).get(iri, fallback_label(iri))


@dataclass
class Term:
    """A value as a page shows it: a link to an entity page, or a literal."""

    value: str
    label: str
    is_iri: bool
    datatype: str | None = None
    language: str | None = None
    external: bool = False  # a web page (legislation.gov.uk), linked as itself


def term(node: Node, names: dict[str, str]) -> Term:
    if isinstance(node, URIRef):
        return Term(str(node), names.get(str(node), fallback_label(str(node))), True)
    if isinstance(node, Literal):
        return Term(str(node), str(node), False,
                    curie(str(node.datatype)) if node.datatype else None, node.language)
    if isinstance(node, BNode):
        return Term(str(node), "(unnamed node)", False)
    return Term(str(node), str(node), False)


# ------------------------------------------------------------------------------------------
# Lists the home page, forms and nav need
# ------------------------------------------------------------------------------------------

def authorities(store: Store) -> list[Term]:
    """Every local authority in the store, by label."""
    rows = page_select(store, "authorities")
    iris = [r["a"] for r in rows if isinstance(r.get("a"), URIRef)]
    names = labels(store, iris)
    return sorted((term(i, names) for i in iris), key=lambda t: t.label)


@dataclass
class FunctionItem:
    iri: str
    label: str
    bearer: str | None
    provision: str | None
    provision_label: str | None
    modality: str | None
    valid_from: str | None
    valid_through: str | None
    broader: str | None


def functions(store: Store) -> list[FunctionItem]:
    """Every dg:Function with its bearer, provision and modality, in IRI order (reg 5, 6...)."""
    rows = page_select(store, "functions")
    iris: list[Node] = []
    for r in rows:
        iris += [r[k] for k in ("f", "bearer", "provision") if k in r]
    names = labels(store, iris)
    items = [FunctionItem(
        iri=str(r["f"]), label=names.get(str(r["f"]), fallback_label(str(r["f"]))),
        bearer=names.get(str(r["bearer"])) if "bearer" in r else None,
        provision=_text(r, "provision"),
        provision_label=names.get(str(r["provision"])) if "provision" in r else None,
        modality=_text(r, "phrase"), valid_from=_text(r, "validFrom"),
        valid_through=_text(r, "validThrough"), broader=_text(r, "broader"),
    ) for r in rows if isinstance(r.get("f"), URIRef)]
    return sorted(items, key=lambda i: _natural_key(i.iri))


def _natural_key(text: str) -> list[object]:
    """Sort reg5-1-a-ii after reg5-1-a-i and s18-2-e after s14-1-b: numbers as numbers."""
    return [(0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", text)]


def source_documents(store: Store) -> list[dict[str, str]]:
    """The seed documents in the store, for the footer."""
    rows = page_select(store, "source-documents")
    names = labels(store, [r["d"] for r in rows if "d" in r])
    docs = [{"iri": str(r["d"]), "label": names.get(str(r["d"]), ""),
             "file": str(r["fileName"]) if "fileName" in r else ""} for r in rows if "d" in r]
    return sorted(docs, key=lambda d: d["file"] or d["iri"])


# ------------------------------------------------------------------------------------------
# Entity pages
# ------------------------------------------------------------------------------------------

@dataclass
class Statement:
    """A duty, function or link as listed on a page: who, must/should what, under what."""

    iri: str
    label: str
    kinds: list[str]
    modality: str | None
    provision: Term | None
    legislation_page: str | None
    bearer: Term | None
    valid_from: str | None
    valid_through: str | None
    requirement: str | None


@dataclass
class LinkRow:
    """One dg:Link: subject -relation-> object, with its force, provision and source."""

    iri: str
    subject: Term
    relation: str
    object: Term
    modality: str | None
    provision: Term | None
    legislation_page: str | None
    source: Term | None
    locators: list[str]
    valid_from: str | None
    valid_through: str | None
    proposed: bool = False  # the document only proposes this link (dg:proposed)


@dataclass
class Entity:
    iri: str
    label: str
    kinds: list[Term]
    summaries: list[str]
    facts: list[tuple[str, list[Term]]]
    outgoing: list[tuple[Term, Term]]
    incoming: list[tuple[Term, Term]]
    imposes: list[Statement]
    carries: list[Statement]
    links: list[LinkRow]
    sources: list[Term]
    locators: list[str]
    as_at: list[str]
    legislation_pages: list[str]
    versions: list[str]
    turtle: str
    type_iris: set[str] = field(default_factory=set)

    @property
    def exists(self) -> bool:
        return bool(self.outgoing or self.incoming)


# Predicates shown as "facts" at the top of an entity page, in this order.
_FACT_PREDICATES = [
    ("dg:modality", "Force"), ("dg:bearer", "Carried by"), ("dg:imposedBy", "Imposed by"),
    ("dg:basis", "Basis in law"), ("dg:function", "Function"), ("dg:toward", "Toward"),
    ("dg:subject", "Subject"), ("dg:relation", "Relation"), ("dg:object", "Object"),
    ("org:role", "Role"), ("org:postIn", "Post in"), ("dg:authority", "Authority"),
    ("dg:establishedBy", "Established by"), ("org:subOrganizationOf", "Part of"),
    ("eli:is_part_of", "Part of"), ("dg:sourceType", "Kind of source"),
    ("dg:validFrom", "In force from"), ("dg:validThrough", "In force until (inclusive)"),
    ("eli:first_date_entry_in_force", "In force from"),
    ("eli:date_no_longer_in_force", "Last day in force"),
    ("dg:supersededBy", "Superseded by"), ("dg:verification", "Verification"),
    ("dg:verificationNote", "Verification note"),
]
_SUMMARY_PREDICATES = ("skos:definition", "dg:requirement", "rdfs:comment", "dg:claimText",
                       "dg:objective")


def _expand(curie_text: str) -> str:
    prefix, local = curie_text.split(":", 1)
    return str(PREFIXES[prefix]) + local


def entity(store: Store, iri: str) -> Entity:
    """Everything an entity page shows about one IRI (its first 1,000 triples each way)."""
    node = checked_iri(iri)
    out_rows = page_select(store, "entity-outgoing", subject=node).rows
    in_rows = page_select(store, "entity-incoming", object=node).rows
    nodes: list[Node] = [URIRef(iri)]
    for r in out_rows:
        nodes += [r["p"], r["o"]]
    for r in in_rows:
        nodes += [r["s"], r["p"]]
    names = labels(store, nodes)

    by_pred: dict[str, list[Node]] = defaultdict(list)
    for r in out_rows:
        by_pred[str(r["p"])].append(r["o"])

    def values(c: str) -> list[Node]:
        return by_pred.get(_expand(c), [])

    kinds = [term(t, names) for t in values("rdf:type")]
    summaries = [str(v) for c in _SUMMARY_PREDICATES for v in values(c)]
    facts: list[tuple[str, list[Term]]] = []
    seen_titles: dict[str, list[Term]] = {}
    for c, title in _FACT_PREDICATES:
        vals = values(c)
        if not vals:
            continue
        terms_ = [term(v, names) for v in vals]
        if c == "dg:modality":
            terms_ = [Term(t.value, modality_words(store, t.value) or t.label, True)
                      for t in terms_]
        if title in seen_titles:
            seen_titles[title].extend(terms_)
        else:
            seen_titles[title] = terms_
            facts.append((title, terms_))

    outgoing = sorted(((term(r["p"], names), term(r["o"], names)) for r in out_rows),
                      key=lambda pv: (pv[0].label, pv[1].label))
    incoming = sorted(((term(r["s"], names), term(r["p"], names)) for r in in_rows),
                      key=lambda sp: (sp[1].label, sp[0].label))
    graph = page_construct(store, "entity-triples", subject=node)
    bind_prefixes(graph)
    turtle = graph.serialize(format="turtle") if len(graph) else ""
    return Entity(
        iri=iri, label=names.get(iri, fallback_label(iri)), kinds=kinds, summaries=summaries,
        facts=facts, outgoing=outgoing, incoming=incoming,
        imposes=statements_imposed_by(store, iri),
        carries=statements_carried_by(store, iri),
        links=links_of(store, iri),
        sources=[term(v, names) for v in values("prov:wasDerivedFrom")],
        locators=sorted(str(v) for v in values("dg:locator")),
        as_at=sorted(str(v) for v in values("dg:asAt")),
        legislation_pages=[str(v) for v in values("dg:legislationPage")],
        versions=sorted(str(v) for v in values("dg:version")),
        turtle=turtle,
        type_iris={str(t) for t in values("rdf:type")},
    )


def modality_words(store: Store, modality_iri: str) -> str | None:
    """How a modality reads in a sentence ('must', 'must have regard to'), from dg:phrase."""
    rows = page_select(store, "modality-phrase",
                       modality=checked_iri(modality_iri, "modality"))
    return str(rows.rows[0]["w"]) if rows.rows else None


def _text(row: dict[str, Node], key: str) -> str | None:
    return str(row[key]) if key in row else None


@dataclass
class _Read:
    """A page query's rows, the labels of the IRIs they name and the legislation.gov.uk page
    of each row's provision: what a list of duties or links needs to show its rows."""

    rows: list[dict[str, Node]]
    names: dict[str, str]
    pages: dict[str, str]

    def provision(self, row: dict[str, Node]) -> tuple[Term | None, str | None]:
        prov = row.get("provision")
        return (None, None) if prov is None else (term(prov, self.names),
                                                  self.pages.get(str(prov)))


def _read(store: Store, query: str, columns: tuple[str, ...], **values: URIRef) -> _Read:
    """Run a page query; label the IRIs in `columns` and in a "types" list column."""
    rows = page_select(store, query, **values).rows
    nodes: list[Node] = [r[k] for r in rows for k in columns if k in r]
    nodes += [URIRef(t) for r in rows for t in str(r.get("types", "")).split()]
    return _Read(rows, labels(store, nodes),
                 legislation_pages(store, [r["provision"] for r in rows if "provision" in r]))


def _statements(store: Store, query: str, **values: URIRef) -> list[Statement]:
    read = _read(store, query, ("st", "provision", "bear"), **values)
    names, out = read.names, []
    for r in read.rows:
        provision, page = read.provision(r)
        out.append(Statement(
            iri=str(r["st"]), label=names.get(str(r["st"]), fallback_label(str(r["st"]))),
            kinds=sorted(names.get(t, fallback_label(t)) for t in str(r.get("types", "")).split()),
            modality=_text(r, "phr"), provision=provision, legislation_page=page,
            bearer=term(r["bear"], names) if "bear" in r else None,
            valid_from=_text(r, "vf"), valid_through=_text(r, "vt"),
            requirement=_text(r, "requirement"),
        ))
    return sorted(out, key=lambda s: (s.valid_from or "", _natural_key(s.iri)))


def statements_imposed_by(store: Store, iri: str) -> list[Statement]:
    """Duties, functions and links this provision (or any provision within it) imposes."""
    return _statements(store, "statements-imposed-by", provision=checked_iri(iri))


def statements_carried_by(store: Store, iri: str) -> list[Statement]:
    """Duties and functions whose bearer is this role or kind of body, or the role a local
    post holds, or the kind a local body is."""
    return _statements(store, "statements-carried-by", bearer=checked_iri(iri))


def legislation_pages(store: Store, provisions: Iterable[Node]) -> dict[str, str]:
    """The legislation.gov.uk page of each provision that has one (dg:legislationPage)."""
    iris = sorted({str(p) for p in provisions if isinstance(p, URIRef) and not _BAD_IRI.search(p)})
    if not iris:
        return {}
    rows = page_select(store, "legislation-pages", p=[URIRef(i) for i in iris])
    return {str(r["p"]): str(r["page"]) for r in rows}


def _links(store: Store, query: str, **values: URIRef) -> list[LinkRow]:
    read = _read(store, query, ("link", "s", "rel", "o", "provision", "source"), **values)
    names, out = read.names, []
    proposals = proposed(store, [r["link"] for r in read.rows if "link" in r])
    for r in read.rows:
        provision, page = read.provision(r)
        out.append(LinkRow(
            iri=str(r["link"]), subject=term(r["s"], names),
            relation=relation_words(str(r["rel"]), names),
            object=term(r["o"], names),
            modality=_text(r, "phr"), provision=provision, legislation_page=page,
            source=term(r["source"], names) if "source" in r else None,
            locators=sorted(x for x in str(r.get("locators", "")).split("|") if x),
            valid_from=_text(r, "vf"), valid_through=_text(r, "vt"),
            proposed=str(r["link"]) in proposals,
        ))
    return sorted(out, key=lambda link: (link.subject.label, link.relation, link.object.label))


def relation_words(relation_iri: str, names: dict[str, str] | None = None) -> str:
    local = relation_iri.rsplit("#", 1)[-1]
    if local in _RELATION_WORDS:
        return _RELATION_WORDS[local]
    return (names or {}).get(relation_iri) or fallback_label(relation_iri)


def links_of(store: Store, iri: str) -> list[LinkRow]:
    """Links in which this IRI is the subject or the object, or which it imposes."""
    return _links(store, "entity-links", entity=checked_iri(iri))


# ------------------------------------------------------------------------------------------
# Authority pages
# ------------------------------------------------------------------------------------------

@dataclass
class PostRow:
    post: Term
    roles: list[Term]
    body: Term | None
    holders: list[Term]
    independent: bool


@dataclass
class MemberRow:
    body: Term
    member: Term
    role: Term | None
    represents: Term | None
    kind: Term | None


@dataclass
class Authority:
    iri: str
    slug: str
    label: str
    tier: str | None
    bodies: list[tuple[Term, list[Term]]]
    posts: list[PostRow]
    members: list[MemberRow]
    links: list[LinkRow]


def authority_from_slug(store: Store, slug: str) -> URIRef | None:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+", slug):
        return None
    iri = authority_iri(slug)
    ok = page_ask(store, "authority-exists", authority=iri)
    return iri if ok else None


def authority(store: Store, iri: URIRef) -> Authority:
    """An authority's bodies, posts and their holders, Board members and local links."""
    iri = checked_iri(str(iri), "authority")
    body_rows = page_select(store, "authority-bodies", authority=iri).rows
    post_rows = page_select(store, "authority-posts", authority=iri).rows
    member_rows = page_select(store, "authority-members", authority=iri).rows
    tier_rows = page_select(store, "authority-tier", authority=iri).rows
    nodes: list[Node] = [iri]
    for rows in (body_rows, post_rows, member_rows):
        for r in rows:
            nodes += list(r.values())
    names = labels(store, nodes)

    bodies: dict[str, list[Term]] = defaultdict(list)
    for r in body_rows:
        kind = term(r["type"], names)
        if kind.value not in {k.value for k in bodies[str(r["b"])]}:
            bodies[str(r["b"])].append(kind)
    body_list = sorted(((term(URIRef(b), names), ks) for b, ks in bodies.items()),
                       key=lambda bk: (bk[0].value != str(iri), bk[0].label))

    posts: dict[str, PostRow] = {}
    for r in post_rows:
        key = str(r["post"])
        row = posts.setdefault(key, PostRow(term(r["post"], names), [], None, [], False))
        if "role" in r and r["role"] not in {URIRef(t.value) for t in row.roles}:
            row.roles.append(term(r["role"], names))
        if "body" in r and row.body is None:
            row.body = term(r["body"], names)
        if "holder" in r and str(r["holder"]) not in {t.value for t in row.holders}:
            row.holders.append(term(r["holder"], names))
        if "indep" in r and str(r["indep"]).lower() in ("true", "1"):
            row.independent = True

    members: dict[str, MemberRow] = {}
    for r in member_rows:
        if str(r["m"]) in members:
            continue
        members[str(r["m"])] = MemberRow(
            body=term(r["body"], names),
            member=term(r["member"], names) if "member" in r else Term("", "(not named)", False),
            role=term(r["role"], names) if "role" in r else None,
            represents=term(r["rep"], names) if "rep" in r else None,
            kind=term(r["kind"], names) if "kind" in r else None)

    slug = authority_slug(str(iri)) or ""
    return Authority(
        iri=str(iri), slug=slug, label=names.get(str(iri), slug), tier=(
            str(tier_rows[0]["t"]) if tier_rows else None),
        bodies=body_list,
        posts=sorted(posts.values(), key=lambda p: p.post.label),
        members=sorted(members.values(), key=lambda m: (m.body.label, m.member.label)),
        links=_links(store, "authority-links", authority=iri),
    )


def graph_elements(store: Store,
                   rows: Iterable[dict[str, Node]]) -> dict[str, list[dict[str, object]]]:
    """Cytoscape.js elements for who answers to whom, from rows of the reporting-lines query:
    one node per post or body, one edge per distinct link, labelled with its relation and its
    provision (or, for a local link citing none, its source document)."""
    nodes: dict[str, dict[str, object]] = {}
    edges: dict[tuple[str, str, str, str], dict[str, object]] = {}
    rows = list(rows)
    proposals = proposed(store, [r["statement"] for r in rows if "statement" in r])
    kinds = _node_kinds(store, [r[k] for r in rows for k in ("from", "to")  # type: ignore[misc]
                                if isinstance(r.get(k), URIRef)])
    for r in rows:
        ends = [r.get("from"), r.get("to")]
        if not all(isinstance(e, URIRef) for e in ends):
            continue
        for end, label_var, holder_var in ((ends[0], "fromLabel", "fromHolder"),
                                           (ends[1], "toLabel", "toHolder")):
            label = str(r.get(label_var) or fallback_label(str(end)))
            holder = str(r.get(holder_var) or "")
            nodes.setdefault(str(end), {"data": {
                "id": str(end), "label": f"{label}\n({holder})" if holder else label,
                "kind": kinds.get(str(end), "other"),
                "href": "/entity?" + _query_string(iri=str(end))}})
        relation = str(r.get("relationLabel") or relation_words(str(r.get("relation", ""))))
        only_proposed = str(r.get("statement", "")) in proposals
        if r.get("provision") is not None:
            cites = str(r.get("provisionLabel") or fallback_label(str(r["provision"])))
        else:
            locator = str(r.get("locator") or "").split(";")[0].strip()
            cites = f"local record, {locator}" if locator else "no provision recorded"
        key = (str(ends[0]), str(ends[1]), relation, cites)
        if key in edges:
            continue
        edges[key] = {"data": {
            "id": f"e{len(edges)}", "source": str(ends[0]), "target": str(ends[1]),
            "relation": relation, "provision": cites, "modality": str(r.get("phrase") or ""),
            "scope": str(r.get("scope") or ""), "proposed": only_proposed,
            "label": f"{'proposed: ' if only_proposed else ''}{relation}\n{cites}"}}
    return {"nodes": sorted(nodes.values(), key=lambda n: str(n["data"]["id"])),  # type: ignore[index]
            "edges": list(edges.values())}


def _query_string(**params: str) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _node_kinds(store: Store, iris: list[URIRef]) -> dict[str, str]:
    """post, body, report or person: decides a node's shape in the graph view."""
    wanted = sorted({str(i) for i in iris if not _BAD_IRI.search(str(i))})
    if not wanted:
        return {}
    rows = page_select(store, "node-types", x=[URIRef(i) for i in wanted])
    order = {"post": 0, "body": 1, "report": 2, "person": 3}
    kinds: dict[str, str] = {}
    body_classes = {str(c) for c in _body_classes(store)}
    for r in rows:
        t = str(r["t"])
        kind = ("post" if t.endswith("/org#Post") or t.endswith("org#Post") else
                "report" if t.endswith("Report") else
                "person" if t.endswith("#Person") else
                "body" if t in body_classes else None)
        if kind and order[kind] < order.get(kinds.get(str(r["x"]), "zz"), 9):
            kinds[str(r["x"])] = kind
    return kinds


def _body_classes(store: Store) -> list[URIRef]:
    rows = page_select(store, "body-classes")
    return [r["c"] for r in rows if isinstance(r.get("c"), URIRef)]  # type: ignore[misc]


# ------------------------------------------------------------------------------------------
# Kinds of thing, for named-query parameters
# ------------------------------------------------------------------------------------------

def _kinds(kinds: Iterable[str], kind_classes: Iterable[str]) -> list[tuple[str, list[URIRef]]]:
    """The page queries that find things of these kinds, each with its classes: instances of
    `kinds` (or of their subclasses), and the subclasses of `kind_classes` (kinds of body used
    as individuals, such as dg:LSCB)."""
    pairs = [("instances-of-kinds", [checked_iri(k, "kinds") for k in kinds]),
             ("subclasses-of", [checked_iri(k, "kinds") for k in kind_classes])]
    return [(query, classes) for query, classes in pairs if classes]


def instances_of(store: Store, kinds: Iterable[str], kind_classes: Iterable[str] = (),
                 *, limit: int = 500) -> list[Term]:
    """Things of the given kinds, by label: the choices of a query parameter."""
    found: set[URIRef] = set()
    for query, classes in _kinds(kinds, kind_classes):
        found.update(r["x"] for r in page_select(store, query, kind=classes)  # type: ignore[misc]
                     if isinstance(r.get("x"), URIRef))
    iris = sorted(found)[:limit]
    names = labels(store, iris)
    return sorted((term(i, names) for i in iris), key=lambda t: (t.label.casefold(), t.value))


def is_of_kind(store: Store, iri: str, kinds: Iterable[str],
               kind_classes: Iterable[str] = ()) -> bool:
    """Whether an IRI is one of the things a query parameter takes."""
    node = checked_iri(iri)
    return any(page_select(store, query, kind=classes, x=node).rows
               for query, classes in _kinds(kinds, kind_classes))


def authority_dates(store: Store) -> list[tuple[Term, str]]:
    """Each authority with the latest date its documents describe (dg:asAt): useful days
    to audit or answer for."""
    rows = page_select(store, "authority-dates")
    names = labels(store, [r["a"] for r in rows if "a" in r])
    out = [(term(r["a"], names), str(r["day"])) for r in rows if "a" in r and "day" in r]
    return sorted(out, key=lambda td: td[0].label)
