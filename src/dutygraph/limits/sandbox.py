"""The sandbox a query or parse worker enters before it touches untrusted work.

Guards (the SPARQL front door, the JSON-LD loader that loads nothing) decide what a request
may ask for; this module makes sure that whatever they miss cannot reach out. A worker calls
`enter(policy)` once, right after it is forked and before its first request:

- **Network.** With a local store the worker moves into a network namespace of its own
  (unshare(CLONE_NEWNET)): it has no interface but a loopback that is down, so it has no
  route to any host, the host's own loopback included, and cannot see the host's abstract
  Unix sockets. With a remote store it keeps the host's network (it must reach the server),
  and Landlock's TCP rules (ABI 4 and later) allow a connection to the server's port only
  and no bind at all.
- **Files.** Landlock rules (ABI 1 and later) allow reading only what the worker needs: the
  store's folder, the interpreter and its libraries, the package and its data folders
  (ontology/, shapes/, queries/, the JSON-LD context), the system's shared libraries and a few
  device and /etc files; writing only a private temporary folder. Any other file, the
  repository's own data/ and the user's files included, cannot be opened at all.
- **Scope.** With Landlock ABI 6 and later the worker may neither signal a process outside its
  sandbox (the server) nor connect to an abstract Unix socket outside it.
- **System calls.** Last, a seccomp filter (seccomp.py) closes what the two above leave open:
  path-named Unix sockets (the host's daemons), which neither a namespace nor Landlock stops,
  and, with a remote store, every socket but TCP (UDP, raw, netlink...). It also refuses
  socketpair, io_uring and the calls that read or steer another process. A remote server named
  by host name is resolved once before the filter (the worker can send no DNS query after it)
  and that one name answers from the pinned addresses.

Each layer is tried on its own; what the kernel refuses is recorded, not fatal, and the
resulting `SandboxStatus` is what `dutygraph serve` prints at start and /health reports
(`probe()` forks a child that enters the sandbox and reports what held). No third-party code:
the three Landlock system calls and unshare are called through ctypes.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import ipaddress
import json
import os
import site
import socket
import struct
import sys
import sysconfig
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import seccomp

# x86_64 and aarch64 share the Landlock numbers (they are in the generic table).
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RULE_NET_PORT = 2
CLONE_NEWNET = 0x40000000
PR_SET_NO_NEW_PRIVS = 38

# Filesystem rights, by the ABI that introduced them.
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_REMOVE_DIR = 1 << 4
FS_REMOVE_FILE = 1 << 5
FS_MAKE_CHAR = 1 << 6
FS_MAKE_DIR = 1 << 7
FS_MAKE_REG = 1 << 8
FS_MAKE_SOCK = 1 << 9
FS_MAKE_FIFO = 1 << 10
FS_MAKE_BLOCK = 1 << 11
FS_MAKE_SYM = 1 << 12
FS_REFER = 1 << 13  # ABI 2
FS_TRUNCATE = 1 << 14  # ABI 3
FS_IOCTL_DEV = 1 << 15  # ABI 5
NET_BIND_TCP = 1 << 0  # ABI 4
NET_CONNECT_TCP = 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0  # ABI 6
SCOPE_SIGNAL = 1 << 1  # ABI 6

READ = FS_READ_FILE | FS_READ_DIR
READ_EXEC = READ | FS_EXECUTE
FILE_ONLY = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV

# Files outside the folders below that Python, SSL and name resolution open.
SYSTEM_FILES = ("/dev/null", "/dev/urandom", "/dev/random", "/etc/localtime",
                "/proc/self", "/sys/devices/system/cpu")
SYSTEM_FOLDERS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/share/zoneinfo")
# Files of the repository's data/ that validation reads in a worker (data/ is otherwise closed).
VALIDATOR_DATA_FILES = ("local/record-windows.ttl",)
# Only a worker that reaches a remote server by name needs these.
RESOLVER_FILES = ("/etc/resolv.conf", "/etc/hosts", "/etc/nsswitch.conf", "/etc/gai.conf",
                  "/etc/host.conf", "/etc/ssl", "/usr/share/ca-certificates",
                  "/etc/ca-certificates")


@dataclass(frozen=True)
class Policy:
    """What one pool's workers may reach: files to read, a folder to write, a remote port."""

    read: tuple[str, ...] = ()
    write: tuple[str, ...] = ()
    remote: tuple[str, int] | None = None  # (host, port) of a remote store's server


@dataclass
class SandboxStatus:
    """Which protections a worker holds; `notes` says why one did not."""

    network: str = "none"  # "own namespace", "tcp to port N only", "none"
    files: str = "none"  # "landlock ABI n", "none"
    scope: str = "none"  # "signals and abstract sockets", "none"
    syscalls: str = "none"  # what the seccomp filter refuses, "none"
    notes: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return self.network != "none" and self.files != "none" and self.syscalls != "none"

    def summary(self) -> str:
        text = (f"network: {self.network}; files: {self.files}; scope: {self.scope}; "
                f"system calls: {self.syscalls}")
        return text + (f" ({'; '.join(self.notes)})" if self.notes else "")

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "complete": self.complete}


# The status of this process (set by enter(); read by status() inside a worker).
_STATUS: SandboxStatus | None = None


def status() -> dict[str, object]:
    """What this process's sandbox holds (called in a worker, e.g. for /health)."""
    return (_STATUS or SandboxStatus(notes=["not sandboxed"])).as_dict()


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, or 0 where it has none (or it is disabled)."""
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    abi = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0),
                       ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return max(int(abi), 0)


def default_policy(store_location: str | None = None, remote_url: str | None = None,
                   write: str | None = None) -> Policy:
    """The policy of a worker over a store: its folder (if on disk) or its server (if remote),
    the interpreter and the package, and a private temporary folder."""
    from .. import paths

    read: list[str] = [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix]
    for key in ("stdlib", "platstdlib", "purelib", "platlib"):
        with contextlib.suppress(KeyError):
            read.append(sysconfig.get_paths()[key])
    with contextlib.suppress(AttributeError):
        read.extend(site.getsitepackages())
    read.extend(p for p in sys.path if p and Path(p).is_dir() and "site-packages" in p)
    read.append(str(Path(__file__).resolve().parents[1]))  # the dutygraph package
    read.append(str(Path(sys.executable).resolve().parent))
    read.append(str(Path(sys.executable).parent))
    for folder in (paths.ontology_dir, paths.shapes_dir, paths.queries_dir,
                   paths.context_file):
        with contextlib.suppress(Exception):
            read.append(str(folder()))
    # Of data/, only the validator's own settings (how long a record stays current); an
    # absent file is skipped when the rules are made.
    for settings in VALIDATOR_DATA_FILES:
        with contextlib.suppress(Exception):
            read.append(str(paths.data_dir() / settings))
    read.extend(SYSTEM_FILES + SYSTEM_FOLDERS)
    remote = None
    if remote_url:
        parts = urlsplit(remote_url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        remote = (parts.hostname or "", port)
        read.extend(RESOLVER_FILES)
    if store_location:
        read.append(str(Path(store_location).resolve()))
    writable = write or tempfile.mkdtemp(prefix="dutygraph-worker-")
    return Policy(read=tuple(dict.fromkeys(read)), write=(writable,), remote=remote)


def _own_network(libc: ctypes.CDLL) -> None:
    if libc.unshare(CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


def _landlock(libc: ctypes.CDLL, abi: int, policy: Policy, status: SandboxStatus) -> None:
    handled_fs = (FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_READ_DIR | FS_REMOVE_DIR
                  | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG | FS_MAKE_SOCK
                  | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM)
    if abi >= 2:
        handled_fs |= FS_REFER
    if abi >= 3:
        handled_fs |= FS_TRUNCATE
    if abi >= 5:
        handled_fs |= FS_IOCTL_DEV
    handled_net = NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 and policy.remote else 0
    scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0
    if abi >= 6:
        attr = struct.pack("=QQQ", handled_fs, handled_net, scoped)
    elif abi >= 4:
        attr = struct.pack("=QQ", handled_fs, handled_net)
    else:
        attr = struct.pack("=Q", handled_fs)
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = int(libc.syscall(SYS_LANDLOCK_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)),
                               ctypes.c_uint32(0)))
    if ruleset < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"landlock_create_ruleset: {os.strerror(err)}")
    try:
        write = handled_fs & ~FS_EXECUTE
        for paths, access in ((policy.read, READ_EXEC), (policy.write, write | READ)):
            for path in paths:
                _allow_path(libc, ruleset, path, access & handled_fs)
        if handled_net and policy.remote:
            rule = ctypes.create_string_buffer(
                struct.pack("=QQ", NET_CONNECT_TCP, policy.remote[1]), 16)
            if libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_NET_PORT, rule,
                            ctypes.c_uint32(0)) != 0:
                err = ctypes.get_errno()
                raise OSError(err, f"landlock_add_rule (port): {os.strerror(err)}")
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS): {os.strerror(err)}")
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_restrict_self: {os.strerror(err)}")
    finally:
        os.close(ruleset)
    status.files = f"landlock ABI {abi}"
    if handled_net and policy.remote:
        status.network = f"tcp to port {policy.remote[1]} only (Landlock)"
    if scoped:
        status.scope = "signals and abstract sockets"


def _allow_path(libc: ctypes.CDLL, ruleset: int, path: str, access: int) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # absent here: nothing to allow
    try:
        if not os.path.isdir(path):
            access &= FILE_ONLY
        if not access:
            return
        rule = ctypes.create_string_buffer(struct.pack("=Qi", access, fd), 12)
        if libc.syscall(SYS_LANDLOCK_ADD_RULE, ruleset, LANDLOCK_RULE_PATH_BENEATH, rule,
                        ctypes.c_uint32(0)) != 0:
            err = ctypes.get_errno()
            raise OSError(err, f"landlock_add_rule ({path}): {os.strerror(err)}")
    finally:
        os.close(fd)


def _pin_name(host: str) -> None:
    """Resolve the remote server's host name now, while the worker may still send a DNS
    query (UDP), and make that one name answer from these addresses from now on: after the
    filter no other name can be resolved, which is as it should be. IP literals need nothing."""
    try:
        ipaddress.ip_address(host.strip("[]"))
        return
    except ValueError:
        pass
    real = socket.getaddrinfo
    addresses = list(dict.fromkeys(
        str(info[4][0]) for info in real(host, None, 0, socket.SOCK_STREAM)))
    wanted = host.lower().rstrip(".")

    def getaddrinfo(name: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                    flags: int = 0) -> Any:
        text = name.decode("ascii", "replace") if isinstance(name, bytes) else name
        if not isinstance(text, str) or text.lower().rstrip(".") != wanted:
            return real(name, port, family, type, proto, flags)
        found: list[Any] = []
        for address in addresses:
            with contextlib.suppress(socket.gaierror):
                found += real(address, port, family, type, proto,
                              flags | socket.AI_NUMERICHOST)
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, f"{name} has no address of this family")
        return found

    socket.getaddrinfo = getaddrinfo  # type: ignore[assignment]


def _filter(policy: Policy, status: SandboxStatus) -> None:
    """The seccomp step: last, so that nothing before it needs a call it refuses."""
    if policy.remote is not None:
        try:
            _pin_name(policy.remote[0])
        except OSError as exc:
            status.notes.append(f"the remote server's name {policy.remote[0]!r} could not be "
                                f"resolved before the system-call filter: {exc}")
    try:
        status.syscalls = seccomp.install(allow_tcp=policy.remote is not None)
    except seccomp.Unsupported as exc:
        status.notes.append(str(exc))
    except OSError as exc:
        status.notes.append(f"no system-call filter: {exc.strerror or exc}")


def enter(policy: Policy) -> SandboxStatus:
    """Enter the sandbox (irreversibly) in this process; what held, and why anything did not.

    Must be called while the process has one thread (Landlock restricts the calling thread and
    what it starts afterwards)."""
    global _STATUS
    status = SandboxStatus()
    libc = _libc()
    libc.syscall.restype = ctypes.c_long
    if policy.remote is None:
        try:
            _own_network(libc)
            status.network = "own namespace (no route to any host)"
        except OSError as exc:
            status.notes.append(f"unshare(CLONE_NEWNET) refused: {exc.strerror}")
    abi = landlock_abi()
    if abi == 0:
        status.notes.append("the kernel has no Landlock (or it is disabled)")
    else:
        try:
            _landlock(libc, abi, policy, status)
        except OSError as exc:
            status.notes.append(str(exc))
    if policy.remote is not None and status.network == "none":
        status.notes.append("the worker can reach any host: Landlock ABI 4 is needed to "
                            "allow the remote store's port only")
    _filter(policy, status)
    for folder in policy.write:
        os.environ["TMPDIR"] = folder
        tempfile.tempdir = folder
        break
    _STATUS = status
    return status


def probe(policy: Policy) -> SandboxStatus:
    """What a worker's sandbox holds on this machine: a child process enters it and reports
    (the caller stays unrestricted)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        try:
            os.close(read_fd)
            result = enter(policy)
            os.write(write_fd, json.dumps(asdict(result)).encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    chunks = []
    with os.fdopen(read_fd, "rb") as reader:
        while chunk := reader.read(65536):
            chunks.append(chunk)
    os.waitpid(pid, 0)
    try:
        return SandboxStatus(**json.loads(b"".join(chunks) or b"{}"))
    except (TypeError, ValueError):
        return SandboxStatus(notes=["the sandbox probe failed"])
