"""Bigger seeded simulations (run with FASTMCNEMAR_SLOW=1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fastmcnemar as fm

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("alternative", ["greater", "two-sided"])
def test_type_one_error_monte_carlo_large(alternative: str) -> None:
    gen = np.random.default_rng(31)
    alpha, reps = 0.05, 3000
    rejections = 0
    for _ in range(reps):
        d = gen.standard_t(3, 200)
        res = fm.permutation_test(
            d, np.zeros(200), n_resamples=999, rng=gen, alternative=alternative
        )
        rejections += res.pvalue <= alpha
    assert rejections / reps <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)


def test_type_one_error_lattice_rerun_means() -> None:
    gen = np.random.default_rng(32)
    alpha, reps = 0.05, 2000
    rejections = 0
    for _ in range(reps):
        p = gen.random(300)
        ref = gen.binomial(5, p) / 5
        cand = gen.binomial(5, p) / 5  # same per-sample accuracy: null holds
        res = fm.permutation_test(ref, cand)
        assert res.method == "lattice"
        rejections += res.pvalue <= alpha
    assert rejections / reps <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
def test_bootstrap_coverage_large(method: str) -> None:
    gen = np.random.default_rng(33)
    reps, n, level = 1500, 100, 0.95
    hits = 0
    for _ in range(reps):
        d = gen.exponential(0.5, n) - 0.35  # true mean 0.15
        ci = fm.bootstrap(
            d, np.zeros(n), method=method, n_resamples=1999, confidence_level=level, rng=gen
        ).confidence_interval
        hits += ci.low <= 0.15 <= ci.high
    sd = math.sqrt(level * (1 - level) / reps)
    assert abs(hits / reps - level) <= 3 * sd + 0.015
