"""The real lm-evaluation-harness end to end: its own simple_evaluate and EvaluationTracker
write --log_samples output for deterministic models that flip a known set of answers, and
fastmcnemar must recover exactly those b and c per task (and filter), offline."""

from __future__ import annotations

import sys
from pathlib import Path

import polars as pl
import pytest

import fastmcnemar
from fastmcnemar import lm_eval_metrics, pair, read_lm_eval

sys.path.insert(0, str(Path(__file__).resolve().parent / "harness"))
import lm_eval_demo

pytest.importorskip("lm_eval", reason="the 'harness' extra (lm-eval) is not installed")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("lm_eval")
    tasks_dir = lm_eval_demo.write_tasks(root)
    out = root / "out"
    return {
        variant: lm_eval_demo.run_variant(variant, tasks_dir, out, lm_eval_demo.ALL_TASKS)
        for variant in ("reference", "degraded")
    }


def _bc(paired: pl.DataFrame, task: str, filt: str, metric: str) -> tuple[int, int]:
    rows = paired.filter(
        (pl.col("task") == task) & (pl.col("filter") == filt) & (pl.col("metric") == metric)
    )
    b = rows.filter((pl.col("reference") == 1) & (pl.col("candidate") == 0)).height
    c = rows.filter((pl.col("reference") == 0) & (pl.col("candidate") == 1)).height
    return b, c


def test_layout_written_by_the_tracker(runs: dict[str, Path]) -> None:
    model_dir = runs["reference"]
    assert model_dir.name == "reference"  # the sanitized model name
    names = sorted(p.name.rsplit("_", 1)[0] for p in model_dir.glob("samples_*.jsonl"))
    # Groups get no samples file, only their leaves do.
    assert names == [
        "samples_demo_arith",
        "samples_demo_group_add",
        "samples_demo_group_mul",
        "samples_demo_mc",
        "samples_demo_partial",
    ]
    kinds = {
        (r["task"], r["metric"]): r["kind"]
        for r in lm_eval_metrics(model_dir).iter_rows(named=True)
    }
    assert kinds[("demo_mc", "acc")] == "binary"
    assert kinds[("demo_mc", "mcc")] == "not testable"
    assert kinds[("demo_partial", "partial_credit")] == "continuous"
    assert kinds[("demo_partial", "digit_match")] == "not testable"


def test_pairing_recovers_the_flipped_answers(runs: dict[str, Path]) -> None:
    ref = read_lm_eval(runs["reference"], metrics=["acc", "exact_match"])
    cand = read_lm_eval(runs["degraded"], metrics=["acc", "exact_match"])
    paired = pair(ref, cand)
    cases = [
        ("demo_mc", "none", "acc"),
        ("demo_group_add", "none", "acc"),
        ("demo_group_mul", "none", "acc"),
        ("demo_arith", "strict-match", "exact_match"),
        ("demo_arith", "flexible-extract", "exact_match"),
    ]
    for task, filt, metric in cases:
        expected = lm_eval_demo.expected_bc("reference", "degraded", task, filt)
        assert _bc(paired, task, filt, metric) == expected, (task, filt)
        assert sum(expected) > 0
    n = paired.group_by("task", "filter", "metric").len().sort("task", "filter")
    assert n["len"].to_list() == [120, 120, 60, 60, 120]


@pytest.mark.skipif(not hasattr(fastmcnemar, "mcnemar"), reason="mcnemar (issue 2) not built yet")
def test_compare_on_real_harness_output(runs: dict[str, Path]) -> None:
    result = fastmcnemar.compare(runs["reference"], runs["degraded"])
    got = {
        r["task"]: (r["filter"], r["b"], r["c"])
        for r in result.tasks.filter(pl.col("kind") == "binary").iter_rows(named=True)
    }
    for task, filt in (
        ("demo_mc", "none"),
        ("demo_arith", "strict-match"),
        ("demo_group_add", "none"),
        ("demo_group_mul", "none"),
    ):
        assert got[task] == (filt, *lm_eval_demo.expected_bc("reference", "degraded", task, filt))
    assert result.degraded
