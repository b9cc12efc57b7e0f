"""The default store: Oxigraph on disk (pyoxigraph), persistent across restarts.

Chosen over rdflib's memory store by measurement (make bench: bench/report.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, URIRef

from ..errors import InputError, StoreError
from .base import GRAPH_MEDIA_TYPES, SelectResult, Store
from .convert import to_oxigraph, to_rdflib

_RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
_GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
}
_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
          "csv": "text/csv", "tsv": "text/tab-separated-values"}


class EmbeddedStore(Store):
    kind = "embedded"

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        """Open (creating if needed) an Oxigraph store in a folder; path None gives an
        in-memory Oxigraph store (used by benchmarks and tests)."""
        self.location = str(path) if path else "oxigraph-memory"
        try:
            if path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(path))
            else:
                Path(path).mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {path}: {exc}") from exc

    @property
    def oxigraph(self) -> ox.Store:
        return self._store

    def _query(self, query: str):  # type: ignore[no-untyped-def]
        try:
            return self._store.query(query, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise InputError(f"malformed SPARQL: {exc}", parameter="query") from exc

    def select(self, query: str) -> SelectResult:
        solutions = self._query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise InputError("not a SELECT query", parameter="query")
        variables = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for v in variables:
                value = solution[v]
                if value is not None:
                    row[v] = to_rdflib(value)
            rows.append(row)
        return SelectResult(variables, rows)

    def ask(self, query: str) -> bool:
        return bool(self._query(query))

    def construct(self, query: str) -> Graph:
        graph = Graph()
        for triple in self._query(query):
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return graph

    def raw_query(self, query: str, result_format: str) -> tuple[bytes, str]:
        result = self._query(query)
        if isinstance(result, ox.QuerySolutions | ox.QueryBoolean):
            body = result.serialize(format=_RESULT_FORMATS[result_format])
            return bytes(body or b""), _MEDIA[result_format]
        if result_format in _GRAPH_FORMATS:
            body = ox.serialize(result, format=_GRAPH_FORMATS[result_format])
            return bytes(body or b""), GRAPH_MEDIA_TYPES[result_format]
        graph = Graph()
        for triple in result:
            graph.add((to_rdflib(triple.subject), to_rdflib(triple.predicate),
                       to_rdflib(triple.object)))
        return graph.serialize(format=result_format, encoding="utf-8"), \
            GRAPH_MEDIA_TYPES[result_format]

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs()
                      if isinstance(g, ox.NamedNode))

    def export_graph(self, name: URIRef) -> Graph:
        graph = Graph()
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(name))):
            graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate),
                       to_rdflib(quad.object)))
        return graph

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, drop_others: bool = False) -> None:
        # One SPARQL Update is one Oxigraph transaction: readers see old or new, never both.
        names = set(graphs)
        drops = [f"DROP SILENT GRAPH <{name}>" for name in names]
        if drop_others:
            drops += [f"DROP SILENT GRAPH <{g}>" for g in self.graph_names() if g not in names]
        parts = drops[:]
        for name, graph in graphs.items():
            triples = [ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o))  # type: ignore[arg-type]
                       for s, p, o in graph]
            data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
            if data:
                parts.append(f"INSERT DATA {{ GRAPH <{name}> {{ {data.decode()} }} }}")
        if parts:
            self._store.update(" ;\n".join(parts))

    def close(self) -> None:
        self._store.flush() if hasattr(self._store, "flush") else None
