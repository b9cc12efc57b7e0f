"""Real SPARQL servers for tests and benchmarks, started on loopback and stopped afterwards.

    with oxigraph_server() as srv:          # Oxigraph's own server (PyPI package `oxigraph`)
        store = RemoteStore(srv.query, update=srv.update, graphs=srv.graphs)
    with virtuoso_server() as srv:          # OpenLink Virtuoso 7 (Debian virtuoso-opensource)
        store = RemoteStore(srv.query, update=srv.update, graphs=srv.graphs,
                            user=srv.user, password=srv.password)

Each server gets a free port on 127.0.0.1 and its data in a fresh temporary folder (or the one
given); it runs in its own process group, which is killed on exit. A missing program is an
error naming the make target that installs it, never a skip: the suite must not pass silently
without the servers it claims to test.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
START_TIMEOUT = 60.0  # seconds a server may take to answer its first query


class ServerUnavailable(RuntimeError):
    """A server program is missing or would not start; the message says how to fix it."""


@dataclass
class Server:
    """A running SPARQL server: where to query, update and put graphs, and how to log in."""

    name: str
    query: str
    update: str
    graphs: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    data_dir: Path = field(default_factory=Path)
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None

    def env(self) -> dict[str, str]:
        """The environment variables that point dutygraph at this server."""
        env = {"DUTYGRAPH_STORE": self.query, "DUTYGRAPH_STORE_UPDATE": self.update,
               "DUTYGRAPH_STORE_GRAPHS": self.graphs}
        if self.user:
            env["DUTYGRAPH_STORE_USER"] = self.user
        if self.password:
            env["DUTYGRAPH_STORE_PASSWORD"] = self.password
        return env

    def cli_args(self) -> list[str]:
        return ["--store", self.query, "--store-update", self.update,
                "--store-graphs", self.graphs]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _program(name: str, hint: str) -> str:
    beside_python = Path(sys.executable).parent / name
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which(name)
    if not found:
        raise ServerUnavailable(f"{name} is not installed ({hint})")
    return found


def _log_tail(log: Path | None, limit: int = 2000) -> str:
    if log is None or not log.exists():
        return ""
    return log.read_text(errors="replace")[-limit:]


def _wait_until_answering(server: Server, timeout: float = START_TIMEOUT) -> None:
    """Poll the query endpoint with ASK {} until it answers, the process dies or time runs out."""
    url = server.query + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + timeout
    last_error = ""
    while time.monotonic() < deadline:
        if server.process is not None and server.process.poll() is not None:
            raise ServerUnavailable(
                f"{server.name} exited with code {server.process.returncode} while starting:\n"
                f"{_log_tail(server.log)}")
        try:
            req = urllib.request.Request(
                url, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(req, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last_error = str(exc)
        time.sleep(0.2)
    raise ServerUnavailable(f"{server.name} did not answer at {server.query} within "
                            f"{timeout:.0f} s ({last_error}):\n{_log_tail(server.log)}")


def _stop(process: subprocess.Popen[bytes] | None, grace: float = 10.0) -> None:
    """Stop the server's process group: SIGTERM, then SIGKILL if it lingers."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=grace)


@contextlib.contextmanager
def _data_dir(data_dir: Path | None, prefix: str) -> Iterator[Path]:
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
        yield data_dir
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        yield Path(tmp)


@contextlib.contextmanager
def oxigraph_server(data_dir: Path | None = None, *, timeout_s: int | None = None,
                    union_default_graph: bool = True) -> Iterator[Server]:
    """Oxigraph's server (`oxigraph serve`) with its store in data_dir (default: a temp folder).

    The union-default-graph option makes its default graph the union of the named graphs,
    as dutygraph expects of every store; RemoteStore does not rely on it (it names the
    graphs in each request), but clients querying the server directly do.
    """
    program = _program("oxigraph", "run `make install`: the PyPI package oxigraph provides it")
    with _data_dir(data_dir, "dutygraph-oxigraph-") as folder:
        port = free_port()
        store_dir = folder / "store"
        log = folder / "oxigraph.log"
        command = [program, "serve", "--location", str(store_dir), "--bind", f"127.0.0.1:{port}"]
        if union_default_graph:
            command.append("--union-default-graph")
        if timeout_s:
            command += ["--timeout-s", str(timeout_s)]
        base = f"http://127.0.0.1:{port}"
        with open(log, "wb") as log_fh:
            process = subprocess.Popen(command, stdout=log_fh, stderr=subprocess.STDOUT,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        server = Server("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store",
                        data_dir=store_dir, process=process, log=log)
        try:
            _wait_until_answering(server)
            yield server
        finally:
            _stop(process)


def _virtuoso_ini(folder: Path, sql_port: int, http_port: int) -> str:
    """The packaged virtuoso.ini with every file, port and allowed folder moved to `folder`."""
    if not VIRTUOSO_INI.exists():
        raise ServerUnavailable(f"{VIRTUOSO_INI} is missing (run `make system`: it installs "
                                "the Debian package virtuoso-opensource)")
    files = {
        "Database": {"DatabaseFile": "virtuoso.db", "ErrorLogFile": "virtuoso.log",
                     "LockFile": "virtuoso.lck", "TransactionFile": "virtuoso.trx",
                     "xa_persistent_file": "virtuoso.pxa"},
        "TempDatabase": {"DatabaseFile": "virtuoso-temp.db",
                         "TransactionFile": "virtuoso-temp.trx"},
    }
    settings = {
        "Parameters": {"ServerPort": f"127.0.0.1:{sql_port}",
                       "DirsAllowed": f"., {folder}, /usr/share/virtuoso-opensource-7/vad",
                       # keep a test server small: the packaged buffers suit a dedicated host
                       "NumberOfBuffers": "20000", "MaxDirtyBuffers": "15000",
                       "CheckpointInterval": "0"},
        "HTTPServer": {"ServerPort": f"127.0.0.1:{http_port}"},
        # The packaged cap of 10,000 rows would silently truncate large results; its cost
        # estimate refuses some of the catalogue's queries when they name many graphs (the
        # four-hop chains, which dutygraph evaluates itself against Virtuoso, are estimated at
        # 10^5 to 3 x 10^7 s though they run in about a second); a query running past the time
        # limit is cut short and reported (RemoteStore raises).
        "SPARQL": {"ResultSetMaxRows": "1000000", "MaxQueryCostEstimationTime": "100000",
                   "MaxQueryExecutionTime": "120"},
    }
    out: list[str] = []
    section = ""
    for raw in VIRTUOSO_INI.read_text().splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
            out.append(raw)
            continue
        key = line.split("=", 1)[0].strip() if "=" in line and not line.startswith(";") else ""
        if key and key in files.get(section, {}):
            out.append(f"{key} = {folder / files[section][key]}")
        elif key and key in settings.get(section, {}):
            out.append(f"{key} = {settings[section].pop(key)}")
        else:
            out.append(raw)
    # settings not present in the packaged file: append them to their sections
    text = "\n".join(out) + "\n"
    for sect, rest in settings.items():
        if rest:
            extra = "".join(f"{k} = {v}\n" for k, v in rest.items())
            text = text.replace(f"[{sect}]\n", f"[{sect}]\n{extra}", 1)
    return text


def _set_dba_password(isql: str, sql_port: int, password: str, log: Path) -> None:
    """A fresh database's dba password is "dba"; give this one a random password instead,
    so tests can check that no message or log ever shows it."""
    statement = f"USER_PASSWORD_SET('dba', '{password}');"
    result = subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba", f"exec={statement}"],
                            capture_output=True, text=True, timeout=60, check=False)
    if result.returncode != 0 or "Error" in result.stdout + result.stderr:
        raise ServerUnavailable(f"could not set the Virtuoso dba password "
                                f"(isql exit {result.returncode}):\n{_log_tail(log)}")


@contextlib.contextmanager
def virtuoso_server(data_dir: Path | None = None) -> Iterator[Server]:
    """A private OpenLink Virtuoso 7 with a random dba password, on loopback ports.

    Queries go to /sparql (anonymous, read-only); updates to /sparql-auth and graphs to the
    Graph Store endpoint /sparql-graph-crud-auth, both with HTTP digest authentication as dba.
    """
    hint = "run `make system`: it installs the Debian package virtuoso-opensource"
    program = _program("virtuoso-t", hint)
    isql = _program("isql-vt", hint)
    with _data_dir(data_dir, "dutygraph-virtuoso-") as folder:
        sql_port, http_port = free_port(), free_port()
        while http_port == sql_port:
            http_port = free_port()
        ini = folder / "virtuoso.ini"
        ini.write_text(_virtuoso_ini(folder, sql_port, http_port))
        password = "dg-" + secrets.token_hex(12)
        log = folder / "virtuoso.log"
        with open(folder / "stdout.log", "wb") as out_fh:
            process = subprocess.Popen(
                [program, "+foreground", "+configfile", str(ini)],
                cwd=folder, stdout=out_fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                start_new_session=True)
        base = f"http://127.0.0.1:{http_port}"
        server = Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth",
                        f"{base}/sparql-graph-crud-auth", user="dba", password=password,
                        data_dir=folder, process=process, log=log)
        try:
            _wait_until_answering(server)
            _set_dba_password(isql, sql_port, password, log)
            yield server
        finally:
            _stop(process, grace=30.0)


SERVERS = {"oxigraph": oxigraph_server, "virtuoso": virtuoso_server}
