"""The workbook's sheets and columns, and the RDF each column stands for.

Kept as data so the writer, the reader, the CSVW description and the round-trip projection
cannot disagree about what a column means.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS

from ..namespaces import DG, ORG

# Cell kinds. Multi-valued cells join their values with SEPARATOR (locators with LOCATOR_SEP,
# since a locator may itself contain a semicolon-free comma list).
ID, REF, TEXT, PLAIN, DATE, INT, BOOL, SOURCE, WHEN = (
    "id", "ref", "text", "plain", "date", "int", "bool", "source", "when")  # when: a day,
# a month (YYYY-MM) or a year
VOCAB_PREFIX = "vocab:"
SEPARATOR = ";"
LOCATOR_SEP = "|"


@dataclass(frozen=True)
class Column:
    header: str
    name: str                 # CSVW column name
    kind: str                 # one of the kinds above, or "vocab:<list>"
    predicate: URIRef | None  # None for the id column
    required: bool = False
    multi: bool = False
    help: str = ""

    @property
    def vocab(self) -> str | None:
        return self.kind[len(VOCAB_PREFIX):] if self.kind.startswith(VOCAB_PREFIX) else None

    @property
    def separator(self) -> str | None:
        if not self.multi:
            return None
        # Free text (locators, comments) may hold ';', so it is split on '|'.
        return LOCATOR_SEP if self.predicate == DG.locator or self.kind == TEXT else SEPARATOR


@dataclass(frozen=True)
class Sheet:
    name: str
    rdf_type: URIRef | None   # None: the row's type comes from a column (Bodies' kind)
    columns: tuple[Column, ...]
    help: str
    kind_list: str | None = None  # the vocabulary of the 'kind' column, when it gives the type

    def column(self, header: str) -> Column | None:
        for c in self.columns:
            if c.header.lower() == header.strip().lower():
                return c
        return None


def _id(help_: str) -> Column:
    return Column("id", "id", ID, None, required=True, help=help_)


# Every subject's provenance: the document it comes from, where in it, and its date.
PROVENANCE = (
    Column("source", "source", SOURCE, PROV.wasDerivedFrom, multi=True,
           help="id of a row of Sources; empty: the workbook itself is the source"),
    Column("locator", "locator", PLAIN, DG.locator, multi=True,
           help="where in the source ('para 2.10'); several separated by |"),
    Column("as at", "as_at", DATE, DG.asAt, required=True, multi=True,
           help="the date of the document (YYYY-MM-DD)"),
)
COMMENT = Column("comment", "comment", TEXT, RDFS.comment, multi=True,
                 help="what the document says; several separated by |")
# The columns most sheets share: a row's id first, its label, the days a statement is in
# force, and last what the document says and where it says it.
ROW_ID = _id("a short name, unique in the workbook")
LABEL = Column("label", "label", TEXT, RDFS.label)
IN_FORCE = (Column("valid from", "valid_from", DATE, DG.validFrom),
            Column("valid through", "valid_through", DATE, DG.validThrough))
CITED = (COMMENT, *PROVENANCE)

SOURCES = Sheet("Sources", DG.SourceDocument, (
    Column("id", "id", ID, None, required=True, help="a short name for the document"),
    Column("title", "title", PLAIN, DCTERMS.title, required=True),
    Column("file name", "file_name", PLAIN, DG.fileName),
    Column("web page", "web_page", REF, FOAF.page),
    Column("date", "date", WHEN, DCTERMS.date, help="YYYY-MM-DD, YYYY-MM or YYYY"),
), "The documents the other sheets cite (a seed document's id is its file stem).")

BODIES = Sheet("Bodies", None, (
    _id("a short name, unique in the workbook; the authority itself is its slug"),
    Column("name", "name", TEXT, RDFS.label, required=True),
    Column("kind", "kind", VOCAB_PREFIX + "body-kind", RDF.type, required=True, multi=True),
    Column("part of", "part_of", REF, ORG.subOrganizationOf, multi=True),
    Column("established by", "established_by", REF, DG.establishedBy),
    Column("has members", "has_members", REF, ORG.hasMember, multi=True),
    Column("meetings per year", "meetings_per_year", INT, DG.meetingsPerYear),
    *CITED,
), "The authority, its boards, sub-groups, panels, committees and partner bodies.",
   kind_list="body-kind")

POSTS = Sheet("Posts", ORG.Post, (
    ROW_ID,
    Column("title", "title", TEXT, RDFS.label, required=True),
    Column("role", "role", VOCAB_PREFIX + "role", ORG.role, multi=True),
    Column("in body", "in_body", REF, ORG.postIn, required=True),
    Column("independent", "independent", BOOL, DG.independent),
    *CITED,
), "Posts (roles): each in a body, taking zero or more national roles.")

PEOPLE = Sheet("People", DG.Person, (
    ROW_ID,
    Column("name", "name", PLAIN, FOAF.name, required=True),
    LABEL,
    *CITED,
), "The people the documents name.")

HOLDERS = Sheet("Holders", DG.Appointment, (
    ROW_ID,
    LABEL,
    Column("post", "post", REF, DG.post, required=True),
    Column("holder", "holder", REF, ORG.member, help="a row of People; empty: not named"),
    Column("organisation", "organisation", REF, ORG.organization),
    *IN_FORCE,
    *CITED,
), "Who holds which post (an appointment), and when if the document says.")

MEMBERS = Sheet("Members", ORG.Membership, (
    ROW_ID,
    LABEL,
    Column("body", "body", REF, ORG.organization, required=True),
    Column("member", "member", REF, ORG.member, multi=True),
    Column("role", "role", VOCAB_PREFIX + "role", ORG.role, multi=True),
    Column("represents", "represents", REF, DG.represents, multi=True),
    Column("represents kind", "represents_kind", VOCAB_PREFIX + "partner-kind",
           DG.representsKind, multi=True),
    *CITED,
), "Who sits on a body, in which role, representing whom.")

LINKS = Sheet("Links", DG.Link, (
    ROW_ID,
    LABEL,
    Column("subject", "subject", REF, DG.subject, required=True),
    Column("relation", "relation", VOCAB_PREFIX + "relation", DG.relation, required=True),
    Column("object", "object", REF, DG.object, required=True),
    Column("modality", "modality", VOCAB_PREFIX + "modality", DG.modality),
    Column("provision", "provision", VOCAB_PREFIX + "provision", DG.basis, multi=True),
    *IN_FORCE,
    *CITED,
), "Reporting and accountability links: subject relation object (the subject answers to "
   "the object).")

REPORTS = Sheet("Reports", None, (
    ROW_ID,
    Column("title", "title", TEXT, RDFS.label, required=True),
    Column("kind", "kind", VOCAB_PREFIX + "report-kind", RDF.type, required=True, multi=True),
    Column("report of", "report_of", REF, DG.reportOf, multi=True),
    Column("period", "period", PLAIN, DG.period, help="e.g. 2023/24"),
    Column("period end", "period_end", DATE, DG.periodEnd),
    Column("published on", "published_on", DATE, DG.publishedOn),
    *CITED,
), "Reports: annual reports, published arrangements, yearly reports; a link's object may be "
   "one (receives report).", kind_list="report-kind")

EVIDENCE = Sheet("Evidence", DG.Evidence, (
    ROW_ID,
    LABEL,
    Column("function", "function", VOCAB_PREFIX + "function", DG.evidenceFor, required=True,
           multi=True),
    Column("evidenced by", "evidenced_by", REF, DG.evidencedBy, required=True, multi=True),
    *CITED,
), "What the documents record of a statutory function being carried out, and by whom.")

SHEETS: tuple[Sheet, ...] = (SOURCES, BODIES, POSTS, PEOPLE, HOLDERS, MEMBERS, LINKS,
                             REPORTS, EVIDENCE)
LISTS_SHEET = "Lists"  # the hidden sheet the drop-down lists point at; ignored on import

