"""Exact power, sample size and minimum detectable drop of the exact McNemar test."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import fastmcnemar as fm
from fastmcnemar.exceptions import InvalidArgumentError, InvalidLevelError


def scipy_power(n: int, p: float, delta: float, alpha: float, alternative: str) -> float:
    """Independent oracle: the same sum written with scipy's binomial, critical
    values found by scanning every b."""
    q = (p + delta) / (2 * p)
    total = 0.0
    for m in range(n + 1):
        b = np.arange(m + 1)
        upper = stats.binom.sf(b - 1, m, 0.5)
        lower = stats.binom.cdf(b, m, 0.5)
        if alternative == "greater":
            pv = upper
        elif alternative == "less":
            pv = lower
        else:
            pv = np.minimum(1.0, 2 * np.minimum(upper, lower))
        reject = pv <= alpha
        total += stats.binom.pmf(m, n, p) * stats.binom.pmf(b[reject], m, q).sum()
    return float(total)


@pytest.mark.parametrize(
    ("n", "p", "delta"),
    [(50, 0.2, 0.08), (120, 0.1, 0.03), (200, 0.5, 0.1), (90, 0.05, -0.02), (40, 1.0, 0.3)],
)
@pytest.mark.parametrize("alternative", ["greater", "less", "two-sided"])
def test_power_matches_an_independent_scipy_sum(
    n: int, p: float, delta: float, alternative: str
) -> None:
    ours = fm.power(n, p, delta, alternative=alternative)  # type: ignore[arg-type]
    assert ours == pytest.approx(scipy_power(n, p, delta, 0.05, alternative), abs=1e-11)


@pytest.mark.parametrize(
    ("n", "p", "delta", "alpha"),
    [
        (300, 0.1, 0.04, 0.05),
        (1000, 0.03, 0.01, 0.05),
        (2000, 0.2, 0.02, 0.01),
        (60, 0.3, 0.15, 0.1),
    ],
)
def test_power_matches_a_seeded_simulation_of_the_test(
    n: int, p: float, delta: float, alpha: float
) -> None:
    """Simulate the whole experiment (multinomial pairs, then the library's own
    exact McNemar test, ``mcnemar_counts``) and check the rejection rate within
    Monte Carlo error."""
    rng = np.random.default_rng(20260214)
    reps = 20_000
    cells = rng.multinomial(n, [(p + delta) / 2, (p - delta) / 2, 1 - p], size=reps)
    b, c = cells[:, 0], cells[:, 1]
    for alternative in ("greater", "two-sided"):
        pvalues = fm.mcnemar_counts(b, c, alternative=alternative).pvalue
        rate = float(np.mean(pvalues <= alpha))
        exact = fm.power(n, p, delta, alpha=alpha, alternative=alternative)
        se = math.sqrt(exact * (1 - exact) / reps)
        assert abs(rate - exact) < 4.5 * se + 1e-12, (alternative, rate, exact, se)
    # The library's test and scipy's binomial tail make the same decisions.
    scipy_p = stats.binom.sf(b - 1, b + c, 0.5)
    assert np.array_equal(fm.mcnemar_counts(b, c).pvalue <= alpha, scipy_p <= alpha)


def test_power_grows_with_the_drop_and_is_the_size_at_zero() -> None:
    values = [fm.power(500, 0.1, d) for d in np.linspace(0.0, 0.1, 21)]
    assert all(a < b for a, b in itertools.pairwise(values))
    assert values[0] <= 0.05
    assert values[-1] == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize(
    ("p", "delta", "alpha", "target", "alternative"),
    [
        (0.1, 0.05, 0.05, 0.8, "greater"),
        (0.2, 0.08, 0.05, 0.9, "greater"),
        (0.05, 0.04, 0.01, 0.8, "greater"),
        (0.1, 0.05, 0.05, 0.8, "two-sided"),
        (0.1, -0.05, 0.05, 0.8, "less"),
    ],
)
def test_sample_size_is_the_smallest_n_reaching_the_power(
    p: float, delta: float, alpha: float, target: float, alternative: str
) -> None:
    n = fm.sample_size(p, delta, alpha=alpha, power=target, alternative=alternative)  # type: ignore[arg-type]
    assert fm.power(n, p, delta, alpha=alpha, alternative=alternative) >= target  # type: ignore[arg-type]
    # The plain smallest: every smaller N falls short (checked exhaustively).
    for smaller in range(1, n):
        assert fm.power(smaller, p, delta, alpha=alpha, alternative=alternative) < target  # type: ignore[arg-type]


def test_sample_size_agrees_with_the_normal_rule_for_large_n() -> None:
    """N ~ p (z_{1-a} + z_{1-b})^2 / delta^2; the discreteness of the exact test
    costs a share of N that shrinks like 1/sqrt(number of flips)."""
    z = stats.norm.isf(0.05) + stats.norm.isf(0.2)
    gaps = []
    for delta in (0.01, 0.003, 0.001):
        exact = fm.sample_size(0.05, delta)
        rule = 0.05 * z**2 / delta**2
        assert fm.sample_size(0.05, delta, method="normal") == math.ceil(rule)
        gaps.append(exact / rule - 1)
    assert 0 < gaps[-1] < 0.01
    assert gaps[0] > gaps[1] > gaps[2]


def test_minimum_detectable_delta_inverts_the_power() -> None:
    for n, p in [(1000, 0.05), (25_000, 0.03), (300, 0.4)]:
        d = fm.minimum_detectable_delta(n, p)
        assert fm.power(n, p, d) == pytest.approx(0.8, abs=1e-9)
        assert fm.power(n, p, d * (1 - 1e-6)) < 0.8
        assert fm.minimum_detectable_delta(n, p, alternative="less") == -d
        normal = fm.minimum_detectable_delta(n, p, method="normal")
        z = stats.norm.isf(0.05) + stats.norm.isf(0.2)
        assert normal == pytest.approx(math.sqrt(p / n) * z, rel=1e-12)
    assert fm.minimum_detectable_delta(3, 0.5) == math.inf
    assert fm.minimum_detectable_delta(3, 0.5, alternative="less") == -math.inf


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: fm.power(0, 0.1, 0.01), InvalidArgumentError, "n must be at least 1"),
        (lambda: fm.power(-5, 0.1, 0.01), InvalidArgumentError, "n must be at least 1"),
        (lambda: fm.power(10.5, 0.1, 0.01), InvalidArgumentError, "n must be an integer"),
        (lambda: fm.power(100, 0.0, 0.0), InvalidArgumentError, "flip_rate must lie in (0, 1]"),
        (lambda: fm.power(100, 1.5, 0.0), InvalidArgumentError, "flip_rate must lie in (0, 1]"),
        (lambda: fm.power(100, math.nan, 0.0), InvalidArgumentError, "flip_rate"),
        (lambda: fm.power(100, 0.1, 0.2), InvalidArgumentError, "|delta| <= flip_rate"),
        (lambda: fm.power(100, 0.1, -0.2), InvalidArgumentError, "|delta| <= flip_rate"),
        (lambda: fm.power(100, 0.1, 0.05, alpha=0.0), InvalidLevelError, "alpha"),
        (lambda: fm.power(100, 0.1, 0.05, alpha=1.0), InvalidLevelError, "alpha"),
        (lambda: fm.power(100, 0.1, 0.05, alternative="up"), InvalidArgumentError, "alternative"),  # type: ignore[arg-type]
        (lambda: fm.power(100, 0.1, 0.05, method="fast"), InvalidArgumentError, "method"),  # type: ignore[arg-type]
        (lambda: fm.sample_size(0.1, 0.05, power=1.0), InvalidLevelError, "power"),
        (lambda: fm.sample_size(0.1, 0.05, power=0.0), InvalidLevelError, "power"),
        (lambda: fm.sample_size(0.1, -0.05), InvalidArgumentError, "delta > 0"),
        (lambda: fm.sample_size(0.1, 0.05, alternative="less"), InvalidArgumentError, "delta < 0"),  # type: ignore[arg-type]
        (
            lambda: fm.sample_size(0.1, 0.0, alternative="two-sided"),
            InvalidArgumentError,
            "delta != 0",
        ),  # type: ignore[arg-type]
        (lambda: fm.sample_size(0.1, 0.2), InvalidArgumentError, "|delta| <= flip_rate"),
        (lambda: fm.sample_size(-0.1, 0.05), InvalidArgumentError, "flip_rate"),
        (lambda: fm.minimum_detectable_delta(0, 0.1), InvalidArgumentError, "n must be at least 1"),
        (lambda: fm.minimum_detectable_delta(100, 2.0), InvalidArgumentError, "flip_rate"),
        (lambda: fm.minimum_detectable_delta(100, 0.1, power=1.2), InvalidLevelError, "power"),
        (lambda: fm.minimum_detectable_delta(100, 0.1, alpha=-1), InvalidLevelError, "alpha"),
        (
            lambda: fm.minimum_detectable_delta(100, 0.1, power=1.2, method="normal"),
            InvalidLevelError,
            "power",
        ),
    ],
)
def test_bad_arguments_raise_named_errors(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


@pytest.mark.slow
@pytest.mark.parametrize("n", [25, 150, 800, 5000])
@pytest.mark.parametrize("p", [0.02, 0.1, 0.4])
def test_power_matches_a_large_simulation(n: int, p: float) -> None:
    rng = np.random.default_rng(n * 1000 + int(p * 100))
    reps = 200_000
    delta = min(p, 2.5 * math.sqrt(p / n))
    cells = rng.multinomial(n, [(p + delta) / 2, (p - delta) / 2, 1 - p], size=reps)
    pvalues = stats.binom.sf(cells[:, 0] - 1, cells[:, 0] + cells[:, 1], 0.5)
    rate = float(np.mean(pvalues <= 0.05))
    exact = fm.power(n, p, delta)
    assert abs(rate - exact) < 4.5 * math.sqrt(exact * (1 - exact) / reps) + 1e-12
