"""Amendment impact and change over time on real dates: the named queries through the library,
`dutygraph impact` and `dutygraph changes`, and the /impact and /changes pages.

The dates are the issue's: 1 April 2013 (LSCBs, CCGs in), 29 June 2018 (safeguarding partners'
provisions in force), 1 July 2022 (ICBs replace CCGs), 15 December 2023 (Working Together 2023)
and 7 December 2026 (today: the Children's Wellbeing and Schools Act 2026 s2 enacted, not in
force).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from flask import Flask

from dutygraph.amendments import impact
from dutygraph.cli import main
from dutygraph.store import Store
from dutygraph.web import create_app

LEG = "http://www.legislation.gov.uk/id/"
S13_1 = LEG + "ukpga/2004/31/section/13/1"
S16E_1 = LEG + "ukpga/2004/31/section/16E/1"
S16M_1 = LEG + "ukpga/2004/31/section/16M/1"
CWSA_2 = LEG + "ukpga/2026/21/section/2"
WT2018 = "https://w3id.org/dutygraph/id/guidance/wt2018-ch3-published-arrangements"
DUTY = "https://w3id.org/dutygraph/id/duty/"

# (sentence, day, provision, state it is in that day, or None for "in no affected state")
FACTS = [
    ("on 1 April 2013 s16E(1) is not yet in force", "2013-04-01", S16E_1, "not yet in force"),
    ("on 1 April 2013 s13(1) is in force, unaffected", "2013-04-01", S13_1, None),
    ("on 1 April 2013 the 2026 Act does not exist yet", "2013-04-01", CWSA_2, None),
    ("on 29 June 2018 s13(1) is superseded but still in force", "2018-06-29", S13_1,
     "superseded, still in force"),
    ("on 29 June 2018 s16E(1) is in force", "2018-06-29", S16E_1, None),
    ("on 29 June 2018 child death reviews by partners are in force", "2018-06-29", S16M_1, None),
    ("on 1 July 2022 s13(1) is no longer in force", "2022-07-01", S13_1, "no longer in force"),
    ("on 15 December 2023 the Working Together 2018 passage is no longer in force",
     "2023-12-15", WT2018, "no longer in force"),
    ("on 7 December 2026 s16E(1) awaits the 2026 Act's amendment", "2026-12-07", S16E_1,
     "amendment enacted, not yet in force"),
    ("on 7 December 2026 the 2026 Act's s2 is enacted, not yet in force", "2026-12-07", CWSA_2,
     "enacted, not yet in force"),
]


@pytest.mark.parametrize(("sentence", "day", "provision", "state"), FACTS,
                         ids=[f[0] for f in FACTS])
def test_each_provision_is_in_its_state_on_the_day(
        sentence: str, day: str, provision: str, state: str | None, memory_store: Store) -> None:
    states = {a.status for a in impact(memory_store, dt.date.fromisoformat(day))
              if a.provision == provision}
    assert states == ({state} if state else set()), sentence


def test_today_the_coming_change_names_the_duty_the_shapes_and_the_queries_it_touches(
        memory_store: Store) -> None:
    (item,) = [a for a in impact(memory_store, dt.date(2026, 12, 7))
               if a.provision == S16E_1 and a.coming]
    assert item.by == CWSA_2
    assert DUTY + "ca2004-s16e-1-safeguarding-arrangements" in {s.iri for s in item.statements}
    assert any(s.iri.endswith("/partnership-partners-named") for s in item.shapes)
    assert "impact" in {q.iri for q in item.queries}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store") / "oxigraph"
    assert main(["build", "--store", str(folder)]) == 0
    return folder


DAYS = ["2013-04-01", "2018-06-29", "2022-07-01", "2023-12-15", "2026-12-07"]


@pytest.mark.parametrize("day", DAYS)
def test_dutygraph_impact_answers_for_the_day_with_coming_changes_first(
        day: str, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["impact", "--as-of", day, "--store", str(built), "--format", "json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["as_of"] == day
    statuses = [i["status"] for i in answer["items"]]
    coming = [s for s in statuses if s.endswith("not yet in force") and "enacted" in s]
    assert statuses[:len(coming)] == coming  # what is coming is listed first
    assert bool(coming) == (day == "2026-12-07")
    assert main(["impact", "--as-of", day, "--store", str(built)]) == 0
    assert f"Amendment impact on {day}" in capsys.readouterr().out


@pytest.mark.parametrize(("since", "until", "item", "change"), [
    ("2013-03-01", "2013-04-30", "https://w3id.org/dutygraph/id/partner-kind/primary-care-trust",
     "ceased"),
    ("2018-06-01", "2018-07-31", DUTY + "ca2004-s16e-1-safeguarding-arrangements",
     "came into force"),
    ("2022-06-01", "2022-07-31",
     "https://w3id.org/dutygraph/id/partner-list/s16e-3-safeguarding-partners-2022",
     "came into force"),
    ("2023-12-01", "2023-12-31", "https://w3id.org/dutygraph/id/guidance/working-together-2023",
     "came into force"),
    ("2026-01-01", "2026-12-07", CWSA_2, "enacted, not in force"),
])
def test_dutygraph_changes_lists_what_changed_in_each_period(
        since: str, until: str, item: str, change: str, built: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes", "--from", since, "--to", until, "--store", str(built),
                 "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    assert {"item": item, "change": change} in [{"item": r.get("item"), "change": r.get("change")}
                                                for r in rows]


@pytest.mark.parametrize(("argv", "named"), [
    (["changes", "--from", "2020-01-01", "--to", "2019-01-01"], "--from"),
    (["changes", "--from", "2020-02-30", "--to", "2021-01-01"], "--from"),
    (["impact", "--as-of", "7 December 2026"], "--as-of"),
])
def test_bad_dates_are_refused_with_exit_2_naming_the_option(
        argv: list[str], named: str, built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--store", str(built)]) == 2
    assert named in capsys.readouterr().err


def test_an_unknown_authority_is_refused_with_exit_2(
        built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["changes", "--from", "2019-01-01", "--to", "2020-01-01", "--authority",
                 "Atlantis", "--store", str(built)]) == 2
    assert "authority" in capsys.readouterr().err


@pytest.fixture()
def app(memory_store: Store) -> Flask:
    # a generous time limit: these tests are about the answers, not the limits (tests/limits),
    # and the memory store's what-changed can pass 10 s on a machine busy with other tests
    app: Flask = create_app(memory_store, {"QUERY_TIMEOUT": 120.0})
    assert "amendments" in app.blueprints  # the app factory registers /impact and /changes
    return app


def test_the_impact_page_shows_the_2026_act_as_coming_today(app: Flask) -> None:
    page = app.test_client().get("/impact?as_of=2026-12-07")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert text.index("Coming") < text.index("CWSA 2026 s2") < text.index("No longer in force")


def test_the_impact_page_on_1_april_2013_has_nothing_coming(app: Flask) -> None:
    text = app.test_client().get("/impact?as_of=2013-04-01").get_data(as_text=True)
    assert "Nothing enacted and awaiting commencement" in text
    assert "CWSA 2026" not in text


def test_the_changes_page_lists_bromleys_own_records_with_the_national_ones(app: Flask) -> None:
    text = app.test_client().get(
        "/changes?since=2019-01-01&until=2026-12-07&authority=Bromley").get_data(as_text=True)
    assert "Bromley Safeguarding Children Partnership" in text
    assert "Establish an LSCB" in text


@pytest.mark.parametrize("query", ["/impact?as_of=2026-02-30", "/changes?since=2020-01-01",
                                   "/changes?since=2021-01-01&until=2020-01-01"])
def test_bad_input_on_the_pages_is_a_400_naming_the_parameter(app: Flask, query: str) -> None:
    page = app.test_client().get(query)
    assert page.status_code == 400
    assert "parameter" in page.get_data(as_text=True)
