"""Suite-level tests: Pooled, Max-Drop, Fisher, Stouffer, Cauchy, HMP, the
combined rule and adjusted p-values, against independent oracles (brute-force
enumeration, scipy, statsmodels, R values in the shared vectors)."""

from __future__ import annotations

import itertools
import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.multitest import multipletests

import fastmcnemar as fm
from fastmcnemar import _core

# --------------------------------------------------------------------------
# oracles


def _brute_force_max_drop(n: list[int], t: float, two_sided: bool) -> float:
    """P(T >= t) by enumerating every outcome, exact rational weights; a tie
    (z equal to t within 1e-12) counts as at least as extreme."""
    total = Fraction(0)
    for outcome in itertools.product(*(range(k + 1) for k in n)):
        zs = [(2 * b - k) / math.sqrt(k) for b, k in zip(outcome, n, strict=True)]
        stat = max(abs(z) for z in zs) if two_sided else max(zs)
        if stat >= t - 1e-12:
            weight = Fraction(1)
            for b, k in zip(outcome, n, strict=True):
                weight *= Fraction(math.comb(k, b), 2**k)
            total += weight
    return float(total)


@pytest.fixture(scope="module")
def vectors(shared_dir: Path) -> dict:
    with open(shared_dir / "vectors" / "peer_vectors.json") as fh:
        return json.load(fh)


# --------------------------------------------------------------------------
# Max-Drop


@pytest.mark.parametrize(
    ("b", "c", "alternative"),
    [
        ([2, 4, 1, 6, 0], [1, 1, 1, 2, 1], "greater"),
        ([3, 2, 2, 4, 1], [0, 3, 0, 4, 0], "greater"),
        ([0, 1, 0, 3], [3, 4, 2, 5], "greater"),
        ([2, 4, 1, 6], [1, 1, 1, 2], "two-sided"),
        ([1, 2, 1, 4], [2, 3, 1, 4], "two-sided"),
        ([2, 4, 1, 6], [1, 1, 1, 2], "less"),
        ([2, 6, 0], [0, 2, 0], "greater"),  # sqrt(2) twice, n = 2 and n = 8: a tie
    ],
)
def test_max_drop_exact_matches_enumeration(b, c, alternative) -> None:
    res = fm.aggregate(b, c, method="max_drop", alternative=alternative)
    n = [x + y for x, y in zip(b, c, strict=True) if x + y > 0]
    expect = _brute_force_max_drop(n, res.statistic, alternative == "two-sided")
    assert res.pvalue == pytest.approx(expect, rel=1e-12, abs=1e-15)
    assert res.log_pvalue == pytest.approx(math.log(expect), rel=1e-12, abs=1e-15)


def test_max_drop_tie_across_lattices_counts() -> None:
    # Task 0: b=2, c=0 (z = sqrt 2); task 1: b=6, c=2 (z = 4/sqrt 8 = sqrt 2).
    res = fm.aggregate([2, 6], [0, 2], method="max_drop")
    p0 = 0.25  # P(b >= 2 | n = 2)
    p1 = stats.binom.sf(5, 8, 0.5)  # P(b >= 6 | n = 8)
    assert res.pvalue == pytest.approx(1 - (1 - p0) * (1 - p1), rel=1e-13)


def test_max_drop_exact_agrees_with_monte_carlo_on_large_tasks() -> None:
    b = [1310, 520, 6100, 95, 2400, 30]
    c = [1240, 505, 5980, 70, 2390, 28]
    exact = fm.aggregate(b, c, method="max_drop")
    mc = fm.aggregate(
        b, c, method="max_drop", max_drop_null="monte_carlo", rng=20260, n_resamples=40_000
    )
    se = math.sqrt(exact.pvalue * (1 - exact.pvalue) / 40_000)
    assert abs(mc.pvalue - exact.pvalue) < 4 * se
    assert mc.statistic == exact.statistic


def test_monte_carlo_is_seeded_and_thread_count_invariant(monkeypatch) -> None:
    b, c = [130, 52, 610, 9], [100, 50, 560, 3]
    kwargs = {"method": "combined", "max_drop_null": "monte_carlo", "fisher_null": "monte_carlo"}
    monkeypatch.setenv(_core.THREADS_ENV, "1")
    one = fm.aggregate(b, c, rng=7, n_resamples=5000, **kwargs)
    monkeypatch.setenv(_core.THREADS_ENV, "2")
    two = fm.aggregate(b, c, rng=7, n_resamples=5000, **kwargs)
    assert one == two
    other = fm.aggregate(b, c, rng=8, n_resamples=5000, **kwargs)
    assert other.components is not None
    assert one.components is not None
    assert other.components["max_drop"].pvalue != one.components["max_drop"].pvalue
    gen = fm.aggregate(b, c, rng=np.random.default_rng(3), n_resamples=5000, **kwargs)
    gen2 = fm.aggregate(b, c, rng=np.random.default_rng(3), n_resamples=5000, **kwargs)
    assert gen == gen2


# --------------------------------------------------------------------------
# Pooled and the published Llama-3.1-8B results


def test_pooled_matches_scipy_binomtest() -> None:
    b, c = [30, 12, 41, 25], [22, 13, 18, 24]
    res = fm.aggregate(b, c, method="pooled")
    expect = stats.binomtest(sum(b), sum(b) + sum(c), 0.5, alternative="greater").pvalue
    assert res.pvalue == pytest.approx(expect, rel=1e-12)
    res2 = fm.aggregate(b, c, method="pooled", alternative="two-sided")
    assert res2.pvalue == pytest.approx(
        min(1.0, 2 * stats.binom.sf(sum(b) - 1, sum(b) + sum(c), 0.5)), rel=1e-12
    )


@pytest.mark.parametrize(
    ("delta", "flip", "published"),
    [(-0.0002, 0.0131, 0.63), (0.0079, 0.0903, 1.7e-5), (0.0173, 0.1263, 4.8e-15)],
    ids=["rerun", "fp8-kv-cache", "int4-weights"],
)
def test_reproduces_published_pooled_results(delta, flip, published) -> None:
    """Open LLM Leaderboard v2, Llama-3.1-8B, N = 25,282 (Kuebler et al. 2026).

    b = N (flip + delta) / 2 and c = N (flip - delta) / 2, rounded. The paper
    prints delta and flip rate to 0.01 %, i.e. +-1.3 samples of N, so b and c
    are each known to about one sample. Tolerance: our p-value lies within a
    factor 1.2 of the published one (0.01 absolute for the rerun), and the
    published p-value lies inside the range our test gives when b or c moves
    by one sample.
    """
    N = 25_282
    b, c = round(N * (flip + delta) / 2), round(N * (flip - delta) / 2)
    p = fm.aggregate([b], [c], method="pooled").pvalue
    if published > 0.1:
        assert abs(p - published) < 0.01
    else:
        assert abs(math.log(p / published)) < math.log(1.2)
    neighbours = [
        fm.aggregate([b + db], [c + dc], method="pooled").pvalue
        for db, dc in [(-1, 0), (1, 0), (0, -1), (0, 1)]
    ]
    assert min(neighbours) <= published <= max(neighbours)


# --------------------------------------------------------------------------
# Fisher, Stouffer, Cauchy, HMP


def test_combine_pvalues_against_the_peer_vectors(vectors) -> None:
    for case in vectors["combine_pvalues"]:
        if case["method"] not in ("fisher", "stouffer"):
            continue
        res = fm.combine_pvalues(case["p"], method=case["method"], weights=case.get("weights"))
        assert res.statistic == pytest.approx(case["statistic"], rel=1e-12)
        assert res.pvalue == pytest.approx(case["pvalue"], rel=1e-11)


@pytest.mark.parametrize("seed", range(5))
def test_fisher_and_stouffer_match_scipy(seed: int) -> None:
    gen = np.random.default_rng(seed)
    p = gen.uniform(1e-6, 1, size=gen.integers(1, 40)) ** 2
    w = gen.uniform(0.1, 5, size=p.size)
    for method, weights in [("fisher", None), ("stouffer", None), ("stouffer", w)]:
        ours = fm.combine_pvalues(p, method=method, weights=weights)
        ref = stats.combine_pvalues(p, method=method, weights=weights)
        assert ours.statistic == pytest.approx(ref.statistic, rel=1e-11)
        assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-10)


def test_fisher_aggregate_uses_exact_task_pvalues() -> None:
    b, c = [30, 12, 41, 25, 0], [22, 13, 18, 24, 0]
    p = [stats.binom.sf(x - 1, x + y, 0.5) for x, y in zip(b, c, strict=True) if x + y > 0]
    ours = fm.aggregate(b, c, method="fisher")
    ref = stats.combine_pvalues(p, method="fisher")
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-11)
    assert ours.task_pvalues[-1] == 1.0


def test_fisher_keeps_task_pvalues_below_the_double_range() -> None:
    # Task 0: b = 2000, c = 0 gives p = 2^-2000 (about 1e-602).
    res = fm.aggregate([2000, 5], [0, 5], method="fisher")
    assert res.task_pvalues[0] == 0.0
    assert res.task_log_pvalues[0] == pytest.approx(-2000 * math.log(2), rel=1e-12)
    assert res.statistic == pytest.approx(
        -2 * (res.task_log_pvalues[0] + res.task_log_pvalues[1]), rel=1e-12
    )
    assert math.isfinite(res.log_pvalue)
    assert res.log_pvalue < -1300
    assert res.rejected


def test_fisher_monte_carlo_is_exact_discrete_null() -> None:
    """Small tasks: the Monte Carlo p-value of the discrete null matches full
    enumeration (within Monte Carlo error) and lies below the conservative
    chi-square one."""
    b, c = [4, 3, 5], [1, 2, 1]
    n = [x + y for x, y in zip(b, c, strict=True)]
    lp = [math.log(stats.binom.sf(x - 1, k, 0.5)) for x, k in zip(b, n, strict=True)]
    observed = sum(lp)
    exact = Fraction(0)
    for outcome in itertools.product(*(range(k + 1) for k in n)):
        s = sum(math.log(stats.binom.sf(x - 1, k, 0.5)) for x, k in zip(outcome, n, strict=True))
        if s <= observed + 1e-12:
            w = Fraction(1)
            for x, k in zip(outcome, n, strict=True):
                w *= Fraction(math.comb(k, x), 2**k)
            exact += w
    mc = fm.aggregate(b, c, method="fisher", fisher_null="monte_carlo", rng=1, n_resamples=50_000)
    se = math.sqrt(float(exact) * (1 - float(exact)) / 50_000)
    assert abs(mc.pvalue - float(exact)) < 4 * se + 1 / 50_000
    assert mc.pvalue < fm.aggregate(b, c, method="fisher").pvalue


@pytest.mark.parametrize("case", ["metap3", "sm_pval0", "extreme4", "tiny_all"])
def test_cauchy_and_hmp_match_r(vectors, case: str) -> None:
    ref = vectors["aggregation_generated_R"]["cases"][case]
    acat = fm.combine_pvalues(ref["p"], method="cauchy")
    assert acat.pvalue == pytest.approx(ref["acat"], rel=1e-12)
    hmp = fm.combine_pvalues(ref["p"], method="hmp")
    assert hmp.statistic == pytest.approx(ref["hmp_stat"], rel=1e-12)
    # R's FMStable is itself accurate to about 1e-13 relative here.
    assert hmp.pvalue == pytest.approx(ref["p_hmp_L_eq_k"], rel=1e-12)


def test_landau_survival_matches_scipy() -> None:
    """The HMP null: our standard Landau (scale pi/2) is scipy's landau (stable
    alpha = beta = 1, scale 1) at z = (x - ln(pi/2)) 2/pi."""
    for x in [-6.0, -2.5, -1.0, 0.0, 0.3, 1.7, 5.0, 34.59, 400.0, 1e4, 3e5, 2e6, 1e12]:
        ours, ln_ours = _core.suite_landau_sf(x)
        ref = stats.landau.sf((x - math.log(math.pi / 2)) * 2 / math.pi)
        assert ours == pytest.approx(ref, rel=5e-14), x
        assert ln_ours == pytest.approx(math.log(ref), rel=1e-13, abs=1e-15), x


def test_cauchy_and_hmp_handle_log_pvalues_below_the_double_range() -> None:
    res = fm.combine_pvalues([-1000.0, -1000.0, math.log(0.5)], method="cauchy", log=True)
    assert res.log_pvalue == pytest.approx(-1000 + math.log(1.5), rel=1e-13)
    res = fm.combine_pvalues([-1000.0, -1000.0, math.log(0.5)], method="hmp", log=True)
    assert res.log_pvalue == pytest.approx(-1000 + math.log(1.5), rel=1e-13)


# --------------------------------------------------------------------------
# adjusted p-values

_SM_NAMES = {
    "holm": "holm",
    "hochberg": "simes-hochberg",
    "hommel": "hommel",
    "bonferroni": "bonferroni",
    "sidak": "sidak",
    "holm-sidak": "holm-sidak",
    "bh": "fdr_bh",
    "by": "fdr_by",
}


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("method", list(_SM_NAMES))
def test_adjust_matches_statsmodels(seed: int, method: str) -> None:
    gen = np.random.default_rng(seed)
    p = gen.uniform(0, 1, size=gen.integers(1, 60)) ** 3
    if seed % 2:
        p[: p.size // 3] = p[0]  # ties
    ours = fm.adjust_pvalues(p, method=method)
    ref = multipletests(p, method=_SM_NAMES[method])[1]
    # statsmodels' Sidak is 1 - (1 - p)^m, which cancels for small p (ours does
    # not: see test_sidak_against_mpmath); elsewhere the two agree to rounding.
    rtol = 1e-13 if "sidak" not in method else 1e-9
    np.testing.assert_allclose(ours, ref, rtol=rtol, atol=0)


@given(
    st.lists(st.floats(0, 1) | st.sampled_from([0.0, 1e-300, 0.05, 1.0]), min_size=1, max_size=30)
)
def test_adjustments_are_ordered(p: list[float]) -> None:
    """Known orderings: raw <= Hommel <= Hochberg <= Holm <= Bonferroni, Holm-Sidak <= Holm."""
    adjusted = {m: fm.adjust_pvalues(p, method=m) for m in _SM_NAMES}
    slack = 1e-15
    assert np.all(np.asarray(p) <= adjusted["hommel"] + slack)
    assert np.all(adjusted["hommel"] <= adjusted["hochberg"] + slack)
    assert np.all(adjusted["hochberg"] <= adjusted["holm"] + slack)
    assert np.all(adjusted["holm"] <= adjusted["bonferroni"] + slack)
    assert np.all(adjusted["holm-sidak"] <= adjusted["holm"] + slack)
    assert np.all(adjusted["sidak"] <= adjusted["bonferroni"] + slack)


def test_sidak_against_mpmath() -> None:
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 50
    p = np.array([1e-300, 1e-20, 3e-9, 0.004, 0.2, 0.7])
    m = p.size

    def sidak(x: float, k: int) -> float:
        return float(-mpmath.expm1(k * mpmath.log1p(-mpmath.mpf(x))))

    exact = [sidak(x, m) for x in p]
    np.testing.assert_allclose(fm.adjust_pvalues(p, method="sidak"), exact, rtol=1e-14)
    order = np.argsort(p)
    step = [sidak(p[i], m - r) for r, i in enumerate(order)]
    expect = np.empty(m)
    expect[order] = np.maximum.accumulate(step)
    np.testing.assert_allclose(fm.adjust_pvalues(p, method="holm-sidak"), expect, rtol=1e-14)


@pytest.mark.parametrize("method", ["bh", "by"])
def test_adjust_matches_scipy_false_discovery_control(method: str) -> None:
    p = np.random.default_rng(11).uniform(size=50) ** 2
    np.testing.assert_allclose(
        fm.adjust_pvalues(p, method=method),
        stats.false_discovery_control(p, method=method),
        rtol=1e-13,
    )


def test_adjust_matches_the_peer_vectors(vectors) -> None:
    for case in vectors["false_discovery_control"]:
        ours = fm.adjust_pvalues(case["p"], method=case["method"])
        np.testing.assert_allclose(ours, case["adjusted"], atol=case["atol"])
    for case in vectors["multipletests"]:
        for name, expect in case["adjusted"].items():
            key = {"sidak_ss": "sidak", "sidak_sd": "holm-sidak"}.get(name, name)
            assert key in _SM_NAMES, name
            ours = fm.adjust_pvalues(case["p_sorted"], method=key)
            np.testing.assert_allclose(ours, expect, rtol=0, atol=10.0 ** -case["decimal"])
    names = {"bonferroni": "bonferroni", "holm": "holm", "hochberg": "hochberg"}
    names |= {"hommel": "hommel", "BH": "bh", "BY": "by"}
    for ref in vectors["aggregation_generated_R"]["cases"].values():
        for r_name, ours_name in names.items():
            ours = fm.adjust_pvalues(ref["p"], method=ours_name)
            np.testing.assert_allclose(ours, ref[f"p.adjust_{r_name}"], rtol=1e-14)


# --------------------------------------------------------------------------
# the combined rule, alternatives, many candidates


def test_combined_rule_bonferroni_and_any() -> None:
    b, c = [30, 12, 41, 25], [22, 13, 18, 24]
    res = fm.aggregate(b, c, alpha=0.01)
    assert res.components is not None
    pmin = min(x.pvalue for x in res.components.values())
    assert res.statistic == pmin
    assert res.pvalue == pytest.approx(min(1, 3 * pmin))
    assert res.level == 0.01
    assert res.rule == "bonferroni"
    assert res.rejected == (pmin <= 0.01 / 3)
    assert res.components["pooled"].pvalue == fm.aggregate(b, c, method="pooled").pvalue
    assert res.components["max_drop"].pvalue == fm.aggregate(b, c, method="max_drop").pvalue
    assert res.components["fisher"].pvalue == fm.aggregate(b, c, method="fisher").pvalue
    any_rule = fm.aggregate(b, c, alpha=0.01, rule="any")
    assert any_rule.level == pytest.approx(0.03)
    assert any_rule.pvalue == pmin
    assert any_rule.rejected == (pmin <= 0.01)


@pytest.mark.parametrize("method", ["pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp"])
def test_less_is_greater_with_b_and_c_swapped(method: str) -> None:
    b, c = [30, 12, 41, 25, 3], [22, 13, 18, 24, 0]
    less = fm.aggregate(b, c, method=method, alternative="less")
    greater = fm.aggregate(c, b, method=method)
    assert less.pvalue == greater.pvalue
    two = fm.aggregate(b, c, method=method, alternative="two-sided")
    assert 0 < two.pvalue <= 1


def test_two_sided_task_pvalues() -> None:
    res = fm.aggregate([9, 1, 0], [2, 8, 0], method="fisher", alternative="two-sided")
    expect = [stats.binomtest(9, 11).pvalue, stats.binomtest(1, 9).pvalue, 1.0]
    np.testing.assert_allclose(res.task_pvalues, expect, rtol=1e-12)


def test_two_sided_stouffer_and_cauchy_survive_balanced_tasks() -> None:
    # Task 1 has b = c: its two-sided mid-p is 1 - P(X = 5)/2, not 1, so it
    # does not send Stouffer's or Cauchy's statistic to minus infinity.
    for method in ["stouffer", "cauchy"]:
        res = fm.aggregate([40, 5], [10, 5], method=method, alternative="two-sided")
        assert res.pvalue < 0.05, method
    midp = [
        min(1.0, 2 * (stats.binom.sf(39, 50, 0.5) - 0.5 * stats.binom.pmf(40, 50, 0.5))),
        1 - 0.5 * stats.binom.pmf(5, 10, 0.5),
    ]
    ref = stats.combine_pvalues(midp, method="stouffer")
    res = fm.aggregate([40, 5], [10, 5], method="stouffer", alternative="two-sided")
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-10)


def test_no_flips_anywhere() -> None:
    for method in ["pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp", "combined"]:
        res = fm.aggregate([0, 0], [0, 0], method=method)
        assert res.pvalue == 1.0
        assert not res.rejected


def test_aggregate_many_matches_aggregate_row_by_row() -> None:
    gen = np.random.default_rng(5)
    n = gen.integers(0, 300, size=(7, 9))
    b = gen.binomial(n, 0.53)
    c = n - b
    for method in ["combined", "max_drop", "hmp"]:
        many = fm.aggregate_many(b, c, method=method)
        for i in range(b.shape[0]):
            one = fm.aggregate(b[i], c[i], method=method)
            assert many.pvalue[i] == one.pvalue
            assert many.rejected[i] == one.rejected
            np.testing.assert_array_equal(many.task_pvalues[i], one.task_pvalues)
    many = fm.aggregate_many(b, c, method="combined", rule="any")
    assert many.components is not None
    assert many.level == pytest.approx(0.15)


def test_weights() -> None:
    b, c = [30, 12, 41], [22, 13, 18]
    midp = [
        stats.binom.sf(x, x + y, 0.5) + 0.5 * stats.binom.pmf(x, x + y, 0.5)
        for x, y in zip(b, c, strict=True)
    ]
    w = [1.0, 2.0, 0.5]
    ours = fm.aggregate(b, c, method="stouffer", weights=w)
    ref = stats.combine_pvalues(midp, method="stouffer", weights=w)
    assert ours.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    ours = fm.aggregate(b, c, method="cauchy", weights=w)
    assert ours.pvalue == pytest.approx(
        fm.combine_pvalues(midp, method="cauchy", weights=w).pvalue, rel=1e-12
    )


# --------------------------------------------------------------------------
# bad input


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        (lambda: fm.aggregate([1, 2], [1]), fm.LengthMismatchError, "b has 2 elements but c has 1"),
        (lambda: fm.aggregate([1, -2], [1, 1]), fm.NegativeCountError, "b at index 1: -2"),
        (lambda: fm.aggregate([], []), fm.EmptyInputError, "b is empty"),
        (lambda: fm.aggregate([1], [1], alpha=1.5), fm.InvalidLevelError, "alpha"),
        (lambda: fm.aggregate([1], [1], alpha=0.0), fm.InvalidLevelError, "alpha"),
        (lambda: fm.aggregate([1], [1], alpha="x"), fm.InvalidLevelError, "alpha must lie"),
        (lambda: fm.aggregate([1], [1], alpha=float("nan")), fm.InvalidLevelError, "alpha"),
        (lambda: fm.aggregate([1], [1], method="tippett"), fm.InvalidArgumentError, "method"),
        (lambda: fm.aggregate([1], [1], alternative="up"), fm.InvalidArgumentError, "alternative"),
        (lambda: fm.aggregate([1], [1], rule="all"), fm.InvalidArgumentError, "rule"),
        (lambda: fm.aggregate([1.5], [1]), fm.InvalidArgumentError, "b at index 0 is 1.5"),
        (lambda: fm.aggregate([float("nan")], [1]), fm.NonFiniteValueError, "b at index 0"),
        (lambda: fm.aggregate([[1]], [[1]]), fm.InvalidArgumentError, "1-dimensional"),
        (lambda: fm.aggregate(["a"], [1]), fm.InvalidArgumentError, "integer counts"),
        (
            lambda: fm.aggregate([1, 2], [1, 2], tasks=["x"]),
            fm.LengthMismatchError,
            "tasks has 1 names",
        ),
        (
            lambda: fm.aggregate([1], [1], method="pooled", weights=[1.0]),
            fm.InvalidArgumentError,
            "weights apply",
        ),
        (
            lambda: fm.aggregate([1, 2], [1, 2], method="hmp", weights=[1.0]),
            fm.LengthMismatchError,
            "weights",
        ),
        (
            lambda: fm.aggregate([1], [1], method="stouffer", weights=[-1.0]),
            fm.InvalidArgumentError,
            "negative",
        ),
        (lambda: fm.aggregate([1], [1], n_resamples=100), fm.InvalidArgumentError, "n_resamples"),
        (
            lambda: fm.aggregate([1], [1], max_drop_null="monte_carlo", n_resamples=0),
            fm.InvalidArgumentError,
            "n_resamples",
        ),
        (
            lambda: fm.aggregate([1], [1], max_drop_null="monte_carlo", rng=-1),
            fm.InvalidArgumentError,
            "rng seed",
        ),
        (
            lambda: fm.aggregate([1], [1], max_drop_null="monte_carlo", rng="x"),
            fm.InvalidArgumentError,
            "rng must be",
        ),
        (lambda: fm.aggregate([1], [1], max_drop_null="mc"), fm.InvalidArgumentError, "max_drop"),
        (lambda: fm.aggregate([1], [1], fisher_null="exact"), fm.InvalidArgumentError, "fisher"),
        (
            lambda: fm.aggregate_many([[1, 2]], [[1, 2], [3, 4]]),
            fm.LengthMismatchError,
            "shape mismatch",
        ),
        (
            lambda: fm.aggregate_many([[1, -2]], [[1, 2]]),
            fm.NegativeCountError,
            "b at index 1",
        ),
        (lambda: fm.adjust_pvalues([0.1, float("nan")]), fm.NonFiniteValueError, "index 1"),
        (lambda: fm.adjust_pvalues([0.1, 1.2]), fm.InvalidArgumentError, "pvalues[1] = 1.2"),
        (lambda: fm.adjust_pvalues([]), fm.EmptyInputError, "pvalues is empty"),
        (
            lambda: fm.adjust_pvalues([0.1], method="sidak-holm"),
            fm.InvalidArgumentError,
            "holm-sidak",
        ),
        (lambda: fm.combine_pvalues([0.1, -0.1]), fm.InvalidArgumentError, "pvalues[1]"),
        (lambda: fm.combine_pvalues([float("nan")]), fm.NonFiniteValueError, "index 0"),
        (lambda: fm.combine_pvalues([0.1], method="x"), fm.InvalidArgumentError, "method"),
        (
            lambda: fm.combine_pvalues([0.0, 1.0], method="stouffer"),
            fm.InvalidArgumentError,
            "exactly 0 and exactly 1",
        ),
    ],
)
def test_bad_input_raises_named_errors(call, exc, message: str) -> None:
    with pytest.raises(exc, match=_escape(message)):
        call()


def _escape(text: str) -> str:
    import re

    return re.escape(text)
