"""The embedded store never loses a complete generation, whatever happens to a writer or to
the store's record of its current generation.

Families of faults, each checked the same way: afterwards the last complete generation is
intact and every command reads it, or every command stops with exit 3 and a message naming
the record and `dutygraph store recover`, nothing is deleted, and recover brings it back.

- a writer (build, load) killed with SIGKILL at every step it reaches (generations.WRITE_STEPS,
  reached through generations.step_hook in a child process);
- the record deleted, emptied, truncated, or replaced by JSON of another shape, for every
  command that opens a store;
- the disk full (a 5 MB tmpfs mounted here);
- two writers at once.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dutygraph.cli import main
from dutygraph.store.generations import (
    POINTER,
    REBUILD_STEPS,
    WRITE_STEPS,
    generations,
    read_pointer,
)

DUTYGRAPH = str(Path(sys.executable).parent / "dutygraph")
BASE = "https://w3id.org/dutygraph/"
PREFIXES = (f"@prefix dg: <{BASE}def#> .\n@prefix la: <{BASE}id/authority/> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")

# A child that runs the CLI and kills itself with SIGKILL when the write reaches a step.
CHILD = """
import os, signal, sys
from dutygraph.store import generations
target, log = sys.argv[1], sys.argv[2]
def hook(name):
    if log:
        with open(log, "a") as fh:
            fh.write(name + "\\n")
    if name == target:
        os.kill(os.getpid(), signal.SIGKILL)
generations.step_hook = hook
from dutygraph.cli import main
sys.exit(main(sys.argv[3:]))
"""

Fingerprint = dict[str, int]


def authority_file(folder: Path, slug: str, things: int) -> Path:
    path = folder / f"{slug}-{things}.ttl"
    lines = [PREFIXES, f'la:{slug} a dg:LocalAuthority ; rdfs:label "Test {slug}"@en .\n']
    lines += [f'<{BASE}id/authority/{slug}/forum-{i}> a dg:Forum ; dg:authority la:{slug} ; '
              f'rdfs:label "Forum {i}"@en .\n' for i in range(things)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def child(args: list[str], kill_at: str = "", log: Path | None = None
          ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", CHILD, kill_at, str(log or ""), *args],
                          capture_output=True, text=True, timeout=300, check=False)


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    capsys.readouterr()
    code = main(args)
    return code, capsys.readouterr().err


def fingerprint(store: Path, capsys: pytest.CaptureFixture[str]) -> Fingerprint:
    """Triples per named graph, as `dutygraph info` reads them."""
    capsys.readouterr()
    assert main(["info", "--format", "json", "--store", str(store)]) == 0
    return {g: int(n) for g, n in json.loads(capsys.readouterr().out)["graphs"].items()}


def contents(store: Path) -> set[str]:
    """Every file under the store's generations: what 'nothing deleted' compares."""
    return {str(p.relative_to(store)) for name in generations(store)
            for p in (store / name).rglob("*")}


@pytest.fixture(scope="module", autouse=True)
def frozen_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A copy of what `build` reads, so that edits to the repository during the run do not
    change what a build writes (DUTYGRAPH_HOME, inherited by the child processes)."""
    home = tmp_path_factory.mktemp("faults-home")
    root = Path(__file__).resolve().parents[2]
    for folder in ("ontology", "data", "shapes", "queries"):
        shutil.copytree(root / folder, home / folder)
    old = os.environ.get("DUTYGRAPH_HOME")
    os.environ["DUTYGRAPH_HOME"] = str(home)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("DUTYGRAPH_HOME", None)
        else:
            os.environ["DUTYGRAPH_HOME"] = old


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("faults-data")
    return {"v1": authority_file(folder, "testshire", 20),
            "v2": authority_file(folder, "testshire", 45),
            "other": authority_file(folder, "otherton", 10)}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Path]) -> Path:
    """A store with two generations: the repository built, then testshire v1 loaded."""
    store = tmp_path_factory.mktemp("faults-template") / "store"
    assert main(["build", "--store", str(store)]) == 0
    assert main(["load", str(data["v1"]), "--authority", "testshire", "--store", str(store)]) == 0
    return store


@pytest.fixture
def store(tmp_path: Path, template: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(template, copy)
    return copy


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory, template: Path,
             data: dict[str, Path]) -> dict[str, Fingerprint]:
    """The contents before a write and after each command runs to the end."""

    def read(path: Path) -> Fingerprint:
        from dutygraph.store import EmbeddedStore

        with EmbeddedStore(path, read_only=True) as s:
            rows = s.select("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } "
                            "GROUP BY ?g")
            return {str(r["g"]): int(r["n"]) for r in rows}  # type: ignore[call-overload]

    folder = tmp_path_factory.mktemp("faults-expected")
    shutil.copytree(template, folder / "build")
    assert main(["build", "--store", str(folder / "build")]) == 0
    shutil.copytree(template, folder / "load")
    assert main(["load", str(data["v2"]), "--authority", "testshire",
                 "--store", str(folder / "load")]) == 0
    return {"before": read(template), "build": read(folder / "build"),
            "load": read(folder / "load")}


def command(kind: str, store: Path, data: dict[str, Path]) -> list[str]:
    if kind == "build":
        return ["build", "--store", str(store)]
    return ["load", str(data["v2"]), "--authority", "testshire", "--store", str(store)]


# --- SIGKILL at every step --------------------------------------------------------------

KILLS = [pytest.param("build", s, id=f"build-killed-at-{s}") for s in REBUILD_STEPS] + \
        [pytest.param("load", s, id=f"load-killed-at-{s}") for s in WRITE_STEPS]


def test_a_write_reaches_every_step_in_order(store: Path, data: dict[str, Path],
                                             tmp_path: Path) -> None:
    for kind, steps in (("build", REBUILD_STEPS), ("load", WRITE_STEPS)):
        log = tmp_path / f"{kind}.log"
        result = child(command(kind, store, data), log=log)
        assert result.returncode == 0, result.stderr
        assert tuple(log.read_text().split()) == steps


@pytest.mark.parametrize(("kind", "step"), KILLS)
def test_a_writer_killed_at_any_step_leaves_a_complete_generation_that_every_command_reads(
        kind: str, step: str, store: Path, data: dict[str, Path],
        expected: dict[str, Fingerprint], capsys: pytest.CaptureFixture[str]) -> None:
    result = child(command(kind, store, data), kill_at=step)
    assert result.returncode == -signal.SIGKILL, f"the write never reached {step}: " \
                                                  f"{result.stderr}"
    switched = WRITE_STEPS.index(step) >= WRITE_STEPS.index("record-replaced")
    assert fingerprint(store, capsys) == expected[kind if switched else "before"]
    # the next writer finishes the job and clears what the killed one left
    assert main(command(kind, store, data)) == 0
    assert fingerprint(store, capsys) == expected[kind]
    left = sorted(p.name for p in store.iterdir()
                  if p.name.endswith((".building", ".tmp")))
    assert not left
    assert len(generations(store)) == 2


@pytest.mark.parametrize("step", REBUILD_STEPS)
def test_a_first_build_killed_at_any_step_leaves_an_empty_store_or_one_that_asks_for_recovery(
        step: str, tmp_path: Path, expected: dict[str, Fingerprint],
        capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "fresh"
    result = child(["build", "--store", str(store)], kill_at=step)
    assert result.returncode == -signal.SIGKILL
    if generations(store) and not (store / POINTER).exists():
        # complete but never recorded: every command asks for recovery, none deletes it
        code, err = cli(["info", "--store", str(store)], capsys)
        assert code == 3 and "dutygraph store recover" in err
        code, err = cli(["build", "--store", str(store)], capsys)
        assert code == 3 and generations(store)
        assert cli(["store", "recover", "--store", str(store)], capsys)[0] == 0
    else:
        assert main(["build", "--store", str(store)]) == 0
    assert fingerprint(store, capsys) == expected["build"]


# --- the record broken ------------------------------------------------------------------

def _truncated(record: str) -> str:
    return record[: len(record) // 2]


RECORD_FAULTS = [
    pytest.param(None, id="deleted"),
    pytest.param("", id="empty"),
    pytest.param("   \n", id="blank"),
    pytest.param(_truncated, id="truncated"),
    pytest.param("[1]", id="a-list"),
    pytest.param("{}", id="an-empty-object"),
    pytest.param('"x"', id="a-string"),
    pytest.param("null", id="null"),
    pytest.param('{"generation": -1}', id="another-key"),
    pytest.param('{"current": 1}', id="a-number-as-current"),
    pytest.param('{"current": "../elsewhere"}', id="a-path-outside"),
    pytest.param('{"current": "gen-1-1"}', id="a-generation-not-there"),
    pytest.param('{"current": "gen-1-1.building"}', id="a-building-folder"),
    pytest.param("\udcff\x00garbage", id="binary"),
]

# Every command that opens a store, with arguments that are otherwise good.
COMMANDS = [
    pytest.param(["info"], id="info"),
    pytest.param(["build"], id="build"),
    pytest.param(["load", "{v2}", "--authority", "testshire"], id="load"),
    pytest.param(["export", "--format", "nt"], id="export"),
    pytest.param(["query", "search", "--param", "text=board"], id="query"),
    pytest.param(["validate"], id="validate"),
    pytest.param(["audit"], id="audit"),
    pytest.param(["serve", "--port", "0"], id="serve"),
]


def break_record(store: Path, fault: object) -> None:
    record = store / POINTER
    if fault is None:
        record.unlink()
    elif callable(fault):
        record.write_text(fault(record.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        record.write_bytes(str(fault).encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("fault", RECORD_FAULTS)
@pytest.mark.parametrize("args", COMMANDS)
def test_a_broken_record_stops_every_command_with_exit_3_and_deletes_nothing(
        fault: object, args: list[str], store: Path, data: dict[str, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    break_record(store, fault)
    before = contents(store)
    argv = [a.format(v2=data["v2"]) for a in args] + ["--store", str(store)]
    code, err = cli(argv, capsys)
    assert code == 3, err
    assert str(store / POINTER) in err and "dutygraph store recover" in err
    assert "Traceback" not in err
    assert contents(store) == before


@pytest.mark.parametrize("fault", RECORD_FAULTS)
def test_recover_chooses_the_newest_complete_generation_and_deletes_nothing(
        fault: object, store: Path, expected: dict[str, Fingerprint],
        capsys: pytest.CaptureFixture[str]) -> None:
    newest = generations(store)[0]
    break_record(store, fault)
    before = contents(store)
    code, err = cli(["store", "recover", "--store", str(store)], capsys)
    assert code == 0, err
    assert f"chose {newest}" in err and "nothing was deleted" in err
    assert contents(store) == before
    assert read_pointer(store).current == newest
    assert fingerprint(store, capsys) == expected["before"]
    code, err = cli(["store", "recover", "--store", str(store)], capsys)
    assert code == 0 and "nothing changed" in err


def test_recover_skips_a_newer_generation_that_does_not_open(
        store: Path, expected: dict[str, Fingerprint],
        capsys: pytest.CaptureFixture[str]) -> None:
    (store / POINTER).unlink()
    bogus = store / "gen-9999999999999999999-1"
    bogus.mkdir()
    (bogus / "CURRENT").write_text("not a database")
    code, err = cli(["store", "recover", "--store", str(store)], capsys)
    assert code == 0, err
    assert f"skipped {bogus.name}" in err
    assert bogus.exists()
    assert fingerprint(store, capsys) == expected["before"]


def test_a_fresh_folder_is_not_a_broken_store(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    for folder in (tmp_path / "new", tmp_path / "empty"):
        if folder.name == "empty":
            folder.mkdir()
        assert fingerprint(folder, capsys) == {}
        assert main(["build", "--store", str(folder)]) == 0
        assert fingerprint(folder, capsys)


# --- the disk full -----------------------------------------------------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 5 MB tmpfs: room for one generation of the repository (1.8 MB with its derived chain
    graphs; building it needs more than 3 MB), not for a big load."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.strip()})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_fails_the_write_with_exit_3_and_keeps_the_current_generation(
        small_disk: Path, tmp_path: Path, data: dict[str, Path],
        capsys: pytest.CaptureFixture[str]) -> None:
    store = small_disk / "store"
    assert main(["build", "--store", str(store)]) == 0
    before = fingerprint(store, capsys)
    big = authority_file(tmp_path, "bigshire", 40_000)  # several MB once loaded
    code, err = cli(["load", str(big), "--authority", "bigshire", "--store", str(store)],
                    capsys)
    assert code == 3, err
    assert str(store) in err and "Traceback" not in err
    assert fingerprint(store, capsys) == before
    assert not [p for p in store.iterdir() if p.name.endswith((".building", ".tmp"))]
    # filled to the last byte: even the record cannot be written, and nothing is lost
    with contextlib.suppress(OSError), open(small_disk / "filler", "wb") as fh:
        while True:
            fh.write(b"\0" * 65536)
    for args in (["build"], ["load", str(big), "--authority", "bigshire"]):
        code, err = cli([*args, "--store", str(store)], capsys)
        assert code == 3, err
        assert fingerprint(store, capsys) == before
    os.unlink(small_disk / "filler")
    # with room again, a small write succeeds: the failed ones left nothing behind
    assert main(["load", str(data["other"]), "--authority", "otherton",
                 "--store", str(store)]) == 0
    other = {f"{BASE}graph/authority/otherton": 2 + 10 * 3}  # the authority, 10 forums
    assert fingerprint(store, capsys) == {**before, **other}


# --- two writers at once -----------------------------------------------------------------

def test_two_loads_at_once_both_land(store: Path, data: dict[str, Path],
                                     expected: dict[str, Fingerprint],
                                     capsys: pytest.CaptureFixture[str]) -> None:
    loads = [["load", str(data["v2"]), "--authority", "testshire", "--store", str(store)],
             ["load", str(data["other"]), "--authority", "otherton", "--store", str(store)]]
    procs = [subprocess.Popen([DUTYGRAPH, *a],
                              stderr=subprocess.PIPE, text=True) for a in loads]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    after = fingerprint(store, capsys)
    other = f"{BASE}graph/authority/otherton"
    assert after.pop(other) > 0
    assert after == expected["load"]
    assert len(generations(store)) == 2


def test_a_build_and_a_load_at_once_end_in_one_of_their_two_orders(
        store: Path, data: dict[str, Path], expected: dict[str, Fingerprint],
        capsys: pytest.CaptureFixture[str]) -> None:
    writes = [command("build", store, data),
              ["load", str(data["other"]), "--authority", "otherton", "--store", str(store)]]
    procs = [subprocess.Popen([DUTYGRAPH, *a],
                              stderr=subprocess.PIPE, text=True) for a in writes]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    after = fingerprint(store, capsys)
    other = f"{BASE}graph/authority/otherton"
    assert after == expected["build"] or (after.pop(other, 0) > 0 and after == expected["build"])


# --- the current generation damaged -----------------------------------------------------

def before_load(expected: dict[str, Fingerprint]) -> Fingerprint:
    """The template's first generation: the repository built, without testshire."""
    return {g: n for g, n in expected["before"].items() if not g.endswith("/testshire")}

def _remove(name: str) -> Callable[[Path], None]:
    def damage(folder: Path) -> None:
        for p in folder.glob(name):
            p.unlink()
    return damage


def _truncate_tables(folder: Path) -> None:
    for p in folder.glob("*.sst"):
        p.write_bytes(p.read_bytes()[:100])


DAMAGE = [pytest.param(_remove("CURRENT"), id="its-CURRENT-file-removed"),
          pytest.param(_remove("MANIFEST-*"), id="its-manifest-removed"),
          pytest.param(lambda f: shutil.rmtree(f), id="the-folder-removed")]


@pytest.mark.parametrize("damage", DAMAGE)
def test_a_damaged_current_generation_stops_readers_and_recover_falls_back_to_the_previous(
        damage: Callable[[Path], None], store: Path, expected: dict[str, Fingerprint],
        capsys: pytest.CaptureFixture[str]) -> None:
    pointer = read_pointer(store)
    assert pointer.current and pointer.previous
    damage(store / pointer.current)
    code, err = cli(["info", "--store", str(store)], capsys)
    assert code == 3 and "dutygraph store recover" in err and "Traceback" not in err
    code, err = cli(["store", "recover", "--store", str(store)], capsys)
    assert code == 0, err
    assert f"chose {pointer.previous}" in err
    assert read_pointer(store).current == pointer.previous
    assert fingerprint(store, capsys) == before_load(expected)
    assert main(["build", "--store", str(store)]) == 0  # and writes work again


def test_a_full_disk_when_the_record_is_written_keeps_the_old_record(
        small_disk: Path, data: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    from dutygraph.store import generations as gens

    store = small_disk / "store"
    assert main(["build", "--store", str(store)]) == 0
    before, record = fingerprint(store, capsys), (store / POINTER).read_bytes()

    def fill(step: str) -> None:
        if step == "renamed":  # the new generation is complete: now leave no room at all
            with contextlib.suppress(OSError), open(small_disk / "filler", "wb") as fh:
                while True:
                    fh.write(b"\0" * 4096)

    gens.step_hook = fill
    try:
        code, err = cli(["load", str(data["other"]), "--authority", "otherton",
                         "--store", str(store)], capsys)
    finally:
        gens.step_hook = None
    assert code == 3, err
    assert "record" in err and "unchanged" in err
    assert (store / POINTER).read_bytes() == record
    assert len(generations(store)) == 1  # the unrecorded generation was removed
    os.unlink(small_disk / "filler")
    assert fingerprint(store, capsys) == before
