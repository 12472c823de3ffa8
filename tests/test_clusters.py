"""Clustered paired tests: oracles, reductions to the unclustered tests, warnings, errors."""

from __future__ import annotations

import warnings

import mpmath
import numpy as np
import pytest
import statsmodels.api as sm

import fastmcnemar as fm
from fastmcnemar._cluster_simulation import binary_clusters, continuous_clusters


def quiet(fn, *args, **kwargs):
    """Calls fn with ClusterWarning silenced (the tests check it separately)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ClusterWarning)
        return fn(*args, **kwargs)


def random_clustered(seed: int, n_clusters: int = 40):
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 9, size=n_clusters)
    cluster = np.repeat(np.arange(n_clusters), sizes)
    ref = rng.integers(0, 2, size=cluster.size).astype(float)
    cand = rng.integers(0, 2, size=cluster.size).astype(float)
    return ref, cand, cluster


def mp_counts(ref, cand, cluster):
    """Per-cluster (b_k, c_k, n_k) in plain Python."""
    out: dict[int, list[int]] = {}
    for r, c, k in zip(ref, cand, cluster, strict=True):
        row = out.setdefault(int(k), [0, 0, 0])
        row[0] += int(r > c)
        row[1] += int(c > r)
        row[2] += 1
    return list(out.values())


@pytest.mark.parametrize("seed", range(6))
def test_obuchowski_and_durkalski_against_mpmath(seed):
    ref, cand, cluster = random_clustered(seed)
    mpmath.mp.dps = 40
    rows = mp_counts(ref, cand, cluster)
    k = len(rows)
    d = [mpmath.mpf(b - c) for b, c, _ in rows]
    obu = mpmath.mpf(k - 1) / k * sum(d) ** 2 / sum(x * x for x in d)
    w = [mpmath.mpf(b - c) / n for b, c, n in rows]
    dur = sum(w) ** 2 / sum(x * x for x in w)
    for method, chi2 in (("obuchowski", obu), ("durkalski", dur)):
        z = mpmath.sign(sum(d if method == "obuchowski" else w)) * mpmath.sqrt(chi2)
        for alternative, p in (
            ("greater", mpmath.erfc(z / mpmath.sqrt(2)) / 2),
            ("less", mpmath.erfc(-z / mpmath.sqrt(2)) / 2),
            ("two-sided", mpmath.erfc(abs(z) / mpmath.sqrt(2))),
        ):
            res = quiet(
                fm.clustered_mcnemar, ref, cand, cluster, method=method, alternative=alternative
            )
            assert res.path == "asymptotic"
            assert res.statistic == pytest.approx(float(z), rel=1e-13, abs=1e-15)
            assert res.pvalue == pytest.approx(float(p), rel=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_one_pair_per_cluster_reduces_to_mcnemar(seed):
    rng = np.random.default_rng(100 + seed)
    n = int(rng.integers(30, 400))
    ref = rng.integers(0, 2, size=n)
    cand = np.where(rng.random(n) < 0.8, ref, 1 - ref)
    own = np.arange(n)
    plain = fm.mcnemar(ref, cand)
    b, c = plain.b, plain.c
    chi2 = (b - c) ** 2 / (b + c)
    dur = fm.clustered_mcnemar(ref, cand, own, method="durkalski", alternative="two-sided")
    assert dur.statistic**2 == pytest.approx(chi2, rel=1e-14)
    assert dur.pvalue == pytest.approx(
        fm.mcnemar(ref, cand, method="asymptotic", alternative="two-sided").pvalue, rel=1e-12
    )
    obu = fm.clustered_mcnemar(ref, cand, own, method="obuchowski", alternative="two-sided")
    # Yang's form keeps the finite-cluster factor (K - 1) / K.
    assert obu.statistic**2 == pytest.approx(chi2 * (n - 1) / n, rel=1e-14)
    # The exact cluster sign-flip test is the exact McNemar test, to the bit.
    flip = fm.clustered_mcnemar(ref, cand, own)
    assert flip.pvalue == plain.pvalue
    assert flip.design_effect == pytest.approx(1.0, rel=1e-12)
    assert flip.effective_n == pytest.approx(n, rel=1e-12)
    assert (flip.b, flip.c, flip.n_clusters) == (b, c, n)


def test_one_sample_per_cluster_sign_flip_equals_permutation_test_continuous():
    rng = np.random.default_rng(7)
    ref, cand = rng.normal(size=300), rng.normal(size=300) - 0.1
    res = fm.clustered_test(ref, cand, np.arange(300), rng=5, n_resamples=4999)
    plain = fm.permutation_test(ref, cand, rng=5, n_resamples=4999)
    assert (res.pvalue, res.path, res.statistic) == (plain.pvalue, plain.method, plain.statistic)


@pytest.mark.parametrize("seed", range(4))
def test_cr1_interval_matches_statsmodels_cluster_ols(seed):
    rng = np.random.default_rng(seed)
    ref, cand, cluster = continuous_clusters(rng, 35, 6, icc=0.5, drop=0.02)
    d = ref - cand
    fit = sm.OLS(d, np.ones_like(d)).fit(cov_type="cluster", cov_kwds={"groups": cluster})
    naive = sm.OLS(d, np.ones_like(d)).fit()
    res = fm.clustered_test(ref, cand, cluster, rng=1, confidence_level=0.9)
    assert res.delta == pytest.approx(fit.params[0], rel=1e-12)
    assert res.standard_error == pytest.approx(fit.bse[0], rel=1e-10)
    assert res.naive_standard_error == pytest.approx(naive.bse[0], rel=1e-10)
    low, high = fit.conf_int(alpha=0.1)[0]  # normal reference for cluster covariance
    assert res.confidence_interval.low == pytest.approx(low, rel=1e-10)
    assert res.confidence_interval.high == pytest.approx(high, rel=1e-10)
    deff = (fit.bse[0] / naive.bse[0]) ** 2
    assert res.design_effect == pytest.approx(deff, rel=1e-10)
    assert res.effective_n == pytest.approx(d.size / deff, rel=1e-10)
    assert res.icc == pytest.approx((deff - 1) / (d.size / 35 - 1), rel=1e-9)


def test_strong_clustering_shows_a_large_design_effect():
    rng = np.random.default_rng(11)
    ref, cand, cluster = binary_clusters(rng, 100, 10, rho=0.8, flip_rate=0.3)
    res = fm.clustered_mcnemar(ref, cand, cluster, rng=1)
    assert res.design_effect > 4.0
    assert res.effective_n < 250


def test_cluster_labels_of_any_kind_and_order():
    ref = [1, 1, 0, 1, 0, 1, 1, 0]
    cand = [0, 0, 0, 1, 1, 0, 0, 0]
    strings = ["b", "b", "a", "a", "c", "c", "d", "d"]
    ints = [7, 7, 3, 3, 9, 9, 1, 1]
    one = quiet(fm.clustered_mcnemar, ref, cand, strings)
    two = quiet(fm.clustered_mcnemar, ref, cand, ints)
    assert (one.pvalue, one.n_clusters, one.design_effect) == (
        two.pvalue, two.n_clusters, two.design_effect,
    )  # fmt: skip


def test_few_clusters_warn_and_enough_do_not():
    ref, cand, cluster = random_clustered(1, n_clusters=29)
    with pytest.warns(fm.ClusterWarning, match="only 29 clusters"):
        fm.clustered_mcnemar(ref, cand, cluster)
    ref, cand, cluster = random_clustered(1, n_clusters=30)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fm.clustered_mcnemar(ref, cand, cluster, method="obuchowski")


def test_one_cluster_gives_nan_interval_not_a_crash():
    res = quiet(fm.clustered_test, [1.0, 0.5, 0.2], [0.0, 0.5, 0.1], ["x", "x", "x"])
    assert res.n_clusters == 1
    assert np.isnan(res.standard_error)
    assert res.pvalue == 0.5


def test_errors_name_the_argument():
    with pytest.raises(fm.NonBinaryValueError, match=r"candidate\[1\] is 0.5"):
        fm.clustered_mcnemar([1, 0], [1, 0.5], [0, 1])
    with pytest.raises(fm.InvalidArgumentError, match="method must be one of"):
        fm.clustered_mcnemar([1, 0], [1, 0], [0, 1], method="eliasziw")
    with pytest.raises(fm.LengthMismatchError, match="clusters has 3 labels"):
        fm.clustered_test([1, 0], [1, 0], [0, 1, 2])
    with pytest.raises(fm.InvalidArgumentError, match="need 0/1 scores"):
        quiet(fm.clustered_test, [1, 0.5], [1, 0], [0, 1], method="durkalski")
    with pytest.raises(fm.InvalidLevelError):
        fm.clustered_test([1, 0], [1, 0], [0, 1], confidence_level=1.0)
    with pytest.raises(fm.NonFiniteValueError):
        fm.clustered_test([1, np.nan], [1, 0], [0, 1])


def test_result_is_frozen_and_unpacks():
    res = quiet(fm.clustered_mcnemar, [1, 1, 0, 1], [0, 1, 0, 0], [0, 0, 1, 1])
    statistic, pvalue = res
    assert (statistic, pvalue) == (res.statistic, res.pvalue)
    with pytest.raises(AttributeError):
        res.pvalue = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("method", ["sign-flip", "obuchowski", "durkalski"])
def test_counts_form_equals_the_samples_form(method):
    ref, cand, cluster = random_clustered(3, n_clusters=50)
    rows = mp_counts(ref, cand, cluster)
    b, c, n = (np.array([r[i] for r in rows]) for i in range(3))
    from_samples = fm.clustered_mcnemar(ref, cand, cluster, method=method, rng=2)
    from_counts = fm.clustered_mcnemar_counts(b, c, n, method=method, rng=2)
    assert from_counts == from_samples
    # Counts of two halves of the run add up cluster by cluster.
    half = fm.clustered_mcnemar_counts(b // 2 + (b - b // 2), c, n, method=method, rng=2)
    assert half == from_counts


def test_counts_are_checked():
    with pytest.raises(
        fm.InvalidArgumentError, match="cluster 0: n = 1 must be positive and at least b \\+ c = 2"
    ):
        fm.clustered_mcnemar_counts([1], [1], [1])
    with pytest.raises(fm.NegativeCountError):
        fm.clustered_mcnemar_counts([-1], [0], [1])
    with pytest.raises(fm.InvalidArgumentError, match=r"b\[1\] is 0.5"):
        fm.clustered_mcnemar_counts([1, 0.5], [0, 0], [1, 1])
    with pytest.raises(fm.LengthMismatchError):
        fm.clustered_mcnemar_counts([1, 0], [0], [1, 1])
