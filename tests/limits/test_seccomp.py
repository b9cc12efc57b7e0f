"""The workers' system-call filter closes what the network namespace and Landlock leave open
(issue 16): path-named Unix sockets (the host's daemons), and with a remote store every socket
but TCP. Code handed straight to a worker, past every guard, tries each spelling of each kind
of socket against a listener of that kind that must hear nothing; the same spelling from this
unrestricted process is heard (so each check can fail). On every store kind: rdflib in memory,
Oxigraph in memory and on disk, and Oxigraph's server as a remote store. Queries, uploads and
the remote store's own route keep working inside the filter.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import inspect
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from rdflib import Graph, URIRef

from dutygraph.cli.serve import _sandbox_report
from dutygraph.limits import sandbox, seccomp
from dutygraph.limits.process_executor import ProcessExecutor
from dutygraph.store import Store
from dutygraph.store.remote import RemoteStore
from dutygraph.web import create_app
from tests.hardening.conftest import Listener
from tests.stores.servers import Server, oxigraph_server

pytestmark = pytest.mark.skipif(
    sandbox.landlock_abi() == 0 or os.uname().machine not in seccomp.ARCHES,
    reason="the kernel has no Landlock, or the filter does not handle this architecture")

KINDS = ["memory", "oxigraph_memory", "embedded", "oxigraph_server"]
REMOTE = {"oxigraph_server"}
UPLOAD = (Path(__file__).resolve().parents[1] / "cases" / "validation"
          / "a board with no annual report is reported under s14A" / "data.ttl")
FLAGS = socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC


# --- listeners that record what they hear, without threads ---------------------------------

class Ears:
    """One listener of each kind a spelling may aim at: Unix stream, datagram and seqpacket
    sockets by path (in a temporary folder) and by abstract name, and UDP on 127.0.0.1 and
    ::1. `heard(key)` reads without blocking: a connection or datagram sent before the call
    returned is already queued, so the answer does not depend on timing."""

    def __init__(self, folder: Path) -> None:
        self.socks: dict[str, socket.socket] = {}
        self.addresses: dict[str, Any] = {}
        tag = f"dutygraph-test-{os.getpid()}-{id(self)}"
        for name, kind in (("stream", socket.SOCK_STREAM), ("dgram", socket.SOCK_DGRAM),
                           ("seqpacket", socket.SOCK_SEQPACKET)):
            for where, address in (("path", str(folder / f"{name}.sock")),
                                   ("abstract", f"\0{tag}-{name}")):
                self._listen(f"unix-{name}-{where}", socket.AF_UNIX, kind, address)
        self._listen("udp-v4", socket.AF_INET, socket.SOCK_DGRAM, ("127.0.0.1", 0))
        self._listen("udp-v6", socket.AF_INET6, socket.SOCK_DGRAM, ("::1", 0))

    def _listen(self, key: str, family: int, kind: int, address: Any) -> None:
        sock = socket.socket(family, kind)
        sock.bind(address)
        if kind != socket.SOCK_DGRAM:
            sock.listen(8)
        sock.setblocking(False)
        self.socks[key] = sock
        self.addresses[key] = sock.getsockname() if family != socket.AF_UNIX else address

    def heard(self, key: str) -> list[bytes]:
        sock, found = self.socks[key], []
        while True:
            try:
                if sock.type == socket.SOCK_DGRAM:
                    found.append(sock.recv(4096))
                else:
                    conn, _ = sock.accept()
                    conn.close()
                    found.append(b"<connected>")
            except BlockingIOError:
                return found

    def close(self) -> None:
        for sock in self.socks.values():
            sock.close()


@pytest.fixture()
def ears(tmp_path: Path) -> Iterator[Ears]:
    # A short folder name: a Unix socket's path must fit in 108 bytes.
    folder = Path("/tmp") / f"dg-ears-{os.getpid()}-{id(tmp_path)}"
    folder.mkdir()
    found = Ears(folder)
    try:
        yield found
    finally:
        found.close()
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()


# --- what the worker runs -------------------------------------------------------------------

def send(family: int, kind: int, address: Any) -> str:
    """Open a socket of this spelling and send one message to the address."""
    with socket.socket(family, kind) as sock:
        if kind & ~FLAGS == socket.SOCK_DGRAM:
            sock.sendto(b"hello", address)
        else:
            sock.setblocking(True)
            sock.connect(address)
            sock.sendall(b"hello")
    return "sent"


def make(family: int, kind: int, proto: int) -> str:
    """Only make the socket: enough for families that need no listener to be refused."""
    with socket.socket(family, kind, proto):
        return "made"


def raw_call(number: int, *args: int) -> int:
    """A system call by number, as code that bypasses Python's wrappers would make it; the
    errno it failed with (0 if it succeeded, after closing what it made)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    buffer = ctypes.create_string_buffer(256)
    values = [ctypes.addressof(buffer) if a == BUFFER else a for a in args]
    done = libc.syscall(ctypes.c_long(number), *(ctypes.c_long(v) for v in values))
    if done >= 0:
        with contextlib.suppress(OSError):
            os.close(done)
        return 0
    return ctypes.get_errno()


def make_socketpair() -> str:
    first, second = socket.socketpair()
    first.close()
    second.close()
    return "made"


def tcp_to(host: str, port: int) -> str:
    with socket.create_connection((host, port), timeout=5):
        return "connected"


def resolve(name: str) -> list[str]:
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(name, 80)})


BUFFER = -0x5EC  # stands for the address of a zeroed buffer in raw_call's arguments
WORKER_FUNCTIONS = (send, make, raw_call, make_socketpair, tcp_to, resolve)
WORKER_CODE = ("from __future__ import annotations\nimport contextlib, ctypes, os, socket\n"
               f"FLAGS = {FLAGS}\nBUFFER = {BUFFER}\n"
               + "\n".join(inspect.getsource(fn) for fn in WORKER_FUNCTIONS))


def run(executor: ProcessExecutor, fn: Any, *args: Any) -> Any:
    """fn (one of WORKER_FUNCTIONS) called in a worker, shipped as source and run by eval: a
    worker over a store on disk is a fresh interpreter that cannot read this file (Landlock),
    so it could not unpickle a function defined here."""
    plain = tuple(int(a) if isinstance(a, int) else a for a in args)  # no enum reprs
    expression = (f"(lambda ns: (exec({WORKER_CODE!r}, ns), ns[{fn.__name__!r}](*{plain!r}))[1])"
                  "({})")
    return executor.call(eval, expression)


# --- the stores -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def oxigraph(repo_graphs: dict[URIRef, Graph]) -> Iterator[Server]:
    """Oxigraph's server holding the repository's graphs (tests/stores/servers.py)."""
    with oxigraph_server() as server:
        RemoteStore(server.query, update=server.update,
                    graphs=server.graphs).replace_graphs(repo_graphs, drop_others=True)
        yield server


@pytest.fixture(scope="module", params=KINDS)
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def app(kind: str, request: pytest.FixtureRequest) -> Flask:
    store: Store
    if kind == "oxigraph_server":
        server: Server = request.getfixturevalue("oxigraph")
        store = RemoteStore(server.query, update=server.update, graphs=server.graphs)
    else:
        store = request.getfixturevalue(f"{kind}_store")
    found = create_app(store, {"QUERY_TIMEOUT": 30.0})
    assert isinstance(found, Flask)
    return found


@pytest.fixture(scope="module")
def executor(app: Flask) -> ProcessExecutor:
    found = app.extensions["dutygraph.executor"]
    assert isinstance(found, ProcessExecutor)
    return found


def refused(executor: ProcessExecutor, fn: Any, *args: Any) -> OSError:
    with pytest.raises(OSError) as caught:
        run(executor, fn, *args)
    return caught.value


def by_the_filter(exc: OSError) -> bool:
    """EPERM is the filter's answer (Landlock's is EACCES, the namespace's ENETUNREACH). An
    exception rebuilt from a worker keeps its arguments, not always its errno attribute."""
    return isinstance(exc, PermissionError) and errno.EPERM in (exc.errno, exc.args[0])


# --- the families of spellings --------------------------------------------------------------

@dataclass(frozen=True)
class Spelling:
    family: int
    kind: int
    ears: str  # which listener it aims at

    def __str__(self) -> str:
        return f"{socket.AddressFamily(self.family).name}-{self.kind:#x}-{self.ears}"


UNIX_TYPES = {"stream": socket.SOCK_STREAM, "dgram": socket.SOCK_DGRAM,
              "seqpacket": socket.SOCK_SEQPACKET}
SPELLINGS = [
    *(Spelling(socket.AF_UNIX, base | flags, f"unix-{name}-{where}")
      for name, base in UNIX_TYPES.items() for where in ("path", "abstract")
      for flags in (0, socket.SOCK_NONBLOCK, socket.SOCK_CLOEXEC, FLAGS)),
    *(Spelling(family, socket.SOCK_DGRAM | flags, ears)
      for family, ears in ((socket.AF_INET, "udp-v4"), (socket.AF_INET6, "udp-v6"))
      for flags in (0, socket.SOCK_NONBLOCK, socket.SOCK_CLOEXEC, FLAGS)),
]

# Sockets no worker may make, whatever address they would be used with.
OTHER_SOCKETS = {
    "raw IPv4 (UDP)": (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP),
    "raw IPv4 (ICMP)": (socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP),
    "raw IPv6": (socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_UDP),
    "ping socket": (socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP),
    "SCTP as a stream": (socket.AF_INET, socket.SOCK_STREAM, 132),
    "SCTP as seqpacket": (socket.AF_INET, socket.SOCK_SEQPACKET, 132),
    "MPTCP": (socket.AF_INET, socket.SOCK_STREAM, 262),
    "MPTCP over IPv6": (socket.AF_INET6, socket.SOCK_STREAM | FLAGS, 262),
    "TCP with a type flag the filter does not mask": (socket.AF_INET, socket.SOCK_STREAM
                                                       | 0x100, 0),
    "packet": (socket.AF_PACKET, socket.SOCK_RAW, 0),
    "netlink (routes)": (socket.AF_NETLINK, socket.SOCK_RAW, 0),
    "netlink (audit)": (socket.AF_NETLINK, socket.SOCK_DGRAM, 9),
    "Unix, protocol 0 spelled as a flag-laden type": (socket.AF_UNIX, socket.SOCK_DGRAM
                                                      | FLAGS, 0),
    "vsock": (40, socket.SOCK_STREAM, 0),
    "alg (kernel crypto)": (38, socket.SOCK_SEQPACKET, 0),
}

X32 = seccomp.X86_64.foreign_bit
AROUND_THE_FILTER = {
    # x32 numbers name the same calls; a filter matching only x86_64 numbers would miss them.
    "socket as an x32 call": (X32 | 41, socket.AF_UNIX, socket.SOCK_STREAM, 0),
    "socket as an x32 call (UDP)": (X32 | 41, socket.AF_INET, socket.SOCK_DGRAM, 0),
    "socketpair as an x32 call": (X32 | 53, socket.AF_UNIX, socket.SOCK_STREAM, 0, BUFFER),
    "socketpair": (53, socket.AF_UNIX, socket.SOCK_STREAM, 0, BUFFER),
    "io_uring_setup": (425, 4, BUFFER),
    "io_uring_enter": (426, 0, 1, 0, 0, 0),
    "io_uring_register": (427, 0, 0, 0, 0),
    "ptrace(PTRACE_ATTACH) of the zygote": (101, 16, -1, 0, 0),
    "ptrace(PTRACE_TRACEME)": (101, 0, 0, 0, 0),
    "process_vm_readv": (310, 1, BUFFER, 1, BUFFER, 1, 0),
    "process_vm_writev": (311, 1, BUFFER, 1, BUFFER, 1, 0),
    "pidfd_getfd": (438, 0, 0, 0),
}


# --- the tests ------------------------------------------------------------------------------

def test_a_worker_reports_the_filter_with_the_other_protections(kind: str, app: Flask,
                                                                executor: ProcessExecutor) -> None:
    held = executor.call(sandbox.status)
    expected = seccomp.describe(allow_tcp=kind in REMOTE)
    assert held["syscalls"] == expected, held
    assert held["complete"] is True, held
    health = app.test_client().get("/health").get_json()["sandbox"]
    assert health["syscalls"] == expected, health


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
def test_the_listeners_hear_a_process_outside_the_sandbox(ears: Ears,
                                                          spelling: Spelling) -> None:
    """The control: each check below could fail."""
    send(spelling.family, spelling.kind, ears.addresses[spelling.ears])
    assert ears.heard(spelling.ears)


@pytest.mark.parametrize("spelling", SPELLINGS, ids=str)
def test_a_unix_or_udp_socket_made_in_a_worker_reaches_no_listener(
        executor: ProcessExecutor, ears: Ears, spelling: Spelling) -> None:
    exc = refused(executor, send, spelling.family, spelling.kind,
                  ears.addresses[spelling.ears])
    assert by_the_filter(exc), exc
    assert ears.heard(spelling.ears) == []


@pytest.mark.parametrize("name", sorted(OTHER_SOCKETS))
def test_sockets_of_other_families_and_protocols_cannot_be_made_in_a_worker(
        executor: ProcessExecutor, name: str) -> None:
    exc = refused(executor, make, *OTHER_SOCKETS[name])
    assert by_the_filter(exc), exc


@pytest.mark.parametrize("name", sorted(AROUND_THE_FILTER))
def test_calls_around_the_filter_or_into_another_process_are_refused(
        executor: ProcessExecutor, name: str) -> None:
    number, *args = AROUND_THE_FILTER[name]
    assert run(executor, raw_call, number, *args) == errno.EPERM


def test_a_socketpair_cannot_be_made_in_a_worker(executor: ProcessExecutor) -> None:
    """Its pipe to the app is made before it starts; a pair made inside could only serve to
    hand descriptors around."""
    exc = refused(executor, make_socketpair)
    assert by_the_filter(exc), exc


def test_a_local_stores_worker_makes_no_tcp_socket_either(kind: str,
                                                          executor: ProcessExecutor) -> None:
    if kind in REMOTE:
        pytest.skip("a remote store's worker needs TCP to its server")
    lst = Listener()
    try:
        for family, host in ((socket.AF_INET, "127.0.0.1"), (socket.AF_INET6, "::1")):
            for flags in (0, FLAGS):
                exc = refused(executor, make, family, socket.SOCK_STREAM | flags, 0)
                assert by_the_filter(exc), exc
            exc = refused(executor, tcp_to, host, lst.port)
            assert isinstance(exc, OSError), exc
        assert lst.connections() == []
    finally:
        lst.close()


def test_a_remote_stores_worker_reaches_its_server_and_no_other_tcp_port(
        kind: str, app: Flask, executor: ProcessExecutor, request: pytest.FixtureRequest) -> None:
    if kind not in REMOTE:
        pytest.skip("only a remote store's worker keeps TCP")
    server: Server = request.getfixturevalue("oxigraph")
    port = int(server.query.rsplit(":", 1)[1].split("/")[0])
    assert run(executor, tcp_to, "127.0.0.1", port) == "connected"
    other = Listener()
    try:
        refused(executor, tcp_to, "127.0.0.1", other.port)
        assert other.connections() == []
    finally:
        other.close()
    # No name can be resolved inside: a DNS query is UDP.
    with pytest.raises(OSError):
        run(executor, resolve, "example.org")


@pytest.mark.parametrize("query", [
    "ASK { ?s ?p ?o }",
    "SELECT ?label WHERE { <https://w3id.org/dutygraph/id/role/dcs> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?label }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 3",
])
def test_queries_still_work_inside_the_filter(app: Flask, query: str) -> None:
    response = app.test_client().get("/sparql", query_string={"query": query},
                                     headers={"Accept": "application/sparql-results+json, "
                                                        "text/turtle"})
    assert response.status_code == 200, response.data
    assert response.data.strip()
    if query.startswith("ASK"):
        assert response.get_json()["boolean"] is True


@pytest.mark.parametrize("content_type", ["text/turtle", "text/turtle; charset=utf-8"])
def test_uploads_are_still_validated_inside_the_filter(app: Flask, content_type: str) -> None:
    response = app.test_client().post("/api/validate?as_of=2013-05-07",
                                      data=UPLOAD.read_bytes(), content_type=content_type)
    assert response.status_code == 200, response.data
    report = response.get_json()
    assert report["conforms"] is False
    assert any("section/14A" in p for f in report["results"] for p in f["provisions"])


def test_a_remote_server_named_by_host_name_is_resolved_before_the_filter(
        oxigraph: Server) -> None:
    by_name = oxigraph.query.replace("127.0.0.1", "localhost")
    store = RemoteStore(by_name, update=oxigraph.update, graphs=oxigraph.graphs)
    app = create_app(store, {"QUERY_TIMEOUT": 30.0})
    executor = app.extensions["dutygraph.executor"]
    held = executor.call(sandbox.status)
    assert held["syscalls"] == seccomp.describe(allow_tcp=True), held
    assert "127.0.0.1" in run(executor, resolve, "localhost")
    with pytest.raises(OSError):
        run(executor, resolve, "example.org")
    response = app.test_client().get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"},
                                     headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data
    assert response.get_json()["boolean"] is True


# --- where the filter cannot be installed -----------------------------------------------------

def _kernel_refuses(allow_tcp: bool) -> str:
    raise OSError(errno.EINVAL, "seccomp(SECCOMP_SET_MODE_FILTER) refused: Invalid argument")


@pytest.mark.parametrize(("refusal", "note"), [
    ("kernel", "seccomp(SECCOMP_SET_MODE_FILTER) refused"),
    ("architecture", "no system-call filter for this architecture"),
])
def test_where_the_filter_is_refused_the_status_and_serve_say_so(
        monkeypatch: pytest.MonkeyPatch, refusal: str, note: str) -> None:
    if refusal == "kernel":
        monkeypatch.setattr(seccomp, "install", _kernel_refuses)
    else:
        monkeypatch.setattr(seccomp, "ARCHES", {})
    held = sandbox.probe(sandbox.default_policy())
    assert held.syscalls == "none" and not held.complete
    assert any(note in n for n in held.notes), held.notes
    line = _sandbox_report("memory")
    assert line.startswith("WARNING") and note in line


def test_serve_names_the_filter_when_it_holds() -> None:
    line = _sandbox_report("memory")
    assert "WARNING" not in line, line
    assert "system calls: " + seccomp.describe(allow_tcp=False) in line


@pytest.mark.parametrize("allow_tcp", [False, True])
def test_the_filter_checks_the_architecture_before_reading_a_call_number(
        allow_tcp: bool) -> None:
    first, second, third = seccomp.program(seccomp.X86_64, allow_tcp)[:3]
    assert first == (seccomp.BPF_LD_W_ABS, 0, 0, seccomp.OFFSET_ARCH)
    assert second[0] == seccomp.BPF_JEQ_K and second[3] == seccomp.X86_64.audit
    kill = seccomp.program(seccomp.X86_64, allow_tcp)[2 + second[2]]
    assert kill == (seccomp.BPF_RET_K, 0, 0, seccomp.SECCOMP_RET_KILL_PROCESS)
    assert third == (seccomp.BPF_LD_W_ABS, 0, 0, seccomp.OFFSET_NR)
