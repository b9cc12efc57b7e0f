"""Each SPARQL text parsed once per test process while pyshacl is the oracle.

pyshacl hands rdflib the text of every SHACL-SPARQL target and constraint again on every run,
and rdflib parses it again with pyparsing: on this repository's shapes that is about three
quarters of a pyshacl run (6.9 s of 9.3 s for one merged case), the same few dozen texts over
and over. `parsed_once()` keeps rdflib's own translation of each (text, base, prefixes) and
hands the same algebra back, as rdflib's prepareQuery does for a query run many times: what
is evaluated, and so every result pyshacl reports, is unchanged; only the repeated parse goes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pytest
import rdflib.plugins.sparql.processor as processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query


class _Text(str):
    """A query text whose parse is deferred to the translation, where it is cached."""


@contextmanager
def parsed_once() -> Iterator[dict[tuple[Any, ...], Query]]:
    """While open, SPARQLProcessor.query parses and translates each query text once."""
    parse, translate = parseQuery, translateQuery
    cache: dict[tuple[Any, ...], Query] = {}

    def deferred_parse(text: Any) -> Any:
        return _Text(text) if isinstance(text, str) else parse(text)

    def cached_translate(tree: Any, base: str | None = None,
                         init_ns: Mapping[str, Any] | None = None) -> Query:
        if not isinstance(tree, _Text):
            return translate(tree, base, init_ns)
        key = (str(tree), base, tuple(sorted((init_ns or {}).items(), key=lambda kv: kv[0])))
        if key not in cache:
            cache[key] = translate(parse(str(tree)), base, init_ns)
        return cache[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(processor, "parseQuery", deferred_parse)
        patch.setattr(processor, "translateQuery", cached_translate)
        yield cache
