"""The stored chains answer the chain questions exactly as the recursive definition does.

who-is-accountable and reporting-lines look up the chains every store kind computes when it
writes (dutygraph.store.chains); their recursive form is kept in queries/chains/. Here the
lookup on each store kind is compared, row for row, with the recursive answer on the embedded
store (the reference: tests/stores/test_parity.py holds every kind to it), on the repository's
data, for each council, each bearer of a function and on the days the suite uses; then the
write paths that must keep the chains in step with their sources are checked: a load of one
council, a rebuild with --with files, a copy of another store's graphs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from dutygraph.datasets import Source, parse_triples, repository_files, repository_source
from dutygraph.namespaces import authority_graph, authority_slug
from dutygraph.store import EmbeddedStore, MemoryStore, Store
from dutygraph.store.chains import NATIONAL, chain_graph, is_chain_graph

from .chains_support import bearers, cases, lookup_text, recursive_rows, rows, same_answer, texts
from .conftest import remote_store

# One worker runs this whole module (`pytest -n 2 --dist loadgroup`): its stores (the
# reference, the memory store with its chains, the server's copy) and the recursive answers
# every kind is compared with (chains_support.recursive_rows) are then built once, not once
# on each worker; the server's tests are marked `server` but not put in the stores' "servers"
# group, which would send them to the worker running every other server test.
pytestmark = pytest.mark.xdist_group("chains")
SERVER = [pytest.mark.server]

DAYS: list[str | None] = [None, "2008-04-01", "2012-01-01", "2013-05-07", "2015-04-01",
                          "2019-09-30"]
# rdflib takes seconds over each question: the memory store answers on fewer days.
MEMORY_DAYS: list[str | None] = [None, "2012-01-01"]
AUTHORITIES = sorted({slug for f in repository_files()
                      if (slug := authority_slug(str(f.graph))) is not None})
KINDS = [pytest.param("memory", id="memory"), pytest.param("embedded", id="embedded"),
         pytest.param("oxigraph-server", id="oxigraph-server", marks=SERVER)]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = EmbeddedStore(tmp_path_factory.mktemp("chains-reference"))
    store.write(repository_source(), drop_others=True)
    return store


@pytest.fixture(scope="module")
def stores(request: pytest.FixtureRequest, reference: Store) -> Iterator[Callable[[str], Store]]:
    built: dict[str, Store] = {"embedded": reference}

    def get(kind: str) -> Store:
        if kind not in built:
            if kind == "memory":
                store: Store = MemoryStore()
            else:
                store = remote_store(request.getfixturevalue("oxigraph"))
            store.write(repository_source(), drop_others=True)
            built[kind] = store
        return built[kind]

    yield get
    for kind, store in built.items():
        if kind != "embedded":
            store.close()


def _differences(store: Store, reference: Store, questions: list[tuple[str, dict[str, str]]]
                 ) -> list[str]:
    wrong = []
    for name, params in questions:
        lookup = lookup_text(store, name, params)
        got, want = rows(store, lookup), recursive_rows(reference, name, params)
        if not same_answer(got, want, lookup):
            wrong.append(f"{name} {params}: {len(got)} rows looked up, {len(want)} recursive")
    return wrong


def _functions(reference: Store, kind: str) -> list[str]:
    found = bearers(reference)
    return found[:4] if kind != "memory" else found[:3]


@pytest.mark.parametrize("authority", AUTHORITIES)
@pytest.mark.parametrize("kind", KINDS)
def test_each_councils_chains_looked_up_are_the_recursive_answers_on_every_day(
        kind: str, authority: str, reference: Store, stores: Callable[[str], Store]) -> None:
    days = MEMORY_DAYS if kind == "memory" else DAYS
    questions = list(cases([authority], days, _functions(reference, kind),
                           [None, "2012-01-01", "2013-05-07", "2019-09-30"]))
    assert not _differences(stores(kind), reference, questions)


@pytest.mark.parametrize("kind", KINDS)
def test_national_chains_looked_up_are_the_recursive_answers(
        kind: str, reference: Store, stores: Callable[[str], Store]) -> None:
    days = MEMORY_DAYS if kind == "memory" else DAYS
    questions = [("who-is-accountable", {"function": f} | ({"as_of": d} if d else {}))
                 for f in _functions(reference, kind) for d in days]
    assert not _differences(stores(kind), reference, questions)


def test_the_recursive_answers_compared_are_not_empty(reference: Store) -> None:
    """(So that the comparisons above compare chains, not two empty answers.)"""
    for authority in AUTHORITIES:
        _, recursive = texts(reference, "reporting-lines", {"authority": authority})
        assert rows(reference, recursive), authority


@pytest.mark.parametrize("kind", KINDS)
def test_every_chain_graph_says_what_it_was_derived_from_and_when(
        kind: str, stores: Callable[[str], Store]) -> None:
    store = stores(kind)
    chains = [g for g in store.graph_names() if is_chain_graph(str(g))]
    assert NATIONAL in chains
    assert {chain_graph(f"https://w3id.org/dutygraph/id/authority/{a}") for a in AUTHORITIES} \
        <= set(chains)
    for name in chains:
        got = store.select(
            "PREFIX prov: <http://www.w3.org/ns/prov#> "
            "PREFIX dg: <https://w3id.org/dutygraph/def#> "
            f"SELECT ?from ?with ?when WHERE {{ GRAPH <{name}> {{ <{name}> a dg:ChainGraph ; "
            "prov:wasDerivedFrom ?from ; dg:derivedWith ?with ; prov:generatedAtTime ?when } }")
        derived = {str(r["from"]) for r in got.rows}
        assert "https://w3id.org/dutygraph/graph/framework" in derived, name
        slug = str(name).rsplit("/", 1)[1]
        if name != NATIONAL:
            assert str(authority_graph(slug)) in derived, name


# --- the write paths keep chains and sources in step ---------------------------------------

def _without_links_of(triples: list, links: set[str]) -> list:  # type: ignore[type-arg]
    return [t for t in triples if t.subject.value not in links]


# (authority, links taken out) -> the repository with that council loaded again without them.
_RELOADED: dict[tuple[str, frozenset[str]], Store] = {}


def _reloaded(authority: str, links: frozenset[str], triples: list) -> Store:  # type: ignore[type-arg]
    """The same load on an in-memory Oxigraph store: the reference. It depends only on the
    council and the links taken out, so each store kind is compared with one built once (a
    full build of the repository with its chains, which was repeated for every kind)."""
    key = (authority, links)
    if key not in _RELOADED:
        after = EmbeddedStore()
        after.write(repository_source(), drop_others=True)
        after.write(Source(graphs={authority_graph(authority): triples}),
                    replace=[authority_graph(authority)])
        _RELOADED[key] = after
    return _RELOADED[key]


@pytest.mark.parametrize("kind", ["memory", "embedded", pytest.param(
    "oxigraph-server", marks=SERVER)])
@pytest.mark.parametrize("authority", AUTHORITIES)
def test_a_load_of_one_council_replaces_its_chains_with_its_graph(
        kind: str, authority: str, make_store: Callable[[str], Store]) -> None:
    store = make_store(kind)
    store.write(repository_source(), drop_others=True)
    graph = authority_graph(authority)
    files = [f for f in repository_files() if f.graph == graph]
    triples = [t for f in files for t in parse_triples(f.path)]
    # The council's own links of accountability are taken out: its chains must change.
    local_links = store.select(
        "PREFIX dg: <https://w3id.org/dutygraph/def#> SELECT ?l WHERE { "
        f"GRAPH <{graph}> {{ ?l dg:relation ?r ; dg:authority ?a }} }}")
    links = {str(r["l"]) for r in local_links.rows}
    assert links
    other = next(a for a in AUTHORITIES if a != authority) if len(AUTHORITIES) > 1 else None
    before_other = (rows(store, texts(store, "reporting-lines", {"authority": other})[0])
                    if other else None)
    store.write(Source(graphs={graph: _without_links_of(triples, links)}), replace=[graph])
    after = _reloaded(authority, frozenset(links), _without_links_of(triples, links))
    for day in ["2013-05-07", None]:
        params = {"authority": authority} | ({"as_of": day} if day else {})
        lookup, _ = texts(store, "reporting-lines", params)
        got = rows(store, lookup)
        assert same_answer(got, rows(after, texts(after, "reporting-lines", params)[1]), lookup)
        assert not any(str(r.get("statement")) in links for r in got)
    if other:
        assert rows(store, texts(store, "reporting-lines", {"authority": other})[0]) \
            == before_other


@pytest.mark.parametrize("kind", ["memory", "embedded"])
def test_chains_copied_from_another_store_are_computed_again_not_taken(
        kind: str, reference: Store) -> None:
    """A store's graphs copied into another (as run.py does for an engine known to answer
    wrongly) bring their chain graphs; the receiving store derives its own instead."""
    store: Store = MemoryStore() if kind == "memory" else EmbeddedStore()
    graphs = {g: reference.export_graph(g) for g in reference.graph_names()
              if not is_chain_graph(str(g)) or g == NATIONAL}
    # A stale chain graph for a council that is not there: dropped by the rebuild.
    graphs[chain_graph("https://w3id.org/dutygraph/id/authority/nowhere")] = \
        reference.export_graph(NATIONAL)
    store.replace_graphs(graphs, drop_others=True)
    names = {str(g) for g in store.graph_names()}
    assert str(chain_graph("https://w3id.org/dutygraph/id/authority/nowhere")) not in names
    assert {str(g) for g in reference.graph_names()} == names


def test_a_build_with_extra_files_gives_their_councils_chains(tmp_path: Path) -> None:
    from .chains_support import synth_file

    extra = synth_file(tmp_path, 3, seed=7)
    store = EmbeddedStore(tmp_path / "store")
    store.write(repository_source([extra]), drop_others=True)
    names = {str(g) for g in store.graph_names()}
    for number in range(1, 4):
        slug = f"synth-{number:04d}"
        assert str(chain_graph(f"https://w3id.org/dutygraph/id/authority/{slug}")) in names
        iri = f"https://w3id.org/dutygraph/id/authority/{slug}"
        lookup, recursive = texts(store, "reporting-lines", {"authority": iri})
        got = rows(store, lookup)
        assert got and same_answer(got, rows(store, recursive), lookup)
