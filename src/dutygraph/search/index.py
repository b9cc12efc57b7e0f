"""The text index: what `search` reads instead of scanning every label with SPARQL CONTAINS.

SPARQL has no text index, so search.rq lower-cases and scans every label and definition in the
store on each question (235 ms at 1,530 councils, issue 21). The index is built once per store
version from one query (queries/pages/search-records.rq) into an in-memory SQLite database with
two FTS5 tables: a trigram table that finds the texts containing a phrase (what search.rq
answers, so its rows can be given exactly), and a word table with the porter stemmer, for
ranked (bm25), prefix and, failing those, fuzzy (rapidfuzz) matching of words.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rdflib import Literal, URIRef
from rdflib.namespace import SKOS, XSD
from rdflib.term import Node

from ..namespaces import DG
from ..queries.internal import page_select
from ..store import SelectResult, Store, in_memory_copy
from ..store.per_version import PerVersion

# search.rq's columns, in its order.
VARIABLES = ["item", "itemLabel", "kind", "kindLabel", "score", "matched"]
LIMIT = 100  # search.rq's LIMIT
_DEFINITIONS = (str(SKOS.definition), str(DG.requirement))
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Record:
    """One label or definition of one searchable thing of one kind."""

    item: str
    kind: str
    is_definition: bool
    value: str
    item_label: str
    kind_label: str


@dataclass(frozen=True)
class Hit:
    """A ranked match: the thing, its kind, the text that matched and how well."""

    item: str
    item_label: str
    kind: str
    kind_label: str
    matched: str
    rank: float


class TextIndex:
    """The index of one store version's labels and definitions."""

    def __init__(self, records: list[Record]) -> None:
        self.records = records
        # One connection, read by several threads (the web front's): SQLite serialises them.
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        with self._db:
            self._db.execute("CREATE VIRTUAL TABLE phrase USING fts5(value, tokenize='trigram')")
            self._db.execute(
                "CREATE VIRTUAL TABLE words USING fts5(value, tokenize='porter unicode61')")
            rows = [(i, r.value) for i, r in enumerate(records)]
            self._db.executemany("INSERT INTO phrase(rowid, value) VALUES (?, ?)", rows)
            self._db.executemany("INSERT INTO words(rowid, value) VALUES (?, ?)", rows)
        self._vocabulary = sorted({w.lower() for r in records for w in _WORD.findall(r.value)})

    @classmethod
    def from_result(cls, result: SelectResult) -> TextIndex:
        records = []
        for row in result.rows:
            records.append(Record(
                item=str(row["item"]), kind=str(row["kind"]),
                is_definition=str(row["property"]) in _DEFINITIONS, value=str(row["value"]),
                item_label=str(row.get("itemLabel", row["item"])),
                kind_label=str(row.get("kindLabel", row["kind"]))))
        return cls(records)

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _containing(self, needle: str) -> list[int]:
        """Rows whose text contains the needle, ignoring case (search.rq's CONTAINS(LCASE))."""
        if len(needle) >= 3:  # a trigram needs three characters
            phrase = '"' + needle.replace('"', '""') + '"'
            ids = [int(str(r[0])) for r in
                   self._query("SELECT rowid FROM phrase WHERE phrase MATCH ?", (phrase,))]
        else:
            ids = range(len(self.records))  # type: ignore[assignment]
        return [i for i in ids if needle in self.records[i].value.lower()]

    def search(self, text: str) -> SelectResult:
        """The rows search.rq gives for the text: each thing and kind whose labels or
        definitions contain it, scored 100 (a label equal to it), 50 (starting with it),
        20 (containing it) or 5 (a definition containing it), best first, at most 100."""
        needle = text.lower()
        best: dict[tuple[str, str], tuple[int, str, Record]] = {}
        for i in self._containing(needle):
            record = self.records[i]
            haystack = record.value.lower()
            points = 5 if record.is_definition else (
                100 if haystack == needle else 50 if haystack.startswith(needle) else 20)
            # search.rq keeps the best match, the least text among equally good ones.
            key = (record.item, record.kind)
            order = (1000 - points, record.value)
            held = best.get(key)
            if held is None or order < (1000 - held[0], held[1]):
                best[key] = (points, record.value, record)
        ranked = sorted(best.values(),
                        key=lambda b: (-b[0], b[2].item_label, b[2].kind, b[2].item))[:LIMIT]
        rows: list[dict[str, Node]] = []
        for points, matched, record in ranked:
            rows.append({"item": URIRef(record.item), "itemLabel": Literal(record.item_label),
                         "kind": URIRef(record.kind), "kindLabel": Literal(record.kind_label),
                         "score": Literal(points, datatype=XSD.integer),
                         "matched": Literal(matched)})
        return SelectResult(list(VARIABLES), rows)

    def ranked(self, text: str, limit: int = 20, *, fuzzy: bool = True) -> list[Hit]:
        """Things whose labels or definitions have the text's words (stemmed; the last word
        also as a prefix), best (bm25) first; when no word matches, the words nearest in
        spelling (rapidfuzz) are looked up instead."""
        words = [w.lower() for w in _WORD.findall(text)]
        if not words:
            return []
        hits = self._words(words, limit)
        if not hits and fuzzy:
            near = []
            for word in words:
                found = process.extractOne(word, self._vocabulary, scorer=fuzz.ratio,
                                           score_cutoff=70)
                near.append(found[0] if found else word)
            if near != words:
                hits = self._words(near, limit)
        return hits

    def _words(self, words: list[str], limit: int) -> list[Hit]:
        terms = ['"' + w.replace('"', '""') + '"' for w in words]
        terms[-1] += "*"
        rows = self._query(
            "SELECT rowid, bm25(words) FROM words WHERE words MATCH ? ORDER BY bm25(words)",
            (" ".join(terms),))
        seen: set[tuple[str, str]] = set()
        hits = []
        for rowid, rank in rows:
            record = self.records[int(str(rowid))]
            key = (record.item, record.kind)
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(record.item, record.item_label, record.kind, record.kind_label,
                            record.value, float(str(rank))))
            if len(hits) >= limit:
                break
        return hits


def _build(store: Store) -> TextIndex:
    """Read the records with Oxigraph: the embedded store itself, any other kind through a
    copy of its graphs in memory (rdflib took 7.5 s over the query Oxigraph answers in 0.1 s;
    a remote server need not be asked a heavy query, only for its graphs)."""
    source = store
    if store.oxigraph is None:  # no Oxigraph store behind it to read in place
        source = in_memory_copy(store)
    return TextIndex.from_result(page_select(source, "search-records"))


def index_for(store: Store) -> TextIndex:
    """The store's index, built on first use for each version of its data (a store that
    cannot tell its version gets a fresh one each time)."""
    return _INDEXES(store)


_INDEXES = PerVersion(_build)
