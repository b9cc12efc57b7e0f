"""The framework an upload is validated against is read from the store once per version of
the store, kept in Oxigraph's terms, and gives the same findings as the framework read from
the repository's files (issue 17: it went Oxigraph -> rdflib -> Oxigraph on every upload);
an upload given as the reader's Oxigraph triples gives the same findings as its rdflib
graph."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from dutygraph.errors import InputError
from dutygraph.namespaces import FRAMEWORK_GRAPH
from dutygraph.rdfio import parse_file, parse_text, triples
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.validation import validate_graph
from dutygraph.validation.api import validate_triples

from .casekit import CASES_DIR

DAY = dt.date(2013, 5, 7)
# A family of uploads: a sample of the validation cases' data, each one authority's file.
UPLOADS = sorted(CASES_DIR.glob("*/data.ttl"))[::30]


class _Counting:
    """Counts the reads of a graph's quads (how validation reads a store's framework)."""

    reads: list[URIRef]

    def graph_quads(self, name: URIRef) -> list[ox.Quad]:
        self.reads.append(name)
        return super().graph_quads(name)  # type: ignore[misc, no-any-return]


class CountingEmbedded(_Counting, EmbeddedStore):
    pass


class CountingMemory(_Counting, MemoryStore):
    pass


@pytest.fixture(params=["embedded", "memory"])
def store(request: pytest.FixtureRequest, repo_graphs: dict[URIRef, Graph]) -> Store:
    kind: type[CountingEmbedded] | type[CountingMemory] = (
        CountingEmbedded if request.param == "embedded" else CountingMemory)
    made = kind()
    made.reads = []
    made.replace_graphs(repo_graphs, drop_others=True)
    return made


def _reads(store: Store) -> int:
    return sum(1 for name in store.reads if name == FRAMEWORK_GRAPH)  # type: ignore[attr-defined]


def test_uploads_against_one_version_of_a_store_read_its_framework_once(store: Store) -> None:
    for path in UPLOADS:
        validate_graph(parse_file(path), as_of=DAY, framework=store, name=path.parent.name)
    assert len(UPLOADS) > 2 and _reads(store) == 1


def test_a_new_version_of_the_store_is_read_again_once(store: Store,
                                                       repo_graphs: dict[URIRef, Graph]) -> None:
    validate_graph(parse_file(UPLOADS[0]), as_of=DAY, framework=store)
    store.replace_graphs({FRAMEWORK_GRAPH: repo_graphs[FRAMEWORK_GRAPH]})
    for path in UPLOADS[:2]:
        validate_graph(parse_file(path), as_of=DAY, framework=store)
    assert _reads(store) == 2


@pytest.mark.parametrize("path", UPLOADS, ids=lambda p: Path(p).parent.name)
def test_an_upload_has_the_same_findings_against_the_kept_framework_as_against_the_files(
        path: Path, store: Store) -> None:
    data = parse_file(path)
    first = validate_graph(data, as_of=DAY, framework=store).to_json_dict()
    again = validate_graph(data, as_of=DAY, framework=store).to_json_dict()
    from_files = validate_graph(data, as_of=DAY).to_json_dict()
    assert first == again == from_files


@pytest.mark.parametrize("path", UPLOADS, ids=lambda p: Path(p).parent.name)
def test_an_upload_as_the_readers_triples_has_the_same_findings_as_its_graph(
        path: Path, store: Store) -> None:
    streamed = triples(path.read_bytes(), "turtle", path.name)
    from_triples = validate_triples(streamed, as_of=DAY, framework=store).to_json_dict()
    from_graph = validate_graph(parse_file(path), as_of=DAY, framework=store).to_json_dict()
    assert from_triples == from_graph


NO_AUTHORITY = {
    "an empty upload": "",
    "a Board with no authority": "<urn:x:board> a <https://w3id.org/dutygraph/def#LSCB> .",
    "an authority named only as an object":
        "<urn:x:board> <https://w3id.org/dutygraph/def#establishedBy> <urn:x:la> .",
}


@pytest.mark.parametrize("text", NO_AUTHORITY.values(), ids=NO_AUTHORITY.keys())
def test_an_upload_naming_no_authority_is_refused_however_it_is_given(text: str) -> None:
    with pytest.raises(InputError, match="no dg:LocalAuthority"):
        validate_graph(parse_text(text, "turtle"), as_of=DAY, name="up.ttl")
    with pytest.raises(InputError, match="no dg:LocalAuthority"):
        validate_triples(triples(text.encode(), "turtle", "up.ttl"), as_of=DAY, name="up.ttl")
