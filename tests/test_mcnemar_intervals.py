"""Intervals for the paired accuracy difference and for q = b/(b + c),
against R (contingencytables, ratesci, PropCIs) and independent code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mpmath as mp
import pytest

from fastmcnemar import mcnemar, mcnemar_table


def _cases(shared_dir: Path) -> list[dict[str, Any]]:
    with (shared_dir / "vectors" / "peer_vectors.json").open() as f:
        cases: list[dict[str, Any]] = json.load(f)["paired_difference_ci"]["cases"]
    assert len(cases) >= 7
    return cases


# (our method, key in the R block, absolute tolerance): closed forms match R to
# the last digits; ratesci's Tango is printed to 12 decimals.
R_REFERENCES = [
    ("wald", "wald", 1e-14),
    ("bonett-price", "bonett_price", 1e-14),
    ("newcombe", "newcombe10_contingencytables", 1e-14),
    ("tango", "tango_ratesci", 1e-11),
    # contingencytables solves Tango's equation with uniroot(tol = 1e-7).
    ("tango", "tango_contingencytables", 1e-7),
]
INDEPENDENT = [("wald", "wald"), ("bonett-price", "bonett_price"), ("newcombe", "newcombe10")]


@pytest.mark.parametrize(("method", "key", "atol"), R_REFERENCES)
def test_difference_intervals_match_r(shared_dir: Path, method: str, key: str, atol: float) -> None:
    for case in _cases(shared_dir):
        res = mcnemar_table(case["table"])
        assert res.delta == pytest.approx(case["delta_hat"], abs=1e-16)
        low, high = res.confidence_interval(case["confidence"], method=method)  # type: ignore[arg-type]
        want_low, want_high = case["R"][key]
        assert low == pytest.approx(want_low, abs=atol), (case["name"], method)
        assert high == pytest.approx(want_high, abs=atol), (case["name"], method)


def test_difference_intervals_match_independent_double_precision_code(shared_dir: Path) -> None:
    for case in _cases(shared_dir):
        res = mcnemar_table(case["table"])
        for method, key in [*INDEPENDENT, ("tango", "tango")]:
            low, high = res.confidence_interval(case["confidence"], method=method)  # type: ignore[arg-type]
            want_low, want_high = case["independent_python"][key]
            # Tango's limits come from 200-step mpmath bisection: double precision.
            assert low == pytest.approx(want_low, rel=1e-12, abs=1e-15), (case["name"], method)
            assert high == pytest.approx(want_high, rel=1e-12, abs=1e-15), (case["name"], method)


def _tango_score(b: int, c: int, n: int, delta: mp.mpf) -> mp.mpf:
    a = 2 * n
    bq = -b - c + (2 * n - b + c) * delta
    cq = -c * delta * (1 - delta)
    q = (mp.sqrt(bq * bq - 4 * a * cq) - bq) / (2 * a)
    return (b - c - n * delta) / mp.sqrt(n * (2 * q + delta * (1 - delta)))


@pytest.mark.parametrize(
    "table",
    [[[5, 3], [1, 4]], [[0, 40], [2, 0]], [[900, 31], [12, 57]], [[10**6, 5000], [4200, 10**5]]],
)
def test_tango_limits_solve_the_score_equation_in_mpmath(table: list[list[int]]) -> None:
    """At our limits the 60-digit score statistic equals -+z to ~1e-12 in delta."""
    res = mcnemar_table(table)
    low, high = res.confidence_interval(0.9)
    b, c, n = res.b, res.c, res.n
    with mp.workdps(60):
        z = mp.sqrt(2) * mp.erfinv(mp.mpf("0.9"))
        # The true root lies between our limit and one ulp-scale step beyond.
        for limit, target in [(low, z), (high, -z)]:
            step = mp.mpf(1e-13) * max(1, abs(limit))
            before = _tango_score(b, c, n, mp.mpf(limit) - step) - target
            after = _tango_score(b, c, n, mp.mpf(limit) + step) - target
            assert before * after < 0, (table, limit)


def test_tango_agrees_with_the_asymptotic_test_at_zero() -> None:
    # delta = 0 is outside the (1 - alpha) Tango interval exactly when the
    # two-sided asymptotic McNemar p-value is below alpha.
    for table in [[[20, 15], [5, 30]], [[20, 12], [5, 30]], [[40, 30], [17, 12]]]:
        asym = mcnemar_table(table, alternative="two-sided", method="asymptotic")
        for alpha in (0.01, 0.05, 0.1):
            low, high = asym.confidence_interval(1 - alpha)
            assert (low > 0 or high < 0) == (asym.pvalue < alpha), (table, alpha)


def test_interval_edges() -> None:
    none_discordant = mcnemar([1, 1, 0, 0], [1, 1, 0, 0])
    assert none_discordant.confidence_interval(method="wald") == (0.0, 0.0)
    low, high = none_discordant.confidence_interval()
    assert low == pytest.approx(-high)
    assert high > 0
    assert none_discordant.statistic_confidence_interval() == (0.0, 1.0)
    all_b = mcnemar_table([[0, 8], [0, 0]])
    assert all_b.confidence_interval()[1] == 1.0
    assert all_b.statistic_confidence_interval()[1] == 1.0
    for method in ("tango", "newcombe", "bonett-price", "wald"):
        low, high = mcnemar_table([[0, 0], [9, 0]]).confidence_interval(method=method)  # type: ignore[arg-type]
        assert -1.0 <= low <= high <= 1.0
