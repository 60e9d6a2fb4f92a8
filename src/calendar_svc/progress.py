"""Progress of a long command on standard error: a bar on a terminal, a line every few seconds elsewhere."""

from __future__ import annotations

import sys
import time
from typing import TextIO

BAR_WIDTH = 24


class ProgressReport:
    """Called with (done, known) after each step; ``finish()`` ends the bar's line.

    On a terminal the bar is redrawn at most ten times a second; in a log
    (not a terminal) a line is written every ``every`` seconds, so a long
    build is never silent and the log stays short.
    """

    def __init__(self, what: str, stream: TextIO | None = None, every: float = 5.0, clock=time.monotonic):
        self.what = what
        self.stream = stream or sys.stderr
        self.terminal = self.stream.isatty()
        self.every = every
        self.clock = clock
        self.started = clock()
        self.last = self.started
        self.done = 0
        self.known = 0

    def __call__(self, done: int, known: int) -> None:
        self.done, self.known = done, max(known, done)
        now = self.clock()
        if now - self.last < (0.1 if self.terminal else self.every):
            return
        self.last = now
        self._write()

    def _write(self, end: str = "") -> None:
        elapsed = max(self.clock() - self.started, 1e-9)
        rate = self.done / elapsed
        text = f"{self.what}: {self.done:,} / {self.known:,} files, {rate:,.0f} files/s"
        if self.terminal:
            filled = round(BAR_WIDTH * self.done / self.known) if self.known else 0
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {text}\x1b[K{end}")
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        if self.done and self.terminal:
            self._write(end="\n")
