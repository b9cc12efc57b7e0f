"""The shapes themselves: documented, cited, graded by legal force, and dated by the framework."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SH

from dutygraph import paths
from dutygraph.namespaces import DG
from dutygraph.rdfio import parse_file
from dutygraph.validation.shapes import (
    ShapeError,
    ShapeSet,
    ShapeSpec,
    _load,
    load_shapes,
    shape_files,
)

CONCERNS = {"lscb-establishment", "lscb-membership", "lscb-chair", "lscb-functions",
            "annual-report", "dcs-lead-member", "corporate-parenting", "successor-arrangements",
            "partnership-arrangements"}
SHAPES = load_shapes().shapes
IDS = [str(s.iri).rsplit("/", 1)[-1] for s in SHAPES]
PREFIXES = {
    "duty": "https://w3id.org/dutygraph/id/duty/", "link": "https://w3id.org/dutygraph/id/link/",
    "gd": "https://w3id.org/dutygraph/id/guidance/", "pk": "https://w3id.org/dutygraph/id/partner-kind/",
    "fn": "https://w3id.org/dutygraph/id/function/", "role": "https://w3id.org/dutygraph/id/role/",
}
# Shapes whose severity is not the modality of the duty they are dated by, and why.
SEVERITY_EXCEPTIONS = {
    "lscb-superseded": "a notice that the arrangement was replaced, not a breach (sh:Info)",
    "corporate-parenting-lscb-reporting": "good practice dated by the LSCB's objective (sh:Info)",
}


def test_there_is_one_shapes_file_per_concern() -> None:
    stems = {p.stem for p in shape_files()}
    assert stems >= CONCERNS
    assert {s.concern for s in SHAPES} == CONCERNS


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_every_shape_has_a_name_description_message_severity_outcome_and_source(
        shape: ShapeSpec) -> None:
    assert shape.label and shape.description
    assert all(m.strip() for c in shape.constraints for m in c.messages)
    assert shape.severity in (SH.Violation, SH.Warning, SH.Info)
    assert shape.outcome in (DG.NotMet, DG.NotEvidenced, DG.Superseded)
    assert shape.provisions


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_every_shape_has_a_header_comment_saying_what_it_checks(shape: ShapeSpec) -> None:
    text = (paths.shapes_dir() / f"{shape.concern}.ttl").read_text(encoding="utf-8")
    slug = str(shape.iri).rsplit("/", 1)[-1]
    header = re.search(rf"^# shape:{re.escape(slug)}\n((?:#.*\n)+)", text, flags=re.M)
    assert header, f"no header comment for shape:{slug}"
    for part in ("# Checks:", "# Applies:", "# Provision:", "# Example:"):
        assert part in header.group(1), f"shape:{slug} header lacks {part}"


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_every_provision_a_shape_cites_is_a_provision_of_the_framework(
        shape: ShapeSpec, framework: Graph) -> None:
    for p in shape.provisions:
        assert (p, RDF.type, DG.Provision) in framework, p


def _queries(shape: ShapeSpec) -> list[str]:
    return [t for t, _p in shape.target_selects] + [c.select for c in shape.constraints]


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_every_framework_term_a_shape_names_exists_in_the_framework(
        shape: ShapeSpec, framework: Graph) -> None:
    subjects = set(framework.subjects())
    objects = set(framework.objects())
    for text in _queries(shape):
        for prefix, local in re.findall(r"\b(duty|link|gd|pk|fn|role):([\w-]+)", text):
            iri = URIRef(PREFIXES[prefix] + local)
            assert iri in subjects or iri in objects, f"{prefix}:{local} is not in the framework"


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_shapes_take_dates_from_the_framework_and_the_context_never_from_literals(
        shape: ShapeSpec) -> None:
    for text in _queries(shape):
        assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "a date is written into the query"
        for m in re.finditer(r"dg:(asOf|windowStart)", text):
            line = text[text.rfind("\n", 0, m.start()) + 1:text.find("\n", m.end())]
            assert re.fullmatch(r"\s*\?context dg:(asOf \?asOf|windowStart \?windowStart) \.\s*",
                                line), f"the context is read in a non-canonical way: {line!r}"


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_every_constraint_binds_and_selects_this_first(shape: ShapeSpec) -> None:
    # The fast engine joins targets afterwards; that equals pre-binding $this only when the
    # WHERE clause binds $this with a triple pattern before anything else.
    for c in shape.constraints:
        head, _, body = c.select.partition("WHERE {")
        assert re.match(r"\s*SELECT (DISTINCT )?\$this\b", head), head
        assert re.match(r"\s*\$this [a-z]", body), body[:80]


def _duty_severity(framework: Graph, ontology: Graph, duty: URIRef) -> URIRef | None:
    modality = framework.value(duty, DG.modality)
    return ontology.value(modality, DG.severity) if modality is not None else None


@pytest.mark.parametrize("shape", SHAPES, ids=IDS)
def test_severity_follows_the_legal_force_of_the_duty_the_shape_is_dated_by(
        shape: ShapeSpec, framework: Graph) -> None:
    slug = str(shape.iri).rsplit("/", 1)[-1]
    ontology = parse_file(paths.ontology_dir() / "dutygraph.ttl")
    anchors = {URIRef(PREFIXES[p] + local) for t, _ in shape.target_selects
               for p, local in re.findall(r"\b(duty|link):([\w-]+) dg:valid", t)}
    if not anchors:  # dated through a chain of editions: check each edition
        anchors = {URIRef(PREFIXES["duty"] + local) for t, _ in shape.target_selects
                   for local in re.findall(r"duty:([\w-]+) dg:supersededBy\*", t)}
        anchors |= {o for a in list(anchors)
                    for o in framework.transitive_objects(a, DG.supersededBy)}
    assert anchors, f"{slug} is not dated by any framework statement"
    severities = {_duty_severity(framework, ontology, a) for a in anchors}
    if slug in SEVERITY_EXCEPTIONS:
        assert shape.severity == SH.Info
    else:
        assert severities == {shape.severity}, (slug, severities)


def test_a_shape_using_features_the_fast_engine_cannot_compile_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("""@prefix sh: <http://www.w3.org/ns/shacl#> .
<urn:x:shape> a sh:NodeShape ; sh:targetClass <urn:x:C> ;
    sh:property [ sh:path <urn:x:p> ; sh:minCount 1 ] .""", encoding="utf-8")
    with pytest.raises(ShapeError, match="shacl#property"):
        _load(((str(bad), 0),))


def test_the_shapes_load_as_one_graph_with_every_shape(shapes: ShapeSet) -> None:
    assert len(shapes.shapes) >= 20
    nodes = set(shapes.graph.subjects(RDF.type, SH.NodeShape))
    assert nodes == {s.iri for s in shapes.shapes}
