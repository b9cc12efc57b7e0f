"""Synthetic authorities validate with exactly the findings of the defects planted in them.

This is what makes the benchmark's validation figures mean something: clean authorities are
clean, and each defect kind is reported by the shapes it was designed for, and nothing else.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from tools import synth

from dutygraph.validation import ValidationReport, validate_files
from dutygraph.validation.shapes import load_shapes

# Shapes no synthetic defect is meant for: a defect there would remove the Board the other
# checks need (lscb-established), or the shape is not in force on synth.AS_OF (2015-06-30).
# The partnership shapes check the arrangements that replaced LSCBs (CA 2004 s16E-16G, from
# 2019), which synthetic authorities of 2015 do not have.
NOT_PLANTED = {"lscb-established", "lscb-superseded", "safeguarding-partner-arrangements",
               "partnership-arrangements-published", "partnership-delegated-partners",
               "partnership-independent-scrutiny", "partnership-partners-named",
               "partnership-relevant-agencies", "partnership-yearly-report"}


@pytest.fixture(scope="module")
def validated(tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[ValidationReport, synth.SynthSummary]:
    """Forty authorities, each kind of defect planted in four (rate 0.1)."""
    path = tmp_path_factory.mktemp("synth") / "forty.ttl"
    summary = synth.write(path, 40, seed=5, defect_rate=0.1)
    return validate_files([path], as_of=synth.AS_OF), summary


def shapes_by_authority(report: ValidationReport) -> dict[str, set[str]]:
    fired: dict[str, set[str]] = defaultdict(set)
    for finding in report.results:
        if finding.authority:
            fired[finding.authority.rsplit("/", 1)[1]].add(finding.shape.rsplit("/", 1)[1])
    return fired


def test_every_defect_kind_is_planted(validated: tuple[ValidationReport, synth.SynthSummary]
                                      ) -> None:
    _report, summary = validated
    assert summary.counts_by_kind() == dict.fromkeys(synth.DEFECT_KINDS, 4)


def test_each_authority_is_reported_by_the_shapes_of_its_defects_and_no_others(
        validated: tuple[ValidationReport, synth.SynthSummary]) -> None:
    report, summary = validated
    fired = shapes_by_authority(report)
    wrong = {}
    for number in range(1, 41):
        slug = synth.slug_for(number)
        expected: set[str] = set()
        for kind, about in summary.defects.get(slug, {}).items():
            expected |= synth.expected_shapes(kind, about)
        if fired.get(slug, set()) != expected:
            wrong[slug] = (sorted(summary.defects.get(slug, {})), sorted(expected),
                           sorted(fired.get(slug, set())))
    assert wrong == {}, "authority: (defects, expected shapes, shapes that fired)"


def test_an_authority_without_defects_has_no_findings(
        validated: tuple[ValidationReport, synth.SynthSummary]) -> None:
    report, summary = validated
    clean = {synth.slug_for(i) for i in range(1, 41)} - set(summary.defects)
    assert clean, "the plan should leave some authorities without defects"
    fired = shapes_by_authority(report)
    assert {slug: fired[slug] for slug in clean if slug in fired} == {}


def test_every_shape_in_force_has_a_defect_kind_that_it_reports() -> None:
    shapes = {str(s.iri).rsplit("/", 1)[1] for s in load_shapes().shapes if not s.deactivated}
    planted = {shape for kinds in synth.DEFECTS.values() for shape in kinds}
    missing = sorted(shapes - planted - NOT_PLANTED)
    assert missing == [], (f"shapes with no synthetic defect: add a kind to "
                           f"tools.synth.DEFECTS for each of {missing}")
    assert planted <= shapes, f"DEFECTS names shapes that do not exist: {planted - shapes}"


def test_the_defects_found_are_in_the_synthetic_file_not_the_repository(tmp_path: Path) -> None:
    path = tmp_path / "clean.nt"
    synth.write(path, 3, seed=8, defect_rate=0.0)
    report = validate_files([path], as_of=synth.AS_OF)
    assert [f for f in report.results if f.authority and "/synth-" in f.authority] == []
