"""What every page reads about the whole store (its source documents for the footer, every
authority, every authority's latest date, the question box's lexicon) is read once per store
version, not on every request: at 1,530 authorities each of these labels thousands of IRIs,
and binding those VALUES rows cost seconds before the answer cache was even consulted."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from dutygraph.ask import lexicon as ask_lexicon
from dutygraph.store import Store
from dutygraph.web import create_app, pagedata

# Functions that read something about every authority or document in the store.
WHOLE_STORE_READS = ("source_documents", "authorities", "authority_dates")

PAGES = [
    "/",
    "/ask/accountable?subject=https%3A%2F%2Fw3id.org%2Fdutygraph%2Fid%2Ffunction%2Freg5-1-e"
    "&authority=bromley&date=2013-05-01",
    "/ask?q=How+much+does+the+LSCB+cost%3F",
    "/authority/",
    "/authority/bromley",
    "/audit",
]


@pytest.fixture()
def counted(monkeypatch: pytest.MonkeyPatch, oxigraph_store: Store) -> tuple[Flask, Counter[str]]:
    """A fresh app (an empty answer cache) whose whole-store reads are counted."""
    calls: Counter[str] = Counter()

    def counting(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)
        return wrapper

    for name in WHOLE_STORE_READS:
        monkeypatch.setattr(pagedata, name, counting(name, getattr(pagedata, name)))
    monkeypatch.setattr(ask_lexicon, "load", counting("lexicon", ask_lexicon.load))
    app = create_app(oxigraph_store, {"QUERY_TIMEOUT": 120.0, "QUERY_EXECUTOR": "thread"})
    return app, calls


@pytest.mark.parametrize("url", PAGES)
def test_a_page_asked_again_reads_nothing_about_the_whole_store_again(
        counted: tuple[Flask, Counter[str]], url: str) -> None:
    app, calls = counted
    client = app.test_client()
    assert client.get(url).status_code == 200
    first = Counter(calls)
    for _ in range(2):
        assert client.get(url).status_code == 200
    assert calls == first, f"{url} read again: {calls - first}"
    assert all(n <= 1 for n in first.values()), f"{url} read twice in one request: {first}"


def test_every_page_shares_one_read_of_the_source_documents(
        counted: tuple[Flask, Counter[str]]) -> None:
    app, calls = counted
    client = app.test_client()
    for url in PAGES:
        assert client.get(url).status_code == 200
    assert calls["source_documents"] == 1
