"""Where the store modules used to find the term conversions, until each imports
dutygraph.terms directly (issue 17: a shim to be removed)."""

from ..terms import to_oxigraph, to_rdflib

__all__ = ["to_oxigraph", "to_rdflib"]
