"""The named-query catalogue: dutygraph's questions as SPARQL files in queries/.

    from dutygraph.queries import catalogue, get_query, run_query
    result = run_query(store, "board-partners", {"authority": "Bromley", "as_of": "2013-05-01"})
    result.records()

The same catalogue backs `dutygraph query` and the HTTP API (/api/queries).
"""

from .catalogue import NamedQuery, Param, catalogue, get_query
from .result import QueryResult
from .run import bound_text, run_query

__all__ = ["NamedQuery", "Param", "QueryResult", "bound_text", "catalogue", "get_query",
           "run_query"]
