"""The command line offers what the API offers, and its messages name its own flags."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from fastmcnemar.cli import SUBCOMMANDS, main
from fastmcnemar.data import example_path

REF = str(example_path("reference"))


def _candidate(tmp_path: Path) -> Path:
    run = tmp_path / "candidate"
    shutil.copytree(example_path("degraded"), run)
    return run


def _samples(run: Path, task: str) -> Path:
    (path,) = run.glob(f"samples_{task}_*.jsonl")
    return path


@pytest.mark.parametrize("module", SUBCOMMANDS, ids=lambda m: m.NAME)
def test_every_subcommand_help_ends_with_its_exit_codes(
    module: object, capsys: pytest.CaptureFixture[str]
) -> None:
    name = module.NAME  # type: ignore[attr-defined]
    assert main([name, "--help"]) == 0
    help_text = capsys.readouterr().out
    tail = help_text[help_text.index("exit status:") :]
    codes = re.findall(r"^\s+(\d+)\s", tail, re.M)
    assert "0" in codes
    assert "2" in codes
    assert ("1" in codes) == (name in ("compare", "audit", "watch"))  # the gating commands
    assert ("3" in codes) == (name == "watch")  # finished undecided


def test_allow_missing_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _candidate(tmp_path)
    samples = _samples(run, "demo_mc")
    lines = samples.read_text(encoding="utf-8").splitlines(keepends=True)
    samples.write_text("".join(lines[:-5]), encoding="utf-8")

    assert main(["compare", REF, str(run), "--tasks", "demo_mc"]) == 2
    err = capsys.readouterr().err
    assert "--allow-missing" in err
    assert "allow_missing=True" not in err
    assert err.count("\n") == 1

    assert main(["compare", REF, str(run), "--tasks", "demo_mc", "--allow-missing"]) == 1
    captured = capsys.readouterr()
    assert "demo_mc" in captured.out
    # the warning is one line, naming the flag, not a Python warning with a file and line
    (warning,) = captured.err.splitlines()
    assert warning.startswith("fastmcnemar compare: warning: ")
    assert "(left out: --allow-missing)" in warning
    assert " 115 " in captured.out  # 120 docs, 5 left out

    assert main(["audit", REF, str(run), "--tasks", "demo_mc", "--allow-missing"]) == 1


def test_allow_hash_mismatch_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = _candidate(tmp_path)
    samples = _samples(run, "demo_mc")
    text = samples.read_text(encoding="utf-8")
    first_hash = re.search(r'"doc_hash": "([0-9a-f]+)"', text)
    assert first_hash is not None
    samples.write_text(text.replace(first_hash.group(1), "0" * 64, 1), encoding="utf-8")

    assert main(["compare", REF, str(run), "--tasks", "demo_mc"]) == 2
    err = capsys.readouterr().err
    assert "pass --allow-hash-mismatch to pair them anyway" in err
    assert "allow_hash_mismatch=True" not in err

    argv = ["compare", REF, str(run), "--tasks", "demo_mc", "--allow-hash-mismatch"]
    assert main(argv) == 1
    assert "(paired anyway: --allow-hash-mismatch)" in capsys.readouterr().err


def _two_model_scores(path: Path) -> Path:
    rows = ["model,task,doc_id,score"]
    rows += [f"a,t,{i},{int(i % 3 != 0)}" for i in range(30)]
    rows += [f"b,t,{i},{int(i % 4 != 0)}" for i in range(30)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_model_hint_names_the_side_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    both = _two_model_scores(tmp_path / "both.csv")
    single = tmp_path / "single.csv"
    single.write_text(
        "task,doc_id,score\n" + "".join(f"t,{i},1\n" for i in range(30)), encoding="utf-8"
    )
    assert main(["compare", str(both), str(single)]) == 2
    err = capsys.readouterr().err
    assert "pick it with --reference-model" in err
    assert "model=..." not in err
    assert main(["compare", str(single), str(both)]) == 2
    assert "pick it with --candidate-model" in capsys.readouterr().err
