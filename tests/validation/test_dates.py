"""The as-of date: the twelve-month window, and how the fast engine is told the date."""

from __future__ import annotations

import datetime as dt

from rdflib import Literal, URIRef

from dutygraph.namespaces import DG
from dutygraph.validation.dates import AsOf, year_before

XSD_DATE = URIRef("http://www.w3.org/2001/XMLSchema#date")


def test_the_twelve_months_to_7_may_2013_start_on_8_may_2012() -> None:
    assert AsOf(dt.date(2013, 5, 7)).window_start == dt.date(2012, 5, 8)


def test_a_year_before_29_february_is_28_february() -> None:
    assert year_before(dt.date(2016, 2, 29)) == dt.date(2015, 2, 28)
    assert AsOf(dt.date(2016, 2, 29)).window_start == dt.date(2015, 3, 1)


def test_the_context_node_carries_the_day_and_the_window() -> None:
    g = AsOf(dt.date(2015, 4, 1)).context_graph()
    assert (None, DG.asOf, Literal("2015-04-01", datatype=XSD_DATE)) in g
    assert (None, DG.windowStart, Literal("2014-04-02", datatype=XSD_DATE)) in g


def test_only_the_canonical_context_patterns_are_replaced_by_inline_values() -> None:
    text = ("SELECT * WHERE { ?context dg:asOf ?asOf . ?context dg:windowStart ?windowStart .\n"
            " ?x dg:asOf ?other . }")
    out = AsOf(dt.date(2013, 5, 7)).substitute(text)
    assert 'VALUES ?asOf { "2013-05-07"^^<http://www.w3.org/2001/XMLSchema#date> }' in out
    assert 'VALUES ?windowStart { "2012-05-08"' in out
    assert "?x dg:asOf ?other" in out
