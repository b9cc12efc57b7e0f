"""Starting and stopping the servers a benchmark measures, and running bounded worker processes.

Servers listen only on 127.0.0.1, on ports the OS hands out, and are stopped by the process id
this module started (the process group it created), never by name.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VENV_BIN = Path(sys.executable).parent
# The repository root: workers run `python -m tools.bench.worker`, which needs it on the path.
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(url: str, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    """Wait until url answers (any HTTP status), or raise naming the url and the server's end."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server for {url} exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                resp.read()
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s ({last})")


@dataclass
class Server:
    name: str
    proc: subprocess.Popen[bytes]
    base_url: str
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


@contextlib.contextmanager
def server(name: str, argv: list[str], ready_path: str, port: int, log_dir: Path,
           timeout: float = 60.0, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Run a server (its own process group) until the block ends."""
    log = log_dir / f"{name}.log"
    fh = log.open("wb")
    proc = subprocess.Popen(argv, stdout=fh, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, **(env or {})})
    srv = Server(name, proc, f"http://127.0.0.1:{port}", log)
    try:
        wait_http(srv.base_url + ready_path, timeout, proc)
        yield srv
    except RuntimeError as exc:
        tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
        raise RuntimeError(f"{exc}; log tail: {tail}") from exc
    finally:
        srv.stop()
        fh.close()


def oxigraph_server(location: Path, log_dir: Path) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    argv = [str(VENV_BIN / "oxigraph"), "serve-read-only", "--location", str(location),
            "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    return server("oxigraph", argv, "/query?query=ASK%7B%7D", port, log_dir)


def dutygraph_server(location: Path, log_dir: Path, extra: list[str] | None = None,
                     env: dict[str, str] | None = None
                     ) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    argv = [str(VENV_BIN / "dutygraph"), "serve", "--store", str(location), "--host",
            "127.0.0.1", "--port", str(port), *(extra or [])]
    return server("dutygraph-serve", argv, "/api/queries", port, log_dir, timeout=120,
                  env=env)


# The whole run's deadline (time.monotonic()), set by __main__: no worker outlives it.
DEADLINE: float | None = None


def remaining(timeout: float) -> float:
    """timeout, cut to what is left of the current stage's (or the run's) time."""
    if DEADLINE is not None:
        return max(1.0, min(timeout, DEADLINE - time.monotonic()))
    return timeout


class CommandFailed(RuntimeError):
    """A command the benchmark ran failed; its standard error goes into the report."""

    def __init__(self, message: str, stderr: str) -> None:
        super().__init__(message)
        self.stderr = stderr


def run_command(argv: list[str], timeout: float) -> str:
    """Run a command in its own process group, bounded by timeout (and the stage's time);
    return its standard error, or raise CommandFailed with it (exit code or time limit)."""
    timeout = remaining(timeout)
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        _out, err = proc.communicate()
        text = err.decode(errors="replace")
        raise CommandFailed(f"{Path(argv[0]).name} {argv[1]}: stopped at its budget of "
                            f"{timeout:.0f} s", text) from None
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    text = err.decode(errors="replace")
    if proc.returncode != 0:
        last = text.strip().splitlines()[-1] if text.strip() else "(nothing on stderr)"
        raise CommandFailed(f"{Path(argv[0]).name} {argv[1]} exited {proc.returncode}: "
                            f"{last[:400]}", text)
    return text


def run_worker(task: str, args: dict[str, Any], timeout: float) -> tuple[list[dict[str, Any]],
                                                                          str | None]:
    """Run `python -m tools.bench.worker TASK` with a deadline; return its JSON lines.

    Lines written before a timeout are kept, so a slow engine still reports what it finished.
    Returns (records, error) where error says why the worker stopped early, if it did.
    """
    timeout = remaining(timeout)
    argv = [sys.executable, "-m", "tools.bench.worker", task, json.dumps(args)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True, env=env)
    error = None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        error = f"stopped at the {timeout:.0f} s budget"
    except BaseException:  # the stage's own budget: the worker must not outlive it
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        raise
    records = []
    for line in out.decode(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                records.append(json.loads(line))
    if error is None and proc.returncode:
        error = f"exit {proc.returncode}: {err.decode(errors='replace')[-400:]}"
    return records, error
