"""Reading the text index file an embedded store's generation was written with
(dutygraph.store.search_file writes it, inside the generation's folder, before publishing).

Opened with `mode=ro&immutable=1`: a published generation never changes, so SQLite takes no
locks and checks nothing for changes, and any number of processes (gunicorn workers, CLI
commands) share one file and the page cache, none of them rebuilding the index. The file
records its format and its generation's name; a file of another format (a store written by an
older or newer dutygraph) or of another generation (a folder copied by hand) is not used, and
the index is built in memory as before (stores.py), so such a store still answers.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import quote

from ..store.search_file import FILE, FORMAT
from .index import TextIndex


def open_index(folder: Path) -> TextIndex | None:
    """The index written with this published generation, read-only; None when it has none that
    this version of dutygraph can trust (no file, another format, another generation's)."""
    path = folder / FILE
    if not path.is_file():
        return None
    db = sqlite3.connect(f"file:{quote(str(path))}?mode=ro&immutable=1", uri=True,
                         check_same_thread=False)
    try:
        index = TextIndex(db, source=str(path))
    except sqlite3.Error:  # not a database this version can read: rebuilt in memory instead
        db.close()
        return None
    if index.meta.get("format") != FORMAT or index.meta.get("generation") != folder.name:
        db.close()
        return None
    return index
