"""The validation API the CLI and the web view call: files, an uploaded graph, or a store.

Each entry point builds a DataView (dataset.py) and, batch by batch of authorities (each
with the shared graphs), leaves out the local records no document had made on the as-of date
or gone stale (records.py), runs the shapes on it with the chosen engine
(engine.py) for the as-of date (dates.py), and turns the results into a ValidationReport
(report.py) with labels, provisions, outcome, evidence and the authority of each finding, and
the cells of the audit matrix for the same run (assessment.py): `dutygraph audit` and /audit
call run_view too, so the report and the matrix cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph, URIRef
from rdflib.namespace import FOAF, RDFS, SKOS
from rdflib.term import Node

from ..errors import InputError
from ..namespaces import BASE, DG, authority_graph, authority_iri, authority_slug
from ..queries.internal import internal_select, internal_text, page_text
from ..rdfio import parse_file
from ..store import Store
from .assessment import assess, counts
from .dataset import (
    Batch,
    DataView,
    repository_framework_quads,
    store_framework,
    store_graph_names,
    store_shared_quads,
    upload_has_authority,
    view_batches,
    view_of_store,
    view_of_upload,
)
from .dates import AsOf, resolve
from .engine import BATCH_AUTHORITIES, FastEngine, PyshaclEngine, RawResult
from .evidence import editions_of, evidence_of, in_force_guidance, judging_days
from .records import AuditedView, audited_batch
from .report import OUTCOME_OF_IRI, Finding, ValidationReport
from .shapes import ShapeSet, load_shapes

ENGINES: dict[str, type[FastEngine] | type[PyshaclEngine]] = {
    "fast": FastEngine, "pyshacl": PyshaclEngine}
# What run_view calls for every batch: its data, as it was before the records left out, and
# its cells.
EachBatch = Callable[[DataView, DataView, dict[tuple[str, str], Any]], None]
_AUTHORITY_PREFIX = BASE + "id/authority/"
_LABEL_PREDICATES = [DG.citationLabel, RDFS.label, SKOS.prefLabel, FOAF.name]


def _iris(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef)})


def labels_of(view: DataView, nodes: Iterable[Node]) -> dict[str, str]:
    """A label for each IRI: citation label, then rdfs:label, skos:prefLabel, foaf:name."""
    iris = _iris(nodes)
    if not iris:
        return {}
    rows = view.select(page_text("labels", {"x": iris}))
    best: dict[str, tuple[int, int, str]] = {}
    for r in rows:
        lang = getattr(r["l"], "language", None)
        rank = (_LABEL_PREDICATES.index(r["p"]),  # type: ignore[arg-type]
                0 if lang in (None, "en", "en-gb", "en-GB") else 1, str(r["l"]))
        key = str(r["x"])
        if key not in best or rank < best[key]:
            best[key] = rank
    return {k: v[2] for k, v in best.items()}


def _authority_by_iri(node: Node) -> str | None:
    text = str(node)
    if isinstance(node, URIRef) and text.startswith(_AUTHORITY_PREFIX):
        slug = text[len(_AUTHORITY_PREFIX):].split("/", 1)[0]
        if slug:
            return str(authority_iri(slug))
    return None


def authorities_of(view: DataView, nodes: Iterable[Node]) -> dict[str, str]:
    """The authority each focus node belongs to: by IRI, by dg:authority, or itself."""
    out: dict[str, str] = {}
    rest = []
    for n in set(nodes):
        found = _authority_by_iri(n)
        if found:
            out[str(n)] = found
        else:
            rest.append(n)
    iris = _iris(rest)
    if iris:
        rows = view.select(internal_text("focus-authority", {"n": iris}))
        for r in sorted(rows, key=lambda r: str(r["a"])):
            out.setdefault(str(r["n"]), str(r["a"]))
    return out


def value_provisions(view: DataView, values: Iterable[Node]) -> dict[str, set[str]]:
    """Provisions the framework gives a result's value (a statement's or a partner kind's, or
    those of the kind a dg:Absence says is missing)."""
    iris = _iris(values)
    out: dict[str, set[str]] = defaultdict(set)
    if iris:
        # A statement of absence cites what the absent kind's provision imposes or lists.
        rows = view.select(internal_text("value-provisions", {"v": iris}))
        for r in rows:
            out[str(r["v"])].add(str(r["p"]))
    return out


def build_report(view: DataView, raw: Sequence[RawResult], shapes: ShapeSet, as_of: AsOf,
                 *, engine: str, authorities: Sequence[URIRef] | None = None) -> ValidationReport:
    """Findings with labels and provisions, restricted to `authorities` when given."""
    specs = shapes.by_iri()
    rank = {s.iri: i for i, s in enumerate(shapes.shapes)}
    focus_authority = authorities_of(view, [r.focus for r in raw])
    if authorities is not None:
        keep = {str(a) for a in authorities}
        raw = [r for r in raw if focus_authority.get(str(r.focus)) in keep]
    extra = value_provisions(view, [r.value for r in raw if r.value is not None])
    days = judging_days(view, [r.focus for r in raw], as_of)
    guidance = in_force_guidance(view, {p for s in specs.values() for p in s.provisions})
    provisions_of: dict[RawResult, set[str]] = {}
    for r in raw:
        cited = {str(p) for p in specs[r.shape].provisions}
        if r.value is not None:
            cited |= extra.get(str(r.value), set())
        provisions_of[r] = guidance.keep(cited, days.get(str(r.focus), as_of.day))
    validated = list(authorities) if authorities is not None else view.authorities()
    all_nodes: list[Node] = [r.focus for r in raw] + list(validated)
    all_nodes += [URIRef(a) for a in focus_authority.values()]
    all_nodes += [URIRef(p) for ps in provisions_of.values() for p in ps]
    outcome_of = {r: OUTCOME_OF_IRI.get(r.outcome or DG.NotEvidenced, "not evidenced")
                  for r in raw}
    grounds = [r.value if r.value is not None else r.focus
               for r in raw if outcome_of[r] == "not met"]
    evidence = evidence_of(view, grounds, as_of.day)
    all_nodes += grounds
    labels = labels_of(view, all_nodes)
    editions = editions_of(view, {p for ps in provisions_of.values() for p in ps})

    def label(iri: str) -> str:
        return labels.get(iri, iri)

    findings = []
    for r in raw:
        spec = specs[r.shape]
        provs: list[str] = sorted(provisions_of[r], key=lambda p: (label(p), p))
        authority = focus_authority.get(str(r.focus))
        ground = r.value if r.value is not None else r.focus
        findings.append(Finding(
            outcome=outcome_of[r],
            evidence=(tuple(e.labelled(label(e.node)) for e in evidence.get(str(ground), []))
                      if outcome_of[r] == "not met" else ()),
            editions=tuple(sorted({editions[p] for p in provs if p in editions})),
            severity=spec.severity_name,
            message=r.message,
            focus=str(r.focus) if isinstance(r.focus, URIRef) else f"_:{r.focus}",
            focus_label=label(str(r.focus)),
            path=str(r.path) if r.path is not None else None,
            shape=str(r.shape),
            provisions=provs,
            authority=authority,
            value=str(r.value) if r.value is not None else None,
            shape_label=spec.label,
            authority_label=label(authority) if authority else "",
            provision_labels=tuple(label(p) for p in provs),
            group=tuple(sorted(label(str(p)) for p in spec.provisions
                               if str(p) in provisions_of[r])),
            rank=rank[r.shape],
        ))
    findings.sort(key=Finding.sort_key)
    return ValidationReport(
        source_dates=source_dates(view, validated),
        as_of=as_of.day, results=findings,
        authorities=sorted(((str(a), label(str(a))) for a in validated),
                           key=lambda t: (t[1], t[0])),
        shape_count=len([s for s in shapes.shapes if not s.deactivated]), engine=engine)


def source_dates(view: DataView, authorities: Sequence[URIRef]) -> dict[str, list[str]]:
    """The dates (dg:asAt) the sources describe each authority's arrangements as at."""
    iris = _iris(authorities)
    if not iris:
        return {}
    rows = view.select(internal_text("source-dates", {"a": iris}))
    out: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        out[str(r["a"])].add(str(r["d"]))
    return {a: sorted(d) for a, d in out.items()}


def resolve_authority(spec: str, candidates: Sequence[tuple[str, str]]) -> URIRef:
    """An authority named by IRI, slug or label (case-insensitive), or InputError."""
    wanted = spec.strip()
    by_iri = {iri: iri for iri, _ in candidates}
    if wanted in by_iri:
        return URIRef(wanted)
    slug_iri = str(authority_iri(wanted)) if "/" not in wanted else None
    if slug_iri in by_iri:
        return URIRef(slug_iri)
    lowered = wanted.casefold()
    exact = sorted({iri for iri, label in candidates if label.casefold() == lowered})
    if len(exact) == 1:
        return URIRef(exact[0])
    partial = sorted({iri for iri, label in candidates if lowered in label.casefold()})
    if len(partial) == 1:
        return URIRef(partial[0])
    known = "; ".join(f"{label} <{iri}>" for iri, label in sorted(candidates)) or "none"
    reason = "is ambiguous" if len(partial) > 1 else "matches no authority"
    raise InputError(f"'{spec}' {reason} (authorities: {known})", parameter="authority")


def _candidates(view: DataView) -> list[tuple[str, str]]:
    authorities = view.authorities()
    labels = labels_of(view, authorities)
    return [(str(a), labels.get(str(a), str(a))) for a in authorities]


def run_view(view: DataView, as_of: AsOf, engine: str, authorities: Sequence[URIRef] | None,
             shapes: ShapeSet | None = None, *, shared: Sequence[ox.Quad] | None = None,
             batch: int = BATCH_AUTHORITIES, each: EachBatch | None = None) -> ValidationReport:
    """Validate a view on a date: the findings, and the audit cells of the same run.

    Every step runs per batch of `batch` authorities (dataset.view_batches), each in a store
    of its own with the shared graphs: the records left out on the day, the shapes, the
    report's labels and evidence, the targets and the cells. An authority's findings depend
    only on its own graphs and the shared ones, so the batches' reports, merged, are the
    whole view's; what batching changes is the cost, which grows with the number of
    authorities and not faster (a step over the whole national store grew 20x for 10x).
    `shared`: the view's shared graphs' quads when the caller keeps them (validate_store).
    `each(data, original, cells)`: called for every batch with the data the run used (less
    the records left out), the batch as it was, and the batch's cells, for more work per
    batch while its store is at hand (the audit's witnesses of met cells)."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}' (use fast or pyshacl)", parameter="engine")
    shape_set = shapes or load_shapes()
    parts = [_run_batch(b, as_of, engine, authorities, shape_set, each)
             for b in view_batches(view, batch, shared)]
    return _merged([report for report, _ignored in parts],
                   set().union(*(ignored for _report, ignored in parts)))


def _run_batch(part: Batch, as_of: AsOf, engine: str, authorities: Sequence[URIRef] | None,
               shape_set: ShapeSet, each: EachBatch | None
               ) -> tuple[ValidationReport, set[str]]:
    """One batch's report and cells, holding only what the batch answers for (its own
    authorities, and in the first batch what no authority owns), and its records left out."""
    data, ignored = audited_batch(part.shared, part.own, as_of)
    raw = ENGINES[engine]().run(data, shape_set, as_of)
    chosen = None if authorities is None else [
        a for a in authorities if part.answers_for(str(a))]
    report = build_report(data, raw, shape_set, as_of, engine=engine, authorities=chosen)
    if authorities is None:
        report.results = [f for f in report.results if part.answers_for(f.authority)]
        report.authorities = [(a, label) for a, label in report.authorities
                              if part.answers_for(a)]
        report.source_dates = {a: d for a, d in report.source_dates.items()
                               if part.answers_for(a)}
    targets = FastEngine().targets(data, shape_set, as_of)
    owner = authorities_of(data, [n for nodes in targets.values() for n in nodes])
    report.cells = assess(data, report.results, shape_set.shapes, targets, owner,
                          [iri for iri, _label in report.authorities], as_of)
    if each is not None:
        each(data, data.original if isinstance(data, AuditedView) else data, report.cells)
    return report, ignored


def _merged(reports: Sequence[ValidationReport], ignored: set[str]) -> ValidationReport:
    """The batches' reports as one: findings in each authority's order of its batch (sorted,
    then settled in place by assess, so not sorted again), authorities by label."""
    first = reports[0]
    results = sorted((f for r in reports for f in r.results),
                     key=lambda f: (f.authority_label or "~", f.authority or ""))
    cells = {k: c for r in reports for k, c in r.cells.items()}
    report = ValidationReport(
        as_of=first.as_of, results=results,
        authorities=sorted((a for r in reports for a in r.authorities),
                           key=lambda t: (t[1], t[0])),
        shape_count=first.shape_count, engine=first.engine,
        source_dates={a: d for r in reports for a, d in r.source_dates.items()},
        ignored_records=len(ignored), cells=cells)
    report.requirements = counts(cells.values())
    return report


_run = run_view


def validate_graph(graph: Graph, *, as_of: dt.date | None = None, authority: str | None = None,
                   framework: Graph | Store | None = None, engine: str = "fast",
                   name: str = "the data") -> ValidationReport:
    """Validate arrangements held in an rdflib graph (an upload) with the national framework:
    the repository's (None), a store's (kept once per version of the store), or a graph's."""
    return _validate_upload(graph, as_of, authority, framework, engine, name)


def validate_triples(triples: Iterable[ox.Triple], *, as_of: dt.date | None = None,
                     authority: str | None = None, framework: Graph | Store | None = None,
                     engine: str = "fast", name: str = "the data") -> ValidationReport:
    """validate_graph for an upload as the one reader streams it (rdfio.triples): its
    Oxigraph triples go into the view as they are, with no rdflib term made on the way."""
    return _validate_upload(triples, as_of, authority, framework, engine, name)


def _validate_upload(upload: Graph | Iterable[ox.Triple], as_of: dt.date | None,
                     authority: str | None, framework: Graph | Store | None, engine: str,
                     name: str) -> ValidationReport:
    if framework is None:
        fw: Graph | tuple[ox.Quad, ...] = repository_framework_quads()
    elif isinstance(framework, Graph):
        fw = framework
    else:
        fw = store_framework(framework)
    view = view_of_upload(upload, fw)
    if not upload_has_authority(view):
        raise InputError("no dg:LocalAuthority in it, so there is nothing to validate "
                         "(every arrangement belongs to an authority)", file=name)
    chosen = [resolve_authority(authority, _candidates(view))] if authority else None
    return _run(view, resolve(as_of), engine, chosen)


def validate_files(paths: Sequence[str | Path], *, authority: str | None = None,
                   as_of: dt.date | None = None, store: Store | None = None,
                   engine: str = "fast") -> ValidationReport:
    """Validate local arrangement files (Turtle or JSON-LD); every file is parsed first."""
    if not paths:
        raise InputError("no file to validate", parameter="FILE")
    merged = Graph()
    for path in paths:
        merged += parse_file(path)
    name = ", ".join(str(p) for p in paths)
    return validate_graph(merged, as_of=as_of, authority=authority,
                          framework=store, engine=engine, name=name)


def validate_store(store: Store, *, authority: str | None = None,
                   as_of: dt.date | None = None, engine: str = "fast") -> ValidationReport:
    """Validate the authorities of a store (every one when `authority` is None)."""
    chosen: list[URIRef] | None = None
    if authority:
        chosen = [_named_authority(store, authority)
                  or resolve_authority(authority, _store_candidates(store))]
    view = view_of_store(store, chosen)
    return _run(view, resolve(as_of), engine, chosen, shared=store_shared_quads(store))


def _named_authority(store: Store, spec: str) -> URIRef | None:
    """The authority an IRI or slug names, when its graph is in the store: found without
    reading every authority's label (a third of re-validating one council at 1,530)."""
    wanted = spec.strip()
    iri = wanted if "/" in wanted else str(authority_iri(wanted))
    slug = authority_slug(iri)
    if slug is None or str(authority_iri(slug)) != iri:
        return None
    return URIRef(iri) if str(authority_graph(slug)) in store_graph_names(store) else None


def _store_candidates(store: Store) -> list[tuple[str, str]]:
    rows = internal_select(store, "authority-labels")
    out: dict[str, str] = {}
    for r in rows:
        out.setdefault(str(r["a"]), str(r.get("l", r["a"])))
    return sorted(out.items())
