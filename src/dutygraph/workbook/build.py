"""A filled workbook as the project's Turtle, or every problem with it (and then no graph).

Each row is one subject: the authority's namespace plus the row's id (the authority itself is
its slug). Every subject cites its document as the seed data do (prov:wasDerivedFrom the
source, dg:locator, dg:asAt) and also the workbook row it came from, through a PROV qualified
derivation: [ prov:entity <workbook> ; dg:locator "sheet 'Posts', row 7" ].
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, XSD

from ..namespaces import DG, SRC, authority_iri, authority_namespace, bind_prefixes
from . import spec
from .problems import Problem, WorkbookError
from .read import RawWorkbook, Table
from .vocab import NOUNS, VocabList

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TRUE, FALSE = {"yes", "true", "y", "1"}, {"no", "false", "n", "0"}


def nearest(text: str, choices: list[str]) -> str | None:
    best = process.extractOne(text, choices, scorer=fuzz.WRatio, score_cutoff=75)
    return best[0] if best else None


def did_you_mean(text: str, choices: list[str]) -> str:
    hint = nearest(text, choices)
    return f"; did you mean '{hint}'?" if hint else ""


@dataclass
class Cell:
    sheet: str
    row: int
    column: spec.Column


def workbook_iri(book: RawWorkbook) -> URIRef:
    """The workbook as a PROV entity, named by a digest of its content (same cells, same IRI)."""
    digest = hashlib.sha256()
    for name in sorted(book.tables):
        digest.update(repr((name, book.tables[name].headers, book.tables[name].rows)).encode())
    return SRC[f"workbook-{digest.hexdigest()[:16]}"]


class Builder:
    def __init__(self, book: RawWorkbook, slug: str, vocab: dict[str, VocabList],
                 known_sources: set[URIRef]) -> None:
        self.book = book
        self.slug = slug
        self.vocab = vocab
        self.known_sources = known_sources
        self.problems: list[Problem] = list(book.problems)
        self.graph = Graph()
        bind_prefixes(self.graph)
        self.graph.bind(slug, authority_namespace(slug))
        self.ns = authority_namespace(slug)
        self.la = authority_iri(slug)
        self.ids: dict[str, tuple[str, int]] = {}
        self.source_ids: dict[str, tuple[str, int]] = {}
        self.wb = workbook_iri(book)

    def fail(self, sheet: str | None, row: int | None, column: str | None, msg: str) -> None:
        self.problems.append(Problem(sheet, row, column, msg))

    # -- sheets and headers ------------------------------------------------------------------
    def match_sheets(self) -> dict[str, Table]:
        found: dict[str, Table] = {}
        by_lower = {n.lower(): n for n in self.book.tables}
        for sheet in spec.SHEETS:
            if sheet.name.lower() in by_lower:
                found[sheet.name] = self.book.tables[by_lower.pop(sheet.name.lower())]
        missing = [s.name for s in spec.SHEETS if s.name not in found]
        for extra in by_lower.values():
            hint = nearest(extra, missing)
            if hint:
                missing.remove(hint)
                self.fail(extra, None, None, f"is not a sheet of the template; did you mean "
                          f"'{hint}'? (its rows are not read)")
            else:
                self.fail(extra, None, None, "is not a sheet of the template; the sheets are "
                          + ", ".join(s.name for s in spec.SHEETS))
        for name in missing:
            self.fail(name, None, None, "the sheet is missing (export or `dutygraph template` "
                      "writes every sheet)")
        return found

    def map_headers(self, sheet: spec.Sheet, table: Table) -> dict[int, spec.Column]:
        mapping: dict[int, spec.Column] = {}
        names = [c.header for c in sheet.columns]
        for i, header in enumerate(table.headers):
            if not header:
                continue
            column = sheet.column(header)
            if column is None:
                self.fail(sheet.name, 1, header, "is not a column of this sheet"
                          + did_you_mean(header, names))
            elif column in mapping.values():
                self.fail(sheet.name, 1, header, "the column appears twice")
            else:
                mapping[i] = column
        for column in sheet.columns:
            if column.required and column not in mapping.values():
                self.fail(sheet.name, 1, column.header, "the required column is missing")
        return mapping

    # -- cells -------------------------------------------------------------------------------
    def split(self, column: spec.Column, text: str) -> list[str]:
        if not text:
            return []
        sep = column.separator
        parts = text.split(sep) if sep else [text]
        return [p.strip() for p in parts if p.strip()]

    def ref(self, cell: Cell, text: str) -> URIRef | None:
        if text.startswith(("http://", "https://")):
            return URIRef(text)
        if text == self.slug:
            return self.la
        if text in self.ids:
            return self.ns[text]
        self.fail(cell.sheet, cell.row, cell.column.header,
                  f"'{text}' is not the id of a row" + did_you_mean(text, list(self.ids))
                  + " (or give a full IRI)")
        return None

    def term(self, cell: Cell, text: str) -> Literal | URIRef | None:
        kind = cell.column.kind
        header = cell.column.header
        if cell.column.vocab:
            vl = self.vocab[cell.column.vocab]
            found = vl.lookup(text)
            if found is None:
                hint = vl.suggest(text)
                self.fail(cell.sheet, cell.row, header,
                          f"'{text}' is not a {NOUNS[vl.name]}"
                          + (f"; did you mean '{hint}'?" if hint else
                             " (the 'Lists' sheet of the template gives the choices)"))
            return found
        if kind == spec.REF:
            return self.ref(cell, text)
        if kind == spec.SOURCE:
            if text in self.source_ids:
                return SRC[text]
            self.fail(cell.sheet, cell.row, header, f"'{text}' is not the id of a row of "
                      "'Sources'" + did_you_mean(text, list(self.source_ids)))
            return None
        if kind == spec.DATE:
            try:
                if not DATE_RE.match(text):
                    raise ValueError
                dt.date.fromisoformat(text)
            except ValueError:
                self.fail(cell.sheet, cell.row, header,
                          f"'{text}' is not a date (expected YYYY-MM-DD, e.g. 2013-05-07)")
                return None
            return Literal(text, datatype=XSD.date)
        if kind == spec.WHEN:
            for pattern, datatype in ((r"\d{4}", XSD.gYear), (r"\d{4}-(0[1-9]|1[0-2])",
                                                              XSD.gYearMonth)):
                if re.fullmatch(pattern, text):
                    return Literal(text, datatype=datatype)
            return self.term(Cell(cell.sheet, cell.row, spec.Column(
                header, cell.column.name, spec.DATE, cell.column.predicate)), text)
        if kind == spec.INT:
            if not re.fullmatch(r"\d{1,6}", text):
                self.fail(cell.sheet, cell.row, header, f"'{text}' is not a whole number")
                return None
            return Literal(int(text))
        if kind == spec.BOOL:
            if text.lower() in TRUE | FALSE:
                return Literal(text.lower() in TRUE)
            self.fail(cell.sheet, cell.row, header, f"'{text}' is not yes or no")
            return None
        if kind == spec.TEXT:
            return Literal(text, lang="en")
        return Literal(text)

    # -- rows --------------------------------------------------------------------------------
    def collect_ids(self, sheet: spec.Sheet, table: Table, mapping: dict[int, spec.Column],
                    ) -> None:
        index = next((i for i, c in mapping.items() if c.kind == spec.ID), None)
        registry = self.source_ids if sheet is spec.SOURCES else self.ids
        for number, cells in table.rows:
            text = cells[index] if index is not None and index < len(cells) else ""
            if not text:
                continue  # reported as a missing required cell
            if not ID_RE.match(text):
                self.fail(sheet.name, number, "id", f"'{text}' is not a usable id (letters, "
                          "digits, '-', '_' and '.', starting with a letter or digit)")
            elif text == self.slug and sheet is not spec.BODIES:
                self.fail(sheet.name, number, "id", f"'{text}' names the authority itself; "
                          "only a row of 'Bodies' may use it")
            elif text in registry:
                where = registry[text]
                self.fail(sheet.name, number, "id", f"'{text}' is already the id of sheet "
                          f"'{where[0]}', row {where[1]}")
            else:
                registry[text] = (sheet.name, number)

    def add_row(self, sheet: spec.Sheet, number: int, cells: list[str],
                mapping: dict[int, spec.Column]) -> None:
        values: dict[spec.Column, str] = {c: (cells[i] if i < len(cells) else "")
                                           for i, c in mapping.items()}
        if not any(values.values()):
            return
        subject: URIRef | None = None
        triples: list[tuple[URIRef, Literal | URIRef]] = []
        parsed: dict[spec.Column, list[Literal | URIRef]] = {}
        for column in sheet.columns:
            text = values.get(column, "")
            if column.required and not text and column in values:  # else: column missing
                self.fail(sheet.name, number, column.header, "a value is required here"
                          + (f" ({column.help})" if column.help else ""))
                continue
            if column.kind == spec.ID:
                if sheet is spec.SOURCES:
                    subject = SRC[text]
                else:
                    subject = self.la if text == self.slug else self.ns[text]
                continue
            parts = self.split(column, text)
            if len(parts) > 1 and not column.multi:
                parts = [text]
            cell = Cell(sheet.name, number, column)
            terms = [t for t in (self.term(cell, p) for p in parts) if t is not None]
            parsed[column] = terms
            assert column.predicate is not None
            triples.extend((column.predicate, t) for t in terms)
        self.check_dates(sheet, number, parsed)
        if subject is None:
            return
        if sheet is spec.SOURCES:
            if subject not in self.known_sources:
                self.graph.add((subject, RDF.type, DG.SourceDocument))
                for p, o in triples:
                    self.graph.add((subject, p, o))
                # A source's IRI is not under the authority's, so it says whose it is: the
                # rule that splits a `build --with` file by authority (datasets.py) needs it.
                self.graph.add((subject, DG.authority, self.la))
            return
        if sheet.rdf_type is not None:
            self.graph.add((subject, RDF.type, sheet.rdf_type))
        for p, o in triples:
            self.graph.add((subject, p, o))
        self.graph.add((subject, DG.authority, self.la))  # the authority too, as the seeds do
        here = f"sheet '{sheet.name}', row {number}"
        if not parsed.get(spec.PROVENANCE[0]):
            self.graph.add((subject, PROV.wasDerivedFrom, self.wb))
            if not parsed.get(spec.PROVENANCE[1]):
                self.graph.add((subject, DG.locator, Literal(here)))
        derivation = BNode()
        self.graph.add((subject, PROV.qualifiedDerivation, derivation))
        self.graph.add((derivation, RDF.type, PROV.Derivation))
        self.graph.add((derivation, PROV.entity, self.wb))
        self.graph.add((derivation, DG.locator, Literal(here)))

    def check_dates(self, sheet: spec.Sheet, number: int,
                    parsed: dict[spec.Column, list[Literal | URIRef]]) -> None:
        start = next((v for c, v in parsed.items() if c.predicate == DG.validFrom and v), None)
        end = next((v for c, v in parsed.items() if c.predicate == DG.validThrough and v), None)
        if start and end and str(end[0]) < str(start[0]):
            self.fail(sheet.name, number, "valid through", f"'{end[0]}' is before 'valid "
                      f"from' ({start[0]}): the end cannot come before the start")

    def build(self) -> Graph:
        tables = self.match_sheets()
        mappings = {}
        for sheet in spec.SHEETS:
            if sheet.name in tables:
                mappings[sheet.name] = self.map_headers(sheet, tables[sheet.name])
                self.collect_ids(sheet, tables[sheet.name], mappings[sheet.name])
        for sheet in spec.SHEETS:
            if sheet.name in tables:
                for number, cells in tables[sheet.name].rows:
                    self.add_row(sheet, number, cells, mappings[sheet.name])
        if self.problems:
            raise WorkbookError(self.book.name, self.problems)
        self.graph.add((self.wb, RDF.type, PROV.Entity))
        self.graph.add((self.wb, RDFS.label, Literal(self.book.name)))
        self.graph.add((self.wb, DG.authority, self.la))  # (as for sources: see add_row)
        return self.graph


def build_graph(book: RawWorkbook, slug: str, vocab: dict[str, VocabList],
                known_sources: set[URIRef] | None = None) -> Graph:
    """The workbook's facts as RDF, or WorkbookError listing every problem."""
    return Builder(book, slug, vocab, known_sources or set()).build()
