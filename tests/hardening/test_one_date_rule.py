"""One date rule on every entry point: a family of spellings, each accepted or refused the
same way by the command line (--as-of, --param), the API (query string, named-query
parameter), the validate page's form and the query page, and the refusal names the
parameter. (The CLI used to take 20130501 and the year 1 where the web refused them.)"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from dutygraph.cli import main
from dutygraph.datasets import load_graphs, repository_files
from dutygraph.errors import InputError
from dutygraph.store import EmbeddedStore, Store
from dutygraph.validation.dates import parse_day
from dutygraph.web import create_app

UPLOAD = ("@prefix dg: <https://w3id.org/dutygraph/def#> .\n"
          "<https://w3id.org/dutygraph/id/authority/x> a dg:LocalAuthority .\n")

ACCEPTED = ["2013-05-07", " 2013-05-07 ", "1900-01-01", "2999-12-31", "2012-02-29"]
REFUSED = ["20130507", "2013-W19-2", "2013-127", "2013-5-7", "13-05-07", "2013/05/07",
           "07-05-2013", "2013-02-30", "2013-13-01", "2013-05-07T00:00", "2013-05-07Z",
           "0001-01-01", "1899-12-31", "3000-01-01", "9999-12-31", "-2013-05-07",
           "２０１３-０５-０７", "2013-05-07\n2013", "today?"]


@pytest.fixture(scope="module")
def web() -> Flask:
    store: Store = EmbeddedStore(None)
    store.replace_graphs(load_graphs(repository_files()), drop_others=True)
    app: Flask = create_app(store, {"QUERY_TIMEOUT": 20})
    return app


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("dates") / "store"
    assert main(["build", "--store", str(folder)]) == 0
    return folder


Answer = tuple[bool, str]  # (accepted, the error text when refused)
Entry = Callable[[Flask, Path, Path, str], Answer]


def _cli(args: list[str]) -> Answer:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    assert code in (0, 1, 2), err.getvalue()[-300:]
    return code != 2, err.getvalue()


def cli_validate(app: Flask, store: Path, tmp: Path, day: str) -> Answer:
    path = tmp / "a.ttl"
    path.write_text(UPLOAD, encoding="utf-8")
    return _cli(["validate", str(path), f"--as-of={day}", "--store", str(store),
                 "--format", "json"])


def cli_query(app: Flask, store: Path, tmp: Path, day: str) -> Answer:
    return _cli(["query", "board-partners", "--param", "authority=Bromley",
                 "--param", f"as_of={day}", "--store", str(store), "--format", "json"])


def api_validate(app: Flask, store: Path, tmp: Path, day: str) -> Answer:
    r = app.test_client().post("/api/validate", query_string={"as_of": day},
                               data=UPLOAD.encode(), content_type="text/turtle")
    assert r.status_code in (200, 400), r.get_data(as_text=True)[-300:]
    return r.status_code == 200, r.get_data(as_text=True)


def api_query(app: Flask, store: Path, tmp: Path, day: str) -> Answer:
    r = app.test_client().get("/api/queries/board-partners",
                              query_string={"authority": "Bromley", "as_of": day})
    assert r.status_code in (200, 400), r.get_data(as_text=True)[-300:]
    return r.status_code == 200, r.get_data(as_text=True)


def page_validate(app: Flask, store: Path, tmp: Path, day: str) -> Answer:
    r = app.test_client().post("/validate", data={"text": UPLOAD, "format": "turtle",
                                                  "as_of": day})
    assert r.status_code in (200, 400), r.get_data(as_text=True)[-300:]
    return r.status_code == 200, r.get_data(as_text=True)


ENTRIES: dict[str, Entry] = {"dutygraph validate --as-of": cli_validate,
                             "dutygraph query --param as_of=": cli_query,
                             "POST /api/validate?as_of=": api_validate,
                             "GET /api/queries/board-partners?as_of=": api_query,
                             "POST /validate as_of": page_validate}


@pytest.mark.parametrize("entry", list(ENTRIES))
def test_every_entry_point_accepts_and_refuses_the_same_dates_naming_the_parameter(
        entry: str, web: Flask, built: Path, tmp_path: Path) -> None:
    for day in ACCEPTED + REFUSED:
        accepted, text = ENTRIES[entry](web, built, tmp_path, day)
        assert accepted == (day in ACCEPTED), (day, text[-300:])
        if not accepted:
            assert "as-of" in text or "as_of" in text, (day, text[-300:])
            assert "YYYY-MM-DD" in text or "1900-2999" in text, (day, text[-300:])


@pytest.mark.parametrize("day", REFUSED)
def test_the_one_parser_refuses_naming_the_parameter(day: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_day(day, "since")
    assert caught.value.parameter == "since"


def test_no_date_given_is_none() -> None:
    assert parse_day("", "as_of") is None and parse_day("  ", "as_of") is None
    assert parse_day(None, "as_of") is None
