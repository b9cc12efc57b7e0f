"""The embedded store on disk: generations switched by a pointer, readers in other processes
following a rebuild, one writer at a time, and folders that are not ours left alone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from dutygraph.errors import InputError, StoreError
from dutygraph.store import EmbeddedStore
from dutygraph.store.embedded import LOCK, POINTER, _writer_lock, read_pointer

G = "https://w3id.org/dutygraph/graph/"
A, B = URIRef(G + "test/a"), URIRef(G + "test/b")


def graph_of(turtle: str) -> Graph:
    return Graph().parse(data="@prefix ex: <http://example.org/> .\n" + turtle, format="turtle")


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("gen-"))


def test_a_new_folder_is_created_by_the_first_write_and_reads_as_empty_before(
        tmp_path: Path) -> None:
    root = tmp_path / "store"
    store = EmbeddedStore(root)
    assert store.graph_names() == []
    assert store.triple_count() == 0
    store.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    pointer = read_pointer(root)
    assert pointer.current is not None and (root / pointer.current).is_dir()
    assert store.graph_names() == [A]


def test_each_write_publishes_a_new_generation_and_keeps_only_the_previous_one(
        tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    seen = []
    for i in range(4):
        store.replace_graphs({A: graph_of(f"ex:a ex:p {i} .")}, drop_others=True)
        seen.append(read_pointer(tmp_path).current)
    assert len(set(seen)) == 4
    pointer = read_pointer(tmp_path)
    assert pointer.previous == seen[-2]
    assert generations(tmp_path) == sorted(seen[-2:])


def test_the_current_generation_is_a_plain_oxigraph_database(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    folder = store.generation_path()
    assert folder is not None
    plain = ox.Store.read_only(str(folder))
    assert len(list(plain.quads_for_pattern(None, None, None, ox.NamedNode(str(A))))) == 1


def test_a_reader_opened_before_a_rebuild_sees_the_new_contents_at_its_next_query(
        tmp_path: Path) -> None:
    writer = EmbeddedStore(tmp_path)
    writer.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    reader = EmbeddedStore(tmp_path, read_only=True)
    assert reader.graph_names() == [A]
    writer.replace_graphs({B: graph_of("ex:b ex:p 2 .")}, drop_others=True)
    assert reader.graph_names() == [B]


def test_a_reader_in_another_process_follows_a_rebuild_without_restarting(
        tmp_path: Path) -> None:
    """The situation of `dutygraph serve` while `dutygraph build` runs elsewhere."""
    EmbeddedStore(tmp_path).replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    script = textwrap.dedent(f"""
        import sys
        from dutygraph.store import EmbeddedStore
        store = EmbeddedStore({str(tmp_path)!r}, read_only=True)
        for line in sys.stdin:
            print(",".join(str(g) for g in store.graph_names()), flush=True)
    """)
    reader = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert reader.stdin and reader.stdout
        reader.stdin.write("?\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == str(A)
        EmbeddedStore(tmp_path).replace_graphs({B: graph_of("ex:b ex:p 2 .")}, drop_others=True)
        reader.stdin.write("?\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == str(B)
    finally:
        reader.kill()
        reader.wait(10)


def test_a_load_replaces_one_graph_from_a_copy_and_leaves_the_old_generation_intact(
        tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    old = store.generation_path()
    store.replace_graphs({A: graph_of("ex:a ex:p 10 , 11 .")})
    assert store.generation_path() != old
    assert len(store.export_graph(A)) == 2 and len(store.export_graph(B)) == 1
    assert old is not None
    previous = ox.Store.read_only(str(old))  # still the old contents: generations never change
    assert len(list(previous.quads_for_pattern(None, None, None, ox.NamedNode(str(A))))) == 1


def test_a_malformed_source_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    from dutygraph.datasets import DataFile, Source

    store = EmbeddedStore(tmp_path)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    before = read_pointer(tmp_path)
    bad = tmp_path.parent / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:p 1 .\nex:b ex:p .\n")
    with pytest.raises(InputError) as caught:
        store.write(Source([DataFile(bad, B)]), drop_others=True)
    assert caught.value.file == str(bad) and caught.value.line == 3
    assert read_pointer(tmp_path) == before
    assert store.graph_names() == [A]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".building")]


def test_a_second_writer_waits_for_the_first_and_gives_up_with_a_clear_error(
        tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    with _writer_lock(tmp_path), pytest.raises(StoreError, match="another dutygraph"), \
            _writer_lock(tmp_path, wait=0.3):
        pass
    assert (tmp_path / LOCK).exists()


def test_leftovers_of_a_killed_writer_are_removed_by_the_next_write(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    leftover = tmp_path / "gen-1-1.building"
    leftover.mkdir()
    (leftover / "000001.sst").write_bytes(b"half written")
    store.replace_graphs({B: graph_of("ex:b ex:p 1 .")}, drop_others=True)
    assert not leftover.exists()


def test_a_read_only_store_must_exist_and_refuses_writes(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="dutygraph build"):
        EmbeddedStore(tmp_path / "missing", read_only=True)
    EmbeddedStore(tmp_path).replace_graphs({A: graph_of("ex:a ex:p 1 .")}, drop_others=True)
    reader = EmbeddedStore(tmp_path, read_only=True)
    with pytest.raises(StoreError, match="read-only"):
        reader.replace_graphs({B: Graph()})


def test_a_folder_holding_other_files_is_not_taken_for_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(StoreError, match="not a dutygraph store"):
        EmbeddedStore(tmp_path)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_plain_oxigraph_database_is_readable_but_not_rebuilt_in_place(tmp_path: Path) -> None:
    plain = ox.Store(str(tmp_path))
    plain.add(ox.Quad(ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
                      ox.Literal("1"), ox.NamedNode(str(A))))
    plain.flush()
    del plain
    store = EmbeddedStore(tmp_path)
    assert store.graph_names() == [A]
    with pytest.raises(StoreError, match="plain Oxigraph database"):
        store.replace_graphs({B: Graph()}, drop_others=True)


def test_a_pointer_naming_something_else_is_refused(tmp_path: Path) -> None:
    (tmp_path / POINTER).write_text(json.dumps({"current": "../elsewhere"}))
    with pytest.raises(StoreError, match="not a generation folder"):
        EmbeddedStore(tmp_path)


def test_the_in_memory_oxigraph_store_replaces_graphs_copy_on_write() -> None:
    store = EmbeddedStore(None)
    store.replace_graphs({A: graph_of("ex:a ex:p 1 ."), B: graph_of("ex:b ex:p 2 .")},
                         drop_others=True)
    before = store.oxigraph
    store.replace_graphs({A: graph_of("ex:a ex:p 3 .")})
    assert store.graph_names() == [A, B]
    assert len(list(before.quads_for_pattern(None, None, ox.Literal("1", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")), None))) == 1  # old object untouched
