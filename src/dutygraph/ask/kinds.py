"""The kinds of question the box answers, each answered by one named query of queries/.

A kind says which words signal it (cues, each with a weight: "accountable for" is sure,
"must" is a hint), what it is about (the categories of thing its subject may be), whether it
needs an authority, and which named query answers it with which parameters. The reader
picks a kind from the cues and the things it found; the web page runs the kind's query.

Why a table: every question the box can answer is listed here, with the query behind it, so
the box can say what it can answer (the nearest questions) and never answers a question it
has no query for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DG = "https://w3id.org/dutygraph/def#"

# Modal words, and the modalities (dg:) each keeps among duties.
MODALITIES: dict[str, tuple[str, ...]] = {
    "must": ("Must", "MustTakeReasonableSteps", "MustHaveRegardTo"),
    "should": ("Should",),
    "may": ("May",),
}


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    weight: int


def cues(*specs: tuple[str, int]) -> tuple[Cue, ...]:
    return tuple(Cue(re.compile(p), w) for p, w in specs)


@dataclass(frozen=True)
class Kind:
    """One kind of question."""

    name: str
    title: str  # how the reading names it: "Board partners"
    query: str  # the named query that answers it
    cues: tuple[Cue, ...]
    subjects: tuple[str, ...] = ()  # categories its subject may be; () takes none
    needs_subject: bool = False
    needs_authority: bool = False
    takes_authority: bool = True
    takes_date: bool = True
    # links-of rows kept: (direction, relation local name) pairs; () keeps every row
    relations: tuple[tuple[str, str], ...] = ()
    examples: tuple[str, ...] = field(default=())
    # columns shown, in order: (heading, variable); the rest are in the exports
    columns: tuple[tuple[str, str], ...] = ()
    # the query is one of the pages' own (queries/pages), not a catalogue question
    page_query: bool = False


KINDS: tuple[Kind, ...] = (
    Kind("accountable", "Who is accountable", "who-is-accountable",
         cues((r"\baccountable for\b", 4), (r"\bresponsible for\b", 4), (r"\bin charge of\b", 4),
              (r"\bwho (carries|does|leads|owns|handles|runs|undertakes|conducts)\b", 3),
              (r"\bwhose (job|responsibility|duty)\b", 3), (r"\bwho has to\b", 2),
              (r"\bresponsibility for\b", 3), (r"\bwho (is|are) responsible\b", 3)),
         subjects=("function", "duty"), needs_subject=True,
         examples=("Who is accountable for undertaking reviews of serious cases in Bromley?",
                   "Who is responsible for child death reviews?"),
         columns=(("Step", "depth"), ("From", "from"), ("Link", "relationLabel"), ("To", "to"),
                  ("Held by", "toHolder"), ("Force", "modalityLabel"),
                  ("Provision", "provision"), ("Source", "source"), ("Where", "locator"),
                  ("In force from", "validFrom"), ("to", "validThrough"))),
    Kind("duties", "Duties", "duties-of",
         cues((r"\bdut(y|ies)\b", 4), (r"\bresponsibilities\b", 4), (r"\bobligations?\b", 4),
              (r"\bpowers?\b", 3), (r"\b(must|should|may|can)\b", 1),
              (r"\b(have|has|need|needs|got) to do\b", 3), (r"\bwhat (does|do|must|should|may"
                                                         r"|can) .*\bdo\b", 3),
              (r"\b(role|job) of\b", 3), (r"\brequired to do\b", 3), (r"\bexpected to\b", 2)),
         subjects=("role", "body"), needs_subject=True, takes_authority=False,
         examples=("What must the Director of Children's Services do?",
                   "What should the LSCB chair do in 2014?", "What powers does the LSCB have?"),
         columns=(("Duty or function", "statement"), ("Force", "modalityLabel"),
                  ("Borne by", "bearer"), ("What it requires", "requirement"),
                  ("Provision", "provision"), ("In force from", "validFrom"),
                  ("to", "validThrough"))),
    Kind("reports-to", "Reports to and held to account by", "links-of",
         cues((r"\breports? to\b", 4), (r"\breporting to\b", 4), (r"\breporting lines?\b", 4),
              (r"\baccountable to\b", 4), (r"\banswers? to\b", 4), (r"\bto account\b", 4),
              (r"\b(holds?|held|holding)\b", 1),
              (r"\bline manage", 3), (r"\bsupervis", 3), (r"\boversees?\b", 2),
              (r"\bscrutinis", 3), (r"\bboss\b", 3), (r"\bmanages?\b", 2)),
         subjects=("role", "body"), needs_subject=True,
         relations=(("outgoing", "reportsTo"), ("outgoing", "isAccountableTo"),
                    ("outgoing", "isScrutinisedBy"), ("incoming", "holdsToAccount"),
                    ("incoming", "scrutinises")),
         examples=("Who does the DCS report to in Bromley?",
                   "Who holds the LSCB chair to account?"),
         columns=(("Link", "relationLabel"), ("To", "other"), ("In the authority", "otherLocal"),
                  ("Held by", "otherHolder"), ("Force", "modalityLabel"),
                  ("Provision", "provision"), ("Source", "source"), ("Where", "locator"),
                  ("In force from", "validFrom"), ("to", "validThrough"))),
    Kind("board-partners", "Board partners", "board-partners",
         cues((r"\bboard partners?\b", 5), (r"\bpartners?\b", 2), (r"\bwho (sits?|sat) on\b", 4),
              (r"\bmembers? of\b", 3), (r"\bmembership\b", 3), (r"\bpartner agencies\b", 4),
              (r"\bwho (has|have|must|should|needs?) (to )?be on\b", 4),
              (r"\brepresented on\b", 3), (r"\brepresentatives?\b", 2),
              (r"\bwho (is|are|was|were) on\b", 4),
              (r"\binclude[sd]?\b", 2)),
         needs_authority=True,
         examples=("Who were Bromley's board partners on 1 May 2013?",
                   "Board partners in Harrow in 2015"),
         columns=(("Partner kind", "partnerKind"), ("Listed by", "listedBy"),
                  ("Organisation", "partner"), ("Representative", "representative"),
                  ("Represented", "represented"), ("Source", "source"), ("Where", "locator"),
                  ("In force from", "validFrom"), ("to", "validThrough"))),
    Kind("partners", "Safeguarding partners", "safeguarding-partners",
         cues((r"\bsafeguarding partners?\b", 6), (r"\bpartnership\b", 3),
              (r"\bchild death review partners?\b", 6), (r"\bstatutory partners?\b", 5),
              (r"\bthree partners\b", 5)),
         examples=("Who are the safeguarding partners in Bromley today?",
                   "Who were the safeguarding partners on 1 January 2020?"),
         columns=(("Partner kind", "partnerKind"), ("Listed by", "provision"),
                  ("List", "list"), ("Organisation", "partner"),
                  ("Member of the partnership", "member"), ("Source", "source"),
                  ("Where", "locator"), ("In force from", "validFrom"),
                  ("to", "validThrough"))),
    Kind("report-recipients", "Who receives the report", "report-recipients",
         cues((r"\breceiv", 4), (r"\brecipients?\b", 4), (r"\bwho (gets|got)\b", 4),
               (r"\b(sent|submitted|presented|given|go|goes|went) to\b", 3),
               (r"\bwho (sees|reads)\b", 3)),
         subjects=("report",),
         examples=("Who must receive the LSCB annual report in Harrow?",
                   "Who should the annual report go to?"),
         columns=(("Report", "report"), ("Recipient", "recipient"),
                  ("Recorded recipient", "localRecipient"), ("Recorded", "recorded"),
                  ("Force", "modalityLabel"), ("Provision", "provision"),
                  ("Source", "source"), ("Where", "locator"))),
    Kind("chair", "Who appoints or removes the chair", "links-of",
         cues((r"\bappoint", 4), (r"\bremov", 4), (r"\bdismiss", 4), (r"\bsack", 4),
              (r"\bfires?\b", 3), (r"\bhires?\b", 3), (r"\bget rid of\b", 4),
              (r"\b(chooses?|selects?|picks?|recruits?)\b", 3)),
         subjects=("role",), needs_subject=True,
         relations=(("outgoing", "isAppointedBy"), ("outgoing", "isRemovableBy"),
                    ("incoming", "appoints")),
         examples=("Who appoints the LSCB chair?", "Who can remove the chair of the LSCB in "
                   "Bromley?"),
         columns=(("Link", "relationLabel"), ("By", "other"), ("In the authority", "otherLocal"),
                  ("Held by", "otherHolder"), ("Force", "modalityLabel"),
                  ("Provision", "provision"), ("Source", "source"),
                  ("In force from", "validFrom"), ("to", "validThrough"))),
    Kind("chaired-by", "Who chairs it", "links-of",
         cues((r"\bwho chairs\b", 6), (r"\bchaired by\b", 5), (r"\bchairs\b", 2),
              (r"\bwho (is|was|are|were) (the )?chair", 5)),
         subjects=("body", "role"), needs_subject=True,
         relations=(("outgoing", "isChairedBy"), ("incoming", "chairs")),
         examples=("Who chairs the LSCB in Bromley?", "Who is the chair of the HWB?"),
         columns=(("Link", "relationLabel"), ("Chaired by", "other"),
                  ("In the authority", "otherLocal"), ("Held by", "otherHolder"),
                  ("Force", "modalityLabel"), ("Provision", "provision"), ("Source", "source"),
                  ("Where", "locator"), ("In force from", "validFrom"), ("to", "validThrough"))),
    Kind("holder", "Who holds the post", "post-holders",
         cues((r"\bwho (is|was|are|were) (the |our |their |its )?(?!chair|accountable|responsib|"
               r"in charge)\w", 3),
              (r"\bpost ?holders?\b", 5), (r"\bholds? the post\b", 5), (r"\bin post\b", 4),
              (r"\bwho (holds|held|occupies|occupied|filled|fills)\b", 3),
              (r"\b(name|names) of (the )?\b", 3), (r"\bwho the\b", 3)),
         subjects=("role",), needs_subject=True, page_query=True,
         examples=("Who is the DCS in Bromley?", "Who was Harrow's lead member in 2011?",
                   "Who held the post of LSCB chair in 2013?"),
         columns=(("Held by", "holder"), ("Post", "post"), ("In", "in"),
                  ("Record", "appointment"), ("Recorded on", "asAt"),
                  ("Held from", "validFrom"), ("to", "validThrough"), ("Source", "source"),
                  ("Where", "locator"))),
    Kind("provision", "Provision", "provision",
         cues((r"\bwhich (provision|section|regulation|law|act|legislation|statute|part|"
               r"paragraph|guidance)\b", 6),
              (r"\bwhat (law|legislation|provision|section|regulation|statute)\b", 5),
              (r"\b(legal|statutory) basis\b", 5), (r"\bwhere does (it|the law) say\b", 5),
              (r"\bwhat does .* say\b", 4), (r"\brequires?\b", 2), (r"\bsays?\b", 1),
              (r"\bwording of\b", 4), (r"\bwhat is in\b", 3)),
         subjects=("provision", "instrument", "duty", "function"), needs_subject=True,
         takes_authority=False, takes_date=False,
         examples=("Which provision requires an annual report?", "What does s13 say?",
                   "What does the Children Act 2004 section 14A say?"),
         columns=(("Part", "part"), ("Statement", "statement"), ("Kind", "kindLabel"),
                  ("Borne by", "bearer"), ("Force", "modalityLabel"),
                  ("What it requires", "requirement"), ("In force from", "validFrom"),
                  ("to", "validThrough"))),
    Kind("replaced", "What replaced it", "replaced-by",
         cues((r"\breplac", 5), (r"\bsupersed", 5), (r"\binstead of\b", 4), (r"\bsuccessors?\b", 4),
              (r"\bcame after\b", 4), (r"\babolish", 4), (r"\bwhat happened to\b", 4),
              (r"\btook over\b", 4)),
         subjects=("body", "role", "duty", "function"), takes_authority=False, takes_date=False,
         examples=("What replaced LSCBs?", "What superseded the duty to establish an LSCB?"),
         columns=(("Was", "old"), ("Provision", "oldProvision"), ("Last in force", "oldThrough"),
                  ("Replaced by", "new"), ("Provision", "newProvision"),
                  ("In force from", "newFrom"), ("Borne by", "newBearer"))),
    Kind("changes", "What changed", "what-changed",
         cues((r"\bchang", 5), (r"\bdifferen", 4), (r"\bwhat'?s new\b", 4), (r"\bnew since\b", 4),
              (r"\bamend", 3)),
         examples=("What changed between 2012 and 2014?",
                   "What changed in Bromley between 1 January 2019 and 31 December 2023?"),
         columns=(("On", "changedOn"), ("Change", "change"), ("What", "item"),
                  ("Kind", "kindLabel"), ("Borne by", "bearer"), ("Provision", "provision"),
                  ("Scope", "scope"))),
    Kind("law-today", "The law on a day", "duties-of",
         cues((r"\bwhat does the law say\b", 5), (r"\bthe law (today|now|on|in)\b", 4),
              (r"\bcurrent law\b", 5), (r"\bin force\b", 4), (r"\bwhat is the law\b", 5),
              (r"(?<!which )(?<!what )\blaw says?\b", 4)),
         subjects=("role", "body"), needs_subject=True, takes_authority=False,
         examples=("What does the law say today about the Director of Children's Services?",
                   "Which duties of the LSCB were in force on 1 April 2008?"),
         columns=(("Duty or function", "statement"), ("Force", "modalityLabel"),
                  ("Borne by", "bearer"), ("What it requires", "requirement"),
                  ("Provision", "provision"), ("In force from", "validFrom"),
                  ("to", "validThrough"))),
)

BY_NAME = {k.name: k for k in KINDS}


def kind(name: str) -> Kind | None:
    return BY_NAME.get(name)


def cue_score(kind: Kind, text: str) -> tuple[int, list[tuple[int, int]]]:
    """How strongly the normalised text signals the kind, and where its cues are."""
    score, spans = 0, []
    for cue in kind.cues:
        m = cue.pattern.search(text)
        if m:
            score += cue.weight
            spans.append((m.start(), m.end()))
    return score, spans


# Words the cues are written in, for spelling correction (an officer types "recieve").
CUE_WORDS = frozenset(
    w for k in KINDS for c in k.cues
    for w in re.findall(r"[a-z]{4,}", re.sub(r"\\b|\(\?:|\[.*?\]", " ", c.pattern.pattern))
) | {"accountable", "responsible", "receive", "receives", "received", "receiving",
     "recipient", "appoint", "appoints", "appointed", "remove", "removes", "removed",
     "superseded", "responsibilities", "partner", "changes",
     "replaced", "partners", "provision", "section", "regulation", "duties", "changed",
     "between", "report", "reports", "annual", "chair", "board", "today"}
