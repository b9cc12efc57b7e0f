"""The text index is a file of each embedded-store generation: written by build and load before
the generation is published, read read-only by every process, gone with its generation, and
never seen half-written; a store without one still answers from an index built in memory."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from dutygraph.cli import main
from dutygraph.queries import bound_text
from dutygraph.search import index_for, open_index
from dutygraph.store import EmbeddedStore
from dutygraph.store.generations import BUILDING, generations, read_pointer
from dutygraph.store.search_file import FILE, FORMAT
from dutygraph.store.search_records import read_records

BASE = "https://w3id.org/dutygraph/"
TEXTS = ["serious case", "chair", "searchshire", "forum 1", "lscb", "zzzz-none"]

# A child that runs the CLI and kills itself with SIGKILL at a point of the write: a step
# (generations.step_hook) or halfway through writing the index's rows.
CHILD = """
import os, signal, sys
from dutygraph.store import generations, search_file
where = sys.argv[1]
if where == "index-half-written":
    real = search_file.fill
    def fill(db, records, meta):
        real(db, records[: len(records) // 2], meta)
        os.kill(os.getpid(), signal.SIGKILL)
    search_file.fill = fill
else:
    def hook(name):
        if name == where:
            os.kill(os.getpid(), signal.SIGKILL)
    generations.step_hook = hook
from dutygraph.cli import main
sys.exit(main(sys.argv[2:]))
"""


def authority_file(folder: Path, things: int) -> Path:
    path = folder / f"searchshire-{things}.ttl"
    lines = [f"@prefix dg: <{BASE}def#> .\n@prefix la: <{BASE}id/authority/> .\n"
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n",
             'la:searchshire a dg:LocalAuthority ; rdfs:label "Searchshire Council"@en .\n']
    lines += [f"<{BASE}id/authority/searchshire/forum-{i}> a dg:Forum ; "
              f'dg:authority la:searchshire ; rdfs:label "Searchshire forum {i}"@en .\n'
              for i in range(things)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def load_args(store: Path, data: Path) -> list[str]:
    return ["load", str(data), "--authority", "searchshire", "--store", str(store)]


def current(store: Path) -> Path:
    name: str | None = read_pointer(store).current
    assert name is not None
    return Path(store, name)


def meta(path: Path) -> dict[str, str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return dict(db.execute("SELECT key, value FROM meta").fetchall())


def rows(result: object) -> list[dict[str, str]]:
    return [{k: str(v) for k, v in row.items()} for row in result.rows]  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("search-data")
    return {"v1": authority_file(folder, 3), "v2": authority_file(folder, 7)}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, data: dict[str, Path]) -> Path:
    """A store with two generations: the repository built, then Searchshire loaded."""
    store = tmp_path_factory.mktemp("search-template") / "store"
    assert main(["build", "--store", str(store)]) == 0
    assert main(load_args(store, data["v1"])) == 0
    return store


@pytest.fixture
def store(tmp_path: Path, template: Path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(template, copy)
    return copy


def test_every_generation_a_build_and_a_load_publish_has_its_own_complete_index(
        template: Path) -> None:
    names = generations(template)
    assert len(names) == 2  # the build's and the load's
    for name in names:
        folder = template / name
        written = meta(folder / FILE)
        assert written["generation"] == name
        assert written["format"] == FORMAT
        assert not list(folder.glob(f"{FILE}.tmp"))
    latest = current(template)
    reader = EmbeddedStore(template, read_only=True)
    assert int(meta(latest / FILE)["records"]) == len(read_records(reader.oxigraph))


def test_the_load_is_in_its_generations_index_and_not_in_the_one_before(template: Path) -> None:
    pointer = read_pointer(template)
    assert pointer.previous is not None
    now, before = open_index(template / str(pointer.current)), open_index(
        template / pointer.previous)
    assert now is not None and before is not None
    assert [str(r["itemLabel"]) for r in now.search("searchshire forum").rows] == \
        [f"Searchshire forum {i}" for i in range(3)]
    assert before.search("searchshire").rows == []


@pytest.mark.parametrize("text", TEXTS)
def test_a_reader_answers_from_the_generations_file_with_the_search_questions_rows(
        template: Path, text: str) -> None:
    reader = EmbeddedStore(template, read_only=True)
    index = index_for(reader)
    assert index.source == str(current(template) / FILE)
    sparql, _ = bound_text(reader, "search", {"text": text})
    assert rows(index.search(text)) == rows(reader.select(sparql))


def test_reading_the_file_changes_nothing_in_it(template: Path) -> None:
    path = current(template) / FILE
    before = path.stat()
    for text in TEXTS:
        index_for(EmbeddedStore(template, read_only=True)).search(text)
    after = path.stat()
    assert (after.st_mtime_ns, after.st_size) == (before.st_mtime_ns, before.st_size)
    assert sorted(p.name for p in path.parent.glob(f"{FILE}*")) == [FILE]  # no journal, no wal


def test_another_process_reads_the_same_file_and_builds_nothing(template: Path) -> None:
    code = ("import sys; from dutygraph.store import EmbeddedStore; "
            "from dutygraph.search import index_for; "
            "i = index_for(EmbeddedStore(sys.argv[1], read_only=True)); "
            "print(i.source, len(i.search('searchshire').rows))")
    out = subprocess.run([sys.executable, "-c", code, str(template)], capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == [str(current(template) / FILE), "4"]  # the council and its three forums


def test_a_write_takes_the_index_of_a_generation_it_removes_with_it(
        store: Path, data: dict[str, Path]) -> None:
    first = set(generations(store))
    assert main(load_args(store, data["v2"])) == 0
    assert main(load_args(store, data["v1"])) == 0
    assert not first & set(generations(store))  # both earlier generations are gone
    assert sorted(p.parent.name for p in store.glob(f"**/{FILE}")) == sorted(generations(store))
    assert not list(store.glob(f"*{FILE}*"))  # nothing of an index outside a generation


def _without_file(folder: Path) -> None:
    (folder / FILE).unlink()


def _of_another_format(folder: Path) -> None:
    with sqlite3.connect(folder / FILE) as db:
        db.execute("UPDATE meta SET value = '0' WHERE key = 'format'")


def _of_another_generation(folder: Path) -> None:
    with sqlite3.connect(folder / FILE) as db:
        db.execute("UPDATE meta SET value = 'gen-1-1' WHERE key = 'generation'")


def _not_a_database(folder: Path) -> None:
    (folder / FILE).write_bytes(b"written by something else\n" * 100)


STALE: dict[str, Callable[[Path], None]] = {
    "no-file": _without_file, "another-format": _of_another_format,
    "another-generation": _of_another_generation, "not-a-database": _not_a_database}


@pytest.mark.parametrize("damage", sorted(STALE))
def test_a_store_without_an_index_file_it_can_trust_still_answers_from_memory(
        store: Path, damage: str) -> None:
    """As a store written by an older dutygraph (no file) or another version (another format),
    or a generation copied by hand: the index is built in memory, once per store version."""
    STALE[damage](current(store))
    reader = EmbeddedStore(store, read_only=True)
    index = index_for(reader)
    assert index.source == ":memory:"
    assert index_for(reader) is index
    for text in ("searchshire", "serious case"):
        sparql, _ = bound_text(reader, "search", {"text": text})
        assert rows(index.search(text)) == rows(reader.select(sparql))
    assert index.search("searchshire").rows


KILLS = ["loading", "index-half-written", "loaded", "flushed", "renamed"]


@pytest.mark.parametrize("where", KILLS)
def test_a_writer_killed_around_the_index_never_publishes_a_generation_without_one(
        store: Path, data: dict[str, Path], where: str) -> None:
    before = current(store)
    child = subprocess.run([sys.executable, "-c", CHILD, where, *load_args(store, data["v2"])],
                           capture_output=True, text=True, timeout=300, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert current(store) == before  # not published
    building = list(store.glob(f"*{BUILDING}"))
    if where == "loading":
        assert len(building) == 1 and not list(building[0].glob(f"{FILE}*"))
    elif where != "renamed":
        # the killed writer's unpublished folder holds its index, half or whole, never read
        assert len(building) == 1
        assert [p.name for p in building[0].glob(f"{FILE}*")] == \
            [f"{FILE}.tmp" if where == "index-half-written" else FILE]
    for name in generations(store):  # every complete generation has its own index
        assert meta(store / name / FILE)["generation"] == name
    reader = EmbeddedStore(store, read_only=True)
    index = index_for(reader)
    assert index.source == str(before / FILE)
    assert len(index.search("searchshire forum").rows) == 3  # v1's forums, not v2's
    # the next writer clears what the killed one left and publishes with its own index
    assert main(load_args(store, data["v2"])) == 0
    assert not list(store.glob(f"*{BUILDING}"))
    assert meta(current(store) / FILE)["generation"] == current(store).name
    assert len(index_for(EmbeddedStore(store, read_only=True)).search(
        "searchshire forum").rows) == 7


@pytest.mark.parametrize("error", ["database or disk is full", "disk I/O error",
                                   "unable to open database file"])
def test_an_index_that_cannot_be_written_fails_the_write_as_a_full_disk_does(
        store: Path, data: dict[str, Path], error: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from dutygraph.store import search_file

    def failing(db: sqlite3.Connection, records: object, meta: object) -> None:
        raise sqlite3.OperationalError(error)

    before = current(store)
    monkeypatch.setattr(search_file, "fill", failing)
    capsys.readouterr()
    assert main(load_args(store, data["v2"])) == 3
    err = capsys.readouterr().err
    assert error in err and "current generation is unchanged" in err and "Traceback" not in err
    assert current(store) == before
    assert index_for(EmbeddedStore(store, read_only=True)).source == str(before / FILE)
    # (a .building folder may be left while Oxigraph still held it open: never published,
    # and the next writer removes it)
    monkeypatch.undo()
    assert main(load_args(store, data["v2"])) == 0
    assert not list(store.glob(f"*{BUILDING}"))
    assert meta(current(store) / FILE)["generation"] == current(store).name
