"""What the question box reads about the whole graph is read once per store version: its
vocabulary (ask.lexicon.kept), the proposals, what replaced a duty (ask.kept) and the footer's
source documents. A request that asks for a fresh answer (Cache-Control: no-cache) recomputes
its answer, never these, and a write to the store makes the next request read them again."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from dutygraph.ask import lexicon as ask_lexicon
from dutygraph.ask import proposals, succession
from dutygraph.ask.lexicon import Lexicon
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.web import create_app, pagedata

from .conftest import TODAY

PREFIXES = """
    @prefix dg: <https://w3id.org/dutygraph/def#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
"""
KITES = PREFIXES + """
    <https://example.org/fn/kite-safety> a dg:Function ;
        rdfs:label "Overseeing kite flying safety"@en ;
        dg:bearer <https://example.org/role/kite-warden> .
    <https://example.org/role/kite-warden> a dg:Role ; rdfs:label "Kite warden"@en .
    <https://example.org/la/testshire> a dg:LocalAuthority ;
        rdfs:label "Testshire County Council"@en .
"""
BALLOONS = PREFIXES + """
    <https://example.org/fn/balloon-safety> a dg:Function ;
        rdfs:label "Overseeing balloon safety"@en ;
        dg:bearer <https://example.org/role/kite-warden> .
"""
KITE_QUESTION = "Who is responsible for kite flying safety in Testshire?"
BALLOON_QUESTION = "Who is responsible for balloon safety in Testshire?"
FRESH = {"Cache-Control": "no-cache"}

STORE_KINDS: dict[str, Callable[[], Store]] = {
    "embedded in memory": lambda: EmbeddedStore(None),
    "memory": MemoryStore,
}


def _graph(turtle: str) -> Graph:
    graph = Graph()
    graph.parse(data=turtle, format="turtle")
    return graph


@pytest.fixture(params=list(STORE_KINDS))
def counted(request: pytest.FixtureRequest,
            monkeypatch: pytest.MonkeyPatch) -> tuple[Store, FlaskClient, list[int]]:
    """A store holding the kites graph, a client of an app over it, and a list that grows by
    one each time the vocabulary is read from the store."""
    store = STORE_KINDS[request.param]()
    store.replace_graphs({URIRef("urn:test:kites"): _graph(KITES)})
    reads: list[int] = []
    real = ask_lexicon.load

    def counting(s: Store) -> Lexicon:
        reads.append(1)
        return real(s)

    monkeypatch.setattr(ask_lexicon, "load", counting)
    app = create_app(store, {"ASK_TODAY": TODAY, "QUERY_EXECUTOR": "thread",
                             "QUERY_TIMEOUT": 120.0})
    return store, app.test_client(), reads


def _subject(client: FlaskClient, question: str) -> str | None:
    """The subject of the permalink a fresh reading of the question goes to (None: the box
    did not read it as one clear question)."""
    response = client.get("/ask", query_string={"q": question}, headers=FRESH)
    if response.status_code != 303:
        assert response.status_code == 200
        return None
    return parse_qs(urlsplit(response.headers["Location"]).query)["subject"][0]


def test_two_fresh_questions_on_one_store_version_read_the_vocabulary_once(
        counted: tuple[Store, FlaskClient, list[int]]) -> None:
    _store, client, reads = counted
    for _ in range(2):
        assert _subject(client, KITE_QUESTION) == "https://example.org/fn/kite-safety"
    assert len(reads) == 1


def test_a_fresh_answer_page_reads_no_vocabulary_the_box_has_read(
        counted: tuple[Store, FlaskClient, list[int]]) -> None:
    _store, client, reads = counted
    assert _subject(client, KITE_QUESTION) is not None
    page = client.get("/ask/accountable", headers=FRESH, query_string={
        "subject": "https://example.org/fn/kite-safety",
        "authority": "https://example.org/la/testshire", "q": KITE_QUESTION})
    assert page.status_code == 200
    assert "Testshire County Council" in page.get_data(as_text=True)
    assert len(reads) == 1


def test_after_a_write_to_the_store_the_vocabulary_is_read_again_with_the_new_words(
        counted: tuple[Store, FlaskClient, list[int]]) -> None:
    store, client, reads = counted
    assert _subject(client, BALLOON_QUESTION) is None  # no balloons in the graph yet
    store.replace_graphs({URIRef("urn:test:balloons"): _graph(BALLOONS)})
    assert _subject(client, BALLOON_QUESTION) == "https://example.org/fn/balloon-safety"
    assert _subject(client, KITE_QUESTION) == "https://example.org/fn/kite-safety"
    assert len(reads) == 2


def test_fresh_answer_pages_read_the_footers_source_documents_once_per_store_version(
        counted: tuple[Store, FlaskClient, list[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    store, client, _reads = counted
    sources: list[int] = []
    real = pagedata.source_documents

    def counting(s: Store) -> list[dict[str, str]]:
        sources.append(1)
        return real(s)

    monkeypatch.setattr(pagedata, "source_documents", counting)
    page = {"subject": "https://example.org/fn/kite-safety",
            "authority": "https://example.org/la/testshire"}
    for _ in range(2):
        assert client.get("/ask/accountable", query_string=page,
                          headers=FRESH).status_code == 200
    assert len(sources) == 1
    store.replace_graphs({URIRef("urn:test:balloons"): _graph(BALLOONS)})
    assert client.get("/ask/accountable", query_string=page, headers=FRESH).status_code == 200
    assert len(sources) == 2


def test_fresh_answer_pages_read_proposals_and_successions_once_per_store_version(
        counted: tuple[Store, FlaskClient, list[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    store, client, _reads = counted
    reads: Counter[str] = Counter()
    for module in (proposals, succession):
        real = module.page_select

        def counting(s: Store, name: str, real: Callable[..., Any] = real,
                     **values: Any) -> Any:
            reads[name] += 1
            return real(s, name, **values)

        monkeypatch.setattr(module, "page_select", counting)
    page = {"subject": "https://example.org/fn/kite-safety",
            "authority": "https://example.org/la/testshire", "q": KITE_QUESTION}
    for _ in range(3):
        assert client.get("/ask/accountable", query_string=page,
                          headers=FRESH).status_code == 200
    assert reads == Counter({"proposed": 1, "ask-successors": 1})
    store.replace_graphs({URIRef("urn:test:balloons"): _graph(BALLOONS)})
    assert client.get("/ask/accountable", query_string=page, headers=FRESH).status_code == 200
    assert reads == Counter({"proposed": 2, "ask-successors": 2})
