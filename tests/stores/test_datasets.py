"""Which named graph each triple goes to: the repository's layout, and extra arrangement files
split by authority (data-driven: cases/split/NAME.ttl with NAME.expected)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.datasets import Source, repository_files, split_by_authority
from dutygraph.errors import InputError
from dutygraph.namespaces import BASE, FRAMEWORK_GRAPH, ONTOLOGY_GRAPH
from dutygraph.rdfio import parse_file

SPLIT = Path(__file__).parent / "cases" / "split"
CASES = sorted(p.stem for p in SPLIT.glob("*.ttl"))


def expected(name: str) -> dict[str, str]:
    out = {}
    for line in (SPLIT / f"{name}.expected").read_text().splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("\t", 1)
            out[key] = value
    return out


@pytest.mark.parametrize("name", CASES)
def test_an_extra_file_is_split_by_authority_as_its_case_says(name: str) -> None:
    want = expected(name)
    path = SPLIT / f"{name}.ttl"
    if "error" in want:
        with pytest.raises(InputError) as caught:
            Source(extra=[path]).check()
        assert want["error"] in str(caught.value)
        assert caught.value.file == str(path)
        if "line" in want:
            assert caught.value.line == int(want["line"])
        return
    counts: dict[str, int] = {}
    for quad in Source(extra=[path]).quads():
        graph = quad.graph_name.value  # type: ignore[union-attr]
        counts[graph[len(BASE + "graph/"):]] = counts.get(graph[len(BASE + "graph/"):], 0) + 1
    assert counts == {k: int(v) for k, v in want.items()}


@pytest.mark.parametrize("name", [n for n in CASES if "error" not in expected(n)])
def test_splitting_an_rdflib_graph_follows_the_same_rule(name: str) -> None:
    path = SPLIT / f"{name}.ttl"
    graphs = split_by_authority(parse_file(path), str(path))
    counts = {str(g)[len(BASE + "graph/"):]: len(g_) for g, g_ in graphs.items()}
    assert counts == {k: int(v) for k, v in expected(name).items()}


def test_the_repository_layout_names_the_graphs(tmp_path: Path) -> None:
    for rel in ("ontology/o.ttl", "data/framework/f.ttl", "data/local/alpha/a.ttl",
                "data/local/alpha/b.nt", "data/sources/000_x.ttl", "data/local/alpha/notes.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    files = {(f.path.relative_to(tmp_path).as_posix(), str(f.graph))
             for f in repository_files(tmp_path)}
    assert files == {
        ("ontology/o.ttl", str(ONTOLOGY_GRAPH)),
        ("data/framework/f.ttl", str(FRAMEWORK_GRAPH)),
        ("data/local/alpha/a.ttl", BASE + "graph/authority/alpha"),
        ("data/local/alpha/b.nt", BASE + "graph/authority/alpha"),
        ("data/sources/000_x.ttl", BASE + "graph/source/000_x"),
    }


def test_json_ld_with_a_remote_context_is_refused_before_anything_is_read(
        tmp_path: Path) -> None:
    path = tmp_path / "remote.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "http://a"}')
    with pytest.raises(InputError, match="remote"):
        Source(extra=[path]).check()


def test_progress_reaches_the_end_and_never_goes_back() -> None:
    seen: list[tuple[float, int]] = []
    count = sum(1 for _ in Source(repository_files()).quads(lambda f, n: seen.append((f, n))))
    fractions = [f for f, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert seen[-1][1] == count
