"""tools.synth: deterministic, the right size, the planned defects, the contract's terms."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import PROV, SKOS
from tools import synth

from dutygraph.datasets import split_by_authority
from dutygraph.namespaces import DG, ORG, PK, authority_graph

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Graph, synth.SynthSummary]:
    """Twelve authorities with every kind of defect planned at least once."""
    path = tmp_path_factory.mktemp("synth") / "small.ttl"
    summary = synth.write(path, 12, seed=7, defect_rate=0.25)
    graph = Graph()
    graph.parse(path, format="turtle")
    return graph, summary


@pytest.mark.parametrize("suffix", [".nt", ".ttl"])
def test_the_same_seed_writes_byte_identical_files(tmp_path: Path, suffix: str) -> None:
    a, b = tmp_path / f"a{suffix}", tmp_path / f"b{suffix}"
    synth.write(a, 30, seed=11, defect_rate=0.2)
    synth.write(b, 30, seed=11, defect_rate=0.2)
    assert digest(a) == digest(b)


def test_another_seed_writes_other_arrangements(tmp_path: Path) -> None:
    synth.write(tmp_path / "a.nt", 5, seed=1)
    synth.write(tmp_path / "b.nt", 5, seed=2)
    assert digest(tmp_path / "a.nt") != digest(tmp_path / "b.nt")


def test_turtle_and_ntriples_hold_the_same_triples(tmp_path: Path) -> None:
    synth.write(tmp_path / "x.nt", 8, seed=3, defect_rate=0.3)
    synth.write(tmp_path / "x.ttl", 8, seed=3, defect_rate=0.3)
    nt, ttl = Graph(), Graph()
    nt.parse(tmp_path / "x.nt", format="nt")
    ttl.parse(tmp_path / "x.ttl", format="turtle")
    assert len(nt) > 0
    assert set(nt) == set(ttl)


def test_the_summary_counts_the_triples_written(tmp_path: Path) -> None:
    summary = synth.write(tmp_path / "c.nt", 10, seed=5)
    assert summary.triples == sum(1 for _ in (tmp_path / "c.nt").open()) > 0


@pytest.mark.parametrize(("n", "low", "high"), [(153, 80_000, 130_000),
                                                (1530, 800_000, 1_300_000)])
def test_153_authorities_make_about_1e5_triples_and_1530_about_1e6(n: int, low: int,
                                                                    high: int) -> None:
    total = sum(a.triple_count() for a in synth.generate(n, seed=2013, defect_rate=0.1))
    assert low <= total <= high


def test_each_defect_kind_goes_to_its_share_of_authorities() -> None:
    plan = synth.plan_defects(200, seed=9, rate=0.15)
    counts = Counter(kind for kinds in plan.values() for kind in kinds)
    assert counts == dict.fromkeys(synth.DEFECT_KINDS, 30)


def test_a_zero_defect_rate_plans_no_defects() -> None:
    assert not any(synth.plan_defects(50, seed=1, rate=0.0).values())


def test_a_defect_rate_outside_0_to_1_is_refused() -> None:
    with pytest.raises(synth.InputError, match="defect-rate"):
        synth.plan_defects(10, seed=1, rate=1.5)


def test_an_authority_depends_on_its_number_not_on_how_many_are_written() -> None:
    one = synth.build_authority(4, seed=21, defects=["stale-annual-report"])
    again = synth.build_authority(4, seed=21, defects=["stale-annual-report"])
    assert one.subjects == again.subjects


def test_each_authority_splits_into_its_own_named_graph(small: tuple[Graph, synth.SynthSummary]
                                                        ) -> None:
    graph, summary = small
    graphs = split_by_authority(graph, "small.ttl")
    assert set(graphs) == {authority_graph(synth.slug_for(i)) for i in range(1, 13)}
    assert sum(len(g) for g in graphs.values()) == len(graph) == summary.triples


def test_every_subject_names_its_authority_and_source(small: tuple[Graph, synth.SynthSummary]
                                                      ) -> None:
    graph, summary = small
    missing_locator = {iri for d in summary.defects.values() for kind, iri in d.items()
                       if kind == "missing-provenance"}
    for s in set(graph.subjects()):
        assert (s, DG.authority, None) in graph, s
        if (s, RDF.type, DG.SourceDocument) in graph:
            continue
        assert (s, PROV.wasDerivedFrom, None) in graph, s
        assert (s, DG.asAt, None) in graph, s
        assert ((s, DG.locator, None) in graph) == (str(s) not in missing_locator), s


def test_every_lscb_has_15_to_25_memberships(small: tuple[Graph, synth.SynthSummary]) -> None:
    graph, _ = small
    boards = set(graph.subjects(RDF.type, DG.LSCB))
    assert len(boards) == 12
    for board in boards:
        members = set(graph.subjects(ORG.organization, board)) & set(
            graph.subjects(RDF.type, ORG.Membership))
        assert 15 <= len(members) <= 25, (board, len(members))


def test_the_planned_defects_are_in_the_data(small: tuple[Graph, synth.SynthSummary]) -> None:
    graph, summary = small
    kinds = Counter(k for d in summary.defects.values() for k in d)
    assert set(kinds) == set(synth.DEFECT_KINDS)
    for slug, defects in summary.defects.items():
        ns = f"{synth.LA}{slug}/"
        for kind, about in defects.items():
            if kind == "chair-not-independent":
                assert (URIRef(about), DG.independent, Literal(False)) in graph
            elif kind == "missing-lay-members":
                assert not any(str(m).startswith(ns) for m in
                               graph.subjects(ORG.role, URIRef(synth.ROLE + "lay-member")))
            elif kind == "missing-partner-representative":
                assert not any(str(m).startswith(ns) for m in
                               graph.subjects(DG.representsKind, URIRef(about)))
            elif kind == "missing-function-evidence":
                assert not any(str(e).startswith(ns) for e in
                               graph.subjects(DG.evidenceFor, URIRef(about)))
            elif kind == "lead-member-full-member":
                assert (URIRef(about), ORG.role,
                        URIRef(synth.ROLE + "participating-observer")) not in graph


def test_every_term_used_is_declared_by_the_ontology_or_the_framework(
        small: tuple[Graph, synth.SynthSummary]) -> None:
    graph, _ = small
    known = Graph()
    for f in [ROOT / "ontology" / "dutygraph.ttl", *sorted((ROOT / "data" / "framework").glob(
            "*.ttl"))]:
        known.parse(f, format="turtle")
    declared = set(known.subjects())
    ours = ("https://w3id.org/dutygraph/def#", "https://w3id.org/dutygraph/id/role/",
            "https://w3id.org/dutygraph/id/partner-kind/",
            "https://w3id.org/dutygraph/id/function/")
    used = set(graph.predicates()) | set(graph.objects())
    undeclared = sorted(str(t) for t in used if isinstance(t, URIRef)
                        and str(t).startswith(ours) and t not in declared)
    if not (ROOT / "data" / "framework" / "functions.ttl").exists():
        undeclared = [t for t in undeclared if "/function/" not in t]
    assert undeclared == []


def test_the_every_area_partner_kinds_match_the_framework() -> None:
    framework = ROOT / "data" / "framework" / "partner-kinds.ttl"
    g = Graph()
    g.parse(framework, format="turtle")
    day = synth.AS_OF.isoformat()
    every_area = set()
    for kind in g.subjects(DG.requiredWhen, DG.EveryArea):
        start, end = g.value(kind, DG.validFrom), g.value(kind, DG.validThrough)
        if str(start) <= day and (end is None or day <= str(end)):
            every_area.add(str(kind).rsplit("/", 1)[1])
    assert every_area == {k for k, _ in synth.EVERY_AREA_KINDS}
    assert all((PK[k], SKOS.inScheme, DG.BoardPartnerKinds) in g for k in every_area)


def test_the_command_writes_the_file_and_a_manifest(tmp_path: Path) -> None:
    out, manifest = tmp_path / "s.ttl", tmp_path / "m.json"
    assert synth.main(["--authorities", "3", "--seed", "4", "--out", str(out),
                 "--manifest", str(manifest)]) == 0
    assert out.stat().st_size > 0 and '"authorities": 3' in manifest.read_text()


def test_the_command_refuses_an_unknown_suffix(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert synth.main(["--authorities", "3", "--out", str(tmp_path / "s.rdf")]) == 2
    assert "s.rdf" in capsys.readouterr().err


def test_the_command_refuses_a_defect_rate_above_one(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        synth.main(["--authorities", "3", "--defect-rate", "2", "--out",
              str(tmp_path / "s.nt")])
    assert exc.value.code == 2
