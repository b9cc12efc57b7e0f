"""`dutygraph query`: listing, describing, running, output shapes and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph, URIRef

from dutygraph.cli import main
from dutygraph.store import EmbeddedStore


@pytest.fixture(scope="module")
def store_dir(repo_graphs: dict[URIRef, Graph], tmp_path_factory: pytest.TempPathFactory) -> str:
    folder = tmp_path_factory.mktemp("cli-store") / "oxigraph"
    store = EmbeddedStore(folder)
    store.replace_graphs(repo_graphs, drop_others=True)
    store.close()
    del store
    return str(folder)


CLI = [sys.executable, "-c", "import sys; from dutygraph.cli import main; sys.exit(main())"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["query", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_list_names_every_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--list")
    assert code == 0
    for name in ("who-is-accountable", "duties-of", "provision", "board-partners",
                 "reporting-lines", "functions-evidence", "report-recipients", "search"):
        assert name in out


def test_describe_shows_parameters_and_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "board-partners", "--describe")
    assert code == 0
    assert "authority" in out and "as_of" in out and "dutygraph query board-partners" in out
    code, out, _ = run(capsys, "board-partners", "--describe", "--format", "json")
    assert json.loads(out)["params"][0]["name"] == "authority"


def test_json_output_is_exactly_query_params_rows(store_dir: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "board-partners", "--param", "authority=Bromley",
                       "--param", "as_of=2013-03-01", "--format", "json", "--store", store_dir)
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"query", "params", "rows"}
    assert doc["query"] == "board-partners"
    assert doc["params"] == {"authority": "https://w3id.org/dutygraph/id/authority/bromley",
                             "as_of": "2013-03-01"}
    kinds = {row["partnerKind"] for row in doc["rows"]}
    assert "https://w3id.org/dutygraph/id/partner-kind/primary-care-trust" in kinds
    assert all(row["day"] == "2013-03-01" for row in doc["rows"])


def test_table_and_csv_output(store_dir: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "who-is-accountable", "-p",
                       "function=undertaking reviews of serious cases", "-p", "authority=Bromley",
                       "-p", "as_of=2013-05-07", "--store", store_dir)
    assert code == 0
    assert "Doug Patterson" in out and "Helen Davies" in out and "fromLabel" in out
    code, out, _ = run(capsys, "search", "-p", "text=serious case", "--format", "csv",
                       "--store", store_dir)
    assert code == 0
    assert out.splitlines()[0].startswith("item,itemLabel,kind,kindLabel,score")


@pytest.mark.parametrize(("argv", "parameter"), [
    (["no-such-query"], "query"),
    (["board-partners"], "authority"),
    (["board-partners", "-p", "authority=Bromley", "-p", "colour=red"], "colour"),
    (["board-partners", "-p", "authority=Bromley", "-p", "as_of=7 May 2013"], "as_of"),
    (["board-partners", "-p", "authority=https://x.org/a>b"], "authority"),
    (["board-partners", "-p", "authority=Nowhereshire"], "authority"),
    (["board-partners", "-p", "authority=London Borough"], "authority"),
    (["board-partners", "-p", "authority"], "authority"),
])
def test_bad_input_exits_2_naming_the_parameter(argv: list[str], parameter: str, store_dir: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv, "--store", store_dir)
    assert code == 2
    assert f"parameter '{parameter}'" in err
    assert out == ""


def test_bad_input_is_refused_before_a_store_is_opened(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no-store-here"
    code, _, err = run(capsys, "board-partners", "-p", "authority=Bromley", "-p",
                       "as_of=2013-99-01", "--store", str(missing))
    assert code == 2 and "as_of" in err
    assert not missing.exists()


def test_the_installed_command_runs_in_a_subprocess(store_dir: str) -> None:
    done = subprocess.run(
        [*CLI, "query", "provision", "--param",
         "provision=CA 2004 s13(1)", "--format", "json", "--store", store_dir],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["rows"]
    assert any(r["statement"] == "https://w3id.org/dutygraph/id/duty/ca2004-s13-1-establish-lscb"
               for r in rows)
    done = subprocess.run(
        [*CLI, "query", "provision", "--store", store_dir],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 2 and "provision" in done.stderr
