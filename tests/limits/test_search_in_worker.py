"""A query worker answers `search` from the text index its store's generation was written
with, not by search.rq's scan of every label (issue 21), with search.rq's rows.

The proof that the index answered, not search.rq: the generation's index file is rewritten
with one more record than the store holds (a sentinel label). Only the index can give its row;
search.rq, run on the store's data, cannot. The control (a served row cap below the index's
LIMIT, where the worker must keep to search.rq) shows the check can fail.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph, URIRef

from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.queries import run_query
from dutygraph.search.index import LIMIT
from dutygraph.store import EmbeddedStore
from dutygraph.store.search_file import FILE, fill
from dutygraph.store.search_records import Record, read_records
from dutygraph.web import create_app

SENTINEL = Record(item="https://w3id.org/dutygraph/id/test/sentinel",
                  kind="https://w3id.org/dutygraph/def#Role", is_definition=False,
                  value="Zyxwvut sentinel officer", item_label="Zyxwvut sentinel officer",
                  kind_label="Role")
TEXTS = ["safeguarding", "serious case", "rious ca", "Director of Children", "zzqqxx-nothing"]


def _index_with_sentinel(store: EmbeddedStore) -> None:
    """Rewrite the generation's index file with the store's records and the sentinel."""
    folder = store.generation_path()
    assert folder is not None and (folder / FILE).is_file()
    assert store.oxigraph is not None
    records = [*read_records(store.oxigraph), SENTINEL]
    path = folder / FILE
    path.unlink()
    db = sqlite3.connect(path)
    try:
        fill(db, records, {"generation": folder.name})
    finally:
        db.close()


@pytest.fixture(scope="module")
def store_dir(repo_graphs: dict[URIRef, Graph],
              tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search-in-worker") / "oxigraph"
    store = EmbeddedStore(folder)
    store.replace_graphs(repo_graphs, drop_others=True)
    _index_with_sentinel(store)
    store.close()
    return folder


def _app(store_dir: Path, **config: Any) -> Flask:
    app = create_app(EmbeddedStore(store_dir, read_only=True),
                     {"QUERY_TIMEOUT": 60.0, "RESULT_CACHE_ENTRIES": 0, **config})
    assert isinstance(app.extensions["dutygraph.executor"], ProcessExecutor)
    return app


@pytest.fixture(scope="module")
def app(store_dir: Path) -> Iterator[Flask]:
    yield _app(store_dir)


def _searched(app: Flask, text: str) -> list[dict[str, Any]]:
    response = app.test_client().get("/api/queries/search.json", query_string={"text": text})
    assert response.status_code == 200, response.get_data()[:300]
    rows: list[dict[str, Any]] = json.loads(response.get_data())["rows"]
    return rows


def test_a_worker_answers_search_from_the_generations_index_file(app: Flask) -> None:
    rows = _searched(app, "zyxwvut")
    assert [row["item"] for row in rows] == [SENTINEL.item]


def test_under_a_row_cap_below_the_index_limit_the_worker_keeps_to_search_rq(
        store_dir: Path) -> None:
    capped = _app(store_dir, MAX_ROWS=LIMIT - 1)
    assert _searched(capped, "zyxwvut") == []


@pytest.mark.parametrize("text", TEXTS)
def test_the_workers_index_gives_the_rows_search_rq_gives(
        app: Flask, store_dir: Path, text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    bare = EmbeddedStore(store_dir, read_only=True)
    monkeypatch.setattr(EmbeddedStore, "indexes_in_process", lambda _self: False)
    expected = run_query(bare, "search", {"text": text}).to_json_dict()["rows"]
    bare.close()
    assert expected or text == "zzqqxx-nothing"  # the comparison is of rows, not of nothing
    assert _searched(app, text) == expected
