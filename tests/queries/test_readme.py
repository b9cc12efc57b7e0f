"""queries/README.md and the headers of queries/*.rq must agree."""

from __future__ import annotations

import re

from dutygraph import paths
from dutygraph.queries import catalogue

README = paths.queries_dir() / "README.md"


def _readme() -> str:
    return README.read_text(encoding="utf-8")


def test_the_readme_documents_every_query_parameter_and_example() -> None:
    text = _readme()
    for q in catalogue():
        assert f"### `{q.name}`" in text, q.name
        assert q.summary in text, q.name
        assert q.example in text, q.name
        for p in q.params:
            assert f"`{p.name}`" in text[text.index(f"### `{q.name}`"):], (q.name, p.name)


def test_the_readme_names_no_query_that_does_not_exist() -> None:
    names = {q.name for q in catalogue()}
    documented = set(re.findall(r"^### `([a-z-]+)`", _readme(), flags=re.M))
    assert documented == names
    used = set(re.findall(r"dutygraph query ([a-z][a-z-]+)", _readme()))
    assert used <= names
    api = set(re.findall(r"/api/queries/([a-z-]+)", _readme()))
    assert api <= names


def test_every_parameter_the_readme_passes_is_one_the_query_takes() -> None:
    text = _readme()
    by_name = {q.name: {p.name for p in q.params} for q in catalogue()}
    for name, query in re.findall(r"/api/queries/([a-z-]+)\?([^\s'\"]+)", text):
        for pair in query.split("&"):
            assert pair.split("=")[0] in by_name[name], (name, pair)
    for name, rest in re.findall(r"dutygraph query ([a-z-]+)((?: +(?:--param|-p) +\S+)+)", text):
        for key in re.findall(r"(?:--param|-p) +\"?([a-z_]+)=", rest):
            assert key in by_name[name], (name, key)
