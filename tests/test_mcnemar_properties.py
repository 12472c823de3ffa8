"""Properties of the McNemar p-values and intervals (hypothesis)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from fastmcnemar import mcnemar, mcnemar_counts, mcnemar_table

counts = st.integers(min_value=0, max_value=5000)
big_counts = st.integers(min_value=0, max_value=2**40)
methods = st.sampled_from(["exact", "midp", "asymptotic"])
interval_methods = st.sampled_from(["tango", "newcombe", "bonett-price", "wald"])


@given(b=big_counts, c=big_counts, method=methods)
def test_tails_are_mirror_images(b: int, c: int, method: str) -> None:
    greater = mcnemar_counts(b, c, alternative="greater", method=method)  # type: ignore[arg-type]
    less = mcnemar_counts(c, b, alternative="less", method=method)  # type: ignore[arg-type]
    assert greater.pvalue == less.pvalue
    assert greater.log_pvalue == less.log_pvalue
    two = mcnemar_counts(b, c, alternative="two-sided", method=method)  # type: ignore[arg-type]
    assert two.pvalue == mcnemar_counts(c, b, alternative="two-sided", method=method).pvalue  # type: ignore[arg-type]


@given(n=st.integers(min_value=1, max_value=3000), method=st.sampled_from(["exact", "midp"]))
def test_greater_is_non_increasing_in_b(n: int, method: str) -> None:
    b = np.arange(n + 1)
    res = mcnemar_counts(b, n - b, method=method)  # type: ignore[arg-type]
    assert np.all(np.diff(res.pvalue) <= 0)
    assert np.all(np.diff(res.log_pvalue) <= 0)
    if method == "exact":
        assert res.pvalue[0] == 1.0


@given(b=counts, c=counts, method=methods)
def test_two_sided_is_twice_the_smaller_tail(b: int, c: int, method: str) -> None:
    greater = mcnemar_counts(b, c, alternative="greater", method=method).pvalue  # type: ignore[arg-type]
    less = mcnemar_counts(b, c, alternative="less", method=method).pvalue  # type: ignore[arg-type]
    two = mcnemar_counts(b, c, alternative="two-sided", method=method).pvalue  # type: ignore[arg-type]
    assert two == pytest.approx(min(1.0, 2 * min(greater, less)), rel=1e-13, abs=1e-300)


@given(
    pairs=st.lists(st.tuples(st.booleans(), st.booleans()), min_size=1, max_size=300),
    alternative=st.sampled_from(["greater", "less", "two-sided"]),
    method=methods,
)
def test_mcnemar_on_outcomes_equals_mcnemar_counts(
    pairs: list[tuple[bool, bool]], alternative: str, method: str
) -> None:
    reference = np.array([p[0] for p in pairs])
    candidate = np.array([p[1] for p in pairs])
    res = mcnemar(reference, candidate, alternative=alternative, method=method)  # type: ignore[arg-type]
    b = int(np.sum(reference & ~candidate))
    c = int(np.sum(~reference & candidate))
    counted = mcnemar_counts(b, c, alternative=alternative, method=method)  # type: ignore[arg-type]
    assert (res.b, res.c, res.n) == (b, c, len(pairs))
    assert res.pvalue == counted.pvalue
    assert res.log_pvalue == counted.log_pvalue
    assert res.both_correct == int(np.sum(reference & candidate))
    # Same answer whatever the input type.
    as_floats = mcnemar(reference.astype(float), list(candidate.astype(int)))
    assert (as_floats.b, as_floats.c) == (b, c)


@given(
    n=st.integers(min_value=10**6, max_value=2**40),
    z=st.floats(min_value=-3, max_value=3),
)
def test_exact_and_asymptotic_agree_for_large_n(n: int, z: float) -> None:
    b = int(n / 2 + z * math.sqrt(n) / 2)
    exact = mcnemar_counts(b, n - b, method="midp").pvalue
    asym = mcnemar_counts(b, n - b, method="asymptotic").pvalue
    # Mid-p and the normal tail differ by O(1/sqrt(n)) at most.
    assert abs(exact - asym) <= 2 / math.sqrt(n)
    exact_plain = mcnemar_counts(b, n - b).pvalue
    assert abs(exact_plain - asym) <= 1 / math.sqrt(n)


tables = st.tuples(counts, counts, counts, counts).filter(lambda t: sum(t) > 0)


@given(t=tables, method=interval_methods)
def test_difference_interval_contains_estimate_and_is_nested(
    t: tuple[int, int, int, int], method: str
) -> None:
    res = mcnemar_table([[t[0], t[1]], [t[2], t[3]]])
    # Bonett-Price is centred on the adjusted difference, so it need not contain
    # delta; nesting is then checked from its narrowest interval outwards.
    contains_delta = method != "bonett-price"
    previous = (res.delta, res.delta) if contains_delta else None
    for level in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999):
        low, high = res.confidence_interval(level, method=method)  # type: ignore[arg-type]
        assert -1.0 <= low <= high <= 1.0
        if contains_delta:
            assert low <= res.delta + 1e-15
            assert res.delta - 1e-15 <= high
        if previous is not None:
            assert low <= previous[0] + 1e-15
            assert previous[1] - 1e-15 <= high
        previous = (low, high)


@given(b=counts, c=counts)
def test_clopper_pearson_contains_q_and_inverts_the_exact_test(b: int, c: int) -> None:
    res = mcnemar_counts(b, c)
    previous = (1.0, 0.0)
    for level in (0.5, 0.9, 0.95, 0.99):
        low, high = res.statistic_confidence_interval(level)
        assert 0.0 <= low <= high <= 1.0
        if b + c:
            assert low <= res.statistic <= high
        assert low <= previous[0]
        assert previous[1] <= high
        previous = (low, high)
        # 1/2 lies below the lower limit exactly when P(X >= b) < alpha/2.
        alpha = 1 - level
        if abs(res.pvalue - alpha / 2) > 1e-9 * alpha:
            assert (low > 0.5) == (res.pvalue < alpha / 2)


@given(
    b=st.lists(counts, min_size=0, max_size=50),
    data=st.data(),
)
def test_vectorized_counts_equal_scalar_calls(b: list[int], data: st.DataObject) -> None:
    c = data.draw(st.lists(counts, min_size=len(b), max_size=len(b)))
    res = mcnemar_counts(np.array(b, dtype=np.int64), np.array(c, dtype=np.int64))
    assert res.pvalue.shape == (len(b),)  # type: ignore[union-attr]
    for i in range(len(b)):
        one = mcnemar_counts(b[i], c[i])
        assert res.pvalue[i] == one.pvalue  # type: ignore[index]
        assert res.log_pvalue[i] == one.log_pvalue  # type: ignore[index]
