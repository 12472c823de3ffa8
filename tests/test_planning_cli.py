"""The planning subcommands and the verdict options of ``compare``."""

from __future__ import annotations

import json

import pytest

import fastmcnemar as fm

cli = pytest.importorskip("fastmcnemar.cli", reason="the CLI package comes with the ingest area")
data = pytest.importorskip("fastmcnemar.data", reason="example runs come with the ingest area")
main = cli.main
example_path = data.example_path


def test_power_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["power", "--flip-rate", "0.05", "--n", "1000", "10000", "--delta", "0.01"]) == 0
    out = capsys.readouterr().out
    assert f"{100 * fm.minimum_detectable_delta(1000, 0.05):.2f} pt" in out
    assert f"{100 * fm.minimum_detectable_delta(10000, 0.05):.2f} pt" in out
    assert f"{fm.sample_size(0.05, 0.01):,}" in out


def test_power_json_and_undetectable_rows(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["power", "--flip-rate", "0.05", "--n", "50", "2000", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rows = {r["n"]: r for r in data["rows"]}
    assert rows[50]["detectable_drop"] is None
    assert rows[2000]["detectable_drop"] == fm.minimum_detectable_delta(2000, 0.05)
    for fmt in ("markdown", "csv"):
        assert main(["power", "--flip-rate", "0.05", "--n", "2000", "--format", fmt]) == 0
        assert "2000" in capsys.readouterr().out.replace(",", "")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["power", "--flip-rate", "2"], "flip_rate"),
        (["power", "--flip-rate", "0.05", "--n", "0"], "--n"),
        (["power", "--flip-rate", "0.05", "--alpha", "1.5"], "alpha"),
        (["power", "--flip-rate", "0.05", "--delta", "0.2"], "delta"),
    ],
)
def test_power_usage_errors_exit_2_with_one_line(
    argv: list[str], words: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert words in err
    assert err.count("\n") == 1


def test_compare_verdicts_and_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    reference, rerun, degraded = (str(example_path(n)) for n in ("reference", "rerun", "degraded"))
    # A lossless rerun of 60-120 samples per task: not enough to show a drop below 1 pt.
    assert main(["compare", reference, rerun, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "inconclusive"
    assert main(["compare", reference, rerun, "--fail-on-inconclusive"]) == 1
    out = capsys.readouterr().out
    assert "inconclusive" in out
    # ... but enough against a 10-point margin.
    assert main(["compare", reference, rerun, "--margin", "0.1", "--fail-on-inconclusive"]) == 0
    assert "equivalent" in capsys.readouterr().out
    assert main(["compare", reference, degraded]) == 1
    assert main(["compare", reference, rerun, "--margin", "0"]) == 2
    assert "margin" in capsys.readouterr().err


def test_compare_reports_the_noise_floor_and_audit_the_verdicts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    reference, rerun, degraded = (example_path(n) for n in ("reference", "rerun", "degraded"))
    comp = fm.compare(reference, degraded, reference_reruns=[rerun])
    assert comp.verdict == "degraded"
    rows = comp.tasks.filter(comp.tasks["kind"] == "binary")
    assert rows.height > 0
    assert rows["noise_flip_rate"].to_list() == [0.0] * rows.height  # a lossless rerun
    assert "vs reference reruns 0.00%" in comp.to_text()
    res = fm.audit(reference, {"rerun": rerun, "int4": degraded}, margin=0.1)
    assert dict(res.summary.select("candidate", "verdict").rows()) == {
        "rerun": "equivalent",
        "int4": "degraded",
    }
    assert main(["audit", str(reference), str(rerun), "--fail-on-inconclusive"]) == 1
    capsys.readouterr()
