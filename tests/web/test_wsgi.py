"""How a server process builds its app: settings from the environment, and the store opened
read-only (or, for 'memory', loaded from the repository in each worker)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dutygraph.errors import StoreError
from dutygraph.namespaces import FRAMEWORK_GRAPH
from dutygraph.store import open_served as open_for_serving
from dutygraph.web.wsgi import config_from_env, make_app


def test_settings_come_from_dutygraph_variables_with_their_types() -> None:
    config = config_from_env({"DUTYGRAPH_QUERY_TIMEOUT": "2.5", "DUTYGRAPH_MAX_ROWS": "7",
                              "DUTYGRAPH_STORE_READ_ONLY": "false", "OTHER": "x"})
    assert config == {"QUERY_TIMEOUT": 2.5, "MAX_ROWS": 7, "STORE_READ_ONLY": False}


def test_a_memory_store_is_loaded_from_the_repository() -> None:
    store = open_for_serving("memory")
    assert FRAMEWORK_GRAPH in store.graph_names()


def test_a_served_store_folder_is_opened_read_only(built_store: Path) -> None:
    store = open_for_serving(str(built_store))
    assert store.triple_count() > 0
    with pytest.raises(StoreError):
        store.replace_graphs({})


def test_a_store_folder_that_does_not_exist_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        open_for_serving(str(tmp_path / "missing"))


def test_the_served_app_carries_the_time_limit_to_the_store(built_store: Path) -> None:
    app = make_app(str(built_store), {"QUERY_TIMEOUT": 3})
    assert app.extensions["dutygraph.store"].timeout == 3
    assert app.config["QUERY_TIMEOUT"] == 3
