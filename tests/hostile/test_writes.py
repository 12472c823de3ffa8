"""Writes are atomic and never land on an input, tested against real faults:
a full filesystem and a read-only one (a small tmpfs in a private mount
namespace, via ``unshare``), a file-size limit (``RLIMIT_FSIZE``) and
``/dev/full``. After a failed write the previous report is byte for byte the
same and no temporary file is left behind."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fastmcnemar._output_files import refuse_input_overlap, write_text_atomic
from fastmcnemar.data import example_path
from fastmcnemar.exceptions import OutputError

OLD = "the previous report\n"


def _can_unshare() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-Urm", "sh", "-c", "mount -t tmpfs tmpfs /mnt 2>/dev/null || exit 1"],
        capture_output=True,
        check=False,
        timeout=30,
    )
    return probe.returncode == 0


needs_unshare = pytest.mark.skipif(
    not _can_unshare(), reason="no user/mount namespaces here (unshare -Urm)"
)


def _in_tmpfs(tmp_path: Path, setup: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    """Mount a 256 KiB tmpfs on tmp_path/mnt in a private namespace, run the shell
    ``setup`` there, then the CLI with ``args``; print the result for the test."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    cli = " ".join([sys.executable, "-m", "fastmcnemar", *args])
    script = f"""
set -u
mount -t tmpfs -o size=256k tmpfs {mnt}
{setup}
{cli} >/dev/null 2>{tmp_path}/stderr
echo "rc=$?"
echo "content=$(cat {mnt}/report.html)"
echo "files=$(ls -A {mnt} | tr '\\n' ' ')"
"""
    return subprocess.run(
        ["unshare", "-Urm", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=tmp_path,
    )


def _fields(proc: subprocess.CompletedProcess[str]) -> dict[str, str]:
    return dict(line.split("=", 1) for line in proc.stdout.splitlines() if "=" in line)


def _compare_args(tmp_path: Path) -> list[str]:
    return [
        "compare",
        str(example_path("reference")),
        str(example_path("degraded")),
        "--format",
        "html",
        "-o",
        str(tmp_path / "mnt" / "report.html"),
    ]


@needs_unshare
def test_full_filesystem_keeps_the_old_report(tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    setup = (
        f"printf '{OLD.strip()}\\n' > {mnt}/report.html\n"
        f"head -c 10000000 /dev/zero > {mnt}/filler 2>/dev/null || true"
    )
    proc = _in_tmpfs(tmp_path, setup, _compare_args(tmp_path))
    got = _fields(proc)
    stderr = (tmp_path / "stderr").read_text()
    assert got["rc"] == "2", stderr
    assert got["content"] == OLD.strip()
    assert got["files"].split() == ["filler", "report.html"]  # no temporary file left
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    assert "Traceback" not in stderr
    assert str(mnt / "report.html") in lines[0]
    assert "No space left" in lines[0]


@needs_unshare
def test_read_only_filesystem_keeps_the_old_report(tmp_path: Path) -> None:
    mnt = tmp_path / "mnt"
    setup = f"printf '{OLD.strip()}\\n' > {mnt}/report.html\nmount -o remount,ro {mnt}"
    proc = _in_tmpfs(tmp_path, setup, _compare_args(tmp_path))
    got = _fields(proc)
    stderr = (tmp_path / "stderr").read_text()
    assert got["rc"] == "2", stderr
    assert got["content"] == OLD.strip()
    assert got["files"].split() == ["report.html"]
    assert len(stderr.strip().splitlines()) == 1
    assert "report.html" in stderr
    assert "Read-only file system" in stderr


def _limit_file_size() -> None:  # runs in the child before exec
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


def test_file_size_limit_keeps_the_old_report(tmp_path: Path) -> None:
    """Works without namespaces: the kernel refuses writes past 4 KiB (EFBIG)."""
    report = tmp_path / "report.html"
    report.write_text(OLD)
    proc = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "demo", "--format", "html", "-o", str(report)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        preexec_fn=_limit_file_size,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert str(report) in proc.stderr
    assert "too large" in proc.stderr
    assert report.read_text() == OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]


def test_write_replaces_atomically_and_keeps_mode(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    report.write_text(OLD)
    report.chmod(0o640)
    write_text_atomic(report, "new\n")
    assert report.read_text() == "new\n"
    assert stat.S_IMODE(report.stat().st_mode) == 0o640
    fresh = tmp_path / "fresh.md"
    write_text_atomic(fresh, "x\n")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.md", "report.md"]


def test_write_through_a_symlink_keeps_the_link(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "latest.md"
    target.parent.mkdir()
    target.write_text(OLD)
    link = tmp_path / "report.md"
    link.symlink_to(target)
    write_text_atomic(link, "new\n")
    assert link.is_symlink()
    assert target.read_text() == "new\n"


def test_write_to_a_directory_or_device(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a directory"):
        write_text_atomic(tmp_path, "x")
    with pytest.raises(OutputError, match=r"/dev/full: cannot write: No space left"):
        write_text_atomic("/dev/full", "x")
    write_text_atomic("/dev/null", "x")  # a device is written in place, never replaced
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_outputs_are_never_inputs(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    scores = tmp_path / "cand.csv"
    scores.write_text("task,doc_id,score\n")
    with pytest.raises(OutputError, match="lies inside the input run"):
        refuse_input_overlap(run / "deep" / "report.md", [run])
    with pytest.raises(OutputError, match="is one of the inputs"):
        refuse_input_overlap(tmp_path / "." / "cand.csv", [scores])
    with pytest.raises(OutputError, match="named like a run file"):
        refuse_input_overlap(tmp_path / "samples_x_2026-01-01T00-00-00.jsonl", [scores])
    refuse_input_overlap(tmp_path / "report.csv", [scores, run])  # beside, not a run file


def test_shrink_write_is_checked(tmp_path: Path) -> None:
    from fastmcnemar import shrink

    runs = [example_path("reference"), example_path("rerun")]
    result = shrink(runs)
    with pytest.raises(OutputError, match="lies inside the input run"):
        result.write(Path(runs[0]) / "kept.json", inputs=runs)
    out = tmp_path / "kept.json"
    result.write(out, inputs=runs)
    assert out.read_text().startswith("{")
