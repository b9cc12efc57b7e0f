"""SPARQL pieces the framework tests share (a plain module: tests/ is not a package)."""

from __future__ import annotations

from collections.abc import Callable

from rdflib.query import ResultRow

Select = Callable[..., list[ResultRow]]

# Keeps ?s when it is in force on ?day: inclusive dates, open end allowed (ontology/README.md).
IN_FORCE_ON_DAY = """
    ?s dg:validFrom ?from .
    OPTIONAL { ?s dg:validThrough ?through }
    FILTER (?from <= ?day && (!BOUND(?through) || ?day <= ?through))
"""
