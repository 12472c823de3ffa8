"""A candidate path that kills the worker process reading it, the first time only.

Used by the scale-out tests to lose a real Ray / Dask worker in the middle of an
audit: the first worker that resolves the path (``os.fspath``, which the reader
calls before opening anything) writes ``marker`` and is killed with SIGKILL, as
an out-of-memory kill or a lost node would end it. The engine must notice the
dead worker and run the candidate again; the second attempt finds the marker
and reads the run normally. It never kills the process that created it (the
test's driver).
"""

from __future__ import annotations

import os
import signal
from pathlib import Path


class KillsItsFirstReader(os.PathLike[str]):
    def __init__(self, path: Path, marker: Path) -> None:
        self.path = str(path)
        self.marker = str(marker)
        self.driver_pid = os.getpid()

    def __fspath__(self) -> str:
        marker = Path(self.marker)
        if os.getpid() != self.driver_pid and not marker.exists():
            marker.write_text(str(os.getpid()))
            os.kill(os.getpid(), signal.SIGKILL)
        return self.path

    def __str__(self) -> str:
        return self.path


class HangsWhenRead(os.PathLike[str]):
    """A candidate whose reading never ends on a worker (it writes ``marker`` first),
    for checking that Ctrl-C on the driver cancels the outstanding work."""

    def __init__(self, path: Path, marker: Path) -> None:
        self.path = str(path)
        self.marker = str(marker)
        self.driver_pid = os.getpid()

    def __fspath__(self) -> str:
        if os.getpid() != self.driver_pid:
            Path(self.marker).write_text(str(os.getpid()))
            import time

            time.sleep(3600)
        return self.path

    def __str__(self) -> str:
        return self.path


class KillsEveryReader(os.PathLike[str]):
    """A candidate that kills every worker process that reads it (an out-of-memory
    candidate): the engine's retries run out and the audit must say so."""

    def __init__(self, path: Path) -> None:
        self.path = str(path)
        self.driver_pid = os.getpid()

    def __fspath__(self) -> str:
        if os.getpid() != self.driver_pid:
            os.kill(os.getpid(), signal.SIGKILL)
        return self.path

    def __str__(self) -> str:
        return self.path
