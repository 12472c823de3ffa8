"""McNemar p-values against independent oracles: mpmath, the 80-digit tail
table, scipy, statsmodels and R reference values."""

from __future__ import annotations

import csv
import json
import math
from pathlib import Path
from typing import Any

import mpmath as mp
import numpy as np
import pytest
from scipy import stats
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar

import binomial_oracle as oracle
from fastmcnemar import mcnemar_counts, mcnemar_table

PLAIN_MIN = 1e-300  # below this only the log p-value is required to be accurate
RTOL = 1e-12
LOG_RTOL = 1e-10


def mismatch(got_p: float, got_log: float, want: mp.mpf, label: str) -> str | None:
    """None when p is within a relative 1e-12 (where >= 1e-300) and log p
    within a relative 1e-10 of the oracle, else a description of the miss."""
    with mp.workdps(40):
        if want >= PLAIN_MIN:
            if not abs(got_p - float(want)) <= RTOL * float(want):
                rel = abs(got_p / float(want) - 1)
                return f"{label}: p {got_p!r} vs {mp.nstr(want, 17)} (rel {rel:.2e})"
        elif not got_p <= 1e-290:
            return f"{label}: p {got_p!r} vs {mp.nstr(want, 17)}"
        want_log = float(mp.log(want))
    if not abs(got_log - want_log) <= LOG_RTOL * abs(want_log) + 1e-14:
        return f"{label}: log p {got_log!r} vs {want_log!r}"
    return None


def assert_all_match(misses: list[str | None]) -> None:
    bad = [m for m in misses if m is not None]
    assert not bad, f"{len(bad)} mismatches:\n" + "\n".join(bad[:25])


def _grid(n: int, huge: bool) -> list[int]:
    half, sd = n // 2, math.sqrt(n) / 2
    if huge:
        ks = [0, 1, 2, half, half + 1, half + int(3 * sd), half - int(10 * sd)]
        ks += [half + int(39 * sd), n - 1, n]
    else:
        ks = [0, 1, 2, half - 1, half, half + 1, n - 2, n - 1, n]
        ks += [half + int(c * sd) for c in (1, 3, 10, 30)]
        ks += [half - int(c * sd) for c in (2, 20)]
    return sorted({k for k in ks if 0 <= k <= n})


SMALL_N = [0, 1, 2, 3, 5, 10, 37, 100, 1000, 12_345, 100_001]


# Bulk calls longer than this share rows of tails between equal n (a separate
# code path from one-at-a-time tails), so every oracle check runs both ways.
BULK_MIN = 5000


def _both_paths(b: np.ndarray, c: np.ndarray, **options: str) -> list[tuple[float, float]]:
    """(p, log p) for each pair, checked to agree between the short and the
    shared-row bulk paths within the accuracy bar, returned from the bulk path."""
    short = mcnemar_counts(b, c, **options)  # type: ignore[arg-type]
    reps = -(-BULK_MIN // max(b.size, 1))
    bulk = mcnemar_counts(np.tile(b, reps), np.tile(c, reps), **options)  # type: ignore[arg-type]
    out = []
    for i in range(b.size):
        copies = bulk.pvalue[i :: b.size], bulk.log_pvalue[i :: b.size]  # type: ignore[index]
        assert np.all(copies[0] == copies[0][0])
        assert np.all(copies[1] == copies[1][0])
        assert copies[0][0] == pytest.approx(short.pvalue[i], rel=5e-13, abs=1e-300)  # type: ignore[index]
        out.append((float(copies[0][0]), float(copies[1][0])))
    return out


def _check_grid(ns: list[int], huge: bool) -> None:
    pairs = [(k, n - k) for n in ns for k in _grid(n, huge)]
    b = np.array([p[0] for p in pairs], dtype=np.int64)
    c = np.array([p[1] for p in pairs], dtype=np.int64)
    misses = []
    for method in ("exact", "midp"):
        for alternative in ("greater", "less", "two-sided"):
            got = _both_paths(b, c, alternative=alternative, method=method)
            for (bi, ci), (p, log_p) in zip(pairs, got, strict=True):
                want = oracle.pvalue(bi, ci, alternative, method)
                label = f"b={bi} c={ci} {alternative} {method}"
                misses.append(mismatch(p, log_p, want, label))
    assert_all_match(misses)


def test_mpmath_grid_small_and_moderate_n() -> None:
    _check_grid(SMALL_N, huge=False)


def test_mpmath_grid_near_2_31() -> None:
    _check_grid([2**31 + 1], huge=True)


def test_mpmath_grid_near_2_40() -> None:
    _check_grid([2**40], huge=True)


@pytest.mark.slow
def test_mpmath_grid_beyond_2_40() -> None:
    _check_grid([2**40 + 1, 10**12 + 3], huge=True)


@pytest.mark.slow
def test_mpmath_grid_more_near_2_31() -> None:
    _check_grid([2**31 - 1, 2**31], huge=True)


def test_every_row_of_the_80_digit_tail_table(shared_dir: Path) -> None:
    with (shared_dir / "vectors" / "binom_tail_reference.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert len(rows) > 1500
    misses = []
    for alternative in ("greater", "less", "two-sided"):
        selected = [r for r in rows if r["alternative"] == alternative]
        k = np.array([int(r["k"]) for r in selected], dtype=np.int64)
        n = np.array([int(r["n"]) for r in selected], dtype=np.int64)
        got = _both_paths(k, n - k, alternative=alternative)
        for r, (p, log_p) in zip(selected, got, strict=True):
            # 17 significant digits in the file: well inside the 1e-12 bar.
            want = mp.mpf(r["pvalue_mpmath"])
            label = f"n={r['n']} k={r['k']} {alternative}"
            misses.append(mismatch(p, log_p, want, label))
    assert_all_match(misses)


def _random_pairs(seed: int, size: int, max_n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = rng.integers(0, max_n, size=size)
    b = rng.binomial(n, rng.uniform(0.2, 0.8, size=size))
    return b.astype(np.int64), (n - b).astype(np.int64)


def test_scipy_binomtest_for_moderate_n() -> None:
    b, c = _random_pairs(1, 300, 3000)
    for alternative in ("greater", "less", "two-sided"):
        res = mcnemar_counts(b, c, alternative=alternative)
        for i in range(b.size):
            n = int(b[i] + c[i])
            want = 1.0 if n == 0 else stats.binomtest(int(b[i]), n, 0.5, alternative).pvalue
            # scipy's Boost tails hold ~5e-13 for n <= 1e4.
            assert res.pvalue[i] == pytest.approx(want, rel=2e-12, abs=1e-300)


def test_statsmodels_mcnemar_exact_and_chi2() -> None:
    b, c = _random_pairs(2, 200, 2000)
    exact = mcnemar_counts(b, c, alternative="two-sided")
    asym = mcnemar_counts(b, c, alternative="two-sided", method="asymptotic")
    for i in range(b.size):
        table = [[5, int(b[i])], [int(c[i]), 7]]
        want = sm_mcnemar(table, exact=True).pvalue
        assert exact.pvalue[i] == pytest.approx(want, rel=2e-12, abs=1e-300)
        if b[i] + c[i] > 0:
            chi2 = sm_mcnemar(table, exact=False, correction=False).pvalue
            assert asym.pvalue[i] == pytest.approx(chi2, rel=1e-12, abs=1e-300)


def _peer(shared_dir: Path) -> dict[str, Any]:
    with (shared_dir / "vectors" / "peer_vectors.json").open() as f:
        data: dict[str, Any] = json.load(f)
    return data


def test_peer_mcnemar_tables(shared_dir: Path) -> None:
    cases = _peer(shared_dir)["mcnemar"]
    checked = 0
    for case in cases:
        table = [[int(x) for x in row] for row in case["table"]]
        exact = mcnemar_table(table, alternative="two-sided")
        if "pvalue_exact_mpmath" in case:
            assert exact.pvalue == pytest.approx(case["pvalue_exact_mpmath"], rel=RTOL)
            checked += 1
        if case.get("variant") == "exact":
            tol = {"abs": case["atol"]} if "atol" in case else {"rel": case["rtol"]}
            assert exact.pvalue == pytest.approx(case["pvalue"], **tol)
        if case.get("variant") == "chi2_uncorrected" and "pvalue" in case:
            asym = mcnemar_table(table, alternative="two-sided", method="asymptotic")
            assert asym.pvalue == pytest.approx(case["pvalue"], rel=case["rtol"])
        if "exact_p_central" in case:
            # R exact2x2: central exact p, mid-p, chi-square and Clopper-Pearson for q.
            assert exact.pvalue == pytest.approx(case["exact_p_central"], rel=RTOL)
            midp = mcnemar_table(table, alternative="two-sided", method="midp")
            assert midp.pvalue == pytest.approx(case["midp_p"], rel=RTOL)
            asym = mcnemar_table(table, alternative="two-sided", method="asymptotic")
            assert asym.pvalue == pytest.approx(case["chi2_p"], rel=RTOL)
            low, high = exact.statistic_confidence_interval(0.95)
            want_low, want_high = case["clopper_pearson_theta_ci"]
            assert low == pytest.approx(want_low, rel=1e-12, abs=1e-300)
            assert high == pytest.approx(want_high, rel=1e-12)
            or_low, or_high = case["exact_or_ci"]
            assert low / (1 - low) == pytest.approx(or_low, rel=1e-10, abs=1e-300)
            if or_high != "inf":
                assert high / (1 - high) == pytest.approx(or_high, rel=1e-10)
            checked += 1
    assert checked >= 10


def test_peer_binomtest_at_one_half_and_clopper_pearson(shared_dir: Path) -> None:
    for case in _peer(shared_dir)["binomtest"]:
        k, n = case["k"], case["n"]
        if case["p"] == 0.5:
            res = mcnemar_counts(k, n - k, alternative=case["alternative"])
            assert res.pvalue == pytest.approx(case["pvalue"], rel=case["rtol"])
        for key, value in case.items():
            if not key.startswith("clopper_pearson_ci_"):
                continue
            level = float(key.rsplit("_", 1)[1])
            res = mcnemar_counts(k, n - k)
            if case["alternative"] == "two-sided":
                low, high = res.statistic_confidence_interval(level)
                assert (low, high) == pytest.approx(tuple(value), rel=case["rtol"])
            else:
                # A one-sided limit at `level` is the two-sided one at 2 level - 1.
                low, high = res.statistic_confidence_interval(2 * level - 1)
                if case["alternative"] == "less":
                    assert high == pytest.approx(value[1], rel=case["rtol"])
                else:
                    assert low == pytest.approx(value[0], rel=case["rtol"])


def test_clopper_pearson_against_mpmath_beta_quantiles() -> None:
    # The limits solve I_L(k, n - k + 1) = alpha/2 and I_U(k + 1, n - k) = 1 - alpha/2.
    mp.mp.dps = 40
    for k, n, level in [(1, 7, 0.95), (12, 15, 0.9), (500, 1000, 0.99), (3, 10**6, 0.95)]:
        res = mcnemar_counts(k, n - k)
        low, high = res.statistic_confidence_interval(level)
        alpha = 1 - level
        got_low = mp.betainc(k, n - k + 1, 0, low, regularized=True)
        got_high = mp.betainc(k + 1, n - k, 0, high, regularized=True)
        assert float(got_low) == pytest.approx(alpha / 2, rel=1e-11)
        assert float(got_high) == pytest.approx(1 - alpha / 2, rel=1e-11)
