"""The ontology's HTML documentation, made by pyLODE from ontology/dutygraph.ttl when first
asked for, so /ontology works from a fresh clone however the app is started (no `make docs`).

Why generate at request time: the documentation must match the ontology the app serves; a page
built by hand goes stale or is missing. The page is kept in memory per version of the Turtle
file (its content hash), and written to a cache folder so other workers and restarts reuse it.
A `make docs` page (docs/ontology/index.html) is not read: pyLODE run on the raw Turtle takes a
concept scheme for the ontology (see for_pylode).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
from pathlib import Path

from rdflib import RDF, SKOS, Graph

from .. import paths

_LOCK = threading.Lock()
_MEMO: dict[str, str] = {}


class DocsUnavailable(Exception):
    """pyLODE is not installed or could not read the ontology; the message says which."""


def cache_dir() -> Path:
    """DUTYGRAPH_CACHE if set, else a per-user folder in the system's temporary directory."""
    env = os.environ.get("DUTYGRAPH_CACHE")
    base = Path(env) if env else Path(tempfile.gettempdir()) / f"dutygraph-{os.getuid()}"
    return base / "ontology-docs"


def ontology_html() -> str:
    """The pyLODE page of the ontology as it is now on disk."""
    ttl = paths.ontology_dir() / "dutygraph.ttl"
    data = ttl.read_bytes()
    key = hashlib.sha256(data).hexdigest()[:16]
    with _LOCK:
        if key in _MEMO:
            return _MEMO[key]
        cached = cache_dir() / f"{key}.html"
        if cached.is_file():
            html = cached.read_text(encoding="utf-8")
        else:
            html = _generate(ttl)
            _save(cached, html)
        _MEMO.clear()
        _MEMO[key] = html
        return html


def _generate(ttl: Path) -> str:
    try:
        from pylode import OntPub
    except ImportError as exc:  # pragma: no cover - pylode is a dependency
        raise DocsUnavailable("pyLODE is not installed (pip install pylode)") from exc
    # pyLODE logs its progress at INFO/DEBUG on the root logger; keep the server log quiet.
    previous = logging.root.level
    try:
        return str(OntPub(for_pylode(ttl)).make_html())
    except Exception as exc:
        raise DocsUnavailable(f"pyLODE could not document {ttl.name}: {exc}") from exc
    finally:
        logging.root.setLevel(previous)


def for_pylode(ttl: Path) -> Graph:
    """The ontology as pyLODE should read it. pyLODE takes every skos:ConceptScheme for the
    ontology itself (the page was titled and identified as our last scheme, "Audit outcomes");
    the schemes' own typing is left out of what it reads, so the metadata is the ontology's.
    Their concepts, labels and definitions are all still documented."""
    graph = Graph()
    graph.parse(ttl, format="turtle")
    graph.remove((None, RDF.type, SKOS.ConceptScheme))
    return graph


def _save(path: Path, html: str) -> None:
    """Best effort: a read-only disk only means the next process generates it again."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(html, encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass
