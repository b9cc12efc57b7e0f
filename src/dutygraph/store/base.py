"""The one interface every store kind implements, so queries, validation and the web view
never know which engine answers them.

The default graph of every store is the union of its named graphs; each data file lands in
exactly one named graph (see dutygraph.datasets).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from rdflib import Graph, URIRef
from rdflib.term import Node


@dataclass
class SelectResult:
    """Rows of a SELECT: values are rdflib terms (URIRef, Literal, BNode); unbound are absent."""

    variables: list[str]
    rows: list[dict[str, Node]] = field(default_factory=list)

    def __iter__(self) -> Iterator[dict[str, Node]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


# Media types of SPARQL results, by what a client may ask for.
SELECT_MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_MEDIA_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "json-ld": "application/ld+json",
}


class Store(ABC):
    """A SPARQL dataset dutygraph reads and (when building) writes."""

    kind: str = "abstract"
    location: str = ""

    @abstractmethod
    def select(self, query: str) -> SelectResult:
        """Run a SELECT query against the union default graph."""

    @abstractmethod
    def ask(self, query: str) -> bool:
        """Run an ASK query."""

    @abstractmethod
    def construct(self, query: str) -> Graph:
        """Run a CONSTRUCT or DESCRIBE query."""

    @abstractmethod
    def raw_query(self, query: str, result_format: str) -> tuple[bytes, str]:
        """Run any read query and serialise it as the endpoint will send it.

        result_format is a key of SELECT_MEDIA_TYPES for SELECT/ASK or of GRAPH_MEDIA_TYPES
        for CONSTRUCT/DESCRIBE; returns the body and its media type.
        """

    @abstractmethod
    def graph_names(self) -> list[URIRef]:
        """The named graphs in the store."""

    @abstractmethod
    def export_graph(self, name: URIRef) -> Graph:
        """A copy of one named graph."""

    @abstractmethod
    def replace_graphs(self, graphs: Mapping[URIRef, Graph], *, drop_others: bool = False) -> None:
        """Replace the named graphs given (and, with drop_others, remove every other graph),
        all at once: readers see either the old contents or the new, never a mixture."""

    def triple_count(self) -> int:
        result = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        return int(result.rows[0]["n"]) if result.rows else 0  # type: ignore[call-overload]

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files or connections."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
