"""Paired bootstrap: agreement with scipy.stats.bootstrap and R, coverage."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import stats

import fastmcnemar as fm


def mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> Any:
    return np.mean(x - y, axis=axis)


@pytest.mark.parametrize("method", ["percentile", "basic", "bca"])
@pytest.mark.parametrize("kind", ["continuous", "binary"])
def test_agrees_with_scipy_paired_bootstrap(method: str, kind: str) -> None:
    gen = np.random.default_rng(5)
    n = 150
    if kind == "continuous":
        ref = gen.gamma(2.0, 0.3, n)
        cand = ref - gen.gamma(1.5, 0.1, n) + 0.1
    else:  # binary: the multinomial-over-distinct-values resampler
        ref = (gen.random(n * 4) < 0.7).astype(float)
        cand = np.where(gen.random(n * 4) < 0.15, 1 - ref, ref)
    B = 20000
    ours = fm.bootstrap(ref, cand, method=method, n_resamples=B, rng=1)
    theirs = stats.bootstrap(
        (ref, cand),
        mean_diff,
        paired=True,
        vectorized=True,
        method="BCa" if method == "bca" else method,
        n_resamples=B,
        rng=np.random.default_rng(2),
    )
    width = theirs.confidence_interval.high - theirs.confidence_interval.low
    assert ours.estimate == pytest.approx(np.mean(ref - cand), abs=1e-14)
    # Monte Carlo error of a 2.5% quantile with B = 2e4 is ~1.5% of the width.
    assert ours.confidence_interval.low == pytest.approx(
        theirs.confidence_interval.low, abs=0.06 * width
    )
    assert ours.confidence_interval.high == pytest.approx(
        theirs.confidence_interval.high, abs=0.06 * width
    )
    assert ours.standard_error == pytest.approx(theirs.standard_error, rel=0.04)
    assert ours.method == method
    assert ours.n_resamples == B


def test_against_r_boot_reference(shared_dir: Path) -> None:
    vectors = json.loads((shared_dir / "vectors" / "peer_vectors.json").read_text())
    case = vectors["bootstrap"][0]
    data = np.asarray(case["data"], dtype=float)
    for ours_name, key in [("percentile", "percentile"), ("basic", "basic"), ("bca", "BCa")]:
        res = fm.bootstrap(
            data,
            np.zeros_like(data),
            method=ours_name,
            n_resamples=case["n_resamples"],
            confidence_level=case["confidence"],
            rng=12,
        )
        low, high = case["ci"][key]
        assert res.confidence_interval.low == pytest.approx(low, rel=case["rtol"])
        assert res.confidence_interval.high == pytest.approx(high, rel=case["rtol"])


def test_coverage_of_the_true_delta() -> None:
    # Skewed differences with known mean 0.15; nominal 90% intervals.
    gen = np.random.default_rng(77)
    reps, n, level = 200, 80, 0.90
    hits = {"percentile": 0, "bca": 0}
    for _ in range(reps):
        d = gen.exponential(0.5, n) - 0.35
        for method in hits:
            ci = fm.bootstrap(
                d, np.zeros(n), method=method, n_resamples=999, confidence_level=level, rng=gen
            ).confidence_interval
            hits[method] += ci.low <= 0.15 <= ci.high
    sd = math.sqrt(level * (1 - level) / reps)
    for method, count in hits.items():
        assert abs(count / reps - level) <= 3.5 * sd + 0.02, (method, count)


def test_clustered_bootstrap() -> None:
    gen = np.random.default_rng(3)
    clusters = np.repeat(np.arange(40), 5)
    shared = np.repeat(gen.normal(0, 1, 40), 5)  # strong within-cluster correlation
    d = shared + gen.normal(0, 0.2, 200) + 0.1
    flat = fm.bootstrap(d, np.zeros(200), n_resamples=4000, rng=1, method="percentile")
    clus = fm.bootstrap(
        d, np.zeros(200), n_resamples=4000, rng=1, method="percentile", clusters=clusters
    )
    assert clus.estimate == pytest.approx(flat.estimate)
    # Ignoring the clusters understates the error by about sqrt(5).
    assert clus.standard_error > 1.8 * flat.standard_error
    # Clusters of one sample are the plain bootstrap's distribution.
    single = fm.bootstrap(
        d, np.zeros(200), n_resamples=4000, rng=1, method="percentile", clusters=np.arange(200)
    )
    assert single.standard_error == pytest.approx(flat.standard_error, rel=0.1)
    bca = fm.bootstrap(d, np.zeros(200), n_resamples=2000, rng=1, clusters=clusters)
    assert bca.confidence_interval.low < bca.estimate < bca.confidence_interval.high


def test_two_dimensional_reruns_are_averaged() -> None:
    gen = np.random.default_rng(0)
    ref = gen.integers(0, 2, (300, 3)).astype(float)
    cand = gen.integers(0, 2, (300, 3)).astype(float)
    a = fm.bootstrap(ref, cand, rng=4, n_resamples=999)
    b = fm.bootstrap(ref.mean(axis=1), cand.mean(axis=1), rng=4, n_resamples=999)
    assert a == b
