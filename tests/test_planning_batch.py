"""Planning and non-inferiority over arrays: every element equals the scalar
function's answer exactly, and the verdict columns equal the rule applied one
task at a time (``verdict_oracle``) and what ``add_verdicts`` gives."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

import fastmcnemar as fm
from fastmcnemar import _core
from fastmcnemar.compare.decision import add_verdicts
from fastmcnemar.exceptions import (
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
)
from fastmcnemar.planning import (
    maximum_flip_rate_many,
    minimum_detectable_delta_many,
    noninferiority_counts_many,
    sample_size_many,
    tango_interval_many,
    verdict_columns,
)
from verdict_oracle import per_task_verdicts


def random_counts(rng: np.random.Generator, size: int) -> tuple[Any, Any, Any]:
    n = rng.integers(1, 3000, size=size)
    b = rng.integers(0, n + 1)
    c = rng.integers(0, n - b + 1)
    return b, c, n


@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_minimum_detectable_delta_many_equals_the_scalar_function(alternative: str) -> None:
    rng = np.random.default_rng(1)
    n = rng.integers(1, 5000, size=60)
    rate = np.where(np.arange(60) % 4 == 0, 0.05, rng.uniform(0.001, 1.0, size=60))
    n[:5] = [1, 2, 3, 3, 1]  # too few samples: no drop is detectable (inf)
    got = minimum_detectable_delta_many(n, rate, alpha=0.05, power=0.8, alternative=alternative)  # type: ignore[arg-type]
    want = [
        fm.minimum_detectable_delta(int(k), float(p), alternative=alternative)  # type: ignore[arg-type]
        for k, p in zip(n, rate, strict=True)
    ]
    assert got.tolist() == want
    assert np.isinf(got[:5]).all()


def test_sample_size_many_equals_the_scalar_function() -> None:
    rng = np.random.default_rng(2)
    rate = rng.uniform(0.02, 0.6, size=40)
    delta = rate * rng.uniform(0.2, 1.0, size=40)
    got = sample_size_many(rate, delta, alpha=0.01, power=0.9)
    want = [
        fm.sample_size(float(p), float(d), alpha=0.01, power=0.9)
        for p, d in zip(rate, delta, strict=True)
    ]
    assert got.dtype == np.int64
    assert got.tolist() == want
    two = sample_size_many(0.1, [0.05, -0.05], alternative="two-sided")
    assert two.tolist() == [fm.sample_size(0.1, d, alternative="two-sided") for d in (0.05, -0.05)]


def test_maximum_flip_rate_many_equals_the_core_search_and_inverts_power() -> None:
    rng = np.random.default_rng(3)
    n = np.concatenate([rng.integers(50, 20_000, size=40), [100, 100]])
    got = maximum_flip_rate_many(n, 0.02, alpha=0.05, power=0.8)
    for k, rate in zip(n, got, strict=True):
        want = _core.exact_maximum_flip_rate(int(k), 0.02, 0.05, 0.8)
        assert (math.isnan(rate) and want is None) or rate == want
        if not math.isnan(rate) and rate < 1.0:
            # An independent check of what the answer means.
            assert fm.power(int(k), float(rate), 0.02) >= 0.8
            assert fm.power(int(k), float(rate) + 1e-9, 0.02) < 0.8
    assert np.isnan(got[-1])  # 100 samples cannot detect 2 points at 80%


def test_noninferiority_counts_many_equals_the_scalar_test() -> None:
    b, c, n = random_counts(np.random.default_rng(4), 400)
    got = noninferiority_counts_many(b, c, n, margin=0.03, alpha=0.05)
    for i in range(len(n)):
        want = fm.noninferiority_counts(int(b[i]), int(c[i]), int(n[i]), margin=0.03)
        assert got.statistic[i] == want.statistic
        assert got.pvalue[i] == want.pvalue
        assert got.confidence_interval.low[i] == want.confidence_interval.low  # type: ignore[index]
        assert got.confidence_interval.high[i] == want.confidence_interval.high  # type: ignore[index]
        assert bool(got.noninferior[i]) == want.noninferior


def test_tango_interval_many_equals_the_result_method() -> None:
    b, c, n = random_counts(np.random.default_rng(5), 400)
    low, high = tango_interval_many(b, c, n, confidence_level=0.9)
    for i in range(len(n)):
        table = [[int(n[i] - b[i] - c[i]), int(b[i])], [int(c[i]), 0]]
        want = fm.mcnemar_table(table).confidence_interval(0.9)
        assert (low[i], high[i]) == (want.low, want.high)


def test_tango_interval_many_matches_r_ratesci(shared_dir: Path) -> None:
    cases = json.loads((shared_dir / "vectors" / "peer_vectors.json").read_text())[
        "paired_difference_ci"
    ]["cases"]
    for case in cases:
        (n11, n12), (n21, n22) = case["table"]
        low, high = tango_interval_many(
            [n12], [n21], [n11 + n12 + n21 + n22], confidence_level=case["confidence"]
        )
        want_low, want_high = case["R"]["tango_ratesci"]
        assert low[0] == pytest.approx(want_low, abs=1e-11), case["name"]
        assert high[0] == pytest.approx(want_high, abs=1e-11), case["name"]


def test_answers_do_not_depend_on_the_thread_count() -> None:
    b, c, n = random_counts(np.random.default_rng(6), 200)
    rate = (b + c) / n
    rate[rate == 0] = 0.5
    one = _core.exact_minimum_detectable_delta_many(n, rate, 0.05, 0.8, "greater", n_threads=1)
    two = _core.exact_minimum_detectable_delta_many(n, rate, 0.05, 0.8, "greater", n_threads=2)
    assert np.array_equal(one, two, equal_nan=True)


def test_broadcasting_and_shapes() -> None:
    got = minimum_detectable_delta_many([[1000], [2000]], [0.05, 0.1, 0.2])
    assert got.shape == (2, 3)
    assert got[1, 2] == fm.minimum_detectable_delta(2000, 0.2)
    assert sample_size_many([], []).shape == (0,)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda: minimum_detectable_delta_many([10, 0], 0.5),
            InvalidArgumentError,
            "element 1: n must be at least 1",
        ),
        (
            lambda: minimum_detectable_delta_many([10, 10], [0.5, 1.5]),
            InvalidArgumentError,
            "element 1: flip_rate must lie in (0, 1]",
        ),
        (lambda: minimum_detectable_delta_many(-5, 0.5), NegativeCountError, "negative count"),
        (lambda: sample_size_many(0.1, [0.05, -0.05]), InvalidArgumentError, "element 1"),
        (lambda: sample_size_many(0.1, 0.05, power=1.0), InvalidLevelError, "power"),
        (
            lambda: sample_size_many(0.1, 0.05, alternative="up"),
            InvalidArgumentError,
            "alternative",
        ),  # type: ignore[arg-type]
        (lambda: sample_size_many([0.1, 0.2], [0.05] * 3), InvalidArgumentError, "broadcast"),
        (lambda: sample_size_many(["x"], 0.05), InvalidArgumentError, "real numbers"),
        (lambda: tango_interval_many([3, 6], [3, 6], 10), InvalidArgumentError, "element 1: b + c"),
        (lambda: tango_interval_many(1, 1, 0), InvalidArgumentError, "n must be at least 1"),
        (
            lambda: tango_interval_many(1, 1, 5, confidence_level=1.0),
            InvalidLevelError,
            "confidence_level",
        ),
        (
            lambda: noninferiority_counts_many(1, 1, 5, margin=1.5),
            InvalidArgumentError,
            "margin must lie in (0, 1)",
        ),
        (
            lambda: _core.tango_intervals(np.array([1]), np.array([1, 2]), np.array([5]), 0.95),
            LengthMismatchError,
            "length mismatch",
        ),
    ],
)
def test_bad_inputs_raise_named_errors(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def random_tasks(rng: np.random.Generator, size: int) -> pl.DataFrame:
    """A ``Comparison.tasks``-like frame with every kind of row the verdicts meet:
    binary and continuous tasks, empty tasks (n = 0, no flip rate), degraded
    ones, repeated n (as across the candidates of an audit)."""
    rows = []
    for i in range(size):
        n = int(rng.choice([0, 40, 300, 1000, 1000, 5000, int(rng.integers(1, 20_000))]))
        b = int(rng.integers(0, n // 8 + 1)) if n else 0
        c = int(rng.integers(0, n // 8 + 1)) if n else 0
        kind = "binary" if rng.random() < 0.7 else "continuous"
        high = float(rng.uniform(-0.01, 0.05)) if rng.random() < 0.8 else None
        rows.append(
            {
                "task": f"t{i}",
                "filter": "none",
                "metric": "acc",
                "kind": kind,
                "n": n,
                "b": b,
                "c": c,
                "ci_low": None if high is None else high - 0.02,
                "ci_high": high if kind == "continuous" else None,
                "flip_rate": (b + c) / n if n else None,
                "degraded": bool(rng.random() < 0.15),
                "verdict": "not degraded",
            }
        )
    return pl.DataFrame(rows)


@pytest.mark.parametrize(("margin", "confidence_level"), [(0.01, 0.95), (0.03, 0.8)])
def test_verdict_columns_equal_add_verdicts(margin: float, confidence_level: float) -> None:
    tasks = random_tasks(np.random.default_rng(7), 120)
    want = add_verdicts(tasks, margin=margin, alpha=0.05, confidence_level=confidence_level)
    cols = verdict_columns(
        tasks["n"].to_numpy(),
        tasks["b"].to_numpy(),
        tasks["c"].to_numpy(),
        tasks["flip_rate"].to_numpy(),
        binary=(tasks["kind"] == "binary").to_numpy(),
        degraded=tasks["degraded"].to_numpy(),
        ci_high=tasks["ci_high"].to_numpy(),
        margin=margin,
        alpha=0.05,
        confidence_level=confidence_level,
    )
    got = tasks.drop("verdict").hstack(cols.to_polars())
    names = ["verdict", "noninferiority_pvalue", "detectable_drop", "n_needed", "flip_rate_needed"]
    # The independent reference: the rule task by task with the scalar functions.
    one_by_one = per_task_verdicts(
        tasks, margin=margin, alpha=0.05, confidence_level=confidence_level
    )
    assert_frame_equal(got.select(names), one_by_one.select(names), check_exact=True)
    # And the audit's own verdicts are these.
    assert_frame_equal(got.select(names), want.select(names), check_exact=True)
    # Every verdict and most columns occur, so the comparison covers each branch.
    assert set(cols.verdict.tolist()) == {"degraded", "equivalent", "inconclusive"}
    assert (cols.n_needed > 0).any()
    assert (cols.n_needed == -1).any()
    assert np.isnan(cols.noninferiority_pvalue).any()


def test_verdict_columns_refuse_bad_settings() -> None:
    with pytest.raises(InvalidArgumentError, match="margin"):
        verdict_columns(10, 1, 1, 0.2, binary=True, degraded=False, margin=0.0)
    with pytest.raises(InvalidArgumentError, match="1-D"):
        verdict_columns([[10]], 1, 1, 0.2, binary=True, degraded=False, margin=0.01)
    with pytest.raises(InvalidArgumentError, match="booleans"):
        verdict_columns(10, 1, 1, 0.2, binary=0.5, degraded=False, margin=0.01)
    empty = verdict_columns([], [], [], [], binary=[], degraded=[], margin=0.01)
    assert empty.to_polars().height == 0
