"""Errors that reach users: each names the file, line or parameter at fault.

The CLI maps InputError to exit code 2 (bad input, nothing was run or written) and
StoreError to exit code 3 (a store could not be reached or refused the request).
"""

from __future__ import annotations


class DutygraphError(Exception):
    """Base of every error dutygraph reports to a user in words."""


class InputError(DutygraphError):
    """Bad input: unreadable or malformed file, unknown parameter, bad date..."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 parameter: str | None = None) -> None:
        self.file = file
        self.line = line
        self.parameter = parameter
        self.reason = message
        where = []
        if file:
            where.append(f"{file}:{line}" if line else file)
        if parameter:
            where.append(f"parameter '{parameter}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class StoreError(DutygraphError):
    """A store could not be opened or reached, or refused a request; names the URL or path."""


class EngineRefused(StoreError):
    """A named query not run because the store's engine is known to answer it wrongly."""


class QueryTimeout(StoreError):
    """A query ran past its time limit and was stopped."""


class ResultTooLarge(StoreError):
    """A query's result passed the configured row or byte cap."""
