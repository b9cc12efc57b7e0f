"""Fixtures for the question box: the repository's data in the embedded store, the app over
it with "today" fixed, and the questions file (questions.yaml) with its names expanded."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.ask import Lexicon, load_lexicon
from dutygraph.namespaces import PREFIXES, authority_namespace
from dutygraph.store import EmbeddedStore, Store
from dutygraph.web import create_app

QUESTIONS = Path(__file__).resolve().parent / "questions.yaml"
TODAY = "2026-12-07"  # the day "today" and "now" mean in these tests
_PREFIXED = re.compile(r"^([a-z][a-z0-9-]*):([^/\s].*)$")


def expand(value: Any) -> Any:
    """A prefixed name (dg:, fn:, role:, la:, bromley:...) as its full IRI; else unchanged."""
    if isinstance(value, list):
        return [expand(v) for v in value]
    if isinstance(value, dict):
        return {k: expand(v) for k, v in value.items()}
    if isinstance(value, str):
        m = _PREFIXED.match(value)
        if m and m.group(1) in PREFIXES:
            return str(PREFIXES[m.group(1)]) + m.group(2)
        if m and m.group(1) in ("bromley", "harrow"):
            return str(authority_namespace(m.group(1))) + m.group(2)
    return value


def load_questions() -> list[dict[str, Any]]:
    data = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [expand(q) for q in data["questions"]]


@pytest.fixture(scope="session")
def ask_store(repo_graphs: dict[URIRef, Graph]) -> Store:
    store = EmbeddedStore(None)
    store.replace_graphs(repo_graphs, drop_others=True)
    return store


@pytest.fixture(scope="session")
def ask_lexicon(ask_store: Store) -> Lexicon:
    return load_lexicon(ask_store)


@pytest.fixture(scope="session")
def ask_app(ask_store: Store) -> Flask:
    return create_app(ask_store, {"ASK_TODAY": TODAY, "QUERY_TIMEOUT": 120.0})


@pytest.fixture()
def ask_client(ask_app: Flask) -> FlaskClient:
    return ask_app.test_client()
