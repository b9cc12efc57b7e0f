"""The shapes rewritten for validators that do not run SHACL-AF SPARQL targets.

dutygraph's shapes choose their focus nodes with sh:SPARQLTarget (SHACL Advanced Features):
what a requirement applies to depends on the as-of date and the framework. The Rust validators
on PyPI do not run SPARQL targets (pyrudof ignores them, so it validates nothing), so to compare
engines on the same checks each shape is rewritten mechanically into SHACL-SPARQL core:

- the target becomes sh:targetClass of a class that every focus node of the original target
  has in this data (found by running the target), and
- the original target pattern moves into each constraint as FILTER EXISTS { ... } on $this,
  with its other variables renamed apart, so a node the target did not select yields nothing.

The rewrite is exact for the data it was computed on (the focus nodes are the same); a shape
whose target selects nothing on the as-of date is deactivated. The report says that the Rust
figures are for these rewritten shapes.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import SH

_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")


def _prefix_lines(shapes: Graph, node: Any) -> str:
    lines = []
    for holder in shapes.objects(node, SH.prefixes):
        for decl in shapes.objects(holder, SH.declare):
            lines.append(f"PREFIX {shapes.value(decl, SH.prefix)}: "
                         f"<{shapes.value(decl, SH.namespace)}>")
    return "\n".join(lines) + "\n"


def _where_body(select: str) -> str:
    """The group pattern of 'SELECT ... WHERE { body }' (outermost braces)."""
    start = select.index("{", select.upper().index("WHERE"))
    end = select.rindex("}")
    return select[start + 1:end]


def _rename(pattern: str, n: int) -> str:
    """Every variable but $this/?this renamed apart (…_t{n}); ?this becomes $this."""
    def sub(m: re.Match[str]) -> str:
        return "$this" if m.group(1) == "this" else f"?{m.group(1)}_t{n}"
    return _VAR.sub(sub, pattern)


def _with_target(select: str, targets: list[str]) -> str:
    """The constraint with 'FILTER (EXISTS {target} || ...)' at the top of its WHERE."""
    start = select.index("{", select.upper().index("WHERE")) + 1
    guard = " || ".join(f"EXISTS {{ {t} }}" for t in targets)
    return select[:start] + f"\n FILTER ({guard})\n" + select[start:]


def rewrite(shapes_file: Path, data_file: Path, out: Path) -> dict[str, Any]:
    """Write the rewritten shapes to out; return what was done to each shape."""
    shapes = Graph()
    shapes.parse(shapes_file, format="turtle")
    data = ox.Store()
    data.bulk_load(path=str(data_file), format=ox.RdfFormat.N_TRIPLES)
    done: dict[str, Any] = {}
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)), key=str):
        targets = list(shapes.objects(shape, SH.target))
        if not targets:
            continue
        focus: set[str] = set()
        patterns = []
        for k, t in enumerate(targets):
            select = str(shapes.value(t, SH.select))
            query = _prefix_lines(shapes, t) + select
            focus |= {str(s["this"].value) for s in data.query(query)}  # type: ignore[union-attr]
            patterns.append(_rename(_where_body(select), k))
            shapes.remove((shape, SH.target, t))
        name = str(shape).rsplit("/", 1)[-1]
        if not focus:
            shapes.add((shape, SH.deactivated, Literal(True)))
            done[name] = "deactivated (its target selects nothing on the as-of date)"
            continue
        values = " ".join(f"<{f}>" for f in sorted(focus))
        rows: Any = data.query(f"SELECT ?c (COUNT(DISTINCT ?x) AS ?n) WHERE {{ "
                          f"{{ SELECT ?c WHERE {{ VALUES ?f {{ {values} }} ?f a ?c }} "
                          f"GROUP BY ?c HAVING (COUNT(DISTINCT ?f) = {len(focus)}) }} "
                          f"?x a ?c }} GROUP BY ?c ORDER BY ?n ?c LIMIT 1")
        best = next(iter(rows), None)
        if best is None:
            done[name] = "kept as is (its focus nodes share no class)"
            continue
        cls = best["c"].value
        shapes.add((shape, SH.targetClass, URIRef(cls)))
        for constraint in list(shapes.objects(shape, SH.sparql)):
            select = str(shapes.value(constraint, SH.select))
            shapes.set((constraint, SH.select, Literal(_with_target(select, patterns))))
        done[name] = (f"sh:targetClass <{cls}> ({int(best['n'].value)} instances) with the "
                      f"SPARQL target as FILTER EXISTS ({len(focus)} focus nodes)")
    shapes.serialize(out, format="turtle")
    return done
