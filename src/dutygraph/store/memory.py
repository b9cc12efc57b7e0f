"""rdflib's in-memory store: for tests and tiny data, and the reference the others must match."""

from __future__ import annotations

import threading
from collections.abc import Mapping

from rdflib import Dataset, Graph, URIRef

from ..errors import InputError
from .base import GRAPH_MEDIA_TYPES, SELECT_MEDIA_TYPES, SelectResult, Store


class MemoryStore(Store):
    kind = "memory"

    def __init__(self) -> None:
        self.location = "memory"
        self._dataset = Dataset(default_union=True)
        self._lock = threading.RLock()

    def _query(self, query: str):  # type: ignore[no-untyped-def]
        try:
            with self._lock:
                return self._dataset.query(query)
        except Exception as exc:
            if type(exc).__name__ in ("ParseException", "ParseSyntaxException"):
                raise InputError(f"malformed SPARQL: {exc}", parameter="query") from exc
            raise

    def select(self, query: str) -> SelectResult:
        result = self._query(query)
        variables = [str(v) for v in (result.vars or [])]
        rows = []
        for row in result:
            rows.append({v: row[v] for v in variables if row[v] is not None})
        return SelectResult(variables, rows)

    def ask(self, query: str) -> bool:
        return bool(self._query(query).askAnswer)

    def construct(self, query: str) -> Graph:
        result = self._query(query)
        graph = Graph()
        for triple in result:
            graph.add(triple)
        return graph

    def raw_query(self, query: str, result_format: str) -> tuple[bytes, str]:
        result = self._query(query)
        if result.type in ("SELECT", "ASK"):
            media = SELECT_MEDIA_TYPES[result_format]
            body = result.serialize(format=result_format)
        else:
            media = GRAPH_MEDIA_TYPES[result_format]
            graph = Graph()
            for triple in result:
                graph.add(triple)
            body = graph.serialize(format=result_format, encoding="utf-8")
        return (body if isinstance(body, bytes) else str(body).encode()), media

    def graph_names(self) -> list[URIRef]:
        with self._lock:
            return sorted(
                URIRef(g.identifier) for g in self._dataset.graphs()
                if isinstance(g.identifier, URIRef) and len(g)
                and str(g.identifier) != "urn:x-rdflib:default"
            )

    def export_graph(self, name: URIRef) -> Graph:
        graph = Graph()
        with self._lock:
            for triple in self._dataset.graph(name):
                graph.add(triple)
        return graph

    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, drop_others: bool = False) -> None:
        with self._lock:
            if drop_others:
                for name in self.graph_names():
                    if name not in graphs:
                        self._dataset.remove_graph(self._dataset.graph(name))
            for name, graph in graphs.items():
                target = self._dataset.graph(name)
                target.remove((None, None, None))
                for triple in graph:
                    target.add(triple)
