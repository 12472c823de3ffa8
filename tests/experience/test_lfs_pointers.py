"""A Git LFS pointer in place of a log: every reader says so, and the CLI exits 2."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.data import example_path
from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.lfs import lfs_pointer_size

POINTER = (
    "version https://git-lfs.github.com/spec/v1\n"
    "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\n"
    "size 1048576\n"
)
EXPECTED = "Git LFS pointer, not the file itself (1,048,576 bytes): run `git lfs pull`"


def _run_with_pointer(tmp_path: Path, pattern: str) -> tuple[Path, Path]:
    run = tmp_path / "reference"
    shutil.copytree(example_path("reference"), run)
    (target,) = run.glob(pattern)
    target.write_text(POINTER, encoding="utf-8")
    return run, target


@pytest.mark.parametrize("pattern", ["samples_demo_arith_*.jsonl", "results_*.json"])
def test_lm_eval_run_with_a_pointer(tmp_path: Path, pattern: str) -> None:
    run, target = _run_with_pointer(tmp_path, pattern)
    with pytest.raises(InputFormatError) as err:
        fm.compare(run, example_path("degraded"))
    assert str(err.value) == f"{target}: {EXPECTED}"


@pytest.mark.parametrize(
    ("name", "reader"),
    [
        ("run.eval", fm.read_inspect),
        ("run.json", fm.read_inspect),
        ("details_demo_2026-01-01T00-00-00.parquet", fm.read_lighteval),
        ("scores.csv", fm.read_scores),
        ("scores.parquet", fm.read_scores),
        ("scores.jsonl", fm.read_scores),
        ("samples_demo_2026-01-01T00-00-00.jsonl", fm.read_lm_eval),
    ],
)
def test_every_reader_names_the_pointer(
    tmp_path: Path, name: str, reader: Callable[[Path], Any]
) -> None:
    target = tmp_path / name
    target.write_text(POINTER, encoding="utf-8")
    with pytest.raises(InputFormatError, match="Git LFS pointer") as err:
        reader(target)
    assert str(target) in str(err.value)
    assert "git lfs pull" in str(err.value)


def test_cli_exits_2_with_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run, target = _run_with_pointer(tmp_path, "samples_demo_mc_*.jsonl")
    assert main(["compare", str(run), str(example_path("degraded"))]) == 2
    err = capsys.readouterr().err
    assert err == f"fastmcnemar compare: error: {target}: {EXPECTED}\n"


def test_small_files_that_are_not_pointers_are_left_alone(tmp_path: Path) -> None:
    plain = tmp_path / "scores.csv"
    plain.write_text("task,doc_id,score\nt,0,1\n", encoding="utf-8")
    assert lfs_pointer_size(plain) is None
    sizeless = tmp_path / "p.jsonl"
    sizeless.write_text(POINTER.replace("size 1048576\n", ""), encoding="utf-8")
    assert lfs_pointer_size(sizeless) == -1
    assert lfs_pointer_size(tmp_path) is None
