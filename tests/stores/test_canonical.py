"""Literals from any engine are rewritten in the embedded store's spelling
(data-driven: cases/canonical.tsv), and the embedded store itself agrees with the table."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal

from dutygraph.store.canonical import canonical_literal

XSD = "http://www.w3.org/2001/XMLSchema#"
TABLE = Path(__file__).parent / "cases" / "canonical.tsv"
ROWS = [line.split("\t") for line in TABLE.read_text(encoding="utf-8").splitlines()
        if line and not line.startswith("#")]


def datatype(name: str) -> str | None:
    return None if name == "-" else XSD + name


@pytest.mark.parametrize(("lexical", "dt", "want", "want_dt"), ROWS,
                         ids=[f"{r[0]}^^{r[1]}" for r in ROWS])
def test_a_literal_is_spelled_as_the_embedded_store_spells_it(
        lexical: str, dt: str, want: str, want_dt: str) -> None:
    got = canonical_literal(lexical, datatype(dt))
    assert (str(got), str(got.datatype) if got.datatype else None) == (want, datatype(want_dt))


# Virtuoso's bare-number durations and malformed values are not xsd lexical forms.
VALID = [r for r in ROWS if not (r[1] == "duration" and r[0][0].isdigit())
         and r[0] != "not a number"]


@pytest.mark.parametrize(("lexical", "dt", "want", "want_dt"), VALID,
                         ids=[f"{r[0]}^^{r[1]}" for r in VALID])
def test_the_embedded_store_writes_what_the_table_says(
        lexical: str, dt: str, want: str, want_dt: str) -> None:
    """Round-trip the table's input through Oxigraph: the table is Oxigraph's spelling."""
    store = ox.Store()
    g = ox.NamedNode("http://example.org/g")
    dt_node = ox.NamedNode(datatype(dt) or XSD + "string")
    store.add(ox.Quad(g, g, ox.Literal(lexical, datatype=dt_node), g))
    (quad,) = list(store)
    value = quad.object
    assert isinstance(value, ox.Literal)
    got_dt = None if value.datatype.value == XSD + "string" else value.datatype.value
    assert (value.value, got_dt) == (want, datatype(want_dt))


def test_language_tags_are_lower_cased_and_plain_strings_stay_plain() -> None:
    assert canonical_literal("colour", None, "en-GB") == Literal("colour", lang="en-gb")
    assert canonical_literal("x", None) == Literal("x")
