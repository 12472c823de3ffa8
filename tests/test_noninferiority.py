"""Non-inferiority (Tango score test) for paired binary outcomes."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from scipy import stats

import fastmcnemar as fm
from fastmcnemar.exceptions import (
    EmptyInputError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
)


def tango_z(b: npt.ArrayLike, c: npt.ArrayLike, n: int, delta0: float) -> npt.NDArray[np.float64]:
    """Independent vectorized Tango score (Tango 1998, eq. for the restricted MLE)."""
    b = np.asarray(b, dtype=float)
    c = np.asarray(c, dtype=float)
    a = 2.0 * n
    bb = -b - c + (2.0 * n - b + c) * delta0
    cc = -c * delta0 * (1 - delta0)
    p21 = (np.sqrt(bb * bb - 4 * a * cc) - bb) / (2 * a)
    return np.asarray((b - c - n * delta0) / np.sqrt(n * (2 * p21 + delta0 * (1 - delta0))))


def peer_cases(shared: Path) -> list[dict[str, object]]:
    data = json.loads((shared / "vectors" / "peer_vectors.json").read_text())
    return list(data["paired_difference_ci"]["cases"])


def test_interval_matches_r_ratesci_tango(shared_dir: Path) -> None:
    """The (1 - 2 alpha) interval is Tango's: R ratesci::pairbinci agrees."""
    cases = peer_cases(shared_dir)
    assert len(cases) >= 5
    for case in cases:
        (n11, n12), (n21, n22) = case["table"]  # type: ignore[misc]
        n = n11 + n12 + n21 + n22
        level = float(case["confidence"])  # type: ignore[arg-type]
        alpha = (1 - level) / 2
        expected = case["R"]["tango_ratesci"]  # type: ignore[index]
        res = fm.noninferiority_counts(n12, n21, n, margin=0.5, alpha=alpha)
        assert res.confidence_interval.low == pytest.approx(expected[0], abs=2e-11), case["name"]
        assert res.confidence_interval.high == pytest.approx(expected[1], abs=2e-11), case["name"]
        # At margin = the upper limit, the p-value is exactly alpha.
        upper = expected[1]
        if 0 < upper < 1:
            at = fm.noninferiority_counts(n12, n21, n, margin=upper, alpha=alpha)
            assert at.pvalue == pytest.approx(alpha, rel=1e-8), case["name"]


@pytest.mark.parametrize(
    ("b", "c", "n", "margin"),
    [
        (30, 25, 3000, 0.01),
        (12, 2, 400, 0.02),
        (0, 0, 100, 0.05),
        (50, 10, 1000, 0.03),
        (7, 9, 30, 0.2),
    ],
)
def test_statistic_and_pvalue_match_an_independent_formula(
    b: int, c: int, n: int, margin: float
) -> None:
    res = fm.noninferiority_counts(b, c, n, margin=margin)
    z = float(tango_z(b, c, n, margin))
    assert res.statistic == pytest.approx(z, rel=1e-12)
    assert res.pvalue == pytest.approx(stats.norm.cdf(z), rel=1e-12)
    assert res.noninferior == (res.pvalue <= 0.05)
    assert res.noninferior == (res.confidence_interval.high <= margin)
    assert res.delta == (b - c) / n
    statistic, pvalue = res
    assert (statistic, pvalue) == (res.statistic, res.pvalue)


def test_per_sample_version_counts_the_table() -> None:
    rng = np.random.default_rng(7)
    ref = rng.integers(0, 2, 500)
    cand = ref.copy()
    flip = rng.choice(500, 40, replace=False)
    cand[flip] = 1 - cand[flip]
    res = fm.noninferiority(ref, cand, margin=0.05)
    b = int(np.sum((ref == 1) & (cand == 0)))
    c = int(np.sum((ref == 0) & (cand == 1)))
    assert (res.b, res.c, res.n) == (b, c, 500)
    assert res == fm.noninferiority_counts(b, c, 500, margin=0.05)
    bools = fm.noninferiority(ref.astype(bool), cand.astype(bool), margin=0.05)
    assert bools == res


def exact_size(n: int, flip_rate: float, margin: float, alpha: float) -> float:
    """Rejection probability at the boundary delta = margin, by enumerating every (b, c)."""
    p12 = (flip_rate + margin) / 2
    p21 = (flip_rate - margin) / 2
    total = 0.0
    for m in range(n + 1):
        weight = stats.binom.pmf(m, n, flip_rate)
        if weight < 1e-18:
            continue
        b = np.arange(m + 1)
        reject = stats.norm.cdf(tango_z(b, m - b, n, margin)) <= alpha
        total += weight * stats.binom.pmf(b[reject], m, p12 / (p12 + p21)).sum()
    return total


@pytest.mark.parametrize("flip_rate", [0.03, 0.06, 0.15, 0.3])
def test_type_one_error_at_the_margin_in_seeded_simulation(flip_rate: float) -> None:
    """Data generated exactly at the margin (the worst case of H0) are declared
    non-inferior at most alpha of the time (within Monte Carlo error)."""
    n, margin, alpha, reps = 2000, 0.01, 0.05, 20_000
    rng = np.random.default_rng(int(flip_rate * 1000))
    cells = rng.multinomial(
        n, [(flip_rate + margin) / 2, (flip_rate - margin) / 2, 1 - flip_rate], size=reps
    )
    z = tango_z(cells[:, 0], cells[:, 1], n, margin)
    rate = float(np.mean(stats.norm.cdf(z) <= alpha))
    assert rate <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)
    # The library's decision is the same rule (spot-check a few draws).
    for b, c in cells[:50, :2]:
        res = fm.noninferiority_counts(int(b), int(c), n, margin=margin, alpha=alpha)
        assert res.noninferior == bool(stats.norm.cdf(tango_z(b, c, n, margin)) <= alpha)
    # And the exact size agrees with the simulation.
    size = exact_size(n, flip_rate, margin, alpha)
    assert abs(size - rate) < 4 * math.sqrt(size * (1 - size) / reps)


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: fm.noninferiority_counts(1, 1, 10, margin=0.0), InvalidArgumentError, "margin"),
        (lambda: fm.noninferiority_counts(1, 1, 10, margin=-0.01), InvalidArgumentError, "margin"),
        (lambda: fm.noninferiority_counts(1, 1, 10, margin=1.0), InvalidArgumentError, "margin"),
        (
            lambda: fm.noninferiority_counts(1, 1, 10, margin=math.nan),
            InvalidArgumentError,
            "margin",
        ),
        (
            lambda: fm.noninferiority_counts(1, 1, 10, margin=0.01, alpha=0.0),
            InvalidLevelError,
            "alpha",
        ),
        (lambda: fm.noninferiority_counts(6, 6, 10, margin=0.01), InvalidArgumentError, "b + c"),
        (lambda: fm.noninferiority_counts(0, 0, 0, margin=0.01), InvalidArgumentError, "n must"),
        (
            lambda: fm.noninferiority_counts(-1, 0, 10, margin=0.01),
            NegativeCountError,
            "negative count in b: -1",
        ),
        (
            lambda: fm.noninferiority_counts(1.5, 0, 10, margin=0.01),
            InvalidArgumentError,
            "b must be an integer",
        ),  # type: ignore[arg-type]
        (
            lambda: fm.noninferiority([1, 0], [1], margin=0.01),
            LengthMismatchError,
            "reference has 2",
        ),
        (lambda: fm.noninferiority([], [], margin=0.01), EmptyInputError, "reference is empty"),
        (
            lambda: fm.noninferiority([1, 0.5], [1, 0], margin=0.01, method="score"),
            NonBinaryValueError,
            "reference at index 1",
        ),
        (
            lambda: fm.noninferiority([1, 0], [1, math.nan], margin=0.01),
            NonFiniteValueError,
            "candidate at index 1",
        ),
        (
            lambda: fm.noninferiority([[1]], [[1]], margin=0.01),
            InvalidArgumentError,
            "one-dimensional",
        ),
        (
            lambda: fm.noninferiority([1], [1], margin=0.01, method="bootstrap"),  # type: ignore[arg-type]
            InvalidArgumentError,
            "method",
        ),
        (
            lambda: fm.noninferiority([1], [1], margin=0.0),
            InvalidArgumentError,
            "margin",
        ),  # type: ignore[arg-type]
    ],
)
def test_bad_inputs_raise_named_errors(call, error, words) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(error) as info:
        call()
    assert words in str(info.value)


def test_exact_method_keeps_the_level_where_the_score_test_does_not() -> None:
    """N = 40, margin 0.1: the score test's size exceeds alpha at large flip rates,
    the exact unconditional p-value's never does (checked by enumeration)."""
    n, margin, alpha = 40, 0.1, 0.05
    reject_exact = np.zeros((n + 1, n + 1), dtype=bool)
    reject_score = np.zeros((n + 1, n + 1), dtype=bool)
    for b in range(n + 1):
        for c in range(n + 1 - b):
            exact = fm.noninferiority_counts(b, c, n, margin=margin, alpha=alpha, method="exact")
            assert exact.method == "exact"
            reject_exact[b, c] = exact.noninferior
            reject_score[b, c] = stats.norm.cdf(tango_z(b, c, n, margin)) <= alpha
    worst_exact = worst_score = 0.0
    for flip_rate in np.linspace(margin + 1e-3, 1.0, 60):
        b, c = np.meshgrid(np.arange(n + 1), np.arange(n + 1), indexing="ij")
        m = b + c
        q = (flip_rate + margin) / (2 * flip_rate)
        prob = np.where(m <= n, stats.binom.pmf(m, n, flip_rate) * stats.binom.pmf(b, m, q), 0.0)
        worst_exact = max(worst_exact, float(prob[reject_exact].sum()))
        worst_score = max(worst_score, float(prob[reject_score].sum()))
    assert worst_exact <= alpha + 1e-9
    assert worst_score > alpha  # the asymptotic test is liberal here
    # Exact p-values are never far from the score ones on large samples.
    big = fm.noninferiority_counts(300, 280, 5000, margin=0.01, method="exact")
    assert big.pvalue == pytest.approx(
        fm.noninferiority_counts(300, 280, 5000, margin=0.01).pvalue, rel=0.1
    )


@pytest.mark.slow
@pytest.mark.parametrize("n", [300, 1000, 10_000])
@pytest.mark.parametrize("flip_rate", [0.02, 0.05, 0.1, 0.2])
def test_type_one_error_large_simulation(n: int, flip_rate: float) -> None:
    margin, alpha, reps = 0.01, 0.05, 200_000
    rng = np.random.default_rng(n + int(flip_rate * 1e4))
    cells = rng.multinomial(
        n, [(flip_rate + margin) / 2, (flip_rate - margin) / 2, 1 - flip_rate], size=reps
    )
    rate = float(np.mean(stats.norm.cdf(tango_z(cells[:, 0], cells[:, 1], n, margin)) <= alpha))
    # The score test is asymptotic: its exact size can pass alpha by ~0.001 at these
    # sizes (docs/planning.md); method="exact" is the level-keeping alternative.
    assert rate <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps) + 0.002


def test_continuous_scores_use_the_shifted_sign_flip_test() -> None:
    rng = np.random.default_rng(11)
    ref = rng.uniform(0, 1, 400)
    same = np.clip(ref + rng.normal(0, 0.05, 400), 0, 1)
    res = fm.noninferiority(ref, same, margin=0.05, rng=1)
    assert res.method == "permutation"
    assert res.noninferior
    assert res.confidence_interval.high < 0.05
    assert res.statistic == pytest.approx(np.mean(ref - same) - 0.05)
    assert (res.b, res.c, res.n) == (int(np.sum(ref > same)), int(np.sum(ref < same)), 400)
    worse = np.clip(ref - 0.1, 0, 1)
    assert not fm.noninferiority(worse * 0 + ref, worse, margin=0.05, rng=1).noninferior
    # The same seed gives the same answer.
    assert fm.noninferiority(ref, same, margin=0.05, rng=1) == res


def test_continuous_type_one_error_at_the_margin() -> None:
    """Differences symmetric around the margin: non-inferiority is declared at most
    alpha of the time (within Monte Carlo error)."""
    rng = np.random.default_rng(5)
    margin, reps, n = 0.05, 1000, 200
    hits = 0
    for i in range(reps):
        cand = rng.uniform(0.2, 0.8, n)
        ref = cand + margin + rng.choice([-1, 1], n) * rng.uniform(0, 0.2, n)
        hits += fm.noninferiority(ref, cand, margin=margin, n_resamples=499, rng=i).noninferior
    assert hits / reps <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / reps)
