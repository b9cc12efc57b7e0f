"""SPARQL as dutygraph reads it: the one guard every query passes (guard.py), its documented
limits (limits.py) and the edits the binder and the endpoint make to a checked text (text.py).
Nothing else in the package reads SPARQL text."""

from .guard import READ_ONLY_MESSAGE, SERVICE_MESSAGE, CheckedQuery, check_query, check_update

__all__ = ["READ_ONLY_MESSAGE", "SERVICE_MESSAGE", "CheckedQuery", "check_query",
           "check_update"]
