"""The ``fastmcnemar`` process ends without interpreter teardown, but like CPython's exit
in every way a caller can see: status, exit handlers, flushed output, waiting threads."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from fastmcnemar.data import example_path


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    # Buffered output (as by default): what is still buffered at exit must be flushed.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_status_output_and_exit_handlers_survive_the_quick_exit() -> None:
    done = _python(
        """
        import atexit, sys, tempfile, weakref
        from fastmcnemar.cli import run
        atexit.register(lambda: print("handler ran", flush=True))
        scratch = tempfile.TemporaryDirectory()
        print(scratch.name, file=sys.stderr)
        sys.stdout.write("unflushed ")  # left in the buffer: the exit must flush it
        sys.argv = ["fastmcnemar", *sys.argv[1:]]
        run()
        """,
        "compare",
        str(example_path("reference")),
        str(example_path("degraded")),
        "--format",
        "json",
    )
    assert done.returncode == 1, done.stderr  # degraded: exit status 1, as main returns
    assert done.stdout.startswith("unflushed {")
    assert done.stdout.rstrip().endswith("handler ran")
    # weakref.finalize clean-ups (temporary directories) run with the exit handlers.
    scratch = done.stderr.splitlines()[0]
    assert not os.path.exists(scratch)


def test_python_dash_m_and_the_status_of_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "compare", "only-one-run"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "error" in done.stderr


def test_a_thread_still_running_is_waited_for() -> None:
    done = _python(
        """
        import sys, threading, time
        from fastmcnemar.cli import run
        def late():
            time.sleep(0.5)
            print("thread finished", flush=True)
        threading.Thread(target=late).start()
        sys.argv = ["fastmcnemar", "--version"]
        run()
        """
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [done.stdout.splitlines()[0], "thread finished"]
    assert done.stdout.startswith("fastmcnemar ")


def test_a_reader_that_left_gives_cpythons_status() -> None:
    # stdout closed before the exit flushes what is still buffered: 120, as CPython.
    done = _python(
        """
        import os, sys
        from fastmcnemar.cli._process_exit import exit_process
        sys.stdout.write("x" * 10)
        os.close(sys.stdout.fileno())
        exit_process(0)
        """
    )
    assert done.returncode == 120


def test_what_is_still_buffered_is_written() -> None:
    done = _python(
        """
        import sys
        from fastmcnemar.cli._process_exit import exit_process
        sys.stdout.write("still buffered")
        sys.stderr.write("and on stderr")
        exit_process(3)
        """
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "still buffered", "and on stderr")


def test_a_profiler_still_writes_its_report(tmp_path: Path) -> None:
    # cProfile writes after the program returns: the exit must not cut it short.
    out = tmp_path / "profile.out"
    done = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "fastmcnemar", "--version"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert out.stat().st_size > 0
