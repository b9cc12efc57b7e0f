"""Two engines that run the same shapes and must give the same results.

- `FastEngine` compiles each shape into one SPARQL query over every focus node at once (the
  shape's targets joined with its constraint, `$this` free) and runs it on Oxigraph. One query
  per shape instead of one per shape and focus node is what makes validating a thousand
  authorities take seconds rather than minutes, and there is no RDFS inference to pay for.
- `PyshaclEngine` runs pyshacl itself (inference "none", SHACL-AF for SPARQL targets) on an
  rdflib copy of the same data plus the dg:AuditContext node. It is the reference: tests
  check the fast engine against it, result for result.

The compilation is sound because every shape binds `$this` with a triple pattern at the top
of its WHERE clause, so joining the targets afterwards is the same as pre-binding `$this`
(SHACL 1.0, 5.3.1); and because a shape reads the as-of date only through the two
canonical context patterns that dates.AsOf.substitute turns into inline VALUES.

Validating many authorities runs the compiled queries on batches of authorities
(`authority_batches`): each batch in a small in-memory store holding the shared graphs
(framework, ontology, sources) and its authorities' graphs. An authority's findings depend only
on its own graph and the shared ones (dataset.py), so the union of the batches' results is the
whole view's; what batching changes is the cost: every query of the union view reads every
authority (sub-SELECTs grouped over all of them, hash joins and indexes that outgrow the
caches), so its time grew faster than the data (20x for 10x), while a batch costs the same at
any national size, and validating all authorities grows with their number.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from ..namespaces import DG
from .dataset import DataView
from .dataset import graph_owners as _owners
from .dates import AsOf
from .shapes import ShapeSet, ShapeSpec, SparqlConstraint

# pyshacl always declares these three; the shapes may rely on them.
_DEFAULT_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
_THIS = re.compile(r"[$?]this\b")
_SPECIAL = {"this", "path", "value", "failure"}


@dataclass(frozen=True)
class RawResult:
    """One SHACL validation result, before labels and provisions are looked up."""

    focus: Node
    shape: URIRef
    severity: URIRef
    message: str
    value: Node | None = None
    path: URIRef | None = None
    outcome: URIRef | None = None

    def key(self) -> tuple[str, str, str, str, str, str, str]:
        """What two engines must agree on, as comparable strings."""
        return (str(self.focus), str(self.shape), str(self.severity),
                str(self.value) if self.value is not None else "",
                str(self.path) if self.path is not None else "", self.message,
                str(self.outcome or ""))


def _prefix_block(*groups: Iterable[tuple[str, str]]) -> str:
    merged = dict(_DEFAULT_PREFIXES)
    for group in groups:
        merged.update(group)
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(merged.items()))


def _check_select(text: str, where: str) -> None:
    if re.search(r"^\s*(PREFIX|BASE)\b", text, flags=re.I | re.M):
        raise ValueError(f"{where}: declare prefixes with sh:prefixes, not in the query")


def target_query(shape: ShapeSpec, as_of: AsOf) -> str:
    """A SELECT DISTINCT ?this of every focus node the shape applies to on the date."""
    parts = []
    groups = []
    for text, prefixes in shape.target_selects:
        _check_select(text, str(shape.iri))
        parts.append("{ " + as_of.substitute(text) + " }")
        groups.append(prefixes)
    for cls in shape.target_classes:
        parts.append(f"{{ ?this rdf:type/rdfs:subClassOf* <{cls}> }}")
    return (_prefix_block(*groups) + "SELECT DISTINCT ?this WHERE {\n"
            + "\n UNION ".join(parts) + "\n}")


def constraint_query(shape: ShapeSpec, constraint: SparqlConstraint, as_of: AsOf) -> str:
    """The shape's targets joined with one of its constraints, for all focus nodes at once."""
    _check_select(constraint.select, str(shape.iri))
    targets = target_query(shape, as_of).split("SELECT DISTINCT ?this WHERE", 1)[1]
    body = as_of.substitute(_THIS.sub("?this", constraint.select))
    groups = [constraint.prefixes, *(p for _t, p in shape.target_selects)]
    return (_prefix_block(*groups) + "SELECT * WHERE {\n { SELECT DISTINCT ?this WHERE "
            + targets + " }\n { " + body + " }\n}")


def format_message(template: str, bindings: dict[str, Node]) -> str:
    """Fill {?var} and {$var} as pyshacl does (its str() of each bound term)."""
    msg = template
    for var, val in bindings.items():
        msg = re.sub("{[?$]" + re.escape(var) + "}", str(val).replace("\\", "\\\\"), msg)
    return msg


def results_from_rows(shape: ShapeSpec, constraint: SparqlConstraint,
                      rows: Iterable[dict[str, Node]]) -> list[RawResult]:
    """Turn solution rows into results the way SHACL-SPARQL (and pyshacl) does."""
    out: list[RawResult] = []
    seen: set[tuple[tuple[str, Node], ...]] = set()
    for row in rows:
        if "failure" in row:
            continue
        key = tuple(sorted(row.items()))
        if key in seen:
            continue
        seen.add(key)
        focus = row["this"]
        path = row.get("path")
        value = row.get("value", focus)
        bindings = {k: v for k, v in row.items() if k not in _SPECIAL}
        bindings.update({"this": focus})
        if path is not None:
            bindings["path"] = path
        bindings["value"] = value
        for template in constraint.messages:
            out.append(RawResult(focus=focus, shape=shape.iri, severity=shape.severity,
                                 message=format_message(template, bindings), value=value,
                                 path=path if isinstance(path, URIRef) else None,
                                 outcome=shape.outcome_of(constraint)))
    return out


# Authorities per batch: a batch pays about 35 ms of query parsing and planning whatever its
# size, and past a few dozen authorities a query's time per authority grows again (measured at
# 153 and 1,530 synthetic authorities: 1 -> 43 ms per authority, 5 -> 12, 30 to 150 -> 7-9).
BATCH_AUTHORITIES = 40
# The batches of the last view batched: a validation runs the constraints, then the targets
# (for the audit cells), on the same view; copying it once instead of twice. One entry, so
# the copies live no longer than the view and the next validation.
_LAST: weakref.WeakKeyDictionary[DataView, tuple[int, list[DataView]]] = \
    weakref.WeakKeyDictionary()


def authority_batches(view: DataView, size: int = BATCH_AUTHORITIES) -> list[DataView]:
    """The view as batches of at most `size` authorities, each with the shared graphs, in a
    store of its own; the view itself when it is one authority or a chosen set of graphs, or
    has no more authorities than a batch."""
    if view.graphs is not None or size < 1:
        return [view]
    cached = _LAST.get(view)
    if cached is not None and cached[0] == size:
        return cached[1]
    source = view.store
    names = sorted(g.value for g in source.named_graphs() if isinstance(g, ox.NamedNode))
    owner = _owners(names)
    slugs = sorted({s for s in owner.values() if s is not None})
    if len(slugs) <= size:
        return [view]
    shared = [n for n in names if owner[n] is None]
    batches = []
    for start in range(0, len(slugs), size):
        batch = set(slugs[start:start + size])
        store = ox.Store()
        store.extend(source.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        for name in shared + [n for n in names if owner[n] in batch]:
            store.extend(source.quads_for_pattern(None, None, None, ox.NamedNode(name)))
        batches.append(DataView(store, None))
    _LAST.clear()
    _LAST[view] = (size, batches)
    return batches


class FastEngine:
    """Compiled SPARQL on Oxigraph: one query per shape constraint over all focus nodes of a
    batch of authorities."""

    name = "fast"

    def __init__(self, batch: int = BATCH_AUTHORITIES) -> None:
        self.batch = batch

    def run(self, view: DataView, shapes: ShapeSet, as_of: AsOf) -> list[RawResult]:
        results: list[RawResult] = []
        for part in authority_batches(view, self.batch):
            for shape in shapes.shapes:
                if shape.deactivated:
                    continue
                for constraint in shape.constraints:
                    rows = part.select(constraint_query(shape, constraint, as_of))
                    results += results_from_rows(shape, constraint, rows)
        return results

    def targets(self, view: DataView, shapes: ShapeSet, as_of: AsOf) -> dict[URIRef, set[Node]]:
        """The focus nodes of each shape on the date (what each requirement applies to)."""
        out: dict[URIRef, set[Node]] = {s.iri: set() for s in shapes.shapes if not s.deactivated}
        for part in authority_batches(view, self.batch):
            for shape in shapes.shapes:
                if shape.deactivated:
                    continue
                out[shape.iri] |= {row["this"] for row in part.select(target_query(shape, as_of))}
        return out


class PyshaclEngine:
    """pyshacl on an rdflib copy of the view: the reference the fast engine is held to."""

    name = "pyshacl"

    def run(self, view: DataView, shapes: ShapeSet, as_of: AsOf) -> list[RawResult]:
        data = view.to_rdflib()
        data += as_of.context_graph()
        return run_pyshacl(data, shapes)


def run_pyshacl(data: Graph, shapes: ShapeSet) -> list[RawResult]:
    import pyshacl

    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes.graph, inference="none", advanced=True,
        abort_on_first=False, allow_infos=False, allow_warnings=False,
    )
    return results_from_report(report, shapes)


def _outcome_in_report(report: Graph, result: Node, shapes: ShapeSet | None) -> URIRef | None:
    """The outcome of a result read from a standard report: its own dg:outcome, else that of
    the constraint it names by sh:sourceConstraint (pyshacl copies a blank-node constraint,
    so it is found again by its query text), else its shape's."""
    own = report.value(result, DG.outcome)
    if isinstance(own, URIRef) or shapes is None:
        return own if isinstance(own, URIRef) else None
    shape = report.value(result, SH.sourceShape)
    spec = shapes.by_iri().get(shape) if isinstance(shape, URIRef) else None
    if spec is None:
        return None
    source = report.value(result, SH.sourceConstraint)
    select = str(report.value(source, SH.select) or "") if source is not None else ""
    for c in spec.constraints:
        if c.node == source or (select and c.select == select):
            return spec.outcome_of(c)
    outcome: URIRef = spec.outcome or DG.NotEvidenced
    return outcome


def results_from_report(report: Graph, shapes: ShapeSet | None = None) -> list[RawResult]:
    """Read a standard SHACL validation report graph back into results."""
    out = []
    for r in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(r, SH.resultMessage)) or [""]
        path = report.value(r, SH.resultPath)
        outcome = _outcome_in_report(report, r, shapes)
        for message in messages:
            out.append(RawResult(
                focus=report.value(r, SH.focusNode),  # type: ignore[arg-type]
                shape=report.value(r, SH.sourceShape),  # type: ignore[arg-type]
                severity=report.value(r, SH.resultSeverity),  # type: ignore[arg-type]
                message=message,
                value=report.value(r, SH.value),
                path=path if isinstance(path, URIRef) else None,
                outcome=outcome,
            ))
    return out


def multiset(results: Sequence[RawResult]) -> list[tuple[str, ...]]:
    """Results as a sorted list of keys, for comparing engines."""
    return sorted(r.key() for r in results)


