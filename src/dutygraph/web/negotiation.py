"""Choosing a response format from the Accept header, a `format` parameter or a URL suffix.

The media types themselves, and the writers, are dutygraph.sparql.results's (one copy, which
the query workers use); NotAcceptable is re-exported from there.

Two families: SPARQL results (SELECT/ASK) and RDF graphs (CONSTRUCT/DESCRIBE, entities).
Each offers canonical media types first (so `*/*` and a missing Accept get the first, the
default) and then aliases that common clients send (SPARQLWrapper sends application/json for
JSON results, application/turtle for Turtle); an alias is answered in the canonical type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept

from ..errors import InputError
from ..sparql.results import GRAPH_MEDIA, RESULT_MEDIA, NotAcceptable, content_type


@dataclass(frozen=True)
class Family:
    name: str
    media: dict[str, str]  # format key -> canonical media type (first is the default)
    aliases: dict[str, str]  # other media types clients send -> format key
    names: dict[str, str]  # values of the `format` parameter and URL suffixes -> format key

    def offers(self) -> list[str]:
        return [*self.media.values(), *self.aliases]

    def key_of_media(self, media_type: str) -> str | None:
        for key, media in self.media.items():
            if media == media_type:
                return key
        return self.aliases.get(media_type)


RESULTS = Family(
    "results",
    media=dict(RESULT_MEDIA),
    aliases={"application/json": "json", "application/xml": "xml", "text/xml": "xml"},
    names={"json": "json", "srj": "json", "xml": "xml", "srx": "xml", "csv": "csv",
           "tsv": "tsv"},
)
GRAPH = Family(
    "graph",
    media=dict(GRAPH_MEDIA),
    aliases={"application/x-turtle": "turtle", "application/turtle": "turtle",
             "text/n3": "turtle", "text/rdf+n3": "turtle", "application/n3": "turtle",
             "application/json": "json-ld", "application/x-json+ld": "json-ld",
             "text/plain": "nt", "application/xml": "xml", "text/xml": "xml"},
    names={"turtle": "turtle", "ttl": "turtle", "n3": "turtle", "json-ld": "json-ld",
           "jsonld": "json-ld", "json": "json-ld", "nt": "nt", "ntriples": "nt",
           "n-triples": "nt", "xml": "xml", "rdf": "xml", "rdfxml": "xml", "rdf+xml": "xml",
           "owl": "xml"},
)
__all__ = ["FAMILIES", "GRAPH", "RESULTS", "Family", "NotAcceptable", "candidates",
           "choose", "fallback", "media_type"]

FAMILIES = {"results": RESULTS, "graph": GRAPH}


def choose(family: Family, accept: MIMEAccept, format_values: Iterable[str] = (),
           extra: Iterable[str] = ()) -> str:
    """The format key to answer in, or one of `extra` (media types such as text/html the
    caller can also produce) when the client prefers it.

    A recognised `format` value wins over Accept (SPARQLWrapper sends both, and some values
    name a media type); a value of the other family is ignored in favour of Accept; a value
    of neither is a 400 naming the parameter.
    """
    values = [v.strip().lower() for v in format_values if v and v.strip()]
    for value in values:
        key = family.names.get(value) or family.key_of_media(value)
        if key:
            return key
    if values and not any(other.names.get(v) or other.key_of_media(v)
                          for other in FAMILIES.values() for v in values):
        raise InputError(f"unknown format '{values[0][:40]}' (use one of "
                         f"{', '.join(sorted(family.names))})", parameter="format")
    extra = list(extra)
    if not accept:
        return next(iter(family.media))
    best = accept.best_match([*family.offers(), *extra])
    if best is None:
        raise NotAcceptable(
            "none of the media types in Accept can carry this answer; this endpoint offers "
            + ", ".join(family.media.values()), parameter="Accept")
    if best in extra:
        return best
    key = family.key_of_media(best)
    assert key is not None
    return key


def media_type(family: Family, key: str) -> str:
    return content_type(family.media[key])


def candidates(family: Family, accept: MIMEAccept, format_values: Iterable[str] = ()
               ) -> list[str]:
    """The formats to try, best first: the one chosen and, when it came from Accept (not a
    `format` parameter), the next one Accept admits, should the first not carry the answer
    (RDF/XML cannot write every predicate). The worker that writes the answer tries them in
    turn (dutygraph.sparql.results.write_graph)."""
    values = [v for v in format_values if v and v.strip()]
    key = choose(family, accept, values)
    other = None if values else fallback(family, accept, key)
    return [key] if other is None or other == key else [key, other]


def fallback(family: Family, accept: MIMEAccept, refused: str) -> str | None:
    """Another format the client accepts, when the one chosen cannot carry the answer (RDF/XML
    cannot write every predicate); None when Accept admits no other."""
    if not accept:
        return None
    offers = [m for m in family.offers() if family.key_of_media(m) != refused]
    best = accept.best_match(offers)
    return family.key_of_media(best) if best else None
