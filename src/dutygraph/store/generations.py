"""The record of an embedded store's current generation, and the rules that keep it true.

A store folder holds complete generations (gen-{time_ns}-{pid}/, never changed once made),
at most one being written by the writer holding the lock (gen-….building/), and one record,
dutygraph-current.json, naming the current generation and the one before it. The record is
the only thing that says which generation is current, so it is written crash-safely (a temp
file, fsync, rename over the old record, fsync of the folder) and read strictly: a record
that is missing while generations exist, empty, truncated, not the shape written here, or
naming a folder that is not there is a BrokenStore. Every command stops on it with the
record's path and the recovery command, and nothing is written or deleted: guessing (an
empty store, the wrong generation) is how complete generations used to be deleted.

`recover` rewrites the record to name the newest generation that opens and answers; it
deletes nothing. A write deletes only generations proven unreachable: those the record it
has just written does not name, while it holds the writer lock (so no other writer can be
about to publish them).

`step_hook`, when set, is called with the name of each step a write reaches (WRITE_STEPS),
so fault tests can kill a writer at every step; nothing in the product sets it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import StoreError
from .base import BrokenStore

POINTER = "dutygraph-current.json"
LOCK = ".dutygraph-write.lock"
GENERATION = "gen-"
BUILDING = ".building"
WRITER_WAIT = float(os.environ.get("DUTYGRAPH_WRITER_WAIT", "600"))  # seconds
_NAME = re.compile(r"^gen-(\d+)-(\d+)$")

# The steps of a write, in order; a rebuild skips the two that copy the current generation.
WRITE_STEPS = ("locked", "stale-removed", "checkpointed", "graphs-removed", "loading",
               "loaded", "flushed", "renamed", "record-written", "record-replaced",
               "published", "old-removed")
REBUILD_STEPS = tuple(s for s in WRITE_STEPS if s not in ("checkpointed", "graphs-removed"))

step_hook: Callable[[str], None] | None = None


def step(name: str) -> None:
    """Mark that a write reached a step (see step_hook)."""
    if step_hook is not None:
        step_hook(name)


@dataclass
class Pointer:
    current: str | None = None
    previous: str | None = None


def recovery_hint(root: Path) -> str:
    return (f"nothing was changed or deleted; run `dutygraph store recover --store {root}` "
            "to point the store at its newest complete generation")


def _broken(root: Path, what: str) -> BrokenStore:
    return BrokenStore(f"the store's record {root / POINTER} {what}; {recovery_hint(root)}")


def is_generation(name: str) -> bool:
    return bool(_NAME.match(name))


def generations(root: Path) -> list[str]:
    """The complete generations in the folder (renamed from .building only once flushed),
    newest first."""
    try:
        names = [p.name for p in root.iterdir() if p.is_dir() and is_generation(p.name)]
    except FileNotFoundError:
        return []
    return sorted(names, key=lambda n: (int(_NAME.match(n).group(1)), n),  # type: ignore[union-attr]
                  reverse=True)


def read_pointer(root: Path) -> Pointer:
    """The record as written; Pointer() when there is no record file at all (the caller
    decides whether that is a fresh store or a lost record: see current_generation)."""
    path = root / POINTER
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Pointer()
    except (OSError, UnicodeDecodeError) as exc:
        raise _broken(root, f"cannot be read ({exc})") from exc
    if not text.strip():
        raise _broken(root, "is empty")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise _broken(root, f"is not complete JSON ({exc})") from exc
    if not isinstance(data, dict) or "current" not in data:
        raise _broken(root, f"is not a record of the current generation (it holds "
                            f"{text.strip()[:60]!r})")
    current, previous = data.get("current"), data.get("previous")
    if not isinstance(current, str) or not is_generation(current):
        raise _broken(root, f"names {str(current)[:60]!r} as current, not a generation folder")
    if previous is not None and (not isinstance(previous, str) or not is_generation(previous)):
        raise _broken(root, f"names {str(previous)[:60]!r} as previous, not a generation "
                            "folder")
    return Pointer(current, previous)


def writer_active(root: Path) -> bool:
    """True while some process holds the writer lock (it may be between renaming its new
    generation and publishing it, the one moment a first generation exists unrecorded)."""
    try:
        fd = os.open(root / LOCK, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases the shared lock
    return False


def current_generation(root: Path) -> str | None:
    """The current generation's folder name, None for a store never written, or BrokenStore."""
    pointer = read_pointer(root)
    if pointer.current is None:
        found = generations(root)
        if found and not writer_active(root):
            raise _broken(root, f"is missing, but the folder holds {len(found)} complete "
                                f"generation(s) (newest {found[0]})")
        return None
    if not (root / pointer.current).is_dir():
        raise _broken(root, f"names {pointer.current}, which is not in the folder")
    return pointer.current


def fsync_path(path: Path) -> None:
    """Flush a file's data, or a folder's entries (a rename is durable only once its folder
    is synced)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(root: Path, current: str, previous: str | None) -> None:
    """Make `current` the current generation: the one atomic step of every write."""
    tmp = root / f".{POINTER}.{os.getpid()}.tmp"
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump({"current": current, "previous": previous,
                       "written": time.strftime("%Y-%m-%dT%H:%M:%S%z")}, fh)
            fh.flush()
            os.fsync(fh.fileno())
        step("record-written")
        os.replace(tmp, root / POINTER)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise StoreError(f"cannot write the store's record {root / POINTER}: {exc}; the "
                         "current generation is unchanged") from exc
    step("record-replaced")
    fsync_path(root)


@contextlib.contextmanager
def writer_lock(root: Path, wait: float = WRITER_WAIT) -> Iterator[None]:
    """One writer at a time per store folder; the lock dies with its process (flock)."""
    try:
        fd = os.open(root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise StoreError(f"cannot lock the store at {root} for writing: {exc}") from exc
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StoreError(f"another dutygraph build or load has been writing to "
                                     f"{root} for over {wait:.0f} s; try again later") from None
                time.sleep(0.1)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@dataclass
class Recovery:
    """What `recover` chose and why."""

    chosen: str
    previous: str | None
    triples: int
    skipped: list[tuple[str, str]]  # (generation, why it was not chosen)
    old_record: str  # what was wrong with the record ("is missing", "is empty"...)
    changed: bool  # False: the record was sound and is left as it was


def _readable(folder: Path) -> int:
    """The generation's triple count, if Oxigraph opens it and answers; else raises."""
    import pyoxigraph as ox

    store = ox.Store.read_only(str(folder))
    try:
        return len(store)
    finally:
        del store


def recover(root: Path) -> Recovery:
    """Rewrite the record to name the newest generation that opens and answers (and the
    next such one as previous). Deletes nothing; holds the writer lock while it works."""
    if not root.is_dir():
        raise StoreError(f"there is no store at {root}")
    with writer_lock(root):
        old = "is missing"
        try:
            sound = current_generation(root)
        except BrokenStore as exc:
            sound = None
            old = str(exc).split("; ")[0].removeprefix(f"the store's record {root / POINTER} ")
        if sound is not None:  # a sound record naming a generation that opens: left alone
            try:
                return Recovery(sound, read_pointer(root).previous, _readable(root / sound),
                                [], "sound", changed=False)
            except (OSError, RuntimeError, ValueError) as exc:
                old = f"names {sound}, which Oxigraph cannot open ({exc})"
        skipped: list[tuple[str, str]] = []
        usable: list[tuple[str, int]] = []
        for name in generations(root):
            try:
                usable.append((name, _readable(root / name)))
            except (OSError, RuntimeError, ValueError) as exc:
                skipped.append((name, f"Oxigraph cannot open it ({exc})"))
            if len(usable) == 2:
                break
        if not usable:
            raise StoreError(f"no complete generation in {root} opens: nothing to recover "
                             "(the folder is left as it is); rebuild with `dutygraph build "
                             "--store` into a new folder")
        chosen, triples = usable[0]
        previous = usable[1][0] if len(usable) > 1 else None
        publish(root, chosen, previous)
    return Recovery(chosen, previous, triples, skipped, old, changed=True)
