"""The data-driven cases of tests/cases/validation: one generic runner, no Python per case."""

from __future__ import annotations

import pytest
from rdflib import Graph

from dutygraph.rdfio import parse_file
from dutygraph.validation import validate_graph

from .casekit import Case, all_cases, problems

CASES = all_cases()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_gives_the_expected_findings(case: Case, framework: Graph) -> None:
    report = validate_graph(parse_file(case.data), as_of=case.as_of, framework=framework,
                            name=str(case.data))
    assert problems(case, report.results) == []


def test_every_case_states_what_it_expects() -> None:
    assert len(CASES) >= 40
    for case in CASES:
        assert case.exact is not None or case.include or case.exclude, case.name


def test_a_case_runner_that_was_fed_the_wrong_findings_would_fail(framework: Graph) -> None:
    # The runner itself can fail: the complete arrangement's expectation of no findings is
    # not met by the findings of an authority with no LSCB.
    complete = next(c for c in CASES if c.name.startswith("a complete arrangement conforms on 7"))
    empty = next(c for c in CASES if c.name.startswith("an authority without an LSCB is"))
    report = validate_graph(parse_file(empty.data), as_of=complete.as_of, framework=framework)
    assert problems(complete, report.results)
