"""compare() / audit() on the built-in lm-eval runs and the pyfade real files, and renderers."""

from __future__ import annotations

import csv
import io
import json
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest

import fastmcnemar
from fastmcnemar import (
    InvalidArgumentError,
    InvalidLevelError,
    PairingError,
    audit,
    compare,
    read_lm_eval,
)
from fastmcnemar.compare.results import SKIPPED_COLUMNS, SUMMARY_COLUMNS, TASK_COLUMNS
from fastmcnemar.data import example_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "harness"))
import lm_eval_demo

BINARY = {
    "demo_arith": "strict-match",
    "demo_group_add": "none",
    "demo_group_mul": "none",
    "demo_mc": "none",
}


def _bc(result: fastmcnemar.Comparison) -> dict[str, tuple[int, int]]:
    return {r["task"]: (r["b"], r["c"]) for r in result.tasks.iter_rows(named=True)}


def test_degraded_example_recovers_the_flipped_answers() -> None:
    result = compare(example_path("reference"), example_path("degraded"))
    assert result.reference == "reference"
    assert result.candidate == "degraded"
    # The contract's columns, with their types (planning may add verdict columns).
    assert {k: v for k, v in result.tasks.schema.items() if k in TASK_COLUMNS} == TASK_COLUMNS
    binary = result.tasks.filter(pl.col("kind") == "binary")
    expected = {
        t: lm_eval_demo.expected_bc("reference", "degraded", t, f) for t, f in BINARY.items()
    }
    assert {r["task"]: (r["b"], r["c"]) for r in binary.iter_rows(named=True)} == expected
    assert dict(zip(binary["task"], binary["filter"], strict=True)) == BINARY
    assert set(binary["metric"]) == {"acc", "exact_match"}
    mc = binary.filter(pl.col("task") == "demo_mc").row(0, named=True)
    b, c = expected["demo_mc"]
    assert mc["n"] == 120
    assert mc["delta"] == pytest.approx((b - c) / 120)
    assert mc["flip_rate"] == pytest.approx((b + c) / 120)
    assert mc["reference_accuracy"] - mc["candidate_accuracy"] == pytest.approx(mc["delta"])
    assert mc["ci_low"] <= mc["delta"] <= mc["ci_high"]
    assert result.degraded
    assert (result.tasks["pvalue_adjusted"] >= result.tasks["pvalue"]).all()
    skipped = {(r["task"], r["metric"]): r["reason"] for r in result.skipped.iter_rows(named=True)}
    assert dict(result.skipped.schema) == SKIPPED_COLUMNS
    assert "[gold, prediction] pair" in skipped[("demo_mc", "mcc")]
    assert "list" in skipped[("demo_partial", "digit_match")]
    row = result.tasks.filter(pl.col("task") == "demo_partial").row(0, named=True)
    assert row["kind"] == "continuous"
    assert row["method"].startswith("permutation")
    assert result.metadata["reference"]["harness_version"] == "0.4.13"
    assert result.metadata["reference"]["tasks"]["demo_mc"]["version"] == 1.0


def test_lossless_rerun_is_not_degraded() -> None:
    result = compare(example_path("reference"), example_path("rerun"))
    assert not result.degraded
    binary = result.tasks.filter(pl.col("kind") == "binary")
    assert sorted(binary["task"]) == sorted(BINARY)
    assert set(zip(binary["b"], binary["c"], strict=True)) == {(0, 0)}
    assert (binary["pvalue"] == 1.0).all()
    assert not result.tasks["degraded"].any()


def test_metric_and_filter_choice() -> None:
    result = compare(
        example_path("reference"),
        example_path("degraded"),
        metric={"demo_arith": "exact_match,flexible-extract", "demo_mc": "acc_norm"},
        tasks=["demo_arith", "demo_mc"],
    )
    rows = {r["task"]: r for r in result.tasks.iter_rows(named=True)}
    assert set(rows) == {"demo_arith", "demo_mc"}
    assert rows["demo_arith"]["filter"] == "flexible-extract"
    assert (rows["demo_arith"]["b"], rows["demo_arith"]["c"]) == lm_eval_demo.expected_bc(
        "reference", "degraded", "demo_arith", "flexible-extract"
    )
    assert rows["demo_mc"]["metric"] == "acc_norm"
    group = compare(example_path("reference"), example_path("degraded"), tasks=["demo_group"])
    assert sorted(group.tasks["task"]) == ["demo_group_add", "demo_group_mul"]


def test_unknown_or_untestable_metric_is_an_error() -> None:
    ref, cand = example_path("reference"), example_path("degraded")
    with pytest.raises(InvalidArgumentError, match=r"task 'demo_mc' has no testable metric 'f1'"):
        compare(ref, cand, metric={"demo_mc": "f1"})
    with pytest.raises(InvalidArgumentError, match=r"'mcc'.*\[gold, prediction\] pair"):
        compare(ref, cand, metric={"demo_mc": "mcc"})
    with pytest.raises(InvalidArgumentError, match="no task has a testable metric 'bleu'"):
        compare(ref, cand, metric="bleu")
    with pytest.raises(InvalidArgumentError, match=r"task\(s\) nope not in both runs"):
        compare(ref, cand, metric={"nope": "acc"})
    with pytest.raises(InvalidLevelError, match="alpha must lie strictly between 0 and 1"):
        compare(ref, cand, alpha=1.5)


def test_frames_and_hash_checks() -> None:
    ref = read_lm_eval(example_path("reference"), tasks=["demo_mc"], metrics=["acc"])
    cand = read_lm_eval(example_path("degraded"), tasks=["demo_mc"], metrics=["acc"])
    result = compare(ref, cand)
    assert _bc(result)["demo_mc"] == lm_eval_demo.expected_bc("reference", "degraded", "demo_mc")
    tampered = cand.with_columns(
        pl.when(pl.col("doc_id") == "7")
        .then(pl.lit("0" * 64))
        .otherwise("doc_hash")
        .alias("doc_hash")
    )
    with pytest.raises(
        PairingError, match=r"task 'demo_mc': doc_hash differs for 1 doc id\(s\) \(7\)"
    ):
        compare(ref, tampered)
    with pytest.warns(fastmcnemar.PairingWarning, match="doc_hash differs"):
        compare(ref, tampered, allow_hash_mismatch=True)


def test_pyfade_real_runs(shared_dir: Path) -> None:
    root = shared_dir / "realdata" / "pyfade-gemma3"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        gsm = compare(
            root / "results_2025-09-09T13-42-42.857006.json",
            root / "results_2025-09-09T13-31-53.431753.json",
        )
        mmlu = compare(
            root / "eval_mmlu_pro_plus",
            root / "eval_mmlu_pro_plus",
            reference_model="/workspace/gemma-3-12b-it-base",
            candidate_model="/workspace/gemma3_12b_u2",
        )
    assert (gsm.reference, gsm.candidate) == ("gemma3:12b-it-q4_K_M", "gemma3:12b-u1")
    assert _bc(gsm) == {"gsm8k": (1, 0)}
    assert gsm.tasks["filter"].to_list() == ["strict-match"]
    assert _bc(mmlu) == {
        "mmlu_pro_plus_chemistry": (1, 0),
        "mmlu_pro_plus_health": (1, 0),
        "mmlu_pro_plus_psychology": (1, 0),
    }
    assert gsm.tasks["n"].sum() + mmlu.tasks["n"].sum() == 12
    assert gsm.metadata["reference"]["harness_version"] == "0.4.9.1"
    assert gsm.metadata["hash_checks"]["samples_with_hashes"] == 3
    with pytest.raises(PairingError, match="holds 2 models"):
        compare(root / "eval_mmlu_pro_plus", root / "eval_mmlu_pro_plus")
    by_time = compare(
        root,
        root,
        reference_timestamp="2025-09-09T13-42",
        candidate_timestamp="2025-09-09T13-31",
    )
    assert _bc(by_time) == {"gsm8k": (1, 0)}


def test_renderers() -> None:
    result = compare(example_path("reference"), example_path("degraded"))
    doc = json.loads(result.to_json())
    assert {"reference", "candidate", "alpha", "tasks", "aggregate", "degraded"} <= set(doc)
    assert doc["degraded"] is True
    for row in doc["tasks"]:
        assert {
            "task",
            "filter",
            "metric",
            "n",
            "b",
            "c",
            "delta",
            "flip_rate",
            "pvalue",
            "degraded",
        } <= set(row)
    rows = list(csv.DictReader(io.StringIO(result.to_csv())))
    assert len(rows) == result.tasks.height
    assert rows[0]["reference"] == "reference"
    assert list(rows[0])[:2] == ["reference", "candidate"]
    assert set(TASK_COLUMNS) <= set(rows[0])
    text = result.to_text()
    assert "DEGRADED" in text
    assert "demo_arith" in text
    assert "not tested:" in text
    markdown = result.to_markdown()
    assert markdown.startswith("### DEGRADED: `degraded` vs `reference`")
    assert "| task | metric | n |" in markdown


def test_audit_mapping_and_directory() -> None:
    res = audit(
        example_path("reference"),
        {"rerun": example_path("rerun"), "int4": example_path("degraded")},
        progress=False,
    )
    assert {k: v for k, v in res.summary.schema.items() if k in SUMMARY_COLUMNS} == SUMMARY_COLUMNS
    assert res.summary.select("candidate", "degraded").rows() == [("rerun", False), ("int4", True)]
    assert res.degraded
    assert res.table.columns[0] == "candidate"
    assert set(TASK_COLUMNS) <= set(res.table.columns)
    assert res.table.height == sum(c.tasks.height for c in res.comparisons.values())
    assert json.loads(res.to_json())["summary"][1]["candidate"] == "int4"
    assert res.to_csv().splitlines()[0].startswith("reference,candidate,task,")
    assert "int4" in res.to_text()
    assert "`int4`" in res.to_markdown()
    # a directory of runs that holds the reference: the reference is never its own candidate
    with pytest.warns(fastmcnemar.InputWarning, match="is the reference itself: left out"):
        whole = audit(example_path("reference"), example_path("reference").parent, progress=False)
    assert sorted(whole.comparisons) == ["degraded", "rerun"]


def test_audit_progress_bar(capsys: pytest.CaptureFixture[str]) -> None:
    audit(example_path("reference"), [example_path("rerun")], progress=True)
    err = capsys.readouterr().err
    assert "audit [" in err
    assert "1/1" in err


@pytest.mark.parametrize("adjust", ["holm", "hommel", "bh", "by"])
def test_adjust_option(adjust: str) -> None:
    # One continuous task among binary ones: the suite is decided by the combined
    # rule from shared sign-flip resamples; the adjustment flags the tasks.
    result = compare(example_path("reference"), example_path("degraded"), adjust=adjust)  # type: ignore[arg-type]
    tasks = result.tasks
    expected = fastmcnemar.adjust_pvalues(tasks["pvalue"].to_numpy(), method=adjust)  # type: ignore[arg-type]
    assert tasks["pvalue_adjusted"].to_list() == pytest.approx(expected.tolist(), rel=1e-15)
    assert result.metadata["adjustment"] == adjust
    name = fastmcnemar.suite.ADJUSTMENTS[adjust][0]
    assert "sign-flip resamples" in result.metadata["verdict_rule"]
    assert result.aggregate is not None
    assert result.aggregate.rejected == result.degraded
    assert f"p adjusted ({name})" in result.to_text()
    assert f"p ({name})" in result.to_text(wide=True)
    assert f"p adjusted ({name})" in result.to_markdown()
    flagged = tasks.filter(pl.col("degraded"))["pvalue_adjusted"]
    assert (flagged <= result.alpha).all()


def test_adjust_option_is_checked() -> None:
    with pytest.raises(InvalidArgumentError, match="adjust must be one of"):
        compare(example_path("reference"), example_path("degraded"), adjust="fdr")  # type: ignore[arg-type]
