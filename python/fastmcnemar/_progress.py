"""A one-line progress bar on stderr, with rate and ETA, for long commands.

Drawn only when stderr is a terminal (or when asked), redrawn at most ten times a
second, thread-safe (audit's workers step it), and always ended with a newline so the
report that follows starts on its own line.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO


def _clock(seconds: float) -> str:
    whole = max(0, round(seconds))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Progress:
    """``label [#####-----] done/total  rate unit/s  ETA m:ss``.

    Examples
    --------
    >>> import io
    >>> out = io.StringIO()
    >>> bar = Progress(4, "audit", enabled=True, stream=out, unit="candidates")
    >>> for _ in range(4):
    ...     bar.step()
    >>> bar.close()
    >>> out.getvalue().rstrip().rsplit("\\r", 1)[-1].split("  ")[0]
    'audit [##############################] 4/4'
    """

    def __init__(
        self,
        total: int,
        label: str,
        *,
        enabled: bool | None = None,
        stream: TextIO | None = None,
        unit: str = "items",
    ) -> None:
        self.total = total
        self.done = 0
        self.label = label
        self.unit = unit
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._lock = threading.Lock()
        self._start = time.monotonic()
        self._last = 0.0
        self._draw(force=True)

    def line(self) -> str:
        """The bar as text (without the carriage return)."""
        width = 30
        filled = width * self.done // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        text = f"{self.label} [{bar}] {self.done}/{self.total}"
        elapsed = time.monotonic() - self._start
        if self.done and elapsed > 0:
            rate = self.done / elapsed
            left = (self.total - self.done) / rate
            text += f"  {rate:.3g} {self.unit}/s"
            text += f"  ETA {_clock(left)}" if self.done < self.total else f"  {_clock(elapsed)}"
        return text

    def _draw(self, *, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and self.total > 100 and now - self._last < 0.1 and self.done < self.total:
            return
        self._last = now
        self.stream.write("\r" + self.line() + "\x1b[K")
        self.stream.flush()

    def step(self, count: int = 1) -> None:
        with self._lock:
            self.done += count
            self._draw()

    def close(self) -> None:
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()


__all__ = ["Progress"]
