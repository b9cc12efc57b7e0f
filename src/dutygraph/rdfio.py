"""Parsing RDF from files and uploads into rdflib graphs, safely and with located errors.

Every parse goes through here so that (1) a malformed file is reported with its file name,
line and the parser's message, and (2) nothing that is parsed can make us fetch a URL or
read a local file: JSON-LD remote contexts and XML entities are refused before parsing.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from rdflib import Graph

from .errors import InputError
from .namespaces import bind_prefixes

# Formats we accept, by name and by file suffix. RDF/XML is not accepted: we do not need it,
# and XML brings entity expansion and DTD fetching with it.
FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt",
           "n-triples": "nt", "jsonld": "json-ld", "json-ld": "json-ld"}
SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
MEDIA_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle",
               "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/json": "json-ld"}

_LINE_PATTERNS = [re.compile(r"at line (\d+)"), re.compile(r"line (\d+)"),
                  re.compile(r"Line (\d+)")]


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """The rdflib format name for a file, from an explicit name or its suffix."""
    if fmt:
        key = fmt.lower()
        if key not in FORMATS:
            raise InputError(f"unknown format '{fmt}' (use turtle, nt or jsonld)", file=str(path))
        return FORMATS[key]
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"cannot tell the RDF format from the suffix '{suffix}' "
                         "(use .ttl, .nt or .jsonld)", file=str(path))
    return SUFFIXES[suffix]


def _line_of(message: str) -> int | None:
    for pat in _LINE_PATTERNS:
        m = pat.search(message)
        if m:
            return int(m.group(1))
    return None


def _check_jsonld(text: str, name: str) -> None:
    """Refuse JSON-LD that would make the parser fetch: remote @context or @import."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", file=name, line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError("the JSON nests too deeply", file=name) from exc

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("@context", "@import"):
                    for item in value if isinstance(value, list) else [value]:
                        if isinstance(item, str):
                            raise InputError(
                                f"JSON-LD {key} names a remote document ('{item[:80]}'); "
                                "only inline contexts are accepted", file=name)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    try:
        walk(doc)
    except RecursionError as exc:
        raise InputError("the JSON nests too deeply", file=name) from exc


def parse_text(text: str, fmt: str, name: str = "<input>") -> Graph:
    """Parse RDF text in one of our formats, or raise InputError naming `name` and the line."""
    rdf_format = FORMATS.get(fmt, fmt)
    if rdf_format not in set(FORMATS.values()):
        raise InputError(f"unsupported format '{fmt}' (use turtle, nt or jsonld)", file=name)
    if "<!DOCTYPE" in text[:4096] or "<!ENTITY" in text[:65536]:
        raise InputError("XML document types and entities are not accepted", file=name)
    if rdf_format == "json-ld":
        _check_jsonld(text, name)
    graph = Graph()
    bind_prefixes(graph)
    try:
        graph.parse(data=text, format=rdf_format, publicID="urn:dutygraph:upload:")
    except InputError:
        raise
    except Exception as exc:  # rdflib raises many types; all mean "malformed"
        message = str(exc).strip() or type(exc).__name__
        raise InputError(f"malformed {rdf_format}: {message}", file=name,
                         line=_line_of(message)) from exc
    _check_iris(graph, name)
    return graph


def _check_iris(graph: Graph, name: str) -> None:
    """rdflib lets through IRIs that Oxigraph (our store, and the validator) refuses, e.g.
    <https://a._:b/>; refuse them here, naming the IRI, rather than fail later."""
    import pyoxigraph as ox
    from rdflib import Literal, URIRef

    seen: set[str] = set()
    for triple in graph:
        for term in triple:
            iri = term if isinstance(term, URIRef) else \
                term.datatype if isinstance(term, Literal) else None
            if iri is not None and iri not in seen:
                seen.add(iri)
                try:
                    ox.NamedNode(str(iri))
                except ValueError as exc:
                    raise InputError(f"<{str(iri)[:200]}> is not a valid IRI: {exc}",
                                     file=name) from exc
            if isinstance(term, Literal) and term.language and term.language not in seen:
                seen.add(term.language)
                try:
                    ox.Literal("", language=term.language)
                except ValueError as exc:
                    raise InputError(f"'{term.language[:40]}' is not a valid language tag",
                                     file=name) from exc


def parse_file(path: str | Path, fmt: str | None = None) -> Graph:
    """Parse one file; a missing, unreadable or malformed file is an InputError naming it."""
    p = Path(path)
    rdf_format = format_for(p, fmt)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InputError("no such file", file=str(p)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(p)) from exc
    return parse_text(text, rdf_format, name=str(p))
