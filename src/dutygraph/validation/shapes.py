"""Loading the shapes of shapes/*.ttl and reading what each one checks.

A shape here is a SHACL node shape whose targets are sh:SPARQLTarget queries (what the
requirement applies to on the as-of date) or sh:targetClass, and whose constraints are
SHACL-SPARQL sh:sparql SELECTs. That subset is all the shapes need (the law's conditions are
dated joins with the framework, which core SHACL cannot express) and it is what the fast
engine compiles; a shape using anything else is refused here, so the two engines can never
silently disagree about which shapes ran.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SH

from .. import paths
from ..errors import DutygraphError
from ..namespaces import DG
from ..rdfio import parse_file

SHAPE = Namespace("https://w3id.org/dutygraph/shape/")

# The order reports and the audit list concerns in: the Board, its members, its chair, its
# functions and report, then the council's own officers, then what came after LSCBs.
CONCERN_ORDER = ["lscb-establishment", "lscb-membership", "lscb-chair", "lscb-functions",
                 "annual-report", "dcs-lead-member", "corporate-parenting",
                 "successor-arrangements"]

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}

# Parts of a node shape this package understands; anything else on a shape is refused.
_ALLOWED_SHAPE_PREDICATES = {
    RDF.type, RDFS.label, RDFS.comment, SH.name, SH.description, SH.severity, SH.target,
    SH.targetClass, SH.sparql, SH.deactivated, DCTERMS.source, DG.outcome, DG.bearer,
    RDFS.seeAlso, DG.witness,
}


class ShapeError(DutygraphError):
    """A shapes file uses a SHACL feature the validation engines do not both support."""


@dataclass(frozen=True)
class SparqlConstraint:
    """One sh:sparql constraint; `outcome` is its own dg:outcome (None: the shape's).

    A requirement usually has two: one for silence (not evidenced) and one for a document
    that states the contrary (not met), so the outcome belongs to the constraint that found
    it, and a standard SHACL result carries it through sh:sourceConstraint.
    """

    node: URIRef | BNode
    select: str
    messages: tuple[str, ...]
    prefixes: tuple[tuple[str, str], ...]
    outcome: URIRef | None = None


@dataclass(frozen=True)
class ShapeSpec:
    """One shape as the engines and the reports need it."""

    iri: URIRef
    label: str
    description: str
    severity: URIRef
    provisions: tuple[URIRef, ...]
    outcome: URIRef | None
    concern: str
    target_selects: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    target_classes: tuple[URIRef, ...]
    constraints: tuple[SparqlConstraint, ...]
    deactivated: bool = False
    bearer: URIRef | None = None
    # dg:witness: a SELECT of $this and ?witness, the records that show the requirement met.
    witness: str | None = None

    @property
    def severity_name(self) -> str:
        return SEVERITY_NAMES[self.severity]

    def outcome_of(self, constraint: SparqlConstraint) -> URIRef:
        """A finding's outcome: the constraint's, else the shape's, else not evidenced
        (a finding that does not say a document states the contrary rests on silence)."""
        return constraint.outcome or self.outcome or DG.NotEvidenced


@dataclass(frozen=True)
class ShapeSet:
    graph: Graph
    shapes: tuple[ShapeSpec, ...]

    def by_iri(self) -> dict[URIRef, ShapeSpec]:
        return {s.iri: s for s in self.shapes}


def shape_files(folder: Path | None = None) -> list[Path]:
    base = folder or paths.shapes_dir()
    return sorted(p for p in base.glob("*.ttl") if p.is_file())


def _prefixes(g: Graph, node: URIRef | BNode) -> tuple[tuple[str, str], ...]:
    """The prefixes a SPARQL node declares through sh:prefixes/sh:declare."""
    out: dict[str, str] = {}
    for holder in g.objects(node, SH.prefixes):
        for decl in g.objects(holder, SH.declare):
            prefix = g.value(decl, SH.prefix)
            namespace = g.value(decl, SH.namespace)
            if prefix is None or namespace is None:
                raise ShapeError(f"sh:declare {decl} needs one sh:prefix and one sh:namespace")
            out[str(prefix)] = str(namespace)
    return tuple(sorted(out.items()))


def _one_literal(g: Graph, node: object, pred: URIRef, what: str) -> str:
    values = list(g.objects(node, pred))  # type: ignore[arg-type]
    if len(values) != 1 or not isinstance(values[0], Literal):
        raise ShapeError(f"{node} needs exactly one {what}")
    return str(values[0])


OUTCOMES = {DG.NotMet, DG.NotEvidenced, DG.Superseded}


def _outcome(g: Graph, node: URIRef | BNode, shape: URIRef) -> URIRef | None:
    value = g.value(node, DG.outcome)
    if value is None:
        return None
    if not isinstance(value, URIRef) or value not in OUTCOMES:
        raise ShapeError(f"shape {shape}: dg:outcome {value} is not dg:NotMet, "
                         "dg:NotEvidenced or dg:Superseded")
    return value


def _spec(g: Graph, shape: URIRef, concern: str) -> ShapeSpec:
    for pred in set(g.predicates(shape, None)):
        if pred not in _ALLOWED_SHAPE_PREDICATES:
            raise ShapeError(f"shape {shape} uses {pred}, which the validation engines do not "
                             "both support (use sh:sparql constraints and SPARQL targets)")
    if g.value(shape, SH.message) is not None:
        raise ShapeError(f"shape {shape}: put sh:message on its sh:sparql constraint")
    targets = []
    for t in g.objects(shape, SH.target):
        if (t, RDF.type, SH.SPARQLTarget) not in g:
            raise ShapeError(f"shape {shape}: only sh:SPARQLTarget targets are supported")
        targets.append((_one_literal(g, t, SH.select, "sh:select"), _prefixes(g, t)))  # type: ignore[arg-type]
    classes = tuple(sorted(c for c in g.objects(shape, SH.targetClass) if isinstance(c, URIRef)))
    constraints = []
    for c in g.objects(shape, SH.sparql):
        if g.value(c, SH.deactivated) is not None:
            raise ShapeError(f"shape {shape}: deactivate the shape, not one constraint")
        messages = tuple(sorted(str(m) for m in g.objects(c, SH.message)))
        if not messages:
            raise ShapeError(f"shape {shape}: its sh:sparql constraint needs an sh:message")
        constraints.append(SparqlConstraint(
            node=c,  # type: ignore[arg-type]
            select=_one_literal(g, c, SH.select, "sh:select"),
            messages=messages,
            prefixes=_prefixes(g, c),  # type: ignore[arg-type]
            outcome=_outcome(g, c, shape),  # type: ignore[arg-type]
        ))
    if not constraints:
        raise ShapeError(f"shape {shape} has no sh:sparql constraint")
    if not targets and not classes:
        raise ShapeError(f"shape {shape} has no target")
    severity = g.value(shape, SH.severity) or SH.Violation
    if severity not in SEVERITY_NAMES:
        raise ShapeError(f"shape {shape}: unknown severity {severity}")
    label = g.value(shape, RDFS.label) or g.value(shape, SH.name) or Literal(str(shape))
    deactivated = g.value(shape, SH.deactivated)
    return ShapeSpec(
        iri=shape,
        label=str(label),
        description=str(g.value(shape, SH.description) or ""),
        severity=severity,  # type: ignore[arg-type]
        provisions=tuple(sorted(p for p in g.objects(shape, DCTERMS.source)
                                if isinstance(p, URIRef))),
        outcome=_outcome(g, shape, shape),
        concern=concern,
        target_selects=tuple(sorted(targets)),
        target_classes=classes,
        constraints=tuple(sorted(constraints, key=lambda c: c.select)),
        deactivated=isinstance(deactivated, Literal) and deactivated.toPython() is True,
        bearer=g.value(shape, DG.bearer),  # type: ignore[arg-type]
        witness=str(g.value(shape, DG.witness)) if g.value(shape, DG.witness) else None,
    )


def load_shapes(folder: Path | None = None) -> ShapeSet:
    """Every shape of the shapes folder (one file per concern), checked for supported features."""
    files = shape_files(folder)
    key = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return _load(key)


@lru_cache(maxsize=4)
def _load(key: tuple[tuple[str, int], ...]) -> ShapeSet:
    g = Graph()
    concern_of: dict[URIRef, str] = {}
    for name, _mtime in key:
        fg = parse_file(name)
        for s in fg.subjects(RDF.type, SH.NodeShape):
            if isinstance(s, URIRef):
                concern_of[s] = Path(name).stem
        g += fg
    for prefix, ns in g.namespaces():
        g.bind(prefix, ns)
    if any(True for _ in g.subjects(RDF.type, SH.PropertyShape)):
        raise ShapeError("property shapes are not supported; write node shapes with sh:sparql")
    def order(shape: URIRef) -> tuple[int, str]:
        concern = concern_of[shape]
        rank = CONCERN_ORDER.index(concern) if concern in CONCERN_ORDER else len(CONCERN_ORDER)
        return (rank, str(shape))

    specs = [_spec(g, s, concern_of[s]) for s in sorted(concern_of, key=order)]
    return ShapeSet(graph=g, shapes=tuple(specs))
