"""The fastmcnemar command line: exit codes 0/1/2, formats, output files, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import fastmcnemar
from fastmcnemar.cli import main
from fastmcnemar.data import example_path

REF, RERUN, DEGRADED = (str(example_path(n)) for n in ("reference", "rerun", "degraded"))


def test_compare_exit_codes_and_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", REF, RERUN]) == 0
    assert capsys.readouterr().out.startswith("INCONCLUSIVE: rerun is not significantly worse")
    assert main(["compare", REF, DEGRADED]) == 1
    assert "DEGRADED" in capsys.readouterr().out


@pytest.mark.parametrize("fmt", ["json", "csv", "markdown", "text"])
def test_formats_and_output_file(fmt: str, tmp_path: Path) -> None:
    out = tmp_path / f"report.{fmt}"
    status = main(
        ["compare", REF, DEGRADED, "--format", fmt, "--output", str(out), "--tasks", "demo_mc"]
    )
    assert status == 1
    text = out.read_text()
    if fmt == "json":
        doc = json.loads(text)
        assert doc["degraded"] is True
        assert [t["task"] for t in doc["tasks"]] == ["demo_mc"]
    elif fmt == "csv":
        assert text.splitlines()[0].startswith("reference,candidate,task,filter,metric,")
    elif fmt == "markdown":
        assert "| demo_mc |" in text
    else:
        assert "demo_mc" in text


def test_metric_option_and_alpha(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["compare", REF, DEGRADED, "--format", "json", "--tasks", "demo_arith"]
    assert main([*args, "--metric", "demo_arith=exact_match,flexible-extract"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["tasks"][0]["filter"] == "flexible-extract"
    assert main([*args, "--alpha", "1e-12"]) == 0
    assert json.loads(capsys.readouterr().out)["alpha"] == 1e-12


def test_adjust_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", REF, DEGRADED, "--format", "json", "--adjust", "bh"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["metadata"]["adjustment"] == "bh"
    assert main(["compare", REF, DEGRADED, "--adjust", "fdr"]) == 2
    assert "--adjust" in capsys.readouterr().err


def test_audit_and_demo(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", REF, RERUN, DEGRADED, "--no-progress"]) == 1
    out = capsys.readouterr().out
    assert "DEGRADED" in out
    assert main(["audit", REF, RERUN, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["degraded"] is False
    assert main(["demo"]) == 0
    assert capsys.readouterr().out.startswith("DEGRADED: degraded is significantly worse")
    assert main(["demo", "--candidate", "rerun", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("### INCONCLUSIVE: `rerun` vs `reference`")


def test_input_and_usage_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["compare", REF, str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "missing: no such file or directory" in err
    assert main(["compare", REF]) == 2
    assert capsys.readouterr().err == (
        "fastmcnemar compare: error: the following arguments are required: candidate\n"
    )
    assert main(["compare", REF, DEGRADED, "--metric", "demo_mc=bleu"]) == 2
    err = capsys.readouterr().err
    assert "has no testable metric 'bleu'" in err
    assert "Traceback" not in err
    assert main(["frobnicate"]) == 2
    assert main(["--version"]) == 0
    assert fastmcnemar.__version__ in capsys.readouterr().out


def test_pick_runs_by_timestamp(shared_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = str(shared_dir / "realdata" / "pyfade-gemma3")
    status = main(
        ["compare", root, root, "--format", "json",
         "--reference-timestamp", "2025-10-14T15", "--candidate-timestamp", "2025-10-14T14"]
    )  # fmt: skip
    assert status == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["reference"], doc["candidate"]) == (
        "/workspace/gemma-3-12b-it-base",
        "/workspace/gemma3_12b_u2",
    )
    assert sum(t["b"] for t in doc["tasks"]) == 3
    assert sum(t["c"] for t in doc["tasks"]) == 0


def test_python_dash_m(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "fastmcnemar", "compare", REF, str(tmp_path / "nope")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("fastmcnemar compare: error: ")
    assert "Traceback" not in proc.stderr
