"""Sign-flip permutation test: exact, lattice and Monte Carlo paths against
scipy, the reference vectors, the exact binomial tail and each other."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import fastmcnemar as fm

ALTERNATIVES = ["greater", "less", "two-sided"]


def mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> Any:
    return np.mean(x - y, axis=axis)


def scipy_exhaustive(ref: np.ndarray, cand: np.ndarray, alternative: str) -> float:
    res = stats.permutation_test(
        (ref, cand),
        mean_diff,
        permutation_type="samples",
        vectorized=True,
        n_resamples=np.inf,
        alternative=alternative,
    )
    return float(res.pvalue)


def mc_tolerance(p: float, B: int) -> float:
    """Five standard errors of a Monte Carlo p-value, plus the +1 offset."""
    return 5.0 * math.sqrt(max(p * (1 - p), 1e-4) / B) + 2.0 / B


@pytest.mark.parametrize("alternative", ALTERNATIVES)
@pytest.mark.parametrize("seed", range(6))
def test_exact_path_equals_scipy_exhaustive(seed: int, alternative: str) -> None:
    gen = np.random.default_rng(seed)
    n = 6 + seed % 5
    if seed % 2:
        ref = gen.integers(0, 4, n).astype(float)  # ties and zero differences
        cand = gen.integers(0, 4, n).astype(float)
    else:
        ref = np.round(gen.random(n), 3)
        cand = np.round(gen.random(n), 3)
    res = fm.permutation_test(ref, cand, alternative=alternative, n_resamples=9999)
    assert res.method == "exact"
    assert res.pvalue == scipy_exhaustive(ref, cand, alternative)
    assert res.statistic == pytest.approx(np.mean(ref - cand), abs=1e-15)


def test_peer_vectors_signflip_exact(shared_dir: Path) -> None:
    vectors = json.loads((shared_dir / "vectors" / "peer_vectors.json").read_text())
    for case in vectors["permutation_signflip_exact"]:
        d = np.asarray(case["data"], dtype=float)
        zeros = np.zeros_like(d)
        got = {
            alt: fm.permutation_test(d, zeros, alternative=alt, n_resamples=2**14)
            for alt in ALTERNATIVES
        }
        assert {r.method for r in got.values()} == {"exact"}
        assert got["greater"].pvalue == case["pvalue_greater"]
        assert got["less"].pvalue == case["pvalue_less"]
        assert got["two-sided"].pvalue == case["pvalue_two_sided_scipy"]
        # Every case lies on a grid (0.1 or 1), so the lattice path applies too.
        for alt, key in [("greater", "pvalue_greater"), ("less", "pvalue_less")]:
            lattice = fm.permutation_test(d, zeros, alternative=alt, method="lattice")
            assert lattice.pvalue == pytest.approx(case[key], abs=1e-13)


def test_monte_carlo_convention(shared_dir: Path) -> None:
    # p = (count + 1) / (B + 1): all-positive differences of 20 samples almost
    # never get matched by random signs, so count = 0 and p = 1 / (B + 1).
    d = np.linspace(0.5, 1.5, 20) * np.sqrt(2)
    res = fm.permutation_test(d, np.zeros(20), method="monte_carlo", n_resamples=999, rng=3)
    assert res.pvalue == pytest.approx(0.001)
    vectors = json.loads((shared_dir / "vectors" / "peer_vectors.json").read_text())
    assert vectors["permutation_monte_carlo_convention"]["example"]["pvalue_greater"] == 0.001


@pytest.mark.parametrize(("b", "c"), [(7, 3), (30, 18), (260, 231), (1500, 1420), (90, 140)])
@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_binary_lattice_is_the_exact_binomial_tail(b: int, c: int, alternative: str) -> None:
    n_agree = 400
    ref = np.r_[np.ones(b), np.zeros(c), np.ones(n_agree // 2), np.zeros(n_agree // 2)]
    cand = np.r_[np.zeros(b), np.ones(c), np.ones(n_agree // 2), np.zeros(n_agree // 2)]
    res = fm.permutation_test(ref, cand, alternative=alternative, n_resamples=999)
    assert res.method == "lattice"
    want = stats.binomtest(b, b + c, 0.5, alternative=alternative).pvalue
    if alternative == "two-sided":  # scipy's permutation rule: twice the smaller tail
        want = min(1.0, 2 * min(stats.binom.sf(b - 1, b + c, 0.5), stats.binom.cdf(b, b + c, 0.5)))
    assert res.pvalue == pytest.approx(want, rel=1e-12, abs=1e-300)
    # The exact McNemar test (central two-sided p-value, as scipy's permutation rule).
    assert res.pvalue == pytest.approx(
        fm.mcnemar(ref, cand, alternative=alternative).pvalue, rel=1e-12
    )


def test_binary_monte_carlo_within_error() -> None:
    b, c = 140, 112
    ref = np.r_[np.ones(b), np.zeros(c), np.ones(5000)]
    cand = np.r_[np.zeros(b), np.ones(c), np.ones(5000)]
    exact = stats.binomtest(b, b + c, 0.5, alternative="greater").pvalue
    B = 20000
    res = fm.permutation_test(ref, cand, method="monte_carlo", n_resamples=B, rng=5)
    assert res.method == "monte_carlo"
    assert res.n_resamples == B
    assert abs(res.pvalue - exact) < mc_tolerance(exact, B)


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_lattice_equals_enumeration_on_rerun_means(alternative: str) -> None:
    gen = np.random.default_rng(11)
    ref = gen.integers(0, 2, (16, 4))  # 4 reruns: means on a 1/4 grid
    cand = gen.integers(0, 2, (16, 4))
    lat = fm.permutation_test(ref, cand, alternative=alternative, method="lattice")
    ex = fm.permutation_test(ref, cand, alternative=alternative, method="exact")
    assert (lat.method, ex.method) == ("lattice", "exact")
    assert lat.pvalue == pytest.approx(ex.pvalue, abs=1e-13)
    # And the 2-D input is the per-sample mean.
    flat = fm.permutation_test(ref.mean(axis=1), cand.mean(axis=1), alternative=alternative)
    assert flat.statistic == lat.statistic


def test_integer_judge_scores_use_lattice_and_match_enumeration() -> None:
    gen = np.random.default_rng(2)
    ref = gen.integers(1, 11, 22).astype(float)
    cand = gen.integers(1, 11, 22).astype(float)
    lat = fm.permutation_test(ref, cand, n_resamples=999)
    assert lat.method == "lattice"
    ex = fm.permutation_test(ref, cand, method="exact")
    assert lat.pvalue == pytest.approx(ex.pvalue, abs=1e-13)


def test_large_lattice_agrees_with_monte_carlo() -> None:
    # 20000 samples of 10-rerun means: the Fourier path of the lattice null.
    gen = np.random.default_rng(4)
    ref = gen.binomial(10, 0.62, 20000) / 10
    cand = gen.binomial(10, 0.615, 20000) / 10
    lat = fm.permutation_test(ref, cand, alternative="two-sided")
    assert lat.method == "lattice"
    B = 20000
    mc = fm.permutation_test(
        ref, cand, alternative="two-sided", method="monte_carlo", n_resamples=B, rng=1
    )
    assert abs(lat.pvalue - mc.pvalue) < 2 * mc_tolerance(lat.pvalue, B)


def test_monte_carlo_agrees_with_exact_on_continuous_data() -> None:
    gen = np.random.default_rng(8)
    ref, cand = gen.random(13) + 0.1, gen.random(13)
    exact = fm.permutation_test(ref, cand, method="exact")
    B = 40000
    mc = fm.permutation_test(ref, cand, method="monte_carlo", n_resamples=B, rng=2)
    assert exact.method == "exact"
    assert mc.method == "monte_carlo"
    assert abs(mc.pvalue - exact.pvalue) < mc_tolerance(exact.pvalue, B)


def test_continuous_large_n_uses_monte_carlo() -> None:
    gen = np.random.default_rng(1)
    ref, cand = gen.random(3000), gen.random(3000)
    res = fm.permutation_test(ref, cand, n_resamples=499, rng=1)
    assert res.method == "monte_carlo"
    assert res.n_resamples == 499
    assert 0 < res.pvalue <= 1


def test_same_seed_any_thread_count_and_different_seeds(monkeypatch: pytest.MonkeyPatch) -> None:
    gen = np.random.default_rng(3)
    ref, cand = gen.random(5000), gen.random(5000)
    kw: dict[str, Any] = {"method": "monte_carlo", "n_resamples": 3000, "alternative": "two-sided"}
    one = fm.permutation_test(ref, cand, rng=42, n_threads=1, **kw)
    two = fm.permutation_test(ref, cand, rng=42, n_threads=2, **kw)
    three = fm.permutation_test(ref, cand, rng=42, n_threads=3, **kw)
    assert one == two == three
    monkeypatch.setenv("FASTMCNEMAR_NUM_THREADS", "1")
    assert fm.permutation_test(ref, cand, rng=42, **kw) == one
    monkeypatch.delenv("FASTMCNEMAR_NUM_THREADS")
    assert fm.permutation_test(ref, cand, rng=42, **kw) == one
    others = {fm.permutation_test(ref, cand, rng=s, **kw).pvalue for s in range(5)}
    assert len(others) > 1
    # A Generator draws a seed: same generator state, same answer.
    a = fm.permutation_test(ref, cand, rng=np.random.default_rng(9), **kw)
    b = fm.permutation_test(ref, cand, rng=np.random.default_rng(9), **kw)
    assert a == b
    # Bootstrap and the grouped engine are thread-count invariant too.
    boot = [
        fm.bootstrap(ref, cand, n_resamples=500, rng=7, n_threads=t, method="percentile")
        for t in (1, 2)
    ]
    assert boot[0] == boot[1]
    groups = np.arange(5000) % 3
    grouped = [
        fm.permutation_test(ref, cand, groups=groups, n_resamples=300, rng=7, n_threads=t)
        for t in (1, 2)
    ]
    assert grouped[0] == grouped[1]
    cands = np.stack([cand, ref * 0.5 + cand * 0.5])
    many = [
        fm.permutation_test_many(ref, cands, n_resamples=300, rng=7, n_threads=t) for t in (1, 2)
    ]
    np.testing.assert_array_equal(many[0].pvalue_adjusted, many[1].pvalue_adjusted)
    np.testing.assert_array_equal(many[0].pvalue, many[1].pvalue)


def test_type_one_error_under_the_null() -> None:
    # Symmetric differences: the test must reject at most alpha (plus noise).
    gen = np.random.default_rng(2024)
    alpha, reps = 0.05, 300
    rejections = 0
    for _ in range(reps):
        d = gen.standard_t(3, 40)
        res = fm.permutation_test(d, np.zeros(40), n_resamples=199, rng=gen)
        rejections += res.pvalue <= alpha
    assert rejections / reps <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)
    # The lattice path on binary data is exact, hence conservative.
    rejections = 0
    for _ in range(reps):
        ref = gen.integers(0, 2, 60)
        cand = np.where(gen.random(60) < 0.3, 1 - ref, ref)
        cand = np.where(gen.random(60) < 0.5, cand, ref)  # symmetric flips
        res = fm.permutation_test(ref, cand)
        rejections += res.pvalue <= alpha
    assert rejections / reps <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)


def test_result_is_frozen_and_unpacks() -> None:
    res = fm.permutation_test([1.0, 0.5, 0.8], [0.2, 0.5, 0.1])
    statistic, pvalue = res
    assert (statistic, pvalue) == (res.statistic, res.pvalue)
    with pytest.raises(AttributeError):
        res.pvalue = 0.5  # type: ignore[misc]
    assert res.alternative == "greater"
    assert res.n == 3
    assert res.groups is None


def test_all_equal_scores_give_pvalue_one() -> None:
    for method in ["auto", "exact", "lattice", "monte_carlo"]:
        res = fm.permutation_test([0.3, 0.7], [0.3, 0.7], method=method, n_resamples=99)
        assert res.pvalue == 1.0
        assert res.statistic == 0.0


@pytest.mark.parametrize("alternative", ALTERNATIVES)
def test_fourier_lattice_against_direct_convolution(alternative: str) -> None:
    # 20000 samples of 4-rerun means: ~1.4e4 non-zero differences on a support
    # of ~2e4 points exceed the dynamic programme's budget (4e7), so the
    # engine inverts the characteristic function by FFT; the oracle convolves
    # scaled binomial pmfs directly (scipy + numpy).
    gen = np.random.default_rng(21)
    ref = gen.binomial(4, 0.6, 20000) / 4
    cand = gen.binomial(4, 0.595, 20000) / 4
    res = fm.permutation_test(ref, cand, alternative=alternative)
    assert res.method == "lattice"
    k = np.rint(np.abs(ref - cand) * 4).astype(int)
    positive = (ref - cand) > 0
    assert np.count_nonzero(k) * (k.sum() + 1) > 4e7
    dist = np.ones(1)
    for step in range(1, 5):
        m = int(np.sum(k == step))
        scaled = np.zeros(step * m + 1)
        scaled[::step] = stats.binom.pmf(np.arange(m + 1), m, 0.5)
        dist = np.convolve(dist, scaled)
    observed = int(np.sum(k[positive]))
    greater, less = dist[observed:].sum(), dist[: observed + 1].sum()
    want = {"greater": greater, "less": less, "two-sided": min(1.0, 2 * min(greater, less))}
    assert res.pvalue == pytest.approx(want[alternative], abs=1e-12)


@given(
    st.lists(st.integers(-4, 4), min_size=1, max_size=14),
    st.sampled_from([1.0, 0.25, 0.1, 1 / 3]),
)
def test_lattice_equals_enumeration_property(values: list[int], unit: float) -> None:
    d = np.asarray(values, dtype=float) * unit
    zeros = np.zeros_like(d)
    for alternative in ALTERNATIVES:
        ex = fm.permutation_test(d, zeros, alternative=alternative, method="exact")
        lat = fm.permutation_test(d, zeros, alternative=alternative, method="lattice")
        assert lat.pvalue == pytest.approx(ex.pvalue, abs=1e-13)
        assert 0.0 < ex.pvalue <= 1.0
    g = fm.permutation_test(d, zeros, alternative="greater", method="exact").pvalue
    le = fm.permutation_test(d, zeros, alternative="less", method="exact").pvalue
    assert g + le >= 1.0


def test_ties_at_a_zero_sum_are_kept() -> None:
    # -0.1 - 0.1 + 0.2 is 0 in the reals but not in floating point; the tie
    # tolerance scales with sum |d|, so exact, lattice and scipy agree.
    d = np.array([-0.1, -0.1, 0.2])
    for method in ["exact", "lattice"]:
        assert fm.permutation_test(d, np.zeros(3), method=method).pvalue == 0.625
    assert scipy_exhaustive(d, np.zeros(3), "greater") == 0.625
