"""Ctrl-C on the driver cancels an audit's outstanding work on Ray and Dask.

Each test runs a real audit in a child Python process (its own cluster, started
by audit() itself since no address is given), waits until a worker is inside a
candidate that never finishes, sends SIGINT to the driver and checks that the
driver stops promptly with KeyboardInterrupt, the hung worker process is gone
(cancelled, or ended with the cluster) and nothing is left running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "harness"

SCRIPT = textwrap.dedent(
    """
    import sys, warnings
    sys.path.insert(0, {harness!r})
    from pathlib import Path
    import fastmcnemar as fm
    from fastmcnemar.data import example_path
    from worker_faults import HangsWhenRead

    warnings.simplefilter("ignore")
    candidates = {{"hangs": HangsWhenRead(example_path("degraded"), Path({marker!r})),
                  "rerun": example_path("rerun")}}
    try:
        fm.audit(example_path("reference"), candidates, engine={engine!r}, progress=False)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(130)
    print("finished", flush=True)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# The Ray variant starts a second Ray cluster (in the child): slow, so not in CI's default run.
@pytest.mark.parametrize("engine", ["dask", pytest.param("ray", marks=pytest.mark.slow)])
def test_ctrl_c_cancels_outstanding_work(engine: str, tmp_path: Path) -> None:
    pytest.importorskip("ray" if engine == "ray" else "distributed")
    marker = tmp_path / "started"
    code = SCRIPT.format(harness=str(HARNESS), marker=str(marker), engine=engine)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(HARNESS), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert child.poll() is None, child.communicate()[1].decode()[-2000:]
            assert time.monotonic() < deadline, "the hung candidate never started"
            time.sleep(0.2)
        worker = int(marker.read_text())
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 130, err.decode()[-2000:]
        assert out.decode().strip().endswith("interrupted")
        # The worker stuck in the candidate does not outlive the interrupted audit.
        for _ in range(100):
            if not _alive(worker):
                break
            time.sleep(0.1)
        assert not _alive(worker), f"worker {worker} still running after Ctrl-C"
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
