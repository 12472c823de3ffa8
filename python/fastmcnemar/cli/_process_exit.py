"""Ending the ``fastmcnemar`` process without tearing the interpreter down.

After a command has run, a normal exit spends 50-60 ms freeing what the process is about
to give back anyway: Polars' and NumPy's modules, the reference index, every cached
frame. A CI gate or a script calling the command many times pays that on every call.
The process therefore ends the way CPython's own shutdown would, minus the teardown:
exit handlers run (``atexit``, including ``weakref.finalize`` clean-ups such as temporary
directories, and logging's flush), standard output and error are flushed (a failed flush
gives status 120, as CPython's does), then ``os._exit``.

Only when this is the process's last Python thread and nothing profiles or traces it:
anything else (a Ray or Dask driver's threads, a thread a plugin started, ``python -m
cProfile``, coverage, a debugger, which write or report after the program returns) gets the
ordinary ``sys.exit``.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
from typing import NoReturn

#: CPython's status when flushing standard output or error fails at exit.
EXIT_FLUSH_FAILED = 120


def exit_process(status: int) -> NoReturn:
    """End the process with ``status`` (see the module notes)."""
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(status)
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a reader gone, a stream closed: CPython's 120
            status = EXIT_FLUSH_FAILED
    os._exit(status)
