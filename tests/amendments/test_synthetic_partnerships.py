"""Synthetic authorities carry both eras: their 2015 Board and today's partnership. Today each
partnership meets every partnership shape; in 2015 the partnership's records do not exist yet."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from tools import synth

from dutygraph.validation import validate_files

PARTNERSHIP_SHAPES = {"partnership-partners-named", "partnership-arrangements-published",
                      "partnership-yearly-report", "partnership-independent-scrutiny",
                      "partnership-relevant-agencies", "partnership-delegated-partners",
                      "safeguarding-partner-arrangements"}


@pytest.fixture(scope="module")
def five(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("synth") / "five.ttl"
    synth.write(path, 5, seed=19, defect_rate=0.0)
    return path


def _shapes(path: Path, day: dt.date) -> set[str]:
    report = validate_files([path], as_of=day)
    return {f.shape.rsplit("/", 1)[1] for f in report.results}


def test_synthetic_partnerships_meet_every_partnership_shape_today(five: Path) -> None:
    fired = _shapes(five, synth.TODAY_AS_OF)
    assert not fired & PARTNERSHIP_SHAPES
    assert "lscb-superseded" in fired  # the 2015 Board is history today


def test_in_2015_synthetic_authorities_have_only_their_board(five: Path) -> None:
    fired = _shapes(five, synth.AS_OF)
    assert not fired & PARTNERSHIP_SHAPES
    assert "lscb-superseded" not in fired


def test_the_2015_arrangements_do_not_change_when_todays_are_added() -> None:
    authority = synth.build_authority(3, seed=8)
    today = [s for s in authority.subjects if "partnership" in s.iri or s.iri.endswith(
        ("/icb", "/police", "/schools", "/arrangements", "/yearly-report",
         "/post-independent-scrutineer", "/post-dsp-council"))]
    assert 0 < len(today) < len(authority.subjects)
    assert authority.subjects[:len(authority.subjects) - len(today)] == [
        s for s in authority.subjects if s not in today]
