"""Three-way verdicts on crafted per-task counts."""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from scipy import stats

import fastmcnemar as fm
from fastmcnemar._args import margin as check_margin
from fastmcnemar.compare.decision import add_verdicts, suite_verdict
from fastmcnemar.exceptions import InvalidArgumentError


def row(task: str, n: int, b: int, c: int, **extra: Any) -> dict[str, Any]:
    p = float(stats.binom.sf(b - 1, b + c, 0.5)) if b + c else 1.0
    base = {
        "task": task,
        "filter": "none",
        "metric": "acc",
        "kind": "binary",
        "method": "exact",
        "n": n,
        "b": b,
        "c": c,
        "reference_accuracy": 0.7,
        "candidate_accuracy": 0.7 - (b - c) / n,
        "delta": (b - c) / n,
        "ci_low": math.nan,
        "ci_high": math.nan,
        "flip_rate": (b + c) / n,
        "pvalue": p,
        "pvalue_adjusted": p,
        "degraded": p <= 0.05,
        "verdict": "degraded" if p <= 0.05 else "not degraded",
    }
    base.update(extra)
    return base


def frame(*rows: dict[str, Any]) -> pl.DataFrame:
    return pl.DataFrame(list(rows))


def test_each_of_the_three_outcomes() -> None:
    tasks = frame(
        row("broken", 5000, 120, 40),  # drop 1.6 pt, p ~ 1e-10: degraded
        row("same", 20000, 210, 200),  # 0.05 pt, CI well inside 1 pt: equivalent
        row("tiny", 300, 4, 3),  # too few samples to tell
    )
    out = add_verdicts(tasks, margin=0.01, alpha=0.05).rows_by_key("task", named=True)
    assert out["broken"][0]["verdict"] == "degraded"
    assert out["same"][0]["verdict"] == "equivalent"
    assert out["tiny"][0]["verdict"] == "inconclusive"
    # Equivalent is exactly Tango non-inferiority at alpha.
    same = fm.noninferiority_counts(210, 200, 20000, margin=0.01)
    assert same.noninferior
    assert out["same"][0]["noninferiority_pvalue"] == same.pvalue
    tiny = fm.noninferiority_counts(4, 3, 300, margin=0.01)
    assert not tiny.noninferior
    # The inconclusive row says what would have been needed.
    assert out["tiny"][0]["n_needed"] == fm.sample_size(7 / 300, 0.01)
    assert out["tiny"][0]["n_needed"] > 300
    # At N = 300 no flip rate gives 80% power against a 1 pt drop ...
    assert out["tiny"][0]["flip_rate_needed"] is None
    assert out["same"][0]["n_needed"] is None
    assert out["same"][0]["detectable_drop"] == pytest.approx(
        fm.minimum_detectable_delta(20000, 410 / 20000), rel=1e-15
    )


def test_a_drop_larger_than_the_flip_rate_is_planned_at_the_margin() -> None:
    out = add_verdicts(frame(row("quiet", 100, 0, 0)), margin=0.01, alpha=0.05).row(0, named=True)
    assert out["verdict"] == "inconclusive"
    assert out["n_needed"] == fm.sample_size(0.01, 0.01)
    assert out["detectable_drop"] is None  # no flips observed: nothing to plan from


def test_flip_rate_needed_is_where_the_power_reaches_the_target() -> None:
    out = add_verdicts(frame(row("mid", 4000, 140, 125)), margin=0.01, alpha=0.05).row(
        0, named=True
    )
    assert out["verdict"] == "inconclusive"
    needed = out["flip_rate_needed"]
    assert 0.01 < needed < 265 / 4000  # lower flips than observed would have sufficed
    assert fm.power(4000, needed, 0.01) >= 0.8
    assert fm.power(4000, needed + 1e-9, 0.01) < 0.8


def test_continuous_tasks_use_the_interval() -> None:
    cont = {"kind": "continuous", "method": "permutation"}
    tasks = frame(
        row("inside", 1000, 300, 290, ci_low=-0.004, ci_high=0.006, **cont),
        row("wide", 1000, 300, 290, ci_low=-0.02, ci_high=0.03, **cont),
        row("nan", 1000, 300, 290, **cont),
    )
    out = add_verdicts(tasks, margin=0.01, alpha=0.05).rows_by_key("task", named=True)
    assert out["inside"][0]["verdict"] == "equivalent"
    assert out["wide"][0]["verdict"] == "inconclusive"
    assert out["nan"][0]["verdict"] == "inconclusive"
    assert out["inside"][0]["noninferiority_pvalue"] is None
    # An 80% interval is too narrow for a level-5% claim: no equivalence from it.
    narrow = add_verdicts(tasks, margin=0.01, alpha=0.05, confidence_level=0.8)
    assert narrow.row(0, named=True)["verdict"] == "inconclusive"


def test_suite_verdict() -> None:
    eq = add_verdicts(
        frame(row("a", 20000, 210, 200), row("b", 20000, 100, 100)), margin=0.01, alpha=0.05
    )
    assert suite_verdict(eq, degraded=False) == "equivalent"
    assert suite_verdict(eq, degraded=True) == "degraded"
    mixed = add_verdicts(
        frame(row("a", 20000, 210, 200), row("t", 300, 4, 3)), margin=0.01, alpha=0.05
    )
    assert suite_verdict(mixed, degraded=False) == "inconclusive"
    assert suite_verdict(mixed.clear(), degraded=False) == "inconclusive"


@pytest.mark.parametrize("margin", [0.0, -0.01, 1.0, math.nan, "0.01", True])
def test_bad_margins_are_refused_by_name(margin: object) -> None:
    with pytest.raises(InvalidArgumentError, match="margin"):
        check_margin(margin)
