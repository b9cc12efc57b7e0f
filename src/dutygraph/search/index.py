"""The text index: what `search` reads instead of scanning every label with SPARQL CONTAINS.

SPARQL has no text index, so search.rq lower-cases and scans every label and definition in the
store on each question (235 ms at 1,530 councils, issue 21). The index is one SQLite database
(FTS5, in the standard library): a table of the searchable texts (store/search_records.py)
and, over it,
two FTS5 tables that keep no second copy of the texts (external content):

- `phrase`, trigram-tokenised: the texts containing a phrase, which is what search.rq answers,
  so its rows can be given exactly (a Python `in` over the candidates keeps its semantics);
- `words`, porter-stemmed words: ranked (bm25), prefix and, failing those, fuzzy (rapidfuzz
  over the `vocabulary` table) matching of words.

The same tables (dutygraph.store.search_file) serve two lives. An embedded store on disk has
them in a file written with each generation, which every process opens read-only
(generation.py); any other store (memory, remote, an embedded store written before the file
existed) gets them in an in-memory database built once per store version (stores.py).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from ..store import SelectResult
from ..store.search_file import COLUMNS as _COLUMNS
from ..store.search_file import ROWS, fill
from ..store.search_file import WORD as _WORD
from ..store.search_records import Record

# search.rq's columns, in its order.
VARIABLES = ["item", "itemLabel", "kind", "kindLabel", "score", "matched"]
LIMIT = ROWS  # search.rq's LIMIT (named in the store layer, which the limits read too)


def _record(row: Sequence[object]) -> Record:
    item, kind, is_definition, value, item_label, kind_label = (str(v) for v in row)
    return Record(item, kind, is_definition == "1", value, item_label, kind_label)


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
    """The index of one store version's labels and definitions, over one SQLite connection
    (read by several threads, the web front's: a lock serialises them; each question is a
    few milliseconds)."""

    def __init__(self, db: sqlite3.Connection, *, source: str = ":memory:") -> None:
        self._db = db
        self._lock = threading.Lock()
        self.source = source  # the file it reads, or ":memory:"
        self.meta = {str(k): str(v) for k, v in self._query("SELECT key, value FROM meta", ())}
        self.count = int(self.meta.get("records", "0"))
        self._vocabulary: list[str] | None = None  # read on the first fuzzy question

    @classmethod
    def in_memory(cls, records: Sequence[Record], meta: dict[str, str] | None = None
                  ) -> TextIndex:
        db = sqlite3.connect(":memory:", check_same_thread=False)
        fill(db, records, meta or {})
        return cls(db)

    @property
    def records(self) -> list[Record]:
        """Every record, read from the database (for inspection and benchmarks; questions
        never read them all)."""
        return [_record(r) for r in self._query(
            f"SELECT {_COLUMNS} FROM records ORDER BY id", ())]

    def _query(self, sql: str, args: tuple[object, ...]) -> list[tuple[object, ...]]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    def _containing(self, needle: str) -> Iterable[Record]:
        """Records whose text contains the needle, ignoring case (search.rq's
        CONTAINS(LCASE)): the trigram table narrows, Python's lower() decides, as LCASE does."""
        if len(needle) >= 3:  # a trigram needs three characters
            phrase = '"' + needle.replace('"', '""') + '"'
            rows = self._query(
                f"SELECT {_COLUMNS} FROM records WHERE id IN "
                "(SELECT rowid FROM phrase WHERE phrase MATCH ?)", (phrase,))
        else:
            rows = self._query(f"SELECT {_COLUMNS} FROM records", ())
        for row in rows:
            if needle in str(row[3]).lower():
                yield _record(row)

    def search(self, text: str) -> SelectResult:
        """The rows search.rq gives for the text: each thing and kind whose labels or
        definitions contain it, scored 100 (a label equal to it), 50 (starting with it),
        20 (containing it) or 5 (a definition containing it), best first, at most 100."""
        needle = text.lower()
        best: dict[tuple[str, str], tuple[int, str, Record]] = {}
        for record in self._containing(needle):
            haystack = record.value.lower()
            points = 5 if record.is_definition else (
                100 if haystack == needle else 50 if haystack.startswith(needle) else 20)
            # search.rq keeps the best match, the least text among equally good ones.
            key = (record.item, record.kind)
            held = best.get(key)
            if held is None or (-points, record.value) < (-held[0], held[1]):
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
            vocabulary = self._words_known()
            near = []
            for word in words:
                found = process.extractOne(word, vocabulary, scorer=fuzz.ratio,
                                           score_cutoff=70)
                near.append(found[0] if found else word)
            if near != words:
                hits = self._words(near, limit)
        return hits

    def _words_known(self) -> list[str]:
        if self._vocabulary is None:
            self._vocabulary = [str(r[0]) for r in self._query(
                "SELECT word FROM vocabulary ORDER BY word", ())]
        return self._vocabulary

    def _words(self, words: list[str], limit: int) -> list[Hit]:
        terms = ['"' + w.replace('"', '""') + '"' for w in words]
        terms[-1] += "*"
        rows = self._query(
            f"SELECT {_COLUMNS}, rank FROM (SELECT rowid AS hit, bm25(words) AS rank "
            "FROM words WHERE words MATCH ?) JOIN records ON records.id = hit "
            "ORDER BY rank, hit", (" ".join(terms),))
        seen: set[tuple[str, str]] = set()
        hits = []
        for row in rows:
            record = _record(row[:6])
            key = (record.item, record.kind)
            if key in seen:
                continue
            seen.add(key)
            hits.append(Hit(record.item, record.item_label, record.kind, record.kind_label,
                            record.value, float(str(row[6]))))
            if len(hits) >= limit:
                break
        return hits
