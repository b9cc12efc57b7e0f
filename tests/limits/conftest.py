"""Fixtures of the limits tests: the app's executor over every local store kind, a loopback
listener that must hear nothing, and a canary file whose access time shows any read."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import Store
from dutygraph.web import create_app
from tests.serving import Listener, listener, oxigraph_memory_store, store_of_kind

# Shared with the web and hardening tests (tests/serving.py); the fixtures for this folder.
__all__ = ["Listener", "listener", "oxigraph_memory_store"]

STORE_KINDS = ["memory", "oxigraph_memory", "embedded"]
LONG_AGO = 1_000_000_000  # 2001: an access time any read on a relatime filesystem moves


@pytest.fixture(params=STORE_KINDS)
def store(request: pytest.FixtureRequest) -> Store:
    return store_of_kind(request)


@pytest.fixture()
def executor(store: Store) -> ProcessExecutor:
    found = create_app(store, {"QUERY_TIMEOUT": 20.0}).extensions["dutygraph.executor"]
    assert isinstance(found, ProcessExecutor)
    return found



class Canary:
    """A file whose access time is set long ago: reading it moves the time (relatime updates
    an access time older than the modification time), so `was_read()` shows any read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.write_text("<urn:canary> <urn:canary> <urn:canary> .\n", encoding="utf-8")
        os.utime(path, (LONG_AGO, LONG_AGO + 10))

    def was_read(self) -> bool:
        return os.stat(self.path).st_atime > LONG_AGO + 5


@pytest.fixture()
def canary(tmp_path: Path) -> Canary:
    found = Canary(tmp_path / f"canary-{time.monotonic_ns()}.ttl")
    # The check itself must be able to fail: a read from this process moves the time.
    control = Canary(tmp_path / "control.ttl")
    control.path.read_bytes()
    if not control.was_read():
        pytest.skip("this filesystem does not update access times (noatime)")
    return found
