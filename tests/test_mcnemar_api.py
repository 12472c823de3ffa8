"""Shape of the McNemar API: result fields, input types, scalars vs arrays."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import polars as pl
import pytest

from fastmcnemar import McNemarCountsResult, McNemarResult, mcnemar, mcnemar_counts


def test_result_fields_and_unpacking() -> None:
    reference = [1, 1, 1, 0, 1, 0, 1, 1, 0, 0]
    candidate = [1, 0, 0, 0, 1, 1, 0, 1, 0, 0]
    res = mcnemar(reference, candidate)
    assert isinstance(res, McNemarResult)
    assert (res.b, res.c, res.n, res.n_discordant) == (3, 1, 10, 4)
    assert (res.both_correct, res.both_wrong) == (3, 3)
    assert res.statistic == 0.75
    assert res.pvalue == pytest.approx(5 / 16, rel=1e-15)
    assert res.log_pvalue == pytest.approx(math.log(5 / 16), rel=1e-15)
    assert res.delta == pytest.approx(0.2)
    assert res.flip_rate == pytest.approx(0.4)
    assert (res.alternative, res.method) == ("greater", "exact")
    statistic, pvalue = res
    assert (statistic, pvalue) == (res.statistic, res.pvalue) == (res[0], res[1])
    assert len(res) == 2
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.pvalue = 0.0  # type: ignore[misc]


def test_no_discordant_pairs() -> None:
    res = mcnemar([1, 0, 1], [1, 0, 1], alternative="two-sided")
    assert math.isnan(res.statistic)
    assert (res.pvalue, res.log_pvalue, res.flip_rate, res.delta) == (1.0, 0.0, 0.0, 0.0)
    counts = mcnemar_counts(np.array([0, 2]), np.array([0, 0]))
    assert math.isnan(counts.statistic[0])
    assert counts.statistic[1] == 1.0
    assert counts.pvalue[0] == 1.0  # type: ignore[index]


@pytest.mark.parametrize(
    "convert",
    [
        lambda x: np.array(x, dtype=bool),
        lambda x: np.array(x, dtype=np.int8),
        lambda x: np.array(x, dtype=np.uint64),
        lambda x: np.array(x, dtype=np.float32),
        lambda x: [bool(v) for v in x],
        lambda x: [float(v) for v in x],
        lambda x: pl.Series(x),
        lambda x: pl.Series([bool(v) for v in x], dtype=pl.Boolean),
        lambda x: np.array(x, dtype=object),
        lambda x: np.array(x, dtype=np.int64)[::-1][::-1],  # a view
        lambda x: np.repeat(np.array(x), 2)[::2],  # non-contiguous
    ],
)
def test_accepted_input_types(convert: object) -> None:
    reference = [1, 1, 1, 0, 1, 0, 1, 1]
    candidate = [1, 0, 0, 0, 1, 1, 0, 0]
    res = mcnemar(convert(reference), convert(candidate))  # type: ignore[operator]
    assert (res.b, res.c, res.n) == (4, 1, 8)


def test_pandas_series_are_accepted() -> None:
    pd = pytest.importorskip("pandas")
    res = mcnemar(pd.Series([True, True, False]), pd.Series([1.0, 0.0, 0.0]))
    assert (res.b, res.c) == (1, 0)


def test_mixed_types_pair_up() -> None:
    res = mcnemar(np.array([True, True, False]), [1.0, 0.0, 1.0])
    assert (res.b, res.c) == (1, 1)


def test_long_inputs_count_in_parallel() -> None:
    rng = np.random.default_rng(5)
    reference = rng.random(500_000) < 0.7
    candidate = rng.random(500_000) < 0.69
    res = mcnemar(reference, candidate)
    assert res.b == int(np.sum(reference & ~candidate))
    assert res.c == int(np.sum(~reference & candidate))
    assert res.n == 500_000


def test_counts_keep_the_input_shape() -> None:
    b = np.arange(24).reshape(2, 3, 4)
    c = b[::-1].copy()
    res = mcnemar_counts(b, c, alternative="two-sided", method="midp")
    assert isinstance(res, McNemarCountsResult)
    for field in ("statistic", "pvalue", "log_pvalue", "b", "c", "n_discordant"):
        assert getattr(res, field).shape == (2, 3, 4), field
    one = mcnemar_counts(int(b[1, 2, 3]), int(c[1, 2, 3]), alternative="two-sided", method="midp")
    assert res.pvalue[1, 2, 3] == one.pvalue
    low, high = res.statistic_confidence_interval()
    assert low.shape == high.shape == (2, 3, 4)  # type: ignore[union-attr]


def test_scalar_counts_give_plain_numbers() -> None:
    res = mcnemar_counts(np.int32(7), 2)
    assert isinstance(res.pvalue, float)
    assert isinstance(res.log_pvalue, float)
    assert isinstance(res.b, int)
    assert res.n_discordant == 9
    low, high = res.statistic_confidence_interval(0.9)
    assert isinstance(low, float)
    assert low < 7 / 9 < high
    assert mcnemar_counts(True, 0.0).pvalue == 0.5


def test_empty_and_bool_and_float_count_arrays() -> None:
    res = mcnemar_counts(np.array([], dtype=np.int64), [])
    assert res.pvalue.shape == (0,)  # type: ignore[union-attr]
    as_float = mcnemar_counts([3.0, 10.0], [1.0, 2.0])
    as_int = mcnemar_counts([3, 10], [1, 2])
    np.testing.assert_array_equal(as_float.pvalue, as_int.pvalue)
    as_bool = mcnemar_counts(np.array([True, False]), np.array([False, False]))
    np.testing.assert_array_equal(as_bool.pvalue, [0.5, 1.0])


def test_one_million_pairs_in_one_call() -> None:
    rng = np.random.default_rng(0)
    n = rng.integers(0, 400, size=1_000_000)
    b = rng.binomial(n, 0.5)
    res = mcnemar_counts(b, n - b)
    assert res.pvalue.shape == (1_000_000,)  # type: ignore[union-attr]
    assert np.all((res.pvalue >= 0) & (res.pvalue <= 1))
    sample = rng.integers(0, 1_000_000, size=50)
    for i in sample:
        # Bulk calls share rows of tails between equal n: equal to the last few bits.
        one = mcnemar_counts(int(b[i]), int(n[i] - b[i])).pvalue
        assert res.pvalue[i] == pytest.approx(one, rel=1e-13)  # type: ignore[index]


def test_bulk_results_do_not_depend_on_the_thread_count() -> None:
    from fastmcnemar import _core

    rng = np.random.default_rng(3)
    n = np.concatenate([rng.integers(0, 300, 50_000), rng.integers(1000, 20_000, 50_000)])
    b = rng.binomial(n, 0.52).astype(np.int64)
    c = (n - b).astype(np.int64)
    one = _core.mcnemar_pvalues(b, c, "two-sided", "midp", 1)
    three = _core.mcnemar_pvalues(b, c, "two-sided", "midp", 3)
    np.testing.assert_array_equal(one[0], three[0])
    np.testing.assert_array_equal(one[1], three[1])
