"""Grouped tasks, clusters and many candidates with Westfall-Young max-T."""

from __future__ import annotations

import math

import numpy as np
import pytest

import fastmcnemar as fm


def test_groups_reproduce_ungrouped_calls() -> None:
    gen = np.random.default_rng(1)
    n = 900
    groups = np.array(["arc", "mmlu", "gsm8k"])[np.arange(n) % 3]
    ref = gen.integers(0, 2, (n, 4))
    cand = gen.integers(0, 2, (n, 4))
    res = fm.permutation_test(ref, cand, groups=groups, n_resamples=999, rng=3)
    alone = fm.permutation_test(ref, cand, n_resamples=999, rng=3)
    assert (res.statistic, res.pvalue, res.method) == (alone.statistic, alone.pvalue, alone.method)
    assert res.groups is not None
    assert res.suite is not None
    assert [g.group for g in res.groups] == ["arc", "gsm8k", "mmlu"]
    for g in res.groups:
        mask = groups == g.group
        sub = fm.permutation_test(ref[mask], cand[mask], n_resamples=999)
        assert (g.statistic, g.pvalue, g.method, g.n) == (
            pytest.approx(sub.statistic),
            pytest.approx(sub.pvalue, abs=1e-15),
            "lattice",
            int(mask.sum()),
        )
    means = [g.statistic for g in res.groups]
    assert res.suite.macro_statistic == pytest.approx(np.mean(means))
    macro = fm.permutation_test(ref, cand, groups=groups, n_resamples=999, rng=3, weighting="macro")
    assert macro.statistic == pytest.approx(np.mean(means))
    assert macro.method == "monte_carlo"
    assert macro.pvalue == res.suite.macro_pvalue


def test_max_drop_and_fisher_find_one_degraded_task() -> None:
    gen = np.random.default_rng(2)
    n = 1500
    groups = np.arange(n) % 5
    ref = gen.random(n)
    cand = ref + gen.normal(0, 0.2, n)
    cand[groups == 2] -= 0.08  # one task degrades
    res = fm.permutation_test(ref, cand, groups=groups, n_resamples=1999, rng=1)
    assert res.suite is not None
    assert res.suite.max_drop_pvalue <= 0.01
    assert res.suite.fisher_pvalue <= 0.05
    assert res.suite.max_drop_pvalue >= 1 / 2000


def test_suite_tests_hold_their_level_under_the_null() -> None:
    gen = np.random.default_rng(9)
    reps, alpha = 100, 0.1
    rejections = {"max_drop": 0, "fisher": 0, "macro": 0}
    groups = np.arange(120) % 4
    for _ in range(reps):
        d = gen.laplace(0, 1, 120)
        res = fm.permutation_test(d, np.zeros(120), groups=groups, n_resamples=199, rng=gen)
        assert res.suite is not None
        rejections["max_drop"] += res.suite.max_drop_pvalue <= alpha
        rejections["fisher"] += res.suite.fisher_pvalue <= alpha
        rejections["macro"] += res.suite.macro_pvalue <= alpha
    bound = alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)
    for name, count in rejections.items():
        assert count / reps <= bound, name


def test_clusters_flip_together() -> None:
    gen = np.random.default_rng(4)
    clusters = np.repeat(np.arange(12), 3)
    ref, cand = gen.random(36), gen.random(36)
    res = fm.permutation_test(ref, cand, clusters=clusters)
    totals = np.bincount(clusters, weights=ref - cand)
    direct = fm.permutation_test(totals, np.zeros(12))
    assert res.method == direct.method == "exact"
    assert res.pvalue == direct.pvalue
    assert res.statistic == pytest.approx(np.mean(ref - cand))
    # Singleton clusters change nothing.
    same = fm.permutation_test(ref[:10], cand[:10], clusters=np.arange(10))
    assert same.pvalue == fm.permutation_test(ref[:10], cand[:10]).pvalue
    # Clusters inside groups.
    groups = np.repeat(np.arange(4), 9)
    grouped = fm.permutation_test(ref, cand, clusters=clusters, groups=groups, n_resamples=9999)
    assert grouped.pvalue == direct.pvalue


def test_many_candidates_share_flips_and_adjust() -> None:
    gen = np.random.default_rng(6)
    n = 400
    ref = gen.random(n)
    cands = np.stack(
        [
            ref + 0.1 + 0.05 * gen.standard_normal(n),  # clearly better candidate
            ref - 0.1 + 0.05 * gen.standard_normal(n),  # clearly worse
            ref + 0.05 * gen.standard_normal(n),  # same
        ]
    )
    res = fm.permutation_test_many(ref, cands, n_resamples=1999, rng=5)
    assert res.pvalue.shape == (3,)
    assert res.pvalue[1] == pytest.approx(1 / 2000)
    assert res.pvalue_adjusted[1] == pytest.approx(1 / 2000)
    assert np.all(res.pvalue_adjusted >= res.pvalue)
    assert res.statistic[1] == pytest.approx(np.mean(ref - cands[1]))
    # Duplicated candidates get identical p-values (the same flips).
    twice = fm.permutation_test_many(ref, np.stack([cands[2], cands[2]]), n_resamples=999, rng=1)
    assert twice.pvalue[0] == twice.pvalue[1]
    # With groups: one hypothesis per (candidate, task).
    groups = np.array(["a", "b"])[np.arange(n) % 2]
    by_task = fm.permutation_test_many(ref, cands, groups=groups, n_resamples=499, rng=1)
    assert by_task.pvalue.shape == (3, 2)
    assert by_task.groups == ("a", "b")


def test_westfall_young_controls_familywise_error() -> None:
    gen = np.random.default_rng(12)
    reps, alpha, n = 60, 0.1, 80
    errors = 0
    for _ in range(reps):
        ref = gen.random(n)
        base = gen.normal(0, 0.1, n)
        # Five correlated null candidates (shared noise).
        cands = ref + base + 0.05 * gen.standard_normal((5, n))
        res = fm.permutation_test_many(
            ref, cands, n_resamples=199, rng=gen, alternative="two-sided"
        )
        errors += bool(np.any(res.pvalue_adjusted <= alpha))
    assert errors / reps <= alpha + 3 * math.sqrt(alpha * (1 - alpha) / reps)
