"""Reading RDF from files and uploads: the one reader every entry point uses (the web's
uploads, `dutygraph validate FILE`, `load`, `build --with`, and the repository's own files).

One reader, so one answer for one input: a body over the byte or triple cap is TooLarge
(HTTP 413, CLI exit 2) naming the cap; malformed text is an InputError naming the file, line
and column (400 / exit 2).

Every syntax is parsed by Oxigraph's parsers, which by construction cannot fetch or read
anything: the JSON-LD parser is given no document loader, so a context anywhere (a string,
an array however nested, a scoped context in a term definition or for a type or property,
@import, a relative IRI against the file's base) is refused rather than loaded, and the
refusal reads the same whether the named file or host exists or not. There is no XML parser
here at all. No pre-scan is needed or kept: a scan can be walked around, a parser with no
loader cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import Graph

from .errors import InputError
from .namespaces import bind_prefixes
from .terms import to_rdflib

# Formats we accept, by name and by file suffix. RDF/XML is not accepted: we do not need it,
# and XML brings entity expansion and DTD fetching with it.
FORMATS = {"turtle": "turtle", "ttl": "turtle", "nt": "nt", "ntriples": "nt",
           "n-triples": "nt", "jsonld": "json-ld", "json-ld": "json-ld"}
SUFFIXES = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld", ".json": "json-ld"}
MEDIA_TYPES = {"text/turtle": "turtle", "application/x-turtle": "turtle",
               "application/n-triples": "nt", "application/ld+json": "json-ld",
               "application/json": "json-ld"}
_OX_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
               "json-ld": ox.RdfFormat.JSON_LD}
NO_CONTEXTS = "remote or local contexts are not loaded (write the context inline)"
# JSON-LD nested deeper than this is refused before parsing: Oxigraph's JSON-LD parser
# recurses, and objects nested ~4,000 deep overflow its stack (the process dies, SIGSEGV).
MAX_JSON_DEPTH = 256
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class TooLarge(InputError):
    """Input over a byte or triple cap: HTTP 413 on the web, exit 2 on the command line."""


def format_for(path: str | Path, fmt: str | None = None) -> str:
    """Our format name for a file, from an explicit name or its suffix."""
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


def _syntax_error(exc: SyntaxError, rdf_format: str, name: str) -> InputError:
    message = str(exc.args[0]) if exc.args else str(exc)
    if "LoadDocumentCallback" in message or "remote context" in message:
        return InputError(f"JSON-LD: {NO_CONTEXTS}", file=name)
    if rdf_format == "json-ld" and ("context" in message.lower() or "@import" in message):
        message = f"{message}; {NO_CONTEXTS}"
    line = exc.lineno
    if isinstance(exc.args[-1], tuple) and len(exc.args[-1]) > 1:
        line = exc.args[-1][1] if isinstance(exc.args[-1][1], int) else line
    return InputError(f"malformed {rdf_format}: {message}", file=name, line=line)


def check_json_depth(data: bytes, name: str) -> None:
    """Refuse JSON nested deeper than MAX_JSON_DEPTH (see there), without recursing."""
    brackets = _JSON_STRING.sub(b"", data).translate(None, delete=_NOT_BRACKETS)
    depth = 0
    for byte in brackets:
        depth += 1 if byte in (0x5B, 0x7B) else -1
        if depth > MAX_JSON_DEPTH:
            raise InputError(f"the JSON nests too deeply (more than {MAX_JSON_DEPTH} levels; "
                             f"the limit is {MAX_JSON_DEPTH})", file=name)


def triples(source: bytes | BinaryIO, fmt: str, name: str, *,
            max_triples: int | None = None) -> Iterator[ox.Triple]:
    """Stream the triples of a document; InputError names `name`, the line and column.

    The one parse of every input. Triples of JSON-LD named graphs are read like the others
    (an upload or file is one graph). More than max_triples is TooLarge.
    """
    rdf_format = FORMATS.get(fmt, fmt)
    if rdf_format not in _OX_FORMATS:
        raise InputError(f"unsupported format '{fmt}' (use turtle, nt or jsonld)", file=name)
    if rdf_format == "json-ld":
        if not isinstance(source, bytes):
            source = source.read()
        check_json_depth(source, name)
    count = 0
    try:
        parsed = ox.parse(input=source, format=_OX_FORMATS[rdf_format])
        if max_triples is None:  # (a build's millions of triples: no count to keep)
            for quad in parsed:
                yield quad.triple
            return
        for quad in parsed:
            count += 1
            if count > max_triples:
                raise TooLarge(f"more than {max_triples:,} triples; the limit is "
                               f"{max_triples:,}", file=name)
            yield quad.triple
    except SyntaxError as exc:
        raise _syntax_error(exc, rdf_format, name) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=name) from exc
    except ValueError as exc:  # e.g. a term Oxigraph refuses while building it
        raise InputError(f"malformed {rdf_format}: {exc}", file=name) from exc


def read_rdf(source: bytes | str | Path, fmt: str | None = None, *, name: str | None = None,
             max_bytes: int | None = None, max_triples: int | None = None,
             empty_ok: bool = False) -> Graph:
    """The graph in an upload (bytes or text) or a file (a Path): the one reader.

    Over max_bytes or max_triples: TooLarge naming the cap. An empty upload is refused
    (unless empty_ok); an empty file is an empty graph.
    """
    parsed = read_triples(source, fmt, name=name, max_bytes=max_bytes,
                          max_triples=max_triples, empty_ok=empty_ok)
    graph = Graph()
    bind_prefixes(graph)
    for t in parsed:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def read_triples(source: bytes | str | Path, fmt: str | None = None, *,
                 name: str | None = None, max_bytes: int | None = None,
                 max_triples: int | None = None, empty_ok: bool = False) -> list[ox.Triple]:
    """read_rdf's triples in Oxigraph's terms, with the same caps and the same answers, for a
    caller that needs no rdflib graph (the validation of an upload loads them as they are).

    Parsed whole before anything is made of them: a malformed document fails at Oxigraph's
    speed (50,000 triples before a late error took 2.6 s to convert to rdflib, 0.2 s to
    parse), and nothing is loaded from a document that turns out to be malformed.
    """
    if isinstance(source, Path):
        label = name or str(source)
        rdf_format = format_for(source, fmt)
        try:
            size = source.stat().st_size
            if max_bytes is not None and size > max_bytes:
                raise TooLarge(f"{size:,} bytes; the limit is {max_bytes:,} bytes", file=label)
            data = source.read_bytes()
        except FileNotFoundError as exc:
            raise InputError("no such file", file=label) from exc
        except IsADirectoryError as exc:
            raise InputError("a folder, not a file", file=label) from exc
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror or exc}", file=label) from exc
    else:
        label = name or "upload"
        rdf_format = FORMATS.get((fmt or "turtle").lower(), fmt or "turtle")
        data = source.encode("utf-8", "surrogatepass") if isinstance(source, str) else source
        if max_bytes is not None and len(data) > max_bytes:
            raise TooLarge(f"{len(data):,} bytes; the limit is {max_bytes:,} bytes", file=label)
        if not empty_ok and not data.strip():
            raise InputError("the upload is empty", file=label)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", file=label) from exc
    return list(triples(data, rdf_format, label, max_triples=max_triples))


def parse_text(text: str, fmt: str, name: str = "<input>") -> Graph:
    """read_rdf for text in hand (kept for callers that have text, not bytes)."""
    return read_rdf(text, fmt, name=name, empty_ok=True)


def parse_file(path: str | Path, fmt: str | None = None) -> Graph:
    """read_rdf for a file; a missing, unreadable or malformed file names it."""
    return read_rdf(Path(path), fmt)
