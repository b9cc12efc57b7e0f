"""Every command that reads a store keeps its time limit (issue 17): over a store whose every
read never ends, each stops at --timeout with exit 3 and a message, both where the work is
Python (the signal stops it) and where it is native code that never returns to Python (the
watchdog ends the process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from dutygraph.cli import LIMITED_COMMANDS

LIMIT = 2.0
UPLOAD = ("@prefix dg: <https://w3id.org/dutygraph/def#> .\n"
          "<https://w3id.org/dutygraph/id/authority/x> a dg:LocalAuthority .\n")
# Every store read of every store kind never ends: in Python, or in C (sum over a range, which
# does not come back to Python for a signal).
HARNESS = """
import sys
from dutygraph.store import embedded, memory

def endless(*args, **kwargs):
    if {native}:
        sum(range(10**13))
    while True:
        pass

for cls in (embedded.EmbeddedStore, memory.MemoryStore):
    for method in ("select", "ask", "construct", "graph_names", "export_graph",
                   "triple_count", "dataset", "quads"):
        if hasattr(cls, method):
            setattr(cls, method, endless)
from dutygraph.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("commands") / "store"
    subprocess.run([str(Path(sys.executable).parent / "dutygraph"), "build", "--store",
                    str(folder)], check=True, capture_output=True, timeout=600)
    return folder


def _arguments(command: str, store: Path, upload: Path) -> list[str]:
    extra = {"query": ["board-partners", "-p",
                       "authority=https://w3id.org/dutygraph/id/authority/harrow"],
             "validate": [str(upload)], "export": ["--format", "nt"],
             "changes": ["--from", "2013-01-01", "--to", "2014-01-01"]}
    return [command, "--store", str(store), "--timeout", str(LIMIT), *extra.get(command, [])]


def test_the_limited_commands_are_every_command_that_reads_a_store() -> None:
    from dutygraph.cli import COMMANDS

    assert set(COMMANDS) - LIMITED_COMMANDS == {"build", "load", "import_", "serve", "store"}


@pytest.mark.parametrize("native", [False, True], ids=["python", "native"])
@pytest.mark.parametrize("command", sorted(LIMITED_COMMANDS - {"template"}))
def test_a_command_over_a_store_that_never_answers_stops_at_its_limit(
        built: Path, tmp_path: Path, command: str, native: bool) -> None:
    upload = tmp_path / "upload.ttl"
    upload.write_text(UPLOAD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", HARNESS.format(native=native),
         *_arguments(command, built, upload)],
        capture_output=True, text=True, timeout=LIMIT + 60)
    # Python work: QueryTimeout, exit 3. Native work: the watchdog's message, then SIGKILL
    # (or exit 3, where the command's first endless read happens to be a Python one).
    expected = {3, -9} if native else {3}
    assert done.returncode in expected, (done.returncode, done.stderr[-800:])
    assert "time limit" in done.stderr
