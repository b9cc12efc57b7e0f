"""`dutygraph build` and `dutygraph load` as a user runs them: exit codes, messages naming the
file, line, parameter or URL, the progress bar, and nothing written when the input is bad."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dutygraph.cli import main
from dutygraph.store import EmbeddedStore
from dutygraph.store.embedded import read_pointer

from .conftest import SERVER_MARKS
from .servers import Server, free_port

DUTYGRAPH = str(Path(sys.executable).parent / "dutygraph")
ROOT = Path(__file__).resolve().parents[2]
BROMLEY = sorted((ROOT / "data" / "local" / "bromley").glob("*.ttl"))
BASE = "https://w3id.org/dutygraph/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli") / "store"
    assert main(["build", "--store", str(folder)]) == 0
    return folder


def bromley_file(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "bromley.ttl"
    path.write_text("".join(p.read_text(encoding="utf-8") + "\n" for p in BROMLEY) + extra,
                    encoding="utf-8")
    return path


def test_build_draws_a_progress_bar_only_when_asked_or_on_a_terminal(tmp_path: Path) -> None:
    plain = subprocess.run([DUTYGRAPH, "build", "--store", str(tmp_path / "a")],
                           capture_output=True, text=True, timeout=300, check=True)
    assert "[#" not in plain.stderr and "built" in plain.stderr
    asked = subprocess.run([DUTYGRAPH, "build", "--store", str(tmp_path / "b"), "--progress"],
                           capture_output=True, text=True, timeout=300, check=True)
    assert "building [" in asked.stderr and "100.0%" in asked.stderr
    leader, follower = pty.openpty()
    try:
        process = subprocess.run([DUTYGRAPH, "build", "--store", str(tmp_path / "c")],
                                 stdout=subprocess.DEVNULL, stderr=follower, timeout=300,
                                 check=True)
        os.close(follower)
        output = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        os.close(leader)
    assert process.returncode == 0 and b"100.0%" in output


@pytest.mark.parametrize("authority", ["bromley", "la:bromley", f"{BASE}id/authority/bromley"])
def test_load_replaces_one_authoritys_graph_named_by_slug_prefix_or_iri(
        authority: str, built: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = bromley_file(tmp_path, f"<{BASE}id/authority/bromley/extra-forum> a "
                                  f"<{BASE}def#Forum> .\n")
    assert main(["load", str(path), "--authority", authority, "--store", str(built)]) == 0
    assert f"into <{BASE}graph/authority/bromley>" in capsys.readouterr().err
    store = EmbeddedStore(built, read_only=True)
    assert store.ask(f"ASK {{ GRAPH <{BASE}graph/authority/bromley> "
                     f"{{ <{BASE}id/authority/bromley/extra-forum> ?p ?o }} }}")
    assert f"{BASE}graph/authority/harrow" in {str(g) for g in store.graph_names()}


@pytest.mark.parametrize(("content", "message"), [
    ("ex:x ex:y .\n", "malformed turtle"),
    ("", "other authorities"),
], ids=["syntax-error", "another-authority"])
def test_load_refuses_bad_input_and_writes_nothing(
        content: str, message: str, built: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    extra = content or f"<{BASE}id/authority/harrow> a <{BASE}def#LocalAuthority> .\n"
    path = bromley_file(tmp_path, "@prefix ex: <http://example.org/> .\n" + extra)
    before = read_pointer(built)
    assert main(["load", str(path), "--authority", "bromley", "--store", str(built)]) == 2
    err = capsys.readouterr().err
    assert message in err and str(path) in err
    if content:
        assert re.search(rf"{re.escape(str(path))}:\d+: ", err)  # with the line of the error
    assert read_pointer(built) == before


def test_load_refuses_a_file_that_is_not_the_authoritys(built: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = bromley_file(tmp_path)
    assert main(["load", str(path), "--authority", "harrow", "--store", str(built)]) == 2
    assert "does not declare" in capsys.readouterr().err


@pytest.mark.parametrize("authority", ["Bromley Council", "http://example.org/bromley", "la:"])
def test_a_bad_authority_names_the_parameter(authority: str, built: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = bromley_file(tmp_path)
    assert main(["load", str(path), "--authority", authority, "--store", str(built)]) == 2
    assert "parameter 'authority'" in capsys.readouterr().err


def test_build_with_a_missing_extra_file_names_it(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere.ttl"
    assert main(["build", "--store", str(tmp_path / "s"), "--with", str(missing)]) == 2
    assert f"{missing}: no such file" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_build_against_a_server_that_is_down_exits_3_naming_the_url(
        capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    assert main(["build", "--store", url]) == 3
    err = capsys.readouterr().err
    assert "store error" in err and "127.0.0.1" in err and "refused" in err


@pytest.mark.parametrize("server", [pytest.param("oxigraph", marks=SERVER_MARKS)])
def test_build_load_and_info_reach_a_server_named_by_the_environment(
        server: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    srv: Server = request.getfixturevalue(server)
    env = {**os.environ, **srv.env()}
    subprocess.run([DUTYGRAPH, "build"], env=env, check=True, capture_output=True, timeout=300)
    path = bromley_file(tmp_path, f"<{BASE}id/authority/bromley/extra-forum> a "
                                  f"<{BASE}def#Forum> .\n")
    subprocess.run([DUTYGRAPH, "load", str(path), "--authority", "bromley"], env=env,
                   check=True, capture_output=True, timeout=300)
    info = subprocess.run([DUTYGRAPH, "info", "--format", "json"], env=env, check=True,
                          capture_output=True, text=True, timeout=300)
    assert f"{BASE}graph/authority/bromley" in info.stdout
    assert f"{BASE}def#Forum" in info.stdout
