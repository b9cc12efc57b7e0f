"""Synthetic local arrangements at national scale, for benchmarks and scale tests.

Run from the repository root (`make synth N=153 OUT=FILE` does this):

    python -m tools.synth --authorities N [--seed S] [--defect-rate R] --out FILE [--manifest M]

The file loads like any arrangement file: `dutygraph build --with FILE` puts each synthetic
authority in its own named graph.

Why synthetic: the five seed documents describe two authorities, but dutygraph must stay fast
with all 153 upper-tier authorities of England (and ten times that). This module writes, for N
invented authorities, arrangements in exactly the vocabulary of data/local (ontology/README.md,
"Local arrangements"): an LSCB with 15-25 memberships, its chair and sub-groups, DCS and lead
member posts with holders over time, evidence for each reg 5(1)/reg 6(1) function, annual
reports and who receives them, reporting lines, and provenance on every subject.

A controlled share of authorities carry a defect of each kind the shapes check (DEFECT_KINDS),
so validation at scale has real findings to report. The defects are chosen up front
(plan_defects) and returned with the data, so tests can check that each authority is reported
for exactly what was injected.

Output is streamed line by line (N-Triples or Turtle by the file suffix), never held as one
rdflib graph: N = 1,530 is about a million triples. The same (N, seed, defect rate) always
gives a byte-identical file; an authority's content depends only on the seed, its number and
its planned defects, not on N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from dutygraph.errors import InputError
from dutygraph.namespaces import LEG as LEG_NS
from dutygraph.namespaces import PREFIXES

# The namespaces are the product's (dutygraph.namespaces), as plain strings: the synthetic
# data uses the IRIs the product mints, and writes terms as tuples for speed (below).
# Prefixes used in Turtle output, in this order (la: after the longer id/ namespaces).
TURTLE_PREFIXES = {name: str(PREFIXES[name]) for name in (
    "dg", "role", "pk", "fn", "gd", "src", "la", "rdf", "rdfs", "xsd", "org", "prov", "foaf",
    "dcterms")}
DG, ROLE, PK, FN, GD, SRC, LA = (TURTLE_PREFIXES[name] for name in (
    "dg", "role", "pk", "fn", "gd", "src", "la"))
RDFS, XSD, ORG, PROV, FOAF, DCTERMS = (TURTLE_PREFIXES[name] for name in (
    "rdfs", "xsd", "org", "prov", "foaf", "dcterms"))
RDF_TYPE = TURTLE_PREFIXES["rdf"] + "type"
LEG = str(LEG_NS)

# Every synthetic document describes a day in the two months up to AS_OF, so that validating
# as of AS_OF (dutygraph validate --as-of 2015-06-30) judges every authority on the same law:
# after Working Together 2013 and the NHS changes of 1 April 2013, before LSCBs were replaced.
AS_OF = dt.date(2015, 6, 30)
# Each authority also has today's arrangements (CA 2004 ss16E-16G, Working Together 2023), in a
# second synthetic document dated in the two months up to TODAY_AS_OF, so that benchmarks and
# validation cover both eras: as of AS_OF these records do not exist yet (their documents are
# dated after it) and as of TODAY_AS_OF the LSCB is superseded and the partnership is judged.
TODAY_AS_OF = dt.date(2026, 12, 7)

# The defects injected: for each kind, the shapes (shapes/*.ttl, shape:NAME) that must report
# the authority that has it, and nothing else. Each kind goes to round(rate * N) authorities (at
# least one when rate > 0). Shapes not covered: lscb-established (a defect there would remove
# the Board the other checks need) and the successor-arrangement shapes (not in force on AS_OF).
DEFECTS: dict[str, tuple[str, ...]] = {
    # CA 2004 s13(2)(b), s13(3): a Board partner kind every area has is not represented
    "missing-partner-representative": ("lscb-partner-representative",),
    # CA 2004 s13(2)(a): nobody represents the authority on its own Board
    "missing-authority-representative": ("lscb-authority-representative",),
    # CA 2004 s13(4A): no lay members
    "missing-lay-members": ("lscb-lay-members",),
    # CA 2004 s13(4): no schools or further education representative
    "missing-education-representative": ("lscb-education-representation",),
    # SI 2006/90 reg 5(1) / 6(1): one function with no evidence
    "missing-function-evidence": ("lscb-reg5-functions", "lscb-reg6-functions"),
    # CA 2004 s14A: no annual report at all (so none goes to any recipient either)
    "no-annual-report": ("annual-report-recorded", "annual-report-recipients"),
    # CA 2004 s14A: the latest report is three years old
    "stale-annual-report": ("annual-report-current",),
    # Working Together 2013 ch 3: the report does not go to one of its four recipients
    "missing-report-recipient": ("annual-report-recipients",),
    # SI 2006/90 reg 4: the chair post has no current holder
    "chair-vacant": ("lscb-chair-appointed",),
    # SI 2006/90 reg 4 and WT 2013: who appointed the chair is not recorded
    "chair-appointment-not-recorded": ("lscb-chair-appointed-by-authority",
                                       "lscb-chair-appointed-by-chief-executive"),
    # WT 2013 ch 3: that the Chief Executive holds the chair to account is not recorded
    "chair-accountability-not-recorded": ("lscb-chair-accountable-to-chief-executive",),
    # WT 2013 ch 3: the chair is recorded as not independent
    "chair-not-independent": ("lscb-chair-not-independent",),
    # WT 2013 ch 3: the document does not say whether the chair is independent
    "chair-independence-not-recorded": ("lscb-chair-independent",),
    # CA 2004 s18(1): the DCS post has no current holder
    "dcs-vacant": ("dcs-appointed",),
    # CA 2004 s18: the DCS functions split between two posts
    "dcs-split": ("dcs-single-officer",),
    # DCS/LMCS guidance: a DCS with other functions and no local assurance test
    "missing-assurance-test": ("dcs-assurance-test",),
    # CA 2004 s19(1): the lead member post has no current holder
    "lead-member-vacant": ("lead-member-designated",),
    # CA 2004 s19: two lead member posts
    "lead-member-split": ("lead-member-single",),
    # WT 2013 ch 3: the lead member sits as a full member, not a participating observer
    "lead-member-full-member": ("lead-member-full-member",),
    # WT 2013 ch 3: the lead member is not recorded as attending at all
    "lead-member-not-observer": ("lead-member-participating-observer",),
    # CA 2004 s14(1)(a) (good practice): no reporting line between the Corporate Parenting
    # Panel and the Board
    "cpp-reporting-not-recorded": ("corporate-parenting-lscb-reporting",),
}
DEFECT_KINDS: tuple[str, ...] = tuple(DEFECTS)

# Kinds that cannot go to the same authority, because one would hide the other: with no
# annual report there is no stale one and no recipient to miss; a lead member sitting as a
# full member is recorded as an authority representative, and is not absent; the second post
# of a split DCS or lead member role has a holder, so the role is not vacant; a chair whose
# independence is not recorded is not recorded as not independent.
_PAIRS = [("no-annual-report", "stale-annual-report"),
          ("no-annual-report", "missing-report-recipient"),
          ("lead-member-full-member", "lead-member-not-observer"),
          ("lead-member-full-member", "missing-authority-representative"),
          ("dcs-split", "dcs-vacant"), ("lead-member-split", "lead-member-vacant"),
          ("chair-not-independent", "chair-independence-not-recorded")]
CONFLICTS: dict[str, set[str]] = {}
for _a, _b in _PAIRS:
    CONFLICTS.setdefault(_a, set()).add(_b)
    CONFLICTS.setdefault(_b, set()).add(_a)

# Functions of SI 2006/90 the LSCB must carry out (reg 5(1) and reg 6(1), with the six parts of
# reg 5(1)(a)), with the wording a local document would use for its evidence.
FUNCTIONS: tuple[tuple[str, str], ...] = (
    ("reg5-1-a", "Multi-agency safeguarding procedures are published and reviewed annually"),
    ("reg5-1-a-i", "Thresholds for intervention are agreed in the Board's threshold document"),
    ("reg5-1-a-ii", "A multi-agency training programme is run by the Training Committee"),
    ("reg5-1-a-iii", "Safer recruitment training and audits are provided to partners"),
    ("reg5-1-a-iv", "The designated officer reports annually on allegations against staff"),
    ("reg5-1-a-v", "An annual report on privately fostered children goes to the Board"),
    ("reg5-1-a-vi", "A protocol with neighbouring Boards covers children who move between areas"),
    ("reg5-1-b", "The Board runs a campaign to raise awareness of safeguarding in the community"),
    ("reg5-1-c", "Partners' safeguarding work is monitored through a multi-agency dataset"),
    ("reg5-1-d", "The Board comments on the Children and Young People's Plan"),
    ("reg5-1-e", "Serious case reviews are commissioned and their lessons disseminated"),
    ("reg6-1-a", "The Child Death Overview Panel reviews every child death in the area"),
    ("reg6-1-b", "A rapid response procedure for unexpected child deaths is in place"),
)

# Board partner kinds of CA 2004 s13(3) as at 1 April 2013 that exist for every area
# (dg:requiredWhen dg:EveryArea in data/framework/partner-kinds.ttl; a test keeps them equal).
EVERY_AREA_KINDS: tuple[tuple[str, str], ...] = (
    ("police", "Police"),
    ("secretary-of-state-offender-management", "National Offender Management Service"),
    ("probation-provider", "Probation Trust"),
    ("youth-offending-team", "Youth Offending Service"),
    ("nhs-commissioning-board", "NHS England Area Team"),
    ("clinical-commissioning-group", "Clinical Commissioning Group"),
    ("cafcass", "Cafcass"),
)

SUBGROUPS = (
    ("quality-assurance", "Quality Assurance and Performance Monitoring Committee"),
    ("training", "Training Committee"),
    ("serious-case-review", "Serious Case Review Committee"),
    ("policy-and-procedures", "Policy and Procedures Committee"),
    ("child-sexual-exploitation", "Child Sexual Exploitation Sub-group"),
    ("communications", "Communications and Engagement Sub-group"),
    ("health", "Health Advisory Group"),
)

_PLACE_A = ("Ash", "Bram", "Cald", "Dun", "Elm", "Fen", "Gran", "Hol", "Kes", "Lang", "Mar",
            "Nor", "Oak", "Pen", "Ravens", "Stan", "Thorn", "Wes", "Whit", "Yar", "Brack", "Cole")
_PLACE_B = ("bury", "ford", "ham", "ley", "mouth", "wick", "field", "ton", "worth", "stead",
            "borough", "dale")
_FIRST = ("Alice", "Ben", "Carol", "David", "Eleanor", "Farid", "Grace", "Harun", "Imogen",
          "James", "Kavita", "Liam", "Maria", "Niall", "Olu", "Priya", "Quentin", "Rosa",
          "Sanjay", "Tessa", "Uma", "Victor", "Wendy", "Yusuf", "Zara")
_LAST = ("Adams", "Bennett", "Chowdhury", "Davies", "Evans", "Fletcher", "Green", "Hughes",
         "Iqbal", "Jones", "Khan", "Lewis", "Morgan", "Nwosu", "Owen", "Patel", "Quinn",
         "Roberts", "Singh", "Taylor", "Usman", "Vaughan", "Walker", "Young")


# --- terms ---------------------------------------------------------------------------------
# A term is a tuple: ("i", iri) | ("s", text) | ("l", text, lang) | ("t", lexical, datatype).
Term = tuple[str, ...]


def iri(value: str) -> Term:
    return ("i", value)


def text(value: str, lang: str | None = "en") -> Term:
    return ("l", value, lang) if lang else ("s", value)


def date(value: dt.date) -> Term:
    return ("t", value.isoformat(), XSD + "date")


def integer(value: int) -> Term:
    return ("t", str(value), XSD + "integer")


def boolean(value: bool) -> Term:
    return ("t", "true" if value else "false", XSD + "boolean")


def duration(value: str) -> Term:
    return ("t", value, XSD + "duration")


@dataclass
class Subject:
    """One subject and its predicate-object pairs, in the order they are written."""

    iri: str
    pairs: list[tuple[str, Term]] = field(default_factory=list)

    def add(self, predicate: str, obj: Term) -> Subject:
        self.pairs.append((predicate, obj))
        return self


@dataclass
class Authority:
    """One synthetic authority: its slug, the defects planned for it, and its subjects."""

    number: int
    slug: str
    defects: dict[str, str]
    subjects: list[Subject]

    @property
    def iri(self) -> str:
        return LA + self.slug

    def triple_count(self) -> int:
        return sum(len(s.pairs) for s in self.subjects)


def expected_shapes(kind: str, about: str) -> set[str]:
    """The shapes that must report an authority with this defect (about: what it concerns,
    as Authority.defects records it)."""
    if kind == "missing-function-evidence":
        return {"lscb-reg6-functions" if "/function/reg6-" in about else "lscb-reg5-functions"}
    return set(DEFECTS[kind])


def slug_for(number: int) -> str:
    return f"synth-{number:04d}"


def plan_defects(n: int, seed: int, rate: float) -> dict[int, list[str]]:
    """Which authorities (1..n) get which defect kinds: round(rate*n) per kind, never two kinds
    that hide each other on one authority (CONFLICTS); fewer only if too few are eligible."""
    if not 0.0 <= rate <= 1.0:
        raise InputError(f"defect rate {rate} is not between 0 and 1", parameter="defect-rate")
    rng = random.Random(f"dutygraph-synth-plan:{seed}:{n}")
    plan: dict[int, list[str]] = {i: [] for i in range(1, n + 1)}
    count = 0 if rate == 0 else min(n, max(1, round(rate * n)))
    for kind in DEFECT_KINDS:
        clash = CONFLICTS.get(kind, set())
        eligible = [i for i in range(1, n + 1) if not clash.intersection(plan[i])]
        for number in sorted(rng.sample(eligible, min(count, len(eligible)))):
            plan[number].append(kind)
    return plan


def _periods(rng: random.Random, start: dt.date, end: dt.date, holders: int) -> list[
        tuple[dt.date, dt.date | None]]:
    """Contiguous terms of office from start to end (the last still held)."""
    span = (end - start).days
    cuts = sorted(rng.sample(range(60, max(61 + holders, span - 60)), holders - 1))
    starts = [start] + [start + dt.timedelta(days=c) for c in cuts]
    out: list[tuple[dt.date, dt.date | None]] = []
    for k, begin in enumerate(starts):
        finish = starts[k + 1] - dt.timedelta(days=1) if k + 1 < len(starts) else None
        out.append((begin, finish))
    return out


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"


def build_authority(number: int, seed: int, defects: Iterable[str] = ()) -> Authority:
    """The arrangements of one synthetic authority, as the subjects of its graph.

    Random choices are drawn in the same order whatever the defects, so an authority with a
    defect differs from its defect-free twin only where the defect is.
    """
    rng = random.Random(f"dutygraph-synth:{seed}:{number}")
    planned = set(defects)
    unknown = sorted(planned - set(DEFECT_KINDS))
    if unknown:
        raise InputError(f"unknown defect kind(s) {', '.join(unknown)}", parameter="defects")
    slug = slug_for(number)
    ns = f"{LA}{slug}/"
    la = LA + slug
    src = f"{SRC}{slug}"
    place = f"{rng.choice(_PLACE_A)}{rng.choice(_PLACE_B)}"
    county = rng.random() < 0.2
    council = f"{place} County Council" if county else f"{place} Council"
    as_at = AS_OF - dt.timedelta(days=rng.randrange(0, 61))
    subjects: list[Subject] = []
    notes: dict[str, str] = {}
    counter = [0]

    def new(local: str, *types: str, label: str | None = None, locator: str | None = None
            ) -> Subject:
        s = Subject(la if local == "" else ns + local)
        for t in types:
            s.add(RDF_TYPE, iri(t))
        if label:
            s.add(RDFS + "label", text(label))
        counter[0] += 1
        s.add(DG + "authority", iri(la))
        s.add(PROV + "wasDerivedFrom", iri(src))
        s.add(DG + "locator", text(locator or f"para {1 + counter[0] // 6}.{1 + counter[0] % 6}",
                                   None))
        s.add(DG + "asAt", date(as_at))
        subjects.append(s)
        return s

    def link(key: str, subj: str, relation: str, obj: str, modality: str) -> None:
        ln = new(f"link-{key}", DG + "Link")
        ln.add(DG + "subject", iri(subj))
        ln.add(DG + "relation", iri(DG + relation))
        ln.add(DG + "object", iri(obj))
        ln.add(DG + "modality", iri(DG + modality))

    # The authority and the (synthetic) document everything is derived from.
    auth = new("", DG + "LocalAuthority", label=f"{council} (synthetic {number:04d})",
               locator="report header")
    auth.add(DG + "tier", text("county" if county else "unitary", None))
    auth.add(DG + "area", text(place, None))
    doc = Subject(src)
    doc.add(RDF_TYPE, iri(DG + "SourceDocument"))
    doc.add(RDFS + "label", text(f"Synthetic safeguarding briefing, {council}"))
    doc.add(DG + "fileName", text(f"{slug}.txt", None))
    doc.add(DG + "describesAuthority", iri(la))
    doc.add(DCTERMS + "issued", date(as_at))
    doc.add(DG + "authority", iri(la))
    subjects.append(doc)

    # The Board and its sub-groups.
    board_name = f"{place} Safeguarding Children Board"
    lscb = new("lscb", DG + "LSCB", label=board_name, locator="para 2.1")
    lscb.add(DG + "establishedBy", iri(la))
    lscb.add(DG + "establishedOn", text(rng.choice(("2005-10", "2006-01", "2006-04")), None))
    lscb.add(DG + "meetingsPerYear", integer(rng.choice((4, 4, 5, 6))))
    for key, label in rng.sample(SUBGROUPS, rng.randint(3, 5)):
        sg = new(f"subgroup-{key}", DG + "LSCBSubgroup", label=f"{place} {label}")
        sg.add(ORG + "subOrganizationOf", iri(lscb.iri))
        sg.add(DG + "meetingsPerYear", integer(rng.choice((4, 6, 10))))

    # Council bodies the arrangements name.
    hwb = new("hwb", DG + "HealthAndWellbeingBoard", label=f"{place} Health and Wellbeing Board")
    new("cabinet", DG + "Cabinet", label=f"{council} Cabinet")
    scrutiny = new("scrutiny", DG + "ScrutinyCommittee",
                   label=f"{council} Children's Services Scrutiny Committee")
    cpp = new("corporate-parenting-panel", DG + "CorporateParentingPanel",
              label=f"{council} Corporate Parenting Panel")

    # Posts. Labels name the council, as real posts' do, so a national role's label stays
    # unique (a user can still ask for "Director of Children's Services").
    dual_dcs = rng.random() < 0.25 or "missing-assurance-test" in planned
    posts: dict[str, Subject] = {}

    def post(key: str, roles: list[str], body: str, label: str) -> Subject:
        p = new(f"post-{key}", ORG + "Post", label=label)
        for r in roles:
            p.add(ORG + "role", iri(ROLE + r))
        p.add(ORG + "postIn", iri(body))
        posts[key] = p
        return p

    independent = "chair-not-independent" not in planned
    chair = post("lscb-chair", ["lscb-chair"], lscb.iri,
                 f"{'Independent Chair' if independent else 'Chair'}, {board_name}")
    if "chair-independence-not-recorded" in planned:
        notes["chair-independence-not-recorded"] = chair.iri
    else:
        chair.add(DG + "independent", boolean(independent))
    if not independent:
        notes["chair-not-independent"] = chair.iri
    post("dcs", ["dcs", "director-of-adult-social-services"] if dual_dcs else ["dcs"], la,
         f"Executive Director of People, {council}" if dual_dcs
         else f"Director of Children's Services, {council}")
    post("lead-member", ["lead-member"], la,
         f"Portfolio Holder for Children and Young People, {council}")
    post("chief-executive", ["chief-executive"], la, f"Chief Executive, {council}")
    post("leader", ["leader"], la, f"Leader of the Council, {council}")
    post("hwb-chair", ["hwb-chair"], hwb.iri, f"Chair, {place} Health and Wellbeing Board")
    pcc_office = new("pcc-office", DG + "Body",
                     label=f"Office of the Police and Crime Commissioner for {place}")
    post("pcc", ["police-and-crime-commissioner"], pcc_office.iri,
         f"Police and Crime Commissioner for {place}")
    if "dcs-split" in planned:
        post("director-of-education", ["dcs"], la, f"Director of Education, {council}")
        notes["dcs-split"] = ns + "post-director-of-education"
    if "lead-member-split" in planned:
        post("education-portfolio-holder", ["lead-member"], la,
             f"Portfolio Holder for Education, {council}")
        notes["lead-member-split"] = ns + "post-education-portfolio-holder"

    # Holders over time; a vacant post's last holder left before the document's date.
    vacant = {"lscb-chair": "chair-vacant", "dcs": "dcs-vacant",
              "lead-member": "lead-member-vacant"}
    for key, organisation, count in (("lscb-chair", lscb.iri, rng.randint(1, 3)),
                                     ("dcs", la, rng.randint(1, 3)),
                                     ("lead-member", la, rng.randint(1, 3)),
                                     ("chief-executive", la, 1), ("leader", la, 1),
                                     ("director-of-education", la, 1),
                                     ("education-portfolio-holder", la, 1)):
        periods = _periods(rng, dt.date(2008, 4, 1), as_at, count)
        names = [_person_name(rng) for _ in periods]
        if key not in posts:
            continue
        if vacant.get(key) in planned:
            begin, _ = periods[-1]
            periods[-1] = (begin, as_at - dt.timedelta(days=rng.randint(10, 40)))
            notes[vacant[key]] = posts[key].iri
        for k, (begin, end) in enumerate(periods):
            person = new(f"person-{key}-{k + 1}", DG + "Person")
            person.add(FOAF + "name", text(names[k], None))
            appt = new(f"appt-{key}-{k + 1}", DG + "Appointment")
            appt.add(ORG + "member", iri(person.iri))
            appt.add(DG + "post", iri(posts[key].iri))
            appt.add(ORG + "organization", iri(organisation))
            appt.add(DG + "validFrom", date(begin))
            if end is not None:
                appt.add(DG + "validThrough", date(end))

    # Board partners and the Board's memberships (15-25 in all).
    partner_kinds = list(EVERY_AREA_KINDS)
    partner_kinds += [("nhs-trust", name) for name in rng.sample(
        ("Hospitals NHS Foundation Trust", "Community Health NHS Trust",
         "Mental Health NHS Foundation Trust", "Ambulance Service NHS Trust"), rng.randint(1, 3))]
    if county:
        partner_kinds += [("district-council", f"{d} District Council") for d in rng.sample(
            [f"{a}{b}" for a in _PLACE_A[:6] for b in _PLACE_B[:3]], rng.randint(2, 5))]
    if rng.random() < 0.15:
        partner_kinds.append(("prison", "HM Prison and Young Offender Institution"))
    if rng.random() < 0.05:
        partner_kinds.append(("secure-training-centre", "Secure Training Centre"))
    unrepresented = rng.choice(EVERY_AREA_KINDS)[0]
    if "missing-partner-representative" in planned:
        notes["missing-partner-representative"] = PK + unrepresented
    else:
        unrepresented = ""

    memberships = 0

    def membership(key: str, member: str, role: str, represents: str | None = None,
                   kind: str | None = None) -> None:
        nonlocal memberships
        m = new(f"membership-{key}", ORG + "Membership",
                locator=f"Appendix 2, row {memberships + 1}")
        m.add(ORG + "organization", iri(lscb.iri))
        m.add(ORG + "member", iri(member))
        m.add(ORG + "role", iri(ROLE + role))
        if represents:
            m.add(DG + "represents", iri(represents))
        if kind:
            m.add(DG + "representsKind", iri(PK + kind))
        memberships += 1

    seen: dict[str, int] = {}
    for kind, name in partner_kinds:
        seen[kind] = seen.get(kind, 0) + 1
        key = kind if seen[kind] == 1 else f"{kind}-{seen[kind]}"
        org = new(f"partner-{key}", DG + "BoardPartner", label=f"{place} {name}")
        org.add(DG + "partnerKind", iri(PK + kind))
        if kind != unrepresented:
            membership(key, org.iri, "board-partner-representative", org.iri, kind)
    safeguarding_head = new("person-head-of-safeguarding", DG + "Person")
    safeguarding_head.add(FOAF + "name", text(_person_name(rng), None))
    if "missing-authority-representative" in planned:
        notes["missing-authority-representative"] = lscb.iri
    else:
        membership("la-dcs", posts["dcs"].iri, "local-authority-representative", la)
        membership("la-safeguarding", safeguarding_head.iri, "local-authority-representative",
                   la)
    lay_members = []
    for k in (1, 2):
        lay = new(f"person-lay-member-{k}", DG + "Person")
        lay.add(FOAF + "name", text(_person_name(rng), None))
        lay_members.append(lay.iri)
    if "missing-lay-members" in planned:
        notes["missing-lay-members"] = lscb.iri
    else:
        for k, person_iri in enumerate(lay_members, start=1):
            membership(f"lay-member-{k}", person_iri, "lay-member")
    for k in range(1, rng.randint(2, 3) + 1):
        school = new(f"school-{k}", ORG + "Organization",
                     label=f"{place} {rng.choice(('Primary', 'Academy', 'High', 'College'))} "
                           f"{'School' if k < 3 else 'Trust'} {k}")
        if "missing-education-representative" not in planned:
            membership(f"education-{k}", school.iri, "education-representative", school.iri)
    if "missing-education-representative" in planned:
        notes["missing-education-representative"] = lscb.iri
    # The lead member attends as a participating observer (not a representative of anyone);
    # the post is the member, as in Harrow's data.
    if "lead-member-full-member" in planned:
        membership("lead-member", posts["lead-member"].iri, "local-authority-representative", la)
        notes["lead-member-full-member"] = ns + "membership-lead-member"
    elif "lead-member-not-observer" in planned:
        notes["lead-member-not-observer"] = posts["lead-member"].iri
    else:
        membership("lead-member", posts["lead-member"].iri, "participating-observer")
    # Top up to at least 15 with further partner representatives (a second police officer...),
    # drawn from a generator of their own: how many depends on the defects.
    top_up = random.Random(f"dutygraph-synth:{seed}:{number}:members")
    extra = 0
    while memberships < 15 or (memberships < 25 and top_up.random() < 0.3):
        kind = top_up.choice([k for k, _ in partner_kinds if k != unrepresented])
        extra += 1
        person = new(f"person-partner-rep-{extra}", DG + "Person")
        person.add(FOAF + "name", text(_person_name(top_up), None))
        membership(f"partner-rep-{extra}", person.iri, "board-partner-representative",
                   ns + f"partner-{kind}", kind)

    # Evidence of each function (a leaf may be missing: evidence of a part of reg 5(1)(a)
    # counts for the whole).
    skipped = rng.choice([f for f, _ in FUNCTIONS if f != "reg5-1-a"])
    if "missing-function-evidence" in planned:
        notes["missing-function-evidence"] = FN + skipped
    else:
        skipped = ""
    subgroup_iris = [s.iri for s in subjects if s.iri.startswith(ns + "subgroup-")]
    for row, (fn, comment) in enumerate(FUNCTIONS, start=1):
        body = rng.choice([lscb.iri, *subgroup_iris])
        if fn == skipped:
            continue
        ev = new(f"evidence-{fn}", DG + "Evidence", locator=f"Appendix 1, row {row}")
        ev.add(DG + "evidenceFor", iri(FN + fn))
        ev.add(DG + "evidencedBy", iri(body))
        ev.add(RDFS + "comment", text(comment))

    # Annual reports: the latest covers the financial year to the last 31 March before as_at
    # and was published before as_at (or, when stale, is three years older), with one or two
    # earlier ones, each published some months after its year ended; the latest goes to the
    # four recipients Working Together 2013 names.
    last_end = dt.date(as_at.year if as_at > dt.date(as_at.year, 4, 30) else as_at.year - 1,
                       3, 31)
    if "stale-annual-report" in planned:
        last_end = dt.date(last_end.year - 3, 3, 31)
    reports = []
    for back in range(rng.randint(1, 2), -1, -1):
        end = dt.date(last_end.year - back, 3, 31)
        latest_possible = min(as_at, end + dt.timedelta(days=200))
        published = end + dt.timedelta(days=rng.randint(30, (latest_possible - end).days))
        if "no-annual-report" in planned:
            continue
        period = f"{end.year - 1}/{str(end.year)[2:]}"
        rep = new(f"annual-report-{end.year - 1}-{str(end.year)[2:]}", DG + "LSCBAnnualReport",
                  label=f"{board_name} Annual Report {period}")
        rep.add(DG + "reportOf", iri(lscb.iri))
        rep.add(DG + "period", text(period, None))
        rep.add(DG + "periodEnd", date(end))
        rep.add(DG + "publishedOn", date(published))
        reports.append(rep)
    recipients = ["chief-executive", "leader", "pcc", "hwb-chair"]
    dropped = rng.choice(recipients)
    if "missing-report-recipient" in planned:
        notes["missing-report-recipient"] = posts[dropped].iri
    else:
        dropped = ""
    if reports:
        latest = reports[-1]
        if "stale-annual-report" in planned:
            notes["stale-annual-report"] = latest.iri
        for key in recipients:
            if key != dropped:
                link(f"{key}-receives-report", posts[key].iri, "receivesReport", latest.iri,
                     "Should")
    else:
        notes["no-annual-report"] = lscb.iri

    # The Corporate Parenting Panel's annual report is presented to the Board.
    cpp_report = new("corporate-parenting-panel-annual-report", DG + "Report",
                     label=f"{council} Corporate Parenting Panel Annual Report")
    cpp_report.add(DG + "reportOf", iri(cpp.iri))
    if "cpp-reporting-not-recorded" in planned:
        notes["cpp-reporting-not-recorded"] = cpp.iri
    else:
        link("lscb-receives-cpp-report", lscb.iri, "receivesReport", cpp_report.iri,
             "LocalCommitment")

    # How the chair was appointed (reg 4; Working Together 2013) and reporting lines.
    if "chair-appointment-not-recorded" in planned:
        notes["chair-appointment-not-recorded"] = chair.iri
    else:
        link("chair-appointed-by-ce", chair.iri, "isAppointedBy",
             posts["chief-executive"].iri, "Should")
    link("ce-consults-lscb", posts["chief-executive"].iri, "consults", lscb.iri, "Must")
    if "chair-accountability-not-recorded" in planned:
        notes["chair-accountability-not-recorded"] = chair.iri
    else:
        link("chair-ce", chair.iri, "isAccountableTo", posts["chief-executive"].iri, "Should")
    link("dcs-ce", posts["dcs"].iri, "reportsTo", posts["chief-executive"].iri, "Should")
    link("lead-member-leader", posts["lead-member"].iri, "reportsTo", posts["leader"].iri,
         "Should")
    link("lscb-scrutiny", lscb.iri, "isScrutinisedBy", scrutiny.iri, "LocalCommitment")

    # The local assurance test where the DCS holds other functions.
    carried_out = as_at - dt.timedelta(days=rng.randint(30, 300))
    if dual_dcs:
        if "missing-assurance-test" in planned:
            notes["missing-assurance-test"] = posts["dcs"].iri
        else:
            test = new("assurance-test", DG + "AssuranceTest",
                       label=f"Local assurance test of the DCS post, {council}")
            test.add(DG + "assures", iri(posts["dcs"].iri))
            test.add(DG + "carriedOutOn", date(carried_out))
            test.add(DG + "repeatEvery", duration("P1Y"))

    subjects.extend(_partnership(number, seed, la, place))
    return Authority(number, slug, {k: notes[k] for k in DEFECT_KINDS if k in planned},
                     subjects)


def _partnership(number: int, seed: int, la: str, place: str) -> list[Subject]:
    """Today's safeguarding partner arrangements of one authority, from their own document.

    A separate random stream, so the 2015 arrangements are exactly what they were without it.
    Every partnership meets the partnership shapes on TODAY_AS_OF: the three partners (the
    council, an integrated care board, a police force), arrangements published before the
    29 June 2019 deadline, a yearly report in the last 12 months, an independent scrutineer,
    a relevant agency and a delegated safeguarding partner (Working Together 2023).
    """
    rng = random.Random(f"dutygraph-synth-partnership:{seed}:{number}")
    slug = la[len(LA):]
    ns = f"{la}/"
    src = f"{SRC}{slug}-partnership"
    as_at = TODAY_AS_OF - dt.timedelta(days=rng.randrange(0, 61))
    subjects: list[Subject] = []

    def new(local: str, kind: str, locator: str) -> Subject:
        s = Subject(ns + local)
        s.add(RDF_TYPE, iri(kind))
        s.add(DG + "authority", iri(la))
        s.add(PROV + "wasDerivedFrom", iri(src))
        s.add(DG + "locator", text(locator, None))
        s.add(DG + "asAt", date(as_at))
        subjects.append(s)
        return s

    doc = Subject(src)
    doc.add(RDF_TYPE, iri(DG + "SourceDocument"))
    doc.add(DG + "fileName", text(f"{slug}-partnership.txt", None))
    doc.add(DG + "describesAuthority", iri(la))
    doc.add(DCTERMS + "issued", date(as_at))
    doc.add(DG + "authority", iri(la))
    subjects.append(doc)

    partnership = new("partnership", DG + "SafeguardingPartnership", "para 1.1")
    partnership.add(RDFS + "label", text(f"{place} Safeguarding Children Partnership"))
    partnership.add(DG + "validFrom", date(dt.date(2019, 9, 29)
                                           - dt.timedelta(days=rng.randrange(0, 90))))
    for local, kind in (("icb", "IntegratedCareBoard"), ("police", "PoliceForce"),
                        ("schools", "Body")):
        new(local, DG + kind, "para 1.2")
    partnership.add(ORG + "hasMember", iri(la))
    partnership.add(ORG + "hasMember", iri(ns + "icb"))
    partnership.add(ORG + "hasMember", iri(ns + "police"))
    partnership.add(DG + "selectsRelevantAgency", iri(ns + "schools"))
    published = new("arrangements", DG + "PublishedArrangements", "title page")
    published.add(DG + "reportOf", iri(partnership.iri))
    published.add(DG + "publishedOn", date(dt.date(2019, 6, 28)
                                           - dt.timedelta(days=rng.randrange(0, 60))))
    report_end = dt.date(as_at.year if as_at.month > 3 else as_at.year - 1, 3, 31)
    report = new("yearly-report", DG + "SafeguardingYearlyReport", "para 3.1")
    report.add(DG + "reportOf", iri(partnership.iri))
    report.add(DG + "periodEnd", date(report_end))
    report.add(DG + "publishedOn", date(as_at - dt.timedelta(days=rng.randrange(0, 120))))
    scrutineer = new("post-independent-scrutineer", ORG + "Post", "para 2.1")
    scrutineer.add(ORG + "role", iri(ROLE + "independent-scrutineer"))
    scrutineer.add(ORG + "postIn", iri(partnership.iri))
    scrutineer.add(DG + "independent", boolean(True))
    delegate = new("post-dsp-council", ORG + "Post", "para 2.2")
    delegate.add(ORG + "role", iri(ROLE + "delegated-safeguarding-partner"))
    delegate.add(ORG + "postIn", iri(partnership.iri))
    return subjects


def generate(n: int, seed: int = 0, defect_rate: float = 0.05) -> Iterator[Authority]:
    """The N authorities in order, each built only when it is reached (streaming)."""
    if n < 1:
        raise InputError("the number of authorities must be at least 1", parameter="authorities")
    if n > 9999:
        raise InputError("at most 9,999 authorities (slugs have four digits)",
                         parameter="authorities")
    plan = plan_defects(n, seed, defect_rate)
    for number in range(1, n + 1):
        yield build_authority(number, seed, plan[number])


# --- writing -------------------------------------------------------------------------------

def _escape(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r"))


def _nt_term(term: Term) -> str:
    kind = term[0]
    if kind == "i":
        return f"<{term[1]}>"
    if kind == "s":
        return f'"{_escape(term[1])}"'
    if kind == "l":
        return f'"{_escape(term[1])}"@{term[2]}'
    return f'"{_escape(term[1])}"^^<{term[2]}>'


def _turtle_namer(local_prefix: str, local_ns: str) -> Callable[[str], str]:
    ordered = sorted([(local_prefix, local_ns), *TURTLE_PREFIXES.items()],
                     key=lambda kv: -len(kv[1]))

    def name(value: str) -> str:
        for prefix, ns in ordered:
            if value.startswith(ns):
                local = value[len(ns):]
                if local and all(c.isalnum() or c in "-_" for c in local) and local[-1] != "-":
                    return f"{prefix}:{local}"
        return f"<{value}>"

    return name


def _turtle_term(term: Term, name: Callable[[str], str]) -> str:
    kind = term[0]
    if kind == "i":
        return name(term[1])
    if kind == "t":
        dtype = term[2]
        if dtype == XSD + "integer":
            return term[1]
        if dtype == XSD + "boolean":
            return term[1]
        return f'"{_escape(term[1])}"^^{name(dtype)}'
    return _nt_term(term)


def write_ntriples(authorities: Iterable[Authority], out: IO[str]) -> int:
    count = 0
    for authority in authorities:
        lines = []
        for s in authority.subjects:
            subj = f"<{s.iri}>"
            for p, o in s.pairs:
                lines.append(f"{subj} <{p}> {_nt_term(o)} .\n")
        out.write("".join(lines))
        count += len(lines)
    return count


def write_turtle(authorities: Iterable[Authority], out: IO[str], header: str = "") -> int:
    out.write(header)
    for prefix, ns in TURTLE_PREFIXES.items():
        out.write(f"@prefix {prefix}: <{ns}> .\n")
    count = 0
    for authority in authorities:
        local = "a" + authority.slug.replace("-", "")
        name = _turtle_namer(local, f"{LA}{authority.slug}/")
        parts = [f"\n@prefix {local}: <{LA}{authority.slug}/> .\n"]
        for s in authority.subjects:
            body = " ;\n    ".join(
                ("a" if p == RDF_TYPE else name(p)) + " " + _turtle_term(o, name)
                for p, o in s.pairs)
            parts.append(f"\n{name(s.iri)}\n    {body} .\n")
            count += len(s.pairs)
        out.write("".join(parts))
    return count


@dataclass
class SynthSummary:
    authorities: int
    triples: int
    defects: dict[str, dict[str, str]]  # slug -> {kind: the IRI the defect is about}

    def counts_by_kind(self) -> dict[str, int]:
        counts = dict.fromkeys(DEFECT_KINDS, 0)
        for kinds in self.defects.values():
            for kind in kinds:
                counts[kind] += 1
        return counts


def write(path: str | Path, n: int, seed: int = 0, defect_rate: float = 0.05,
          manifest: str | Path | None = None) -> SynthSummary:
    """Write N authorities to path (.nt or .ttl); optionally the defect manifest as JSON."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".nt", ".ttl"):
        raise InputError(f"cannot tell the format from the suffix '{suffix}' (use .nt or .ttl)",
                         file=str(p))
    defects: dict[str, dict[str, str]] = {}

    def tracked() -> Iterator[Authority]:
        for authority in generate(n, seed, defect_rate):
            if authority.defects:
                defects[authority.slug] = authority.defects
            yield authority

    try:
        with p.open("w", encoding="utf-8", newline="\n") as fh:
            if suffix == ".nt":
                triples = write_ntriples(tracked(), fh)
            else:
                header = (f"# Synthetic arrangements of {n} authorities "
                          f"(python -m tools.synth, seed {seed}, defect rate {defect_rate}). "
                          "Not real data.\n")
                triples = write_turtle(tracked(), fh, header)
    except OSError as exc:
        raise InputError(f"cannot write: {exc}", file=str(p)) from exc
    summary = SynthSummary(n, triples, defects)
    if manifest:
        Path(manifest).write_text(json.dumps(
            {"authorities": n, "seed": seed, "defect_rate": defect_rate, "triples": triples,
             "defect_kinds": list(DEFECT_KINDS), "counts": summary.counts_by_kind(),
             "defects": defects}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return summary


def _rate(value: str) -> float:
    try:
        rate = float(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"'{value}' is not a number") from exc
    if not 0.0 <= rate <= 1.0:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return rate


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m tools.synth",
        description="Invented authorities in the vocabulary of data/local, with a controlled "
                    "share of defects of every kind the shapes check. The same arguments always "
                    "write the same bytes.")
    p.add_argument("--authorities", type=int, required=True, metavar="N",
                   help="how many authorities (153 ~ 10^5 triples, 1530 ~ 10^6)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--defect-rate", type=_rate, default=0.05, metavar="R",
                   help="share of authorities given each kind of defect, 0..1 (default 0.05; "
                        f"there are {len(DEFECT_KINDS)} kinds)")
    p.add_argument("--out", required=True, metavar="FILE",
                   help="output file; .nt writes N-Triples, .ttl Turtle")
    p.add_argument("--manifest", metavar="FILE",
                   help="also write which authority got which defect, as JSON")
    return p


def main(argv: list[str] | None = None) -> int:
    """Exit codes as the product CLI's: 0 written, 2 bad input (argparse also exits 2)."""
    args = make_parser().parse_args(argv)
    try:
        if args.authorities < 1:
            raise InputError("must be at least 1", parameter="authorities")
        started = time.perf_counter()
        summary = write(args.out, args.authorities, seed=args.seed,
                        defect_rate=args.defect_rate, manifest=args.manifest)
    except InputError as exc:
        print(f"synth: error: {exc}", file=sys.stderr)
        return 2
    counts = summary.counts_by_kind()
    print(f"wrote {args.out}: {summary.authorities} authorities, {summary.triples} triples, "
          f"{sum(counts.values())} defects in {len(summary.defects)} authorities "
          f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
