"""A clear error instead of a hang in a child forked after Polars started.

fastmcnemar's own Rust thread pools are keyed by process id
(``rust/fastmcnemar-py/src/runtime.rs``), so the statistics work in a forked
child. Polars, which reads and pairs the runs, keeps one global thread pool that
does not survive ``fork()``: in a child forked after the parent ran a parallel
Polars operation, the next one waits forever for workers that exist only in
the parent. So at each fork we note whether the parent's Polars pool was
running (its threads are named ``polars-<n>``; Linux lists them under
``/proc/self/task``), and the entry points that use Polars call
:func:`check_fork_safe` first, which raises :class:`UnsafeForkError` saying what
to do: start workers with the ``spawn`` or ``forkserver`` start method.
"""

from __future__ import annotations

import os
import re

from fastmcnemar.exceptions import UnsafeForkError

_POOL_THREAD = re.compile(r"^polars-\d+$")
# broken: this process inherited a started Polars pool without its threads (sticky:
# a grandchild of the process that started it is just as broken).
_state = {"broken": False, "at_fork": False, "parent": 0}


def polars_pool_running() -> bool:
    """True when this process has Polars worker threads (Linux; False elsewhere)."""
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return False
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/comm", encoding="utf-8") as fh:
                if _POOL_THREAD.match(fh.read().strip()):
                    return True
        except OSError:
            continue
    return False


def _before_fork() -> None:
    _state["at_fork"] = _state["broken"] or polars_pool_running()
    _state["parent"] = os.getpid()


def _in_child() -> None:
    _state["broken"] = _state["at_fork"]


def check_fork_safe() -> None:
    """Raise :class:`UnsafeForkError` in a child forked after the parent's Polars
    pool started (the next Polars operation would hang)."""
    if _state["broken"]:
        raise UnsafeForkError(
            "fastmcnemar cannot read or pair runs in this process: it was forked after "
            f"its parent (pid {_state['parent']}) started Polars' thread pool, which does "
            "not survive fork() (Polars would wait forever). Start workers with "
            "multiprocessing.get_context('spawn') or 'forkserver', or fork before the "
            "parent reads any run. The statistical functions (mcnemar, permutation_test, "
            "power, ...) work after fork."
        )


if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_before_fork, after_in_child=_in_child)

__all__ = ["check_fork_safe", "polars_pool_running"]
