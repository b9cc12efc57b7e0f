"""Records from the future: local facts no document had stated on the as-of date.

A local subject's dg:asAt is the date of the document that describes it (the date of the
fact, not of the record). Validating as of D must not use what only later documents say:
an audit of 2011 cannot rest on a protocol of 2015. So a subject whose every dg:asAt is
after D is left out, with every triple it is the subject of. A subject described by
documents on both sides of D is kept whole (its triples do not say which document each came
from; ontology/README.md asks for later-only facts on their own node). Subjects without a
dg:asAt (hand-written test data, uploads) are undated and kept.

The copy is made only when something is to be left out, so validating today's data reads
the store in place as before.
"""

from __future__ import annotations

import pyoxigraph as ox
from rdflib.namespace import XSD

from ..namespaces import DG
from .dataset import DataView
from .dates import AsOf


def future_subjects(view: DataView, as_of: AsOf) -> set[str]:
    """Subjects all of whose documents are dated after the as-of date."""
    day = f'"{as_of.iso()}"^^<{XSD.date}>'
    rows = view.select(f"SELECT ?s WHERE {{ ?s <{DG.asAt}> ?d }} GROUP BY ?s "
                       f"HAVING (MIN(?d) > {day})")
    return {str(r["s"]) for r in rows if "s" in r}


def without_future_records(view: DataView, as_of: AsOf) -> tuple[DataView, int]:
    """The view without the subjects no document had described by the as-of date, and how
    many subjects were left out (the view itself when there are none)."""
    future = future_subjects(view, as_of)
    if not future:
        return view, 0
    source = view.store
    if view.graphs is None:
        names = [g for g in source.named_graphs() if isinstance(g, ox.NamedNode)]
    else:
        names = [ox.NamedNode(str(g)) for g in view.graphs]
    copy = ox.Store()
    for name in names:
        copy.extend(q for q in source.quads_for_pattern(None, None, None, name)
                    if not (isinstance(q.subject, ox.NamedNode) and q.subject.value in future))
    return DataView(copy, None), len(future)
