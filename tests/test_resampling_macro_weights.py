"""Weighted macro statistic of grouped permutation tests (``group_weights``)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import fastmcnemar as fm


def _data(seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    groups = np.repeat(np.array(["a", "b", "c"]), [3, 4, 5])
    ref = rng.uniform(0.0, 1.0, groups.size)
    cand = ref - rng.normal(0.05, 0.2, groups.size)
    return ref, cand, groups


def test_size_weights_make_macro_equal_micro() -> None:
    ref, cand, groups = _data()
    sizes = {label: float(np.sum(groups == label)) for label in ("a", "b", "c")}
    res = fm.permutation_test(
        ref, cand, groups=groups, weighting="macro", group_weights=sizes, rng=1, n_resamples=999
    )
    assert res.statistic == pytest.approx(float(np.mean(ref - cand)), rel=1e-12, abs=1e-15)


def test_equal_weights_are_the_default_macro() -> None:
    ref, cand, groups = _data()
    plain = fm.permutation_test(ref, cand, groups=groups, weighting="macro", rng=5)
    equal = fm.permutation_test(
        ref, cand, groups=groups, weighting="macro", group_weights={"a": 2, "b": 2, "c": 2}, rng=5
    )
    assert equal.statistic == pytest.approx(plain.statistic, rel=1e-12)
    assert equal.pvalue == plain.pvalue


def test_weighted_macro_pvalue_matches_full_enumeration() -> None:
    ref, cand, groups = _data()
    weights = {"a": 0.6, "b": 0.1, "c": 0.3}
    d = ref - cand
    labels = ("a", "b", "c")
    masks = [groups == label for label in labels]

    def statistic(signed: np.ndarray) -> float:
        return sum(
            weights[g] * float(np.mean(signed[m])) for g, m in zip(labels, masks, strict=True)
        )

    observed = statistic(d)
    count = 0
    total = 0
    for signs in itertools.product((1.0, -1.0), repeat=d.size):
        total += 1
        count += statistic(d * np.array(signs)) >= observed - 1e-12
    exact = count / total
    B = 20_000
    res = fm.permutation_test(
        ref, cand, groups=groups, weighting="macro", group_weights=weights, rng=11, n_resamples=B
    )
    assert res.statistic == pytest.approx(observed, rel=1e-12)
    se = math.sqrt(exact * (1 - exact) / B)
    assert abs(res.pvalue - exact) <= 4.5 * se + 1.0 / B


@pytest.mark.parametrize(
    ("weights", "message"),
    [
        ({"a": 1, "b": 1}, "no weight for group"),
        ({"a": 1, "b": 1, "c": 1, "z": 1}, "unknown group"),
        ({"a": 1, "b": -1, "c": 1}, "finite and >= 0"),
        ({"a": 1, "b": float("nan"), "c": 1}, "finite and >= 0"),
        ({"a": 0, "b": 0, "c": 0}, "all zero"),
        ([1, 1, 1], "mapping"),
    ],
)
def test_bad_group_weights_are_named(weights: object, message: str) -> None:
    ref, cand, groups = _data()
    with pytest.raises(fm.InvalidArgumentError, match=message):
        fm.permutation_test(
            ref, cand, groups=groups, weighting="macro", group_weights=weights, rng=1
        )


def test_group_weights_need_groups() -> None:
    ref, cand, _ = _data()
    with pytest.raises(fm.InvalidArgumentError, match="needs groups"):
        fm.permutation_test(ref, cand, group_weights={"a": 1.0}, rng=1)
