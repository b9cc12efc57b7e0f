"""A progress bar on standard error for long loads: only when someone is watching (a
terminal) or asked for it (--progress), so logs and pipes stay clean."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Callable as a store write's progress(fraction, quads); redraws at most 10 times a
    second, on one line."""

    def __init__(self, label: str, stream: TextIO | None = None, width: int = 30) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self._drawn: tuple[float, int] = (-1.0, -1)
        self._shown = False

    def __call__(self, fraction: float, quads: int) -> None:
        now = time.monotonic()
        if (fraction < 1.0 and now - self._last < 0.1) or (fraction, quads) == self._drawn:
            return
        self._last = now
        self._drawn = (fraction, quads)
        filled = int(self.width * max(0.0, min(1.0, fraction)))
        bar = "#" * filled + "-" * (self.width - filled)
        self.stream.write(f"\r{self.label} [{bar}] {fraction * 100:5.1f}%  {quads:,} triples")
        self.stream.flush()
        self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\n")
            self.stream.flush()
            self._shown = False


def progress_bar(label: str, requested: bool, stream: TextIO | None = None) -> ProgressBar | None:
    """A bar when asked for or when standard error is a terminal; otherwise None."""
    stream = stream or sys.stderr
    if requested or (hasattr(stream, "isatty") and stream.isatty()):
        return ProgressBar(label, stream)
    return None
