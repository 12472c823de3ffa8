"""The reference scanned while the command imports (``fastmcnemar._early_scan``): the
reader takes the early columns only when they are exactly what it would have read, and
everything else behaves as if there were no early scan."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import fastmcnemar as fm
from fastmcnemar import _early_scan
from fastmcnemar.cli import _common as cli_common
from fastmcnemar.cli import main
from fastmcnemar.data import example_path
from fastmcnemar.ingest import load_lm_eval


@pytest.fixture(autouse=True)
def _no_early_scan_left() -> Iterator[None]:
    _early_scan.stop()
    yield
    _early_scan.stop()


@pytest.fixture
def taken(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per file the reader asked for: whether the early scan served it. The
    command line starts the scan as in a fresh process (where Polars is still to come)."""
    monkeypatch.setattr(cli_common, "imports_pending", lambda: True)
    served: list[bool] = []
    take = _early_scan.take

    def counting(*args: Any) -> Any:
        found = take(*args)
        served.append(found is not None)
        return found

    monkeypatch.setattr(_early_scan, "take", counting)
    return served


def _copy_run(tmp_path: Path) -> Path:
    run = tmp_path / "reference"
    shutil.copytree(example_path("reference"), run)
    return run


def _scores(run: Path) -> pl.DataFrame:
    return load_lm_eval(run).scores  # the reader's quiet form: no warnings


def _read_early(run: Path) -> pl.DataFrame:
    assert _early_scan.start(run)
    try:
        return _scores(run)
    finally:
        _early_scan.stop()


def test_the_reader_gets_the_same_frame_from_the_early_scan(
    tmp_path: Path, taken: list[bool]
) -> None:
    run = _copy_run(tmp_path)
    early = _read_early(run)
    assert taken
    assert all(taken)  # every file came from the early scan
    taken.clear()
    assert_frame_equal(early, _scores(run))
    assert taken
    assert not any(taken)  # no early scan without start()


def test_real_lm_eval_run_reads_the_same(
    shared_dir: Path, tmp_path: Path, taken: list[bool]
) -> None:
    real = shared_dir / "realdata" / "pyfade-gemma3" / "eval_mmlu_pro_plus"
    run = tmp_path / "run"
    run.mkdir()
    stamp = "2025-10-14T15-11-56.507865"
    for file in real.iterdir():
        if stamp in file.name:  # one run of the two in the folder
            shutil.copy(file, run / file.name)
    early = _read_early(run)
    assert taken
    assert all(taken)
    assert_frame_equal(early, _scores(run))


def test_cli_compare_report_is_the_same_as_the_library_s(tmp_path: Path, taken: list[bool]) -> None:
    run = _copy_run(tmp_path)
    out = tmp_path / "report.json"
    status = main(["compare", str(run), str(example_path("degraded")), "--format", "json",
                   "-o", str(out)])  # fmt: skip
    assert status == 1
    assert any(taken)
    library = fm.compare(run, example_path("degraded"))
    assert json.loads(out.read_text()) == json.loads(library.to_json())


def test_cli_audit_uses_the_early_scan_and_forgets_it(tmp_path: Path, taken: list[bool]) -> None:
    run = _copy_run(tmp_path)
    out = tmp_path / "audit.json"
    candidates = [str(example_path("degraded")), str(example_path("rerun"))]
    status = main(["audit", str(run), *candidates, "--no-progress", "--format", "json",
                   "-o", str(out)])  # fmt: skip
    assert status == 1
    assert any(taken)
    assert _early_scan._State.thread is None
    assert not _early_scan._State.scans
    # Ended, so that the command line can take its quick exit (no other Python thread).
    assert all(t.name != "fastmcnemar-early-scan" for t in threading.enumerate())


def test_a_file_changed_after_the_early_scan_is_read_again(
    tmp_path: Path, taken: list[bool]
) -> None:
    run = _copy_run(tmp_path)
    assert _early_scan.start(run)
    _early_scan._State.thread.join()  # type: ignore[union-attr]
    changed = sorted(run.glob("samples_demo_mc_*.jsonl"))[0]
    lines = changed.read_text().splitlines(keepends=True)
    time.sleep(0.01)  # a new modification time even on coarse clocks
    changed.write_text("".join(lines[:-1]))  # the last sample removed
    frame = _scores(run)
    assert taken.count(False) == 1
    assert taken.count(True) == len(taken) - 1
    _early_scan.stop()
    assert_frame_equal(frame, _scores(run))


def test_a_broken_file_is_reported_as_without_the_early_scan(tmp_path: Path) -> None:
    run = _copy_run(tmp_path)
    broken = sorted(run.glob("samples_demo_arith_*.jsonl"))[0]
    lines = broken.read_text().splitlines(keepends=True)
    lines[3] = lines[3][:40] + "\n"
    broken.write_text("".join(lines))
    with pytest.raises(fm.exceptions.InputFormatError) as plain:
        _scores(run)
    assert _early_scan.start(run)
    with pytest.raises(fm.exceptions.InputFormatError) as early:
        _scores(run)
    assert str(early.value) == str(plain.value)


def test_keys_not_scanned_or_scanned_otherwise_are_not_served(tmp_path: Path) -> None:
    run = _copy_run(tmp_path)
    assert _early_scan.start(run)
    first = sorted(run.glob("samples_*.jsonl"))[0]
    assert _early_scan.take(first, ["doc_id", "no_such_key"], [True, False]) is None
    second = sorted(run.glob("samples_*.jsonl"))[1]
    assert _early_scan.take(second, ["doc_id"], [False]) is None  # text scanned as number
    third = sorted(run.glob("samples_*.jsonl"))[2]
    rows, columns, starts = _early_scan.take(third, ["doc_id"], [True]) or (0, [], [])
    assert rows > 0
    assert len(columns) == 1
    assert len(starts) == rows
    assert _early_scan.take(third, ["doc_id"], [True]) is None  # served once


@pytest.mark.parametrize(
    "layout",
    ["two runs", "a task twice", "a file", "missing", "remote", "nul", "too large", "no samples"],
)
def test_nothing_is_started_for_what_the_reader_alone_should_read(
    layout: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _copy_run(tmp_path)
    target: str | Path = run
    if layout == "two runs":
        (run / "results_2026-11-22T08-06-06.099401.json").write_text("{}")
        (run / "results_2026-11-23T08-06-06.099401.json").write_text("{}")
    elif layout == "a task twice":  # no results files, but an older run of one task
        older = sorted(run.glob("samples_demo_mc_*.jsonl"))[0]
        shutil.copy(older, run / "samples_demo_mc_2026-11-21T08-06-06.099401.jsonl")
    elif layout == "a file":
        target = sorted(run.glob("samples_*.jsonl"))[0]
    elif layout == "missing":
        target = run / "nowhere"
    elif layout == "remote":
        target = "s3://bucket/reference"
    elif layout == "nul":
        target = f"{run}\0x"
    elif layout == "too large":
        monkeypatch.setattr(_early_scan, "MAX_BYTES", 1000)
    else:
        for file in run.glob("samples_*.jsonl"):
            file.rename(file.with_suffix(".txt"))
    assert _early_scan.start(target) is False
    assert _early_scan.take(sorted(run.glob("samples_*"))[0] if layout != "no samples"
                            else run, ["doc_id"], [True]) is None  # fmt: skip


def test_cli_options_that_select_part_of_the_reference_start_nothing(
    tmp_path: Path, taken: list[bool]
) -> None:
    run = _copy_run(tmp_path)
    for extra in (["--tasks", "demo_mc"], ["--reference-model", "reference"]):
        main(["compare", str(run), str(example_path("degraded")), "--format", "json",
              "-o", str(tmp_path / "r.json"), *extra])  # fmt: skip
        assert taken
        assert not any(taken)
        taken.clear()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_among_the_samples_files_does_not_hang(tmp_path: Path) -> None:
    run = _copy_run(tmp_path)
    os.mkfifo(run / "samples_demo_fifo_2026-11-22T08-06-06.099401.jsonl")
    started = time.monotonic()
    _early_scan.start(run)
    _early_scan.stop()  # waits for the thread
    assert time.monotonic() - started < 10


def test_the_scan_thread_imports_nothing(tmp_path: Path) -> None:
    run = _copy_run(tmp_path)
    code = (
        "import sys\n"
        "from fastmcnemar import _early_scan\n"
        "import json, numpy, fastmcnemar._core\n"
        "before = set(sys.modules)\n"
        f"assert _early_scan.start({str(run)!r})\n"
        "_early_scan._State.thread.join()\n"
        "assert _early_scan._State.scans, 'nothing scanned'\n"
        "print(sorted(set(sys.modules) - before))\n"
    )
    assert _python(code) == "[]"


def _python(code: str) -> str:
    """What a fresh Python process running ``code`` prints (it must succeed)."""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=True)  # fmt: skip
    return done.stdout.strip()


def _large_run(folder: Path, files: int = 12, megabytes: int = 40) -> Path:
    """``files`` hard links of one ``megabytes`` samples file: a reference that takes the
    early scan a while on one core (about 20 ms per 40 MB here), written once."""
    folder.mkdir()
    prompt = "x" * 900
    line = (
        '{"doc_id": %d, "filter": "none", "doc_hash": "d", "prompt_hash": "p", '
        '"target_hash": "t", "arguments": [["' + prompt + '"]], "acc": 1.0}\n'
    )
    first = folder / "samples_t0_2026-01-01T00-00-00.000000.jsonl"
    with first.open("w", encoding="utf-8") as out:
        out.writelines(line % i for i in range(megabytes * 1000))
    for i in range(1, files):
        os.link(first, folder / f"samples_t{i}_2026-01-01T00-00-00.000000.jsonl")
    return folder


def test_the_process_ends_at_once_while_the_thread_is_still_scanning(tmp_path: Path) -> None:
    run = _large_run(tmp_path / "large")
    code = (
        "import sys, time\n"
        "from fastmcnemar import _early_scan\n"
        f"assert _early_scan.start({str(run)!r})\n"
        "print('scanning' if _early_scan._State.thread.is_alive() else 'done', flush=True)\n"
        "sys.exit(130)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 130, done.stderr
    assert done.stdout.strip() == "scanning"  # 480 MB on one core: far from done
    assert time.monotonic() - started < 10
    assert "Traceback" not in done.stderr


def test_ctrl_c_while_the_reference_is_scanned_early(tmp_path: Path) -> None:
    run = _large_run(tmp_path / "large")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fastmcnemar", "compare", str(run), str(run)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    time.sleep(0.3)  # past start-up: importing, or waiting for the early scan
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err.strip() == "fastmcnemar: interrupted"


def test_main_called_again_in_a_process_reads_the_reference_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Polars is loaded here, as in a framework calling main() again: nothing left to import,
    # so no one-core scan for the reader to wait on.
    run = _copy_run(tmp_path)
    started: list[Any] = []
    monkeypatch.setattr(_early_scan, "start", started.append)
    status = main(["compare", str(run), str(example_path("degraded")), "--format", "json",
                   "-o", str(tmp_path / "r.json")])  # fmt: skip
    assert status == 1
    assert started == []
    monkeypatch.setattr(cli_common, "imports_pending", lambda: True)
    main(["compare", str(run), str(example_path("degraded")), "--format", "json",
          "-o", str(tmp_path / "r.json")])  # fmt: skip
    assert started == [str(run)]  # the same call in a fresh process would start it


def test_a_fresh_command_line_process_has_the_imports_still_to_come() -> None:
    # What the command line has loaded when a subcommand runs must leave Polars out, or
    # the early scan would never start.
    code = (
        "import sys\n"
        "from fastmcnemar.cli import _common, build_parser\n"
        "build_parser().parse_args(['compare', 'a', 'b'])\n"
        "print(_common.imports_pending())\n"
    )
    assert _python(code) == "True"
