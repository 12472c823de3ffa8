"""Seeded clustered-null simulations: clustered tests hold alpha, naive ones do not.

Kept small for CI (bounds at alpha + 2.6 standard errors of the simulated
rate); the larger runs behind docs/clusters.md are ``@pytest.mark.slow`` and
``benches/cluster_simulation.py``.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import fastmcnemar as fm
from fastmcnemar._cluster_simulation import binary_clusters, continuous_clusters

ALPHA = 0.05


def bound(reps: int) -> float:
    return ALPHA + 2.6 * math.sqrt(ALPHA * (1 - ALPHA) / reps)


def rates(reps: int, seed: int, kind: str, drop: float = 0.0) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    hits = {"naive": 0, "sign-flip": 0, "obuchowski": 0, "durkalski": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ClusterWarning)
        for i in range(reps):
            if kind == "binary":
                ref, cand, k = binary_clusters(rng, 100, 10, rho=0.3, flip_rate=0.1, drop=drop)
                hits["naive"] += fm.mcnemar(ref, cand).pvalue <= ALPHA
                for m in ("obuchowski", "durkalski"):
                    hits[m] += fm.clustered_mcnemar(ref, cand, k, method=m).pvalue <= ALPHA
            else:
                ref, cand, k = continuous_clusters(rng, 100, 10, icc=0.3, drop=drop)
                naive = fm.permutation_test(ref, cand, n_resamples=999, rng=i)
                hits["naive"] += naive.pvalue <= ALPHA
            res = fm.clustered_test(ref, cand, k, n_resamples=999, rng=i)
            hits["sign-flip"] += res.pvalue <= ALPHA
    return {name: count / reps for name, count in hits.items()}


@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_clustered_null_holds_alpha_and_naive_is_inflated(kind):
    reps = 300
    r = rates(reps, 20261205, kind)
    assert r["sign-flip"] <= bound(reps), r
    assert r["naive"] > 0.1, r
    if kind == "binary":
        assert r["obuchowski"] <= bound(reps), r
        assert r["durkalski"] <= bound(reps), r


def test_suite_with_clusters_holds_alpha_under_a_clustered_null():
    reps = 200
    rng = np.random.default_rng(7)
    clustered = naive = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.ClusterWarning)
        for i in range(reps):
            tasks = [binary_clusters(rng, 60, 8, rho=0.3, flip_rate=0.15) for _ in range(3)]
            tasks.append(continuous_clusters(rng, 60, 8, icc=0.3))
            refs, cands, ks = zip(*tasks, strict=True)
            clustered += fm.suite_sign_flip(
                refs, cands, clusters=ks, n_resamples=499, rng=i
            ).rejected
            naive += fm.suite_sign_flip(refs, cands, n_resamples=499, rng=i).rejected
    assert clustered / reps <= bound(reps)
    assert naive / reps > clustered / reps


def test_mixed_suite_holds_alpha_under_the_null_and_detects_a_broad_drop():
    reps = 200
    rng = np.random.default_rng(11)
    null_hits = power_hits = holm_hits = 0
    for i in range(reps):
        for drop, counter in ((0.0, "null"), (0.02, "power")):
            refs, cands = [], []
            for _ in range(3):
                ref, cand, _ = binary_clusters(rng, 1000, 1, rho=0.0, flip_rate=0.1, drop=drop)
                refs.append(ref)
                cands.append(cand)
            ref, cand, _ = continuous_clusters(rng, 1000, 1, icc=0.0, drop=drop / 5)
            refs.append(ref)
            cands.append(cand)
            res = fm.suite_sign_flip(refs, cands, n_resamples=499, rng=i)
            if counter == "null":
                null_hits += res.rejected
            else:
                power_hits += res.rejected
                holm_hits += min(fm.adjust_pvalues(res.task_pvalues, method="holm")) <= ALPHA
    assert null_hits / reps <= bound(reps)
    # A small drop spread over every task: the combined rule beats "any task after Holm".
    assert power_hits > holm_hits
    assert power_hits / reps > 0.5


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["binary", "continuous"])
def test_clustered_null_large(kind):
    reps = 3000
    r = rates(reps, 1, kind)
    assert r["sign-flip"] <= bound(reps), r
