"""One suite decision over mixed (binary + continuous) and clustered tasks."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import fastmcnemar as fm


def binary_task(b: int, c: int, n: int, rng: np.random.Generator | None = None):
    ref = np.r_[np.ones(b), np.zeros(c), np.ones(n - b - c)]
    cand = np.r_[np.zeros(b), np.ones(c), np.ones(n - b - c)]
    if rng is not None:
        order = rng.permutation(n)
        ref, cand = ref[order], cand[order]
    return ref, cand


ISSUE_COUNTS = ((60, 40), (55, 38), (58, 39))


def test_binary_only_suite_reproduces_the_exact_aggregate():
    tasks = [binary_task(b, c, 1000) for b, c in ISSUE_COUNTS]
    res = fm.suite_sign_flip([t[0] for t in tasks], [t[1] for t in tasks], rng=3)
    exact = fm.aggregate([60, 55, 58], [40, 38, 39])
    assert res.components["pooled"].pvalue == exact.components["pooled"].pvalue
    assert res.rejected
    assert res.decided_by == "pooled"
    # The issue's figure: combined p = 3 x pooled p = 0.0018.
    assert res.pvalue == pytest.approx(0.0018019, abs=1e-7)
    for (b, c), p in zip(ISSUE_COUNTS, res.task_pvalues, strict=True):
        ref, cand = binary_task(b, c, 1000)
        assert p == fm.mcnemar(ref, cand).pvalue
    assert res.task_kinds == ("binary",) * 3


def test_adding_a_degraded_continuous_task_keeps_the_verdict():
    rng = np.random.default_rng(5)
    tasks = [binary_task(b, c, 1000) for b, c in ISSUE_COUNTS]
    base = rng.uniform(0.2, 0.8, 1000)
    cont_ref = base + rng.normal(0, 0.05, 1000)
    cont_cand = base + rng.normal(0, 0.05, 1000) - 0.002
    res = fm.suite_sign_flip(
        [t[0] for t in tasks] + [cont_ref],
        [t[1] for t in tasks] + [cont_cand],
        tasks=["a", "b", "c", "judge"],
        rng=2,
    )
    assert res.task_kinds == ("binary", "binary", "binary", "continuous")
    assert res.rejected
    assert res.level == 0.05
    assert res.rule == "bonferroni"
    # Each task alone after Holm would not decide (the issue's failure).
    adjusted = fm.adjust_pvalues(res.task_pvalues, method="holm")
    assert min(adjusted) > 0.05


def test_one_sample_per_cluster_equals_no_clusters_exactly():
    rng = np.random.default_rng(9)
    refs = [rng.integers(0, 2, 200).astype(float), rng.normal(size=150)]
    cands = [rng.integers(0, 2, 200).astype(float), rng.normal(size=150)]
    plain = fm.suite_sign_flip(refs, cands, rng=4, n_resamples=999)
    own = [np.arange(200), [f"s{i}" for i in range(150)]]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        clustered = fm.suite_sign_flip(refs, cands, clusters=own, rng=4, n_resamples=999)
    assert clustered.components == plain.components
    np.testing.assert_array_equal(clustered.task_pvalues, plain.task_pvalues)
    assert clustered.pvalue == plain.pvalue
    assert clustered.clustered


def test_clusters_are_local_to_a_task_and_counted():
    refs = [np.ones(60), np.ones(40)]
    cands = [np.r_[np.zeros(30), np.ones(30)], np.r_[np.zeros(10), np.ones(30)]]
    labels = [np.arange(60) // 2, np.arange(40) // 4]  # the same labels in both tasks
    with pytest.warns(fm.ClusterWarning, match="task 'task1': only 10 clusters"):
        res = fm.suite_sign_flip(refs, cands, clusters=labels, rng=1)
    assert list(res.task_n_clusters) == [30, 10]
    assert list(res.task_n) == [60, 40]


def test_any_rule_states_its_level():
    tasks = [binary_task(b, c, 1000) for b, c in ISSUE_COUNTS]
    res = fm.suite_sign_flip(
        [t[0] for t in tasks], [t[1] for t in tasks], rule="any", alpha=0.02, rng=1
    )
    assert res.level == pytest.approx(0.06)
    assert res.pvalue == res.statistic == min(c.pvalue for c in res.components.values())


def test_suite_errors():
    with pytest.raises(fm.EmptyInputError):
        fm.suite_sign_flip([], [])
    with pytest.raises(fm.LengthMismatchError, match="2 reference tasks but 1"):
        fm.suite_sign_flip([[1], [0]], [[1]])
    with pytest.raises(fm.LengthMismatchError, match="task 'x'"):
        fm.suite_sign_flip([[1, 0]], [[1]], tasks=["x"])
    with pytest.raises(fm.InvalidArgumentError, match="rule must be"):
        fm.suite_sign_flip([[1, 0]], [[1, 1]], rule="holm")  # type: ignore[arg-type]
    with pytest.raises(fm.InvalidArgumentError, match="one score array per task"):
        fm.suite_sign_flip(np.ones((2, 3)), np.ones((2, 3)))
    with pytest.raises(fm.LengthMismatchError, match="1 cluster arrays for 2 tasks"):
        fm.suite_sign_flip([[1], [0]], [[1], [0]], clusters=[None])


def test_units_form_from_counts_matches_the_scores_form():
    from fastmcnemar.suite_resampling import suite_from_units

    tasks = [binary_task(b, c, 1000) for b, c in ISSUE_COUNTS]
    units = [np.r_[np.ones(b), -np.ones(c), np.zeros(1000 - b - c)] for b, c in ISSUE_COUNTS]
    sizes = [np.ones(1000, dtype=np.uint64)] * 3
    from_units = suite_from_units(
        units, sizes, tasks=["a", "b", "c"], kinds=["binary"] * 3, clustered=False, rng=3
    )
    from_scores = fm.suite_sign_flip([t[0] for t in tasks], [t[1] for t in tasks], rng=3)
    assert from_units.components == from_scores.components
    np.testing.assert_array_equal(from_units.task_pvalues, from_scores.task_pvalues)
