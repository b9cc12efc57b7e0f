"""What the answer-writing tests share (test_result_serialisation*.py): the formats of each
family, the shape of a case (a query and the status each format must give), and the one
check that an answer was written in a worker of the app's store, not in the server."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask
from werkzeug.test import TestResponse

RESULT_FORMATS = ["json", "xml", "csv", "tsv"]
GRAPH_FORMATS = ["turtle", "nt", "jsonld", "rdfxml"]


@dataclass(frozen=True)
class Case:
    query: str
    status: Mapping[str, int | tuple[int, ...]]  # format -> expected status (or any of
    # several); "*" for every other format
    says: str = ""  # words a refusal names

    def expected(self, fmt: str) -> tuple[int, ...]:
        found = self.status.get(fmt, self.status["*"])
        return found if isinstance(found, tuple) else (found,)

    def formats(self) -> list[str]:
        """The formats of its family: a graph query's or a results query's."""
        graph = self.query.startswith(("CONSTRUCT", "DESCRIBE"))
        return GRAPH_FORMATS if graph else RESULT_FORMATS


def table(status: Mapping[str, int | tuple[int, ...]], says: str,
          queries: Mapping[str, str]) -> dict[str, Case]:
    """Cases of one shape: each named query expects `status` and, refused, names `says`."""
    return {name: Case(query, dict(status), says) for name, query in queries.items()}


def parent_of(pid: int) -> int:
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return int(fh.read().rpartition(")")[2].split()[1])


def assert_written_by_a_worker(app: Flask, response: TestResponse) -> None:
    """The answer is a process id (a writer replaced by one that writes its own): one of the
    workers forked for the app's store, not the server process."""
    assert response.status_code == 200, response.get_data()[:300]
    pid = int(response.get_data())
    assert pid != os.getpid()
    assert parent_of(pid) == app.extensions["dutygraph.executor"].pool.zygote_pid
