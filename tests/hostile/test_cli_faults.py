"""The hostile-input battery: every case of tests/hostile/generate.py run through
the real command line in a subprocess.

Each case must exit with its status (2 for every error), print exactly one
error line naming the culprit (file, member, row or line, doc id, field), print
no traceback, finish before its timeout (a hang fails the test) and leave
every input file byte for byte as it was, with no stray temporary files.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hostile.generate import CASES, REAL_INSPECT_LOG, Case

_NEEDS_REAL_LOG = ("eval", "json_document", "inspect", "bad_limit")


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every regular file under ``root`` (FIFOs and links by kind)."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = str(path.relative_to(root))
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_fifo():
            out[rel] = "fifo"
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def run_cli(case: Case, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **case.env}
    env.pop("FASTMCNEMAR_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "fastmcnemar", *case.argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=case.timeout,
        check=False,
    )


def assert_one_clean_error(proc: subprocess.CompletedProcess[str], case: Case) -> str:
    """The checks every failing case shares; returns the error line."""
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert all(line.startswith("fastmcnemar") for line in lines), proc.stderr
    errors = [line for line in lines if ": error: " in line]
    assert len(errors) == 1, proc.stderr
    assert proc.returncode == case.code, proc.stderr
    line = errors[0]
    for word in case.contains:
        assert word in line, f"{word!r} not in {line!r}"
    for word in case.absent:
        assert word not in line, f"{word!r} in {line!r}"
    return line


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name: str, tmp_path: Path) -> None:
    if any(key in name for key in _NEEDS_REAL_LOG) and not REAL_INSPECT_LOG.is_file():
        pytest.skip(f"real Inspect log not found at {REAL_INSPECT_LOG}")
    case = CASES[name](tmp_path)
    before = snapshot(tmp_path)
    proc = run_cli(case, tmp_path)
    assert_one_clean_error(proc, case)
    after = snapshot(tmp_path)
    for output in case.outputs:
        after.pop(output, None)
    assert after == before, "an input changed or a stray file was left behind"
