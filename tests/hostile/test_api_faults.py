"""Hostile arguments to the Python API and the command line's last-resort
handling: bounded work, clear messages, no traceback, one-line warnings."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import fastmcnemar as fm
from fastmcnemar import _limits
from fastmcnemar.cli import compare_cmd, main
from fastmcnemar.data import example_path
from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError
from fastmcnemar.ingest.safe_io import loads, nesting_overflow, read_bounded, require_regular


@pytest.mark.parametrize(
    "call",
    [
        lambda: fm.power(2**62, 0.05, 0.01),
        lambda: fm.power(2**53 + 1, 0.05, 0.01, method="normal"),
        lambda: fm.minimum_detectable_delta(2**62, 0.05),
        lambda: fm.planning.minimum_detectable_delta_many([100, 2**62], 0.05),
        lambda: fm.sample_size(0.05, 1e-9),
        lambda: fm.sample_size(0.05, 1e-9, method="normal"),
    ],
)
def test_sample_counts_above_2_to_the_53_are_refused_at_once(call: object) -> None:
    start = time.monotonic()
    with pytest.raises(InvalidArgumentError, match=r"2\^53"):
        call()  # type: ignore[operator]
    assert time.monotonic() - start < 5


def test_thread_counts_are_capped_at_once() -> None:
    start = time.monotonic()
    with pytest.raises(InvalidArgumentError, match="n_threads must be a whole number from 1"):
        fm.permutation_test([1, 0] * 10, [0, 1] * 10, n_threads=10**6)
    assert time.monotonic() - start < 5


def test_empty_task_selection_and_workers() -> None:
    with pytest.raises(InvalidArgumentError, match=r"tasks=\[\] selects no task"):
        fm.compare(example_path("reference"), example_path("degraded"), tasks=[])
    for bad in (0, -3, 1.5):
        with pytest.raises(InvalidArgumentError, match="max_workers"):
            fm.audit(example_path("reference"), [example_path("degraded")], max_workers=bad)


def test_deep_json_is_an_input_error_naming_the_place(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(InputFormatError, match=r"doc.json: line 3: JSON nested more than 512"):
        loads(deep, "doc.json: line 3")
    path = tmp_path / "doc.json"
    path.write_text('{\n"a":\n' + deep + "}")
    with pytest.raises(InputFormatError, match=r"doc.json: JSON nested .* \(at line 3\)"):
        loads(path.read_bytes(), str(path))
    assert nesting_overflow(b'["[[[[", [[1]]]', 2) == 10  # brackets in strings do not count


def test_size_limits_are_checked_while_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 5000)
    monkeypatch.setenv(_limits.JSON_BYTES_ENV, "4K")
    with pytest.raises(InputFormatError, match=r"big.json: larger than the 4.0 KiB limit"):
        read_bounded(path)
    monkeypatch.setenv(_limits.JSON_BYTES_ENV, "0")
    with pytest.raises(InvalidArgumentError, match="not a positive size"):
        read_bounded(path)
    monkeypatch.setenv(_limits.RATIO_ENV, "0.5")
    with pytest.raises(InvalidArgumentError, match="at least 1"):
        _limits.max_expansion_ratio()


def test_only_regular_files_are_opened(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.jsonl"
    import os

    os.mkfifo(fifo)
    with pytest.raises(InputFormatError, match=r"pipe.jsonl: a FIFO \(named pipe\)"):
        require_regular(fifo)
    with pytest.raises(InputFormatError, match=r"pipe\.jsonl: a FIFO"):
        fm.read_scores(fifo)  # returns at once: never a blocked open()


def test_unexpected_exception_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(compare_cmd, "run", broken)
    assert main(["compare", "a", "b"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "Traceback" not in err
    assert "internal error: RuntimeError: boom\\nsecond line; run with --debug" in err
    assert main(["compare", "a", "b", "--debug"]) == 2
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err
    assert err.strip().splitlines()[-1].startswith("fastmcnemar compare: error: internal error")
    monkeypatch.setenv("FASTMCNEMAR_DEBUG", "1")
    assert main(["compare", "a", "b"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_recursion_error_never_escapes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def deep(args: object) -> int:
        def down(n: int) -> int:
            return down(n + 1)

        return down(0)

    monkeypatch.setattr(compare_cmd, "run", deep)
    assert main(["compare", "a", "b"]) == 2
    err = capsys.readouterr().err
    assert "RecursionError" in err
    assert err.count("\n") == 1


def test_warnings_print_as_one_clean_line(tmp_path: Path) -> None:
    """A superseded older run warns: one line, no source path or line of code."""
    shutil.copytree(example_path("reference"), tmp_path / "ref")
    cand = tmp_path / "cand"
    shutil.copytree(example_path("degraded"), cand)
    older = next(cand.glob("samples_demo_arith_*.jsonl"))
    shutil.copy(older, cand / "samples_demo_arith_2020-01-01T00-00-00.000000.jsonl")
    results = next(cand.glob("results_*.json"))
    shutil.copy(results, cand / "results_2020-01-01T00-00-00.000000.json")
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "fastmcnemar", "compare", "ref", "cand"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines, "expected a warning about the superseded run"
    for line in lines:
        assert line.startswith("fastmcnemar compare: warning: "), line
        assert ".py:" not in line
        assert "warnings.warn" not in line
    assert any("2020-01-01" in line for line in lines)


def test_malformed_results_fields_name_the_field(tmp_path: Path) -> None:
    run = tmp_path / "run"
    shutil.copytree(example_path("degraded"), run)
    results = next(run.glob("results_*.json"))
    data = json.loads(results.read_text())
    data["n-samples"] = {"demo_mc": 120}
    results.write_text(json.dumps(data))
    with pytest.raises(InputFormatError, match=r"field 'n-samples.demo_mc' must be an object"):
        fm.read_lm_eval(run)


def test_scale_option_makes_percent_scores_usable(tmp_path: Path) -> None:
    ref = tmp_path / "ref.csv"
    cand = tmp_path / "cand.csv"
    ref.write_text("task,doc_id,score\n" + "".join(f"t,d{i},100\n" for i in range(50)))
    cand.write_text(
        "task,doc_id,score\n" + "".join(f"t,d{i},{0 if i < 10 else 100}\n" for i in range(50))
    )
    with pytest.raises(InputFormatError, match="--scale 100"):
        fm.read_scores(ref)
    assert fm.read_scores(cand, scale=100)["score"].max() == 1.0
    proc = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "compare", str(ref), str(cand), "--scale", "100"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr  # 10 of 50 samples lost: degraded
    assert "20.00" in proc.stdout
    assert "2000" not in proc.stdout


@pytest.mark.timeout(120)
def test_the_longest_exact_search_stops_on_ctrl_c() -> None:
    # The exact sample size just inside the search's 2^31 (N = 1,932,099,151: about 25 s,
    # its scan O(N)) runs off the interpreter and stops between steps when Ctrl-C comes.
    script = (
        "import os, signal, threading, time\n"
        "import fastmcnemar as fm\n"
        "threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()\n"
        "start = time.perf_counter()\n"
        "try:\n"
        "    fm.sample_size(0.5, 4e-5)\n"
        "    print('finished')\n"
        "except KeyboardInterrupt:\n"
        "    print(f'interrupted {time.perf_counter() - start:.2f}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=100, check=False
    )
    words = done.stdout.split()
    assert words, done.stderr
    assert words[0] == "interrupted", done.stdout + done.stderr
    assert float(words[1]) < 8.0, done.stdout


@pytest.mark.parametrize("inline", [True, False], ids=["inline", "on-the-pool"])
def test_a_panic_in_the_core_is_a_worker_panic_error_and_the_pools_survive(inline: bool) -> None:
    # No input reaches a panic; a hook panics on purpose, on the calling thread (small
    # calls run inline) or on a worker, and both become the same catchable error.
    from fastmcnemar import _core

    for _ in range(2):
        with pytest.raises(fm.WorkerPanicError, match=r"panicked \(deliberate panic") as caught:
            _core._panic_for_tests(inline)
        assert isinstance(caught.value, Exception)  # not PyO3's BaseException PanicException
    # The pool that lost a worker's job still runs the next call.
    b = np.arange(200_000, dtype=np.int64) % 50
    out = fm.mcnemar_counts(b, 49 - b)
    assert out.pvalue.shape == (200_000,)
    assert np.all((out.pvalue > 0) & (out.pvalue <= 1))


def test_planning_beyond_its_limits_is_refused_at_once() -> None:
    # Each of these ran for minutes and took gigabytes before: now one clear error.
    start = time.perf_counter()
    with pytest.raises(fm.InvalidArgumentError, match=r"2\^23"):
        fm.power(2**53, 0.5, 0.01)
    with pytest.raises(fm.InvalidArgumentError, match=r"3\.091e10.*2\^31"):
        fm.sample_size(0.5, 1e-5)
    with pytest.raises(fm.InvalidArgumentError, match=r"2\^23"):
        fm.minimum_detectable_delta(2**53, 0.5)
    assert time.perf_counter() - start < 5.0


def test_a_vanishing_margin_reports_more_than_the_search_instead_of_failing() -> None:
    from fastmcnemar.data import example_path

    comp = fm.compare(example_path("reference"), example_path("degraded"), margin=1e-5)
    needed = comp.tasks.filter(comp.tasks["verdict"] == "inconclusive")["n_needed"]
    assert needed.len() > 0
    assert (needed == 2**31 + 1).all()
