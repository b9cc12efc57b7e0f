"""The service says which protections its query workers hold: /health from a running worker,
`dutygraph serve` at start, and both say so when a protection is missing."""

from __future__ import annotations

import pytest

from dutygraph.cli.serve import _sandbox_report
from dutygraph.limits import sandbox
from dutygraph.store import Store
from dutygraph.web import create_app


def test_health_reports_the_sandbox_a_worker_holds(store: Store) -> None:
    response = create_app(store).test_client().get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    held = body["sandbox"]
    assert set(held) >= {"network", "files", "scope", "notes", "complete"}
    if sandbox.landlock_abi():
        assert held["complete"] is True, held


def test_health_says_when_the_sandbox_is_off() -> None:
    # A store of its own: the first app over a store decides its pool's sandbox.
    from dutygraph.store import MemoryStore

    store = MemoryStore()
    held = create_app(store, {"SANDBOX": False}).test_client().get("/health").get_json()
    assert held["sandbox"]["complete"] is False
    assert "SANDBOX is off" in held["sandbox"]["notes"]
    # The same keys as a sandboxed worker's answer, each saying nothing held.
    assert {held["sandbox"][k] for k in ("network", "files", "scope", "syscalls")} == {"none"}


def test_health_says_when_queries_run_in_threads() -> None:
    from dutygraph.store import MemoryStore

    held = create_app(MemoryStore(), {"QUERY_EXECUTOR": "thread"}).test_client().get(
        "/health").get_json()
    assert held["sandbox"]["complete"] is False
    assert held["sandbox"]["syscalls"] == "none"
    assert any("thread" in note for note in held["sandbox"]["notes"])


def test_serve_says_what_held_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    if sandbox.landlock_abi():
        line = _sandbox_report("memory")
        assert "WARNING" not in line and "landlock" in line
    monkeypatch.setattr(sandbox, "landlock_abi", lambda: 0)
    line = _sandbox_report("memory")
    assert line.startswith("WARNING") and "Landlock" in line
    monkeypatch.setenv("DUTYGRAPH_SANDBOX", "0")
    assert "off" in _sandbox_report("memory")
