"""The result writers, for the web's modules that import them from here.

The one copy lives in dutygraph.sparql.results, below the limits layer, so that the query
workers write answers under the time and memory limits (limits.answers); nothing is
defined here.
"""

from __future__ import annotations

from ..sparql.results import (
    GRAPH_MEDIA,
    RESULT_MEDIA,
    Serialised,
    ask_bytes,
    graph_bytes,
    jsonld_context,
    select_bytes,
    term_json,
    write_ask,
    write_graph,
    write_select,
)

__all__ = ["GRAPH_MEDIA", "RESULT_MEDIA", "Serialised", "ask_bytes", "graph_bytes",
           "jsonld_context", "select_bytes", "term_json", "write_ask", "write_graph",
           "write_select"]
