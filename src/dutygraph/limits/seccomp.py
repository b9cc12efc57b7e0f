"""A system-call filter for the query and parse workers: the holes the namespace and Landlock
leave.

Neither a network namespace nor Landlock (up to ABI 7) stops `connect()` to a path-named Unix
socket (/run/…/*.sock: the host's daemons), and a worker over a remote store keeps the host's
network, where Landlock rules cover TCP only (UDP, raw sockets, netlink and the rest stay open).
A seccomp filter closes both by what a socket *is*, whatever address it is later pointed at:

- `socket()`: with a local store (the worker has a namespace of its own and needs no socket)
  every family is refused; with a remote store only `AF_INET`/`AF_INET6` with type
  `SOCK_STREAM` (the flags `SOCK_NONBLOCK` and `SOCK_CLOEXEC` aside) and protocol 0 or TCP,
  so SCTP and MPTCP, which Landlock's TCP rules do not see, are refused too.
- `socketpair()`: the worker's pipe to the app is made before it starts; it makes no other.
- `io_uring_setup/enter/register`: io_uring makes sockets and opens files without the system
  calls a filter sees.
- `ptrace`, `process_vm_readv/writev`, `pidfd_getfd`: reading or steering another process, or
  taking its descriptors.
- Every x32 system call (numbers with bit 30 set) is refused, and a call made under another
  architecture's convention (`int 0x80`: i386 numbers, where `socketcall` hides `socket`)
  ends the process, since the numbers above would not mean the same calls.

A refused call fails with EPERM; the program is classic BPF, installed with prctl(
PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER) through ctypes, no third-party code.
Only x86_64 is handled; elsewhere `install` refuses (`Unsupported`) and the sandbox says so.
"""

from __future__ import annotations

import ctypes
import os
import socket
import struct
from dataclasses import dataclass

PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
SECCOMP_RET_KILL_PROCESS = 0x80000000
SECCOMP_RET_ERRNO = 0x00050000
SECCOMP_RET_ALLOW = 0x7FFF0000
EPERM = 1

# Classic BPF opcodes.
BPF_LD_W_ABS = 0x20
BPF_JEQ_K = 0x15
BPF_JGE_K = 0x35
BPF_AND_K = 0x54
BPF_RET_K = 0x06

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6].
OFFSET_NR = 0
OFFSET_ARCH = 4
OFFSET_ARGS = 16

SOCK_TYPE_FLAGS = socket.SOCK_NONBLOCK | socket.SOCK_CLOEXEC
IPPROTO_TCP = 6


class Unsupported(OSError):
    """This machine's architecture has no system-call table here: no filter is installed."""


@dataclass(frozen=True)
class Arch:
    """One architecture's audit number and the numbers of the calls the filter refuses."""

    name: str
    audit: int
    seccomp: int
    socket: int
    socketpair: int
    refused: tuple[tuple[str, int], ...]
    foreign_bit: int  # numbers with this bit belong to another ABI (x32), refused outright


X86_64 = Arch(
    name="x86_64", audit=0xC000003E, seccomp=317, socket=41, socketpair=53,
    refused=(("ptrace", 101), ("process_vm_readv", 310), ("process_vm_writev", 311),
             ("io_uring_setup", 425), ("io_uring_enter", 426), ("io_uring_register", 427),
             ("pidfd_getfd", 438)),
    foreign_bit=0x40000000)
ARCHES = {"x86_64": X86_64}


def this_arch() -> Arch:
    """The table of this process's architecture; Unsupported where there is none (a 32-bit
    interpreter on a 64-bit kernel counts as 32-bit: its calls use another table)."""
    machine = os.uname().machine
    found = ARCHES.get(machine)
    if found is None or struct.calcsize("P") != 8:
        raise Unsupported(f"no system-call filter for this architecture ({machine}, "
                          f"{8 * struct.calcsize('P')}-bit): only x86_64 is handled")
    return found


def _arg(index: int) -> int:
    """Offset of an argument's low 32 bits (little-endian): the calls filtered here take
    ints, of which the kernel reads only those bits, so the filter reads the same ones."""
    return OFFSET_ARGS + 8 * index


def program(arch: Arch, allow_tcp: bool) -> list[tuple[int, int, int, int]]:
    """The filter as (code, jt, jf, k) instructions. Jumps are written to labels and
    resolved here, so the program reads top to bottom."""
    deny, allow, kill = SECCOMP_RET_ERRNO | EPERM, SECCOMP_RET_ALLOW, SECCOMP_RET_KILL_PROCESS
    # (code, k, true label, false label): None = the next instruction.
    body: list[tuple[int, int, str | None, str | None] | str] = [
        (BPF_LD_W_ABS, OFFSET_ARCH, None, None),
        (BPF_JEQ_K, arch.audit, None, "kill"),
        (BPF_LD_W_ABS, OFFSET_NR, None, None),
        (BPF_JGE_K, arch.foreign_bit, "deny", None),
        (BPF_JEQ_K, arch.socketpair, "deny", None),
        *[(BPF_JEQ_K, number, "deny", None) for _name, number in arch.refused],
        (BPF_JEQ_K, arch.socket, "socket" if allow_tcp else "deny", None),
        (BPF_RET_K, allow, None, None),
    ]
    if allow_tcp:
        body += [
            "socket",
            (BPF_LD_W_ABS, _arg(0), None, None),
            (BPF_JEQ_K, socket.AF_INET, "type", None),
            (BPF_JEQ_K, socket.AF_INET6, "type", "deny"),
            "type",
            (BPF_LD_W_ABS, _arg(1), None, None),
            (BPF_AND_K, ~SOCK_TYPE_FLAGS & 0xFFFFFFFF, None, None),
            (BPF_JEQ_K, socket.SOCK_STREAM, None, "deny"),
            (BPF_LD_W_ABS, _arg(2), None, None),
            (BPF_JEQ_K, 0, "allow", None),
            (BPF_JEQ_K, IPPROTO_TCP, "allow", "deny"),
            "allow", (BPF_RET_K, allow, None, None),
        ]
    body += ["deny", (BPF_RET_K, deny, None, None), "kill", (BPF_RET_K, kill, None, None)]
    labels: dict[str, int] = {}
    count = 0
    for item in body:
        if isinstance(item, str):
            labels[item] = count
        else:
            count += 1
    out: list[tuple[int, int, int, int]] = []
    for item in body:
        if isinstance(item, str):
            continue
        code, k, on_true, on_false = item
        here = len(out) + 1
        out.append((code, 0 if on_true is None else labels[on_true] - here,
                    0 if on_false is None else labels[on_false] - here, k))
    return out


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8),
                ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def describe(allow_tcp: bool) -> str:
    """What the filter refuses, in the words the sandbox's report uses."""
    sockets = ("sockets: TCP over IPv4/IPv6 only" if allow_tcp else "no sockets")
    return f"{sockets}; no socketpair, io_uring, ptrace or process_vm (seccomp)"


def install(allow_tcp: bool) -> str:
    """Install the filter in this process and every thread of it (irreversibly); what it
    refuses. OSError naming the call where the kernel refuses; Unsupported elsewhere."""
    arch = this_arch()
    instructions = program(arch, allow_tcp)
    filters = (_SockFilter * len(instructions))(*(_SockFilter(*i) for i in instructions))
    prog = _SockFprog(len(instructions), filters)
    # The process's own symbols (dlopen(NULL)): after Landlock, find_library's helper
    # programs and the linker cache cannot be run or read.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.syscall.restype = ctypes.c_long
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"prctl(PR_SET_NO_NEW_PRIVS) refused: {os.strerror(err)}")
    done = libc.syscall(ctypes.c_long(arch.seccomp), ctypes.c_uint(SECCOMP_SET_MODE_FILTER),
                        ctypes.c_uint(SECCOMP_FILTER_FLAG_TSYNC), ctypes.byref(prog))
    if done != 0:
        err = ctypes.get_errno() if done < 0 else 0
        why = os.strerror(err) if err else f"thread {done} could not be synchronised"
        raise OSError(err, f"seccomp(SECCOMP_SET_MODE_FILTER) refused: {why}")
    return describe(allow_tcp)
