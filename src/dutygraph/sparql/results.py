"""Writing query answers in the formats the endpoint offers: the one copy of the serialisers.

SELECT/ASK results are written here (JSON, XML, CSV, TSV per the W3C result formats) rather
than by each engine, so every store kind gives the same bytes, and so the row cap is checked
before a byte is written. Graphs go through rdflib's serialisers with our prefixes, and
JSON-LD is compacted with the package's context (context.jsonld).

Why below the web: a result is as untrusted as the query that made it (millions of rows, a
literal of megabytes, a predicate RDF/XML cannot write), so it is written in the query worker
under the time and memory limits (limits.answers), and the worker, which knows no HTTP, must
be able to import this module. The web only chooses the format (web.negotiation) and sends
the bytes. An answer a format cannot carry is refused with NotAcceptable (HTTP 406) naming
the reason and the formats that can.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple
from xml.etree import ElementTree
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import bind_prefixes
from ..paths import context_file

# Canonical media types by format key (the first of each is the default); web.negotiation
# builds its families, with their aliases, on these.
RESULT_MEDIA = {"json": "application/sparql-results+json",
                "xml": "application/sparql-results+xml",
                "csv": "text/csv", "tsv": "text/tab-separated-values"}
GRAPH_MEDIA = {"turtle": "text/turtle", "json-ld": "application/ld+json",
               "nt": "application/n-triples", "xml": "application/rdf+xml"}
GRAPH_NAMES = {"turtle": "Turtle", "json-ld": "JSON-LD", "nt": "N-Triples", "xml": "RDF/XML"}
RESULT_NAMES = {"json": "SPARQL results JSON", "xml": "SPARQL results XML", "csv": "CSV",
                "tsv": "TSV"}


class NotAcceptable(InputError):
    """No format the client accepts can carry this answer (HTTP 406)."""


def content_type(media: str) -> str:
    """The Content-Type of a media type: text and XML types say their charset (UTF-8)."""
    if media.startswith("text/") or media.endswith(("+xml", "/xml")):
        return f"{media}; charset=utf-8"
    return media


_XSD_STRING = str(XSD.string)
_LANG_STRING = str(RDF.langString)
# Characters XML 1.0 cannot carry at all; they are written as U+FFFD in XML results.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _utf8(text: str) -> bytes:
    """UTF-8, with any lone surrogate (rdflib lets a query's \\uD800 through) replaced."""
    return text.encode("utf-8", "replace")


def _datatype(term: Literal) -> str | None:
    dt = str(term.datatype) if term.datatype else None
    return None if dt in (None, _XSD_STRING, _LANG_STRING) else dt


def term_json(term: Node) -> dict[str, str]:
    """One RDF term as a SPARQL 1.1 Query Results JSON binding."""
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        out = {"type": "literal", "value": str(term)}
        if term.language:
            out["xml:lang"] = term.language
        elif _datatype(term):
            out["datatype"] = str(term.datatype)
        return out
    return {"type": "literal", "value": str(term)}


def _xml_text(value: str) -> str:
    return escape(_XML_ILLEGAL.sub("\ufffd", value))


def _xml_attr(value: str) -> str:
    return quoteattr(_XML_ILLEGAL.sub("\ufffd", value))


def _term_xml(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{_xml_text(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{_xml_text(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={_xml_attr(term.language)}>{_xml_text(str(term))}</literal>"
    dt = _datatype(term)
    if dt:
        return f"<literal datatype={_xml_attr(dt)}>{_xml_text(str(term))}</literal>"
    return f"<literal>{_xml_text(str(term))}</literal>"


def _term_csv(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _escape_tsv_string(value: str) -> str:
    return (value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def _term_tsv(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    assert isinstance(term, Literal)
    text = f'"{_escape_tsv_string(str(term))}"'
    if term.language:
        return f"{text}@{term.language}"
    dt = _datatype(term)
    return f"{text}^^<{dt}>" if dt else text


def select_bytes(variables: Sequence[str], rows: Sequence[Mapping[str, Node]], fmt: str) -> bytes:
    """SELECT results in one of json, xml, csv, tsv."""
    if fmt == "json":
        doc = {"head": {"vars": list(variables)},
               "results": {"bindings": [{v: term_json(t) for v, t in row.items()
                                         if v in variables} for row in rows]}}
        return _utf8(json.dumps(doc, ensure_ascii=False))
    if fmt == "xml":
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
               '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={_xml_attr(v)}/>" for v in variables]
        out.append("</head>\n<results>\n")
        for row in rows:
            out.append("<result>")
            out += [f"<binding name={_xml_attr(v)}>{_term_xml(row[v])}</binding>"
                    for v in variables if v in row]
            out.append("</result>\n")
        out.append("</results>\n</sparql>\n")
        return _utf8("".join(out))
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_term_csv(row.get(v)) for v in variables])
        return _utf8(buf.getvalue())
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join(_term_tsv(row.get(v)) for v in variables) for row in rows]
        return _utf8("\n".join(lines) + "\n")
    raise ValueError(f"unknown results format {fmt!r}")


def ask_bytes(answer: bool, fmt: str) -> bytes:
    """ASK results; CSV and TSV (which the W3C note leaves undefined for ASK) as one line."""
    word = "true" if answer else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": answer}).encode()
    if fmt == "xml":
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
                f"<head/>\n<boolean>{word}</boolean>\n</sparql>\n").encode()
    if fmt in ("csv", "tsv"):
        return f"{word}\n".encode()
    raise ValueError(f"unknown results format {fmt!r}")


@functools.cache
def jsonld_context() -> dict[str, Any]:
    """The package's JSON-LD @context object (the value, not the wrapping document)."""
    doc = json.loads(context_file().read_text(encoding="utf-8"))
    context: dict[str, Any] = doc["@context"]
    return context


def graph_bytes(graph: Graph, fmt: str) -> bytes:
    """A graph as turtle, nt, json-ld (compacted with our context) or xml (RDF/XML)."""
    if fmt not in GRAPH_MEDIA:
        raise ValueError(f"unknown graph format {fmt!r}")
    out = Graph()
    bind_prefixes(out)
    for triple in graph:
        out.add(triple)
    options: dict[str, Any] = (
        {"context": jsonld_context(), "auto_compact": True} if fmt == "json-ld" else {})
    try:
        text = out.serialize(format=fmt, **options)
    except MemoryError:
        raise  # the worker's memory cap: the limits layer answers it
    except ValueError as exc:
        if fmt != "xml":
            raise _unwritable(fmt, exc) from exc
        # RDF/XML writes a predicate as an XML element name; `urn:1` or `http://x/a#`
        # cannot be split into one. The client asked for a format that cannot carry
        # this answer: 406, not a server error.
        raise NotAcceptable(
            f"this answer cannot be written as RDF/XML ({exc}); ask for Turtle, "
            "N-Triples or JSON-LD", parameter="Accept") from exc
    except Exception as exc:  # RecursionError on deep nesting, or a serialiser's own fault
        raise _unwritable(fmt, exc) from exc
    if fmt == "xml":
        bad = _XML_ILLEGAL.search(text)
        if bad:
            # rdflib writes such a character as it is, which no XML reader accepts.
            raise NotAcceptable(
                f"this answer cannot be written as RDF/XML (it holds the character "
                f"U+{ord(bad.group()):04X}, which XML 1.0 cannot carry); ask for Turtle, "
                "N-Triples or JSON-LD", parameter="Accept")
        try:
            # rdflib's writer does not escape every IRI it puts in an attribute (a datatype
            # `urn:&`): what it wrote is read back by a real XML parser before it is sent.
            ElementTree.fromstring(text.encode("utf-8"))
        except ElementTree.ParseError as exc:
            raise NotAcceptable(
                f"this answer cannot be written as RDF/XML (the writer's text is not "
                f"well-formed XML: {exc}); ask for Turtle, N-Triples or JSON-LD",
                parameter="Accept") from exc
    return _utf8(text)


def _unwritable(fmt: str, exc: Exception) -> NotAcceptable:
    """A serialiser's failure on an answer: the format cannot carry it, the client's to fix
    by asking for another (406 naming the reason), never a server error."""
    others = ", ".join(name for key, name in GRAPH_NAMES.items() if key != fmt)
    reason = f"{type(exc).__name__}: {exc}"[:300]
    return NotAcceptable(f"this answer cannot be written as {GRAPH_NAMES.get(fmt, fmt)} "
                         f"({reason}); ask for {others}", parameter="Accept")


# ------------------------------------------------------------------------------------------
# A whole answer: bytes, the format they are in, and how many rows or triples they carry
# ------------------------------------------------------------------------------------------

class Serialised(NamedTuple):
    """A written answer, as the worker hands it back and the answer cache keeps it (a tuple:
    the cache measures it by its bytes)."""

    body: bytes
    key: str  # the format key it is written in
    content_type: str  # its Content-Type header
    rows: int  # rows of a SELECT, triples of a graph, 1 for ASK


def write_select(variables: Sequence[str], rows: Sequence[Mapping[str, Node]],
                 key: str) -> Serialised:
    return Serialised(select_bytes(variables, rows, key), key,
                      content_type(RESULT_MEDIA[key]), len(rows))


def write_ask(answer: bool, key: str) -> Serialised:
    return Serialised(ask_bytes(answer, key), key, content_type(RESULT_MEDIA[key]), 1)


def write_graph(graph: Graph, keys: Sequence[str]) -> Serialised:
    """The graph in the first of `keys` that can carry it (the client's choice first, then
    the next format it accepts); the first format's NotAcceptable when none can."""
    if not keys:
        raise ValueError("no graph format to write")
    refusal: NotAcceptable | None = None
    for key in keys:
        try:
            return Serialised(graph_bytes(graph, key), key, content_type(GRAPH_MEDIA[key]),
                              len(graph))
        except NotAcceptable as exc:
            refusal = refusal or exc
    assert refusal is not None
    raise refusal
