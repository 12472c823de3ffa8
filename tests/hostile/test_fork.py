"""fastmcnemar in a forked child after the parent used it.

Eval harnesses fork workers. fastmcnemar's own Rust pools are keyed by process
id (rust/fastmcnemar-py/src/runtime.rs), so the statistics work in a child.
Polars' global pool does not survive fork(): reading runs in a child forked
after the parent's pool started raises UnsafeForkError at once instead of
hanging (python/fastmcnemar/_fork_guard.py), and the spawn start method works.
A hang fails these tests through a deadline, not the CI timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import fastmcnemar as fm
from fastmcnemar.data import example_path

DEADLINE = 60.0
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork() here")


def _wait(pid: int) -> int:
    """The child's exit status; kills it and fails when it is not done in time."""
    start = time.monotonic()
    while time.monotonic() - start < DEADLINE:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.05)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    pytest.fail(f"the forked child hung for {DEADLINE:.0f} s")


def test_forked_child_gets_statistics_and_a_clear_error_not_a_hang() -> None:
    result = fm.compare(example_path("reference"), example_path("degraded"))
    x, y = [1, 0, 1, 1] * 50, [0, 0, 1, 1] * 50
    expected = fm.permutation_test(x, y, n_resamples=999, rng=1, n_threads=2).pvalue
    pid = os.fork()
    if pid == 0:  # the child: exit codes only, never return into pytest
        code = 10
        try:
            perm = fm.permutation_test(x, y, n_resamples=999, rng=1, n_threads=2)
            code = 11 if perm.pvalue == expected else 12
            fm.compare(example_path("reference"), example_path("degraded"))
            code = 13  # should not be reached: the guard raises first
        except fm.UnsafeForkError as err:
            code = 0 if code == 11 and "spawn" in str(err) else 14
            grandchild = os.fork()  # as broken as its parent: the guard is inherited
            if grandchild == 0:
                try:
                    fm.compare(example_path("reference"), example_path("degraded"))
                    os._exit(5)
                except fm.UnsafeForkError:
                    os._exit(0)
                except BaseException:
                    os._exit(6)
            _, status = os.waitpid(grandchild, 0)
            code = code if os.waitstatus_to_exitcode(status) == 0 else 15
        except BaseException as err:
            sys.stderr.write(f"child: {type(err).__name__}: {err}\n")
        finally:
            os._exit(code)
    assert _wait(pid) == 0
    again = fm.compare(example_path("reference"), example_path("degraded"))
    assert again.degraded == result.degraded  # the parent is unaffected


_SCRIPT = textwrap.dedent(
    """
    import multiprocessing, os, sys
    import fastmcnemar as fm
    from fastmcnemar.data import example_path

    def verdict(_):
        return fm.compare(example_path("reference"), example_path("degraded")).degraded

    if __name__ == "__main__":
        if sys.argv[1] == "fork-before-use":
            pid = os.fork()
            if pid == 0:
                os._exit(0 if verdict(0) else 3)
            _, status = os.waitpid(pid, 0)
            sys.exit(os.waitstatus_to_exitcode(status))
        first = verdict(0)
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            sys.exit(0 if pool.map(verdict, [0]) == [first] else 4)
    """
)


@pytest.mark.parametrize("mode", ["fork-before-use", "spawn-after-use"])
def test_child_processes_that_can_read_runs(mode: str, tmp_path: os.PathLike[str]) -> None:
    script = os.path.join(tmp_path, "child.py")
    with open(script, "w") as fh:
        fh.write(_SCRIPT)
    proc = subprocess.run(
        [sys.executable, script, mode], capture_output=True, text=True, timeout=DEADLINE
    )
    assert proc.returncode == 0, proc.stderr
