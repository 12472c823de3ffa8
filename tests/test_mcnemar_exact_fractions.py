"""McNemar p-values against exact fractions: every count of whole rows.

At p = 1/2 a tail is an integer over 2^n, so Python's integers give it
exactly; each row n is checked at every b (both one-sided tails and the
two-sided p-value, exact and mid-p) wherever the p-value is >= 1e-300. This is the check
that the deep tails are not taken through a rounded log (which cost up to
3e-13 at n = 1,025 before; see `binomial/half_pmf.rs`).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from fastmcnemar import mcnemar_counts

PLAIN_MIN = Fraction(1, 10**300)
# Measured worst 2.3e-14 (n = 3,600, where the log route still serves ln p > -40).
RTOL = 3e-14
# The table (n <= 1024), both sides of its edge, the direct sum with the
# deviance series and with the recurrence (n <= 3,600), and beyond.
ROWS = [1, 2, 37, 100, 513, 777, 1000, 1001, 1023, 1024, 1025, 1100, 2000, 3000, 3600, 3700, 6000]


def binomials(n: int) -> list[int]:
    """C(n, k) for k = 0..n."""
    out, choose = [], 1
    for k in range(n + 1):
        out.append(choose)
        choose = choose * (n - k) // (k + 1)
    return out


def lower_tails(n: int) -> list[Fraction]:
    """P(X <= k) for k = 0..n, exactly."""
    tails, total = [], 0
    for choose in binomials(n):
        total += choose
        tails.append(Fraction(total, 2**n))
    return tails


def worst_relative_error(got: np.ndarray, want: list[Fraction]) -> tuple[float, int]:
    worst, at = 0.0, -1
    for k, exact in enumerate(want):
        if exact < PLAIN_MIN:
            continue
        error = float(abs(Fraction(float(got[k])) - exact) / exact)
        if error > worst:
            worst, at = error, k
    return worst, at


@pytest.mark.parametrize("n", ROWS)
def test_every_count_of_a_row_is_the_exact_fraction(n: int) -> None:
    lower = lower_tails(n)
    b = np.arange(n + 1, dtype=np.int64)
    c = n - b
    # "greater": P(X >= b) = P(X <= n - b); "less": P(X <= b).
    greater = mcnemar_counts(b, c, alternative="greater").pvalue
    less = mcnemar_counts(b, c, alternative="less").pvalue
    two_sided = mcnemar_counts(b, c, alternative="two-sided").pvalue
    want_two = [min(2 * lower[min(k, n - k)], Fraction(1)) for k in range(n + 1)]
    for name, got, want in [
        ("greater", greater, [lower[n - k] for k in range(n + 1)]),
        ("less", less, lower),
        ("two-sided", two_sided, want_two),
    ]:
        error, k = worst_relative_error(got, want)
        assert error <= RTOL, f"n={n} b={k} {name}: relative error {error:.2e}"


@pytest.mark.parametrize("n", [10, 100, 800, 1000, 1025, 2000, 6000])
def test_mid_p_values_are_the_exact_fractions(n: int) -> None:
    # P(X > b) + P(X = b) / 2 ("greater"), and min(1, twice that at max(b, c)).
    pmf = [Fraction(choose, 2**n) for choose in binomials(n)]
    lower = lower_tails(n)
    mid = [1 - lower[k] + pmf[k] / 2 for k in range(n + 1)]
    b = np.arange(n + 1, dtype=np.int64)
    c = n - b
    greater = mcnemar_counts(b, c, alternative="greater", method="midp").pvalue
    two_sided = mcnemar_counts(b, c, alternative="two-sided", method="midp").pvalue
    want_two = [min(2 * mid[max(k, n - k)], Fraction(1)) for k in range(n + 1)]
    for name, got, want in [("greater", greater, mid), ("two-sided", two_sided, want_two)]:
        error, k = worst_relative_error(got, want)
        assert error <= RTOL, f"n={n} b={k} {name}: relative error {error:.2e}"
