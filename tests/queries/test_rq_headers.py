"""One rule for every .rq file the product runs, whichever folder holds it (the public
questions in queries/, the pages' in queries/pages, the mechanisms' in queries/internal, the
chains' in queries/chains): a header naming its file, saying what it answers, documenting each
parameter as a variable of the query, with an example; and no SPARQL text left in the Python
that runs them (issue 17: every SPARQL string the product runs lives in queries/ with a header).

Why one file: the pages' and the mechanisms' tests each had a copy of these rules, and a
folder neither looked at (queries/chains) had none."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from dutygraph import paths
from dutygraph.queries.catalogue import NamedQuery, get_query
from dutygraph.queries.header import header_lines

FOLDERS = ("", "pages", "internal", "chains")
FILES = sorted((folder, p.stem) for folder in FOLDERS
               for p in (paths.queries_dir() / folder).glob("*.rq"))
PACKAGE = Path(__file__).resolve().parents[2] / "src" / "dutygraph"
# A query's text in Python: a query form keyword followed by a variable, a star or a brace.
SPARQL_TEXT = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\s+(DISTINCT\s+)?[?*{(]")
# The modules that run the catalogue's queries for the pages, validation and the binder.
RUNNERS = ("web/pagedata.py", "web/entities.py", "validation/api.py", "validation/dataset.py",
           "queries/params.py", "queries/internal.py", "queries/run.py")


def _query(folder: str, name: str) -> NamedQuery:
    return get_query(name, paths.queries_dir() / folder)


def _body(query: NamedQuery) -> str:
    """The query's text below its header (a parameter named only in the header is none)."""
    _yaml, count = header_lines(query.sparql)
    return "\n".join(query.sparql.splitlines()[count:])


def _problems(query: NamedQuery) -> list[str]:
    """What the query's header leaves out or names wrongly."""
    problems = [f"no {key}" for key in ("summary", "description", "example")
                if not getattr(query, key)]
    if query.name != query.path.stem:
        problems.append(f"named {query.name}")
    body = _body(query)
    for param in query.params:
        if not param.description or not param.example:
            problems.append(f"parameter {param.name} has no description or example")
        if not re.search(rf"\?{param.name}\b", body):
            problems.append(f"parameter {param.name} is not a variable of the query")
    return problems


def test_every_folder_of_queries_holds_some() -> None:
    for folder in FOLDERS:
        assert any(f == folder for f, _ in FILES), f"no .rq files in queries/{folder}"


@pytest.mark.parametrize(("folder", "name"), FILES, ids=[f"{f or '.'}/{n}" for f, n in FILES])
def test_each_query_has_a_header_naming_its_file_and_documenting_its_parameters(
        folder: str, name: str) -> None:
    query = _query(folder, name)
    assert query.name == name
    assert _problems(query) == []


def test_a_parameter_named_only_in_the_header_is_found_out(tmp_path: Path) -> None:
    source = (paths.queries_dir() / "internal" / "label-exact.rq").read_text(encoding="utf-8")
    renamed = re.sub(r"\?label\b", "?somethingElse", source)
    (tmp_path / "label-exact.rq").write_text(renamed, encoding="utf-8")
    query = get_query("label-exact", tmp_path)
    assert _problems(query) == ["parameter label is not a variable of the query"]


@pytest.mark.parametrize("module", RUNNERS)
def test_the_modules_that_run_catalogue_queries_hold_no_sparql_text(module: str) -> None:
    found = [f"{module}:{n}: {line.strip()}"
             for n, line in enumerate((PACKAGE / module).read_text(encoding="utf-8")
                                      .splitlines(), 1)
             if SPARQL_TEXT.search(line)]
    assert found == []
