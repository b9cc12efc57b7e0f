"""The text index's tables, and the file of them each embedded-store generation is written with.

Built in memory, the index cost each process (each gunicorn worker, each CLI command) the whole
read of the store's texts at its first search: 20 s at 1,530 councils on a busy machine. So
EmbeddedStore.write calls `write_index` while the new generation is still its `.building`
folder, after its data is complete, and the file lands inside that folder:

    STORE/gen-…-901.building/dutygraph-search.sqlite.tmp   being written
    STORE/gen-…-901.building/dutygraph-search.sqlite       complete (fsync'd, then renamed)
    STORE/gen-…-901/dutygraph-search.sqlite                published with its generation

It therefore shares its generation's crash-safety (embedded.py): it exists under a published
generation only if it was complete before the folder's rename; a writer killed while writing
it leaves only a `.building` folder, which no reader opens and the next writer deletes; and it
goes when its generation is removed (generations.py needs nothing more). Oxigraph ignores a
file in its folder whose name is not one of RocksDB's, so the folder stays a plain Oxigraph
database (`oxigraph serve-read-only --location`), and a load's checkpoint of it copies only
Oxigraph's files: the load writes a new index of the whole new generation.

The tables (`fill`, the one writer of both the file and the in-memory index of other stores):
`records`, the searchable texts (search_records.py); over it two FTS5 tables that keep no
second copy of the texts (external content), `phrase` (trigrams: substrings, what search.rq
answers) and `words` (porter-stemmed words: ranked, prefix); and `vocabulary`, the distinct
words, for fuzzy matching. `meta` holds the format and the generation's name, which readers
check (dutygraph.search.generation).

Here, in the store layer, because the store writes it and may not import dutygraph.search,
which reads it (tests/architecture).
"""

from __future__ import annotations

import os
import re
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox

from .generations import BUILDING, fsync_path
from .search_records import Record, read_records

FILE = "dutygraph-search.sqlite"
ROWS = 100  # the most rows a search answers: queries/search.rq's LIMIT
# Bumped whenever the tables change: a reader does not use a file of another format (the index
# is built in memory instead), so a store written by another version keeps answering.
FORMAT = "1"
WORD = re.compile(r"\w+", re.UNICODE)
COLUMNS = "item, kind, is_definition, value, item_label, kind_label"

SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE records(id INTEGER PRIMARY KEY, item TEXT NOT NULL, kind TEXT NOT NULL, "
    "is_definition INTEGER NOT NULL, value TEXT NOT NULL, item_label TEXT NOT NULL, "
    "kind_label TEXT NOT NULL)",
    "CREATE VIRTUAL TABLE phrase USING fts5(value, content='records', content_rowid='id', "
    "tokenize='trigram')",
    "CREATE VIRTUAL TABLE words USING fts5(value, content='records', content_rowid='id', "
    "tokenize='porter unicode61')",
    "CREATE TABLE vocabulary(word TEXT PRIMARY KEY) WITHOUT ROWID",
)


def fill(db: sqlite3.Connection, records: Sequence[Record], meta: dict[str, str]) -> None:
    """Write the tables into an empty database in one transaction: plain tuples through
    executemany, and each FTS5 index built in one pass over the finished records table
    ('rebuild'), not row by row."""
    with db:
        for statement in SCHEMA:
            db.execute(statement)
        db.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                       sorted({**meta, "format": FORMAT, "records": str(len(records))}.items()))
        db.executemany(
            f"INSERT INTO records(id, {COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(i, r.item, r.kind, int(r.is_definition), r.value, r.item_label, r.kind_label)
             for i, r in enumerate(records)])
        db.execute("INSERT INTO phrase(phrase) VALUES ('rebuild')")
        db.execute("INSERT INTO words(words) VALUES ('rebuild')")
        words = {w.lower() for r in records for w in WORD.findall(r.value)}
        db.executemany("INSERT INTO vocabulary(word) VALUES (?)", ((w,) for w in sorted(words)))


def generation_name(folder: Path) -> str:
    """The name the generation is published under (a `.building` folder loses the suffix)."""
    return folder.name.removesuffix(BUILDING)


def write_index(store: ox.Store, folder: Path) -> Path:
    """Write the index of the store's data into the generation folder it is being written in.

    Written under a temporary name with journaling and syncing off (a half-written file is
    thrown away with its folder, never repaired), then fsync'd and renamed, then the folder
    fsync'd: when this returns, the file is complete on disk before the folder is published.
    SQLite's failures (a full disk) are raised as OSError."""
    path = folder / FILE
    tmp = folder / (FILE + ".tmp")
    tmp.unlink(missing_ok=True)
    records = read_records(store)
    try:
        db = sqlite3.connect(tmp)
        try:
            db.execute("PRAGMA journal_mode=OFF")
            db.execute("PRAGMA synchronous=OFF")
            fill(db, records, {"generation": generation_name(folder)})
        finally:
            db.close()
    except sqlite3.Error as exc:
        # An OSError, as the disk's other failures are: the writer then reports it (exit 3)
        # and keeps the current generation, instead of a traceback (e.g. the disk is full).
        raise OSError(f"cannot write the text index {tmp}: {exc}") from exc
    fsync_path(tmp)
    os.replace(tmp, path)
    fsync_path(folder)
    return path
