"""``fastmcnemar watch`` end to end: a subprocess follows files that this test
writes line by line (real lm-eval samples from the package's example runs,
and Inspect logs rewritten as a run goes), and exits with the documented code.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from fastmcnemar.data import example_path

TIMEOUT = 60


def _watch(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "fastmcnemar", "watch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def _ready(proc: subprocess.Popen[str]) -> str:
    """Wait for the first status line: watch has read the reference and is looking."""
    assert proc.stdout is not None
    return proc.stdout.readline()


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str, str]:
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"watch did not exit: {out[-500:]} {err[-500:]}")
    return proc.returncode, out, err


def _samples_lines(run: str, task: str) -> tuple[str, list[bytes]]:
    path = next(example_path(run).glob(f"samples_{task}_*.jsonl"))
    return path.name, path.read_bytes().splitlines(keepends=True)


def _write_progressively(
    target: Path,
    lines: list[bytes],
    proc: subprocess.Popen[str],
    *,
    seed: int,
    pause: float = 0.01,
) -> None:
    """Append the lines in a random order, each in two writes (a half line first)."""
    _ready(proc)
    order = np.random.default_rng(seed).permutation(len(lines))
    with target.open("ab") as out:
        for i in order:
            if proc.poll() is not None:
                return
            line = lines[i]
            out.write(line[: len(line) // 2])
            out.flush()
            time.sleep(pause)
            out.write(line[len(line) // 2 :])
            out.flush()


def test_degraded_run_exits_1_while_being_written(tmp_path: Path) -> None:
    name, lines = _samples_lines("degraded", "demo_partial")
    cand = tmp_path / "cand"
    cand.mkdir()
    proc = _watch(
        str(example_path("reference")), str(cand), "--tasks", "demo_partial",
        "--interval", "0.02", "--format", "json",
    )  # fmt: skip
    _write_progressively(cand / name, lines, proc, seed=1)
    if proc.poll() is None:  # the run ends: lm-eval writes its results file last
        (cand / "results_2026-11-22T08-06-12.757307.json").write_text("{}")
    code, out, err = _finish(proc)
    assert code == 1, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["decision"] == "degraded"
    assert last["degraded_tasks"] == ["demo_partial partial_credit"]
    task = last["tasks"]["demo_partial partial_credit"]
    assert 0 < task["n"] <= len(lines)
    assert task["pvalue"] <= 0.05
    # it stopped while the file was still being written
    assert task["n"] < len(lines)
    assert "Traceback" not in err


def test_equivalent_run_exits_0(tmp_path: Path) -> None:
    name, lines = _samples_lines("rerun", "demo_arith")
    cand = tmp_path / "cand"
    cand.mkdir()
    proc = _watch(
        str(example_path("reference")), str(cand), "--tasks", "demo_arith",
        "--margin", "0.1", "--finite", "--interval", "0.02", "--format", "json",
    )  # fmt: skip
    _write_progressively(cand / name, lines, proc, seed=2)
    code, out, err = _finish(proc)
    assert code == 0, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["decision"] == "equivalent"


def test_min_n_holds_back_an_early_stop(tmp_path: Path) -> None:
    name, lines = _samples_lines("degraded", "demo_partial")
    cand = tmp_path / "cand"
    cand.mkdir()
    proc = _watch(
        str(example_path("reference")), str(cand), "--tasks", "demo_partial",
        "--min-n", "70", "--interval", "0.02", "--format", "json",
    )  # fmt: skip
    _write_progressively(cand / name, lines, proc, seed=1)
    code, out, err = _finish(proc)
    assert code == 1, err
    assert json.loads(out.strip().splitlines()[-1])["n"] >= 70


def test_finished_undecided_exits_3_and_sorted_ids_warn(tmp_path: Path) -> None:
    name, lines = _samples_lines("rerun", "demo_mc")
    cand = tmp_path / "cand"
    cand.mkdir()
    proc = _watch(
        str(example_path("reference")), str(cand), "--tasks", "demo_mc",
        "--interval", "0.02", "--format", "json",
    )  # fmt: skip
    _ready(proc)
    with (cand / name).open("ab") as out:
        for line in lines[:60]:  # in doc-id order, as lm-eval writes them
            out.write(line)
            out.flush()
            time.sleep(0.005)
    time.sleep(0.2)
    (cand / "results_2026-11-22T08-06-10.362561.json").write_text("{}")
    code, out, err = _finish(proc)
    assert code == 3, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["event"] == "finished"
    assert last["tasks"]["demo_mc acc"]["n"] == 60
    assert "arrive sorted" in err


def test_timeout_exits_3(tmp_path: Path) -> None:
    proc = _watch(
        str(example_path("reference")), str(tmp_path / "not-yet"),
        "--interval", "0.05", "--timeout", "0.5",
    )  # fmt: skip
    code, _, err = _finish(proc)
    assert code == 3
    assert "waiting for it to appear" in err


def test_results_of_an_older_run_do_not_end_the_watch(tmp_path: Path) -> None:
    name, lines = _samples_lines("rerun", "demo_mc")
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "results_2025-01-01T00-00-00.000000.json").write_text("{}")  # an earlier run
    (cand / name).write_bytes(b"".join(lines[:30]))
    proc = _watch(
        str(example_path("reference")), str(cand), "--tasks", "demo_mc",
        "--interval", "0.05", "--timeout", "1.5", "--format", "json",
    )  # fmt: skip
    code, out, err = _finish(proc)
    assert code == 3, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["event"] == "timeout"
    assert last["n"] == 30


def test_candidate_task_missing_from_the_reference_is_named(tmp_path: Path) -> None:
    _, lines = _samples_lines("degraded", "demo_mc")
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "samples_other_2026-11-22T08-06-12.757307.jsonl").write_bytes(b"".join(lines))
    proc = _watch(str(example_path("reference")), str(cand), "--timeout", "1", "--interval", "0.1")
    code, _, err = _finish(proc)
    assert code == 3
    assert "candidate task 'other' is not in the reference" in err


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b'{"doc_id": 0, "filter": "none", "metrics": ["acc"], "acc": 1.0}\n{not json}\n',
         "line 2"),
        (b'{"doc_id": 999, "filter": "none", "metrics": ["acc"], "acc": 1.0}\n',
         "doc_id 999: no such sample"),
        (b'{"doc_id": 3, "filter": "none", "metrics": ["acc"], "acc": 7.0}\n',
         "not a score in [0, 1]"),
    ],
)  # fmt: skip
def test_bad_candidate_lines_exit_2(tmp_path: Path, line: bytes, message: str) -> None:
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / "samples_demo_mc_2026-11-22T08-06-10.362561.jsonl").write_bytes(line)
    proc = _watch(str(example_path("reference")), str(cand), "--tasks", "demo_mc")
    code, _, err = _finish(proc)
    assert code == 2
    assert message in err
    assert "samples_demo_mc" in err
    assert "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_named_like_a_samples_file_exits_2_without_waiting(tmp_path: Path) -> None:
    cand = tmp_path / "cand"
    cand.mkdir()
    os.mkfifo(cand / "samples_demo_mc_2026-11-22T08-06-10.362561.jsonl")
    started = time.monotonic()
    proc = _watch(str(example_path("reference")), str(cand), "--tasks", "demo_mc")
    code, _, err = _finish(proc)
    assert code == 2, err
    assert "samples_demo_mc" in err
    assert "a FIFO (named pipe), not a regular file" in err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert time.monotonic() - started < TIMEOUT


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    code, _, err = _finish(_watch(str(tmp_path / "missing"), str(tmp_path)))
    assert code == 2
    assert "no such file" in err
    code, _, err = _finish(_watch(str(example_path("reference")), str(tmp_path), "--alpha", "2"))
    assert code == 2
    assert "--alpha" in err
    code, _, err = _finish(_watch(str(example_path("reference")), str(tmp_path), "--tasks", "nope"))
    assert code == 2
    assert "nope" in err


def _inspect_log(samples: list[tuple[int, str]], status: str) -> dict[str, object]:
    return {
        "version": 2,
        "status": status,
        "eval": {"task": "quiz", "model": "m", "task_id": "t", "run_id": "r", "created": "x"},
        "samples": [{"id": i, "epoch": 1, "scores": {"match": {"value": v}}} for i, v in samples],
    }


def test_inspect_log_rewritten_as_the_run_goes(tmp_path: Path) -> None:
    n = 400
    rng = np.random.default_rng(5)
    ref_values = ["C"] * n
    cand_values = ["I" if rng.random() < 0.25 else "C" for _ in range(n)]
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps(_inspect_log(list(enumerate(ref_values)), "success")))
    log = tmp_path / "candidate.json"
    proc = _watch(str(reference), str(log), "--interval", "0.02", "--format", "json")
    _ready(proc)
    order = rng.permutation(n)
    for k in range(20, n + 1, 20):
        if proc.poll() is not None:
            break
        done = [(int(i), cand_values[int(i)]) for i in order[:k]]
        text = json.dumps(_inspect_log(done, "started"))
        # a half-written file first (Inspect rewrites the log while the run goes)
        log.write_text(text[: len(text) // 2])
        time.sleep(0.03)
        log.write_text(text)
        time.sleep(0.03)
    code, out, err = _finish(proc)
    assert code == 1, err
    last = json.loads(out.strip().splitlines()[-1])
    assert last["decision"] == "degraded"
    assert last["n"] < n


def test_inspect_log_final_status_without_decision_exits_3(tmp_path: Path) -> None:
    values = [(i, "C") for i in range(30)]
    reference = tmp_path / "reference.json"
    reference.write_text(json.dumps(_inspect_log(values, "success")))
    log = tmp_path / "candidate.json"
    log.write_text(json.dumps(_inspect_log(values[:10], "started")))
    proc = _watch(str(reference), str(log), "--interval", "0.02", "--format", "json")
    time.sleep(0.5)
    log.write_text(json.dumps(_inspect_log(values[:20], "cancelled")))
    code, out, err = _finish(proc)
    assert code == 3, err
    assert json.loads(out.strip().splitlines()[-1])["n"] == 20


def test_ctrl_c_never_hangs(tmp_path: Path) -> None:
    proc = _watch(
        str(example_path("reference")), str(tmp_path), "--interval", "0.05", "--format", "json"
    )
    _ready(proc)  # past start-up, inside the loop
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    code, _, err = _finish(proc)
    assert code == 130
    assert "interrupted" in err


def test_help_says_random_order_is_needed() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "watch", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
    ).stdout
    assert "RANDOM ORDER" in out


def test_terminal_gets_a_live_status_line(tmp_path: Path) -> None:
    """On a terminal (a pseudo-terminal here) the status line is redrawn in place."""
    import pty

    name, lines = _samples_lines("degraded", "demo_mc")
    cand = tmp_path / "cand"
    cand.mkdir()
    (cand / name).write_bytes(b"".join(lines))
    (cand / "results_2026-11-22T08-06-12.757307.json").write_text("{}")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastmcnemar", "watch", str(example_path("reference")),
         str(cand), "--tasks", "demo_mc", "--interval", "0.02"],
        stdout=terminal,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(terminal)
    try:
        code = proc.wait(timeout=TIMEOUT)
    finally:
        chunks = []
        while True:
            try:
                data = os.read(controller, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        os.close(controller)
    shown = b"".join(chunks).decode()
    assert code == 1
    assert "\r" in shown
    assert "demo_mc acc: 120/120 b=15 c=1" in shown
    assert shown.rstrip().endswith("degraded")
