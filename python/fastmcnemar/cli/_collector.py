"""The cyclic garbage collector in the ``fastmcnemar`` process.

Importing NumPy, Polars and the package creates a few hundred thousand long-lived objects
and next to no garbage, yet CPython's collector runs about 130 times while they load and
then once in full (12 ms) soon after: 25-35 ms of a 0.4 s ``compare``. So the process entry
point (:func:`fastmcnemar.cli.run`) pauses the collector, and each command, once it has
imported what it needs, calls :func:`imports_done`: what exists then is frozen (moved to
the permanent generation, which no collection scans again) and the collector runs again,
so a long ``watch`` or a 500-candidate audit collects its own garbage as usual.

:func:`fastmcnemar.cli.main` called in-process (a test, a framework embedding the command
line) never pauses the collector, and then :func:`imports_done` changes nothing.
"""

from __future__ import annotations

import gc


class _State:
    #: The collector was running and :func:`pause` stopped it.
    paused = False


def pause() -> None:
    """Stop the collector until :func:`imports_done` (the process entry point only)."""
    if gc.isenabled():
        gc.disable()
        _State.paused = True


def imports_done() -> None:
    """Freeze what the imports made and restart the collector, if :func:`pause` stopped it."""
    if _State.paused:
        _State.paused = False
        gc.freeze()
        gc.enable()
