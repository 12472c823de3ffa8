"""Every bad input to the McNemar API raises a fastmcnemar error that names it."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from fastmcnemar import (
    EmptyInputError,
    FastMcNemarError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
    mcnemar,
    mcnemar_counts,
    mcnemar_table,
)


@pytest.mark.parametrize(
    ("reference", "candidate", "error", "message"),
    [
        ([], [], EmptyInputError, "reference is empty"),
        (np.array([], dtype=bool), np.array([], dtype=bool), EmptyInputError, "empty"),
        ([1, 0, 1], [1, 0], LengthMismatchError, "reference has 3 elements but candidate has 2"),
        ([1, 0.5, 1], [1, 0, 1], NonBinaryValueError, "reference at index 1: 0.5"),
        ([1, 0, 1], [1, 0, float("nan")], NonBinaryValueError, "candidate at index 2: NaN"),
        ([1, 2], [1, 0], NonBinaryValueError, "reference at index 1: 2"),
        ([1, -1], [True, False], NonBinaryValueError, "reference at index 1: -1"),
        ([True, None], [1, 0], NonBinaryValueError, "reference at index 1: None"),
        (np.ones((2, 2)), np.ones((2, 2)), InvalidArgumentError, "must be a 1-D sequence"),
        (1, 0, InvalidArgumentError, "must be a 1-D sequence"),
        (["a", "b"], [1, 0], InvalidArgumentError, "dtype <U1"),
    ],
)
def test_bad_outcomes(reference: Any, candidate: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        mcnemar(reference, candidate)


def test_long_inputs_report_the_first_bad_index() -> None:
    reference = np.ones(300_000)
    candidate = np.zeros(300_000)
    reference[200_001] = np.nan
    reference[250_000] = 3
    with pytest.raises(NonBinaryValueError, match="reference at index 200001: NaN"):
        mcnemar(reference, candidate)


@pytest.mark.parametrize(
    ("b", "c", "error", "message"),
    [
        (-1, 2, NegativeCountError, "negative count in b: -1"),
        ([1, 2, 3], [4, -5, 6], NegativeCountError, "negative count in c at index 1: -5"),
        (
            np.array([[1, 2], [3, -4]]),
            np.ones((2, 2), dtype=int),
            NegativeCountError,
            r"b at index \(1, 1\): -4",
        ),
        ([1.0, -2.0], [1, 1], NegativeCountError, "b at index 1: -2.0"),
        ([1, 2], [1], LengthMismatchError, r"b has shape \(2,\) but c has shape \(1,\)"),
        (np.ones((2, 3), dtype=int), np.ones((3, 2), dtype=int), LengthMismatchError, "shape"),
        (5, [1, 2], LengthMismatchError, "shape mismatch"),
        ([1.5], [1], InvalidArgumentError, "b at index 0 is 1.5, not a whole number"),
        ([1], [float("nan")], NonFiniteValueError, "non-finite value in c at index 0: nan"),
        ([np.inf], [1], NonFiniteValueError, "b at index 0: inf"),
        (["x"], [1], InvalidArgumentError, "b has dtype <U1"),
        ([1, None], [1, 2], NonFiniteValueError, "b at index 1: nan"),
        (2**60, 2**60, InvalidArgumentError, "2\\^53"),
        (np.array([2**63], dtype=np.uint64), np.array([1]), InvalidArgumentError, "2\\^53"),
    ],
)
def test_bad_counts(b: Any, c: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mcnemar_counts(b, c)


@pytest.mark.parametrize("func", ["mcnemar", "mcnemar_counts", "mcnemar_table"])
@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("alternative", "bigger", "alternative must be one of .*; got 'bigger'"),
        ("alternative", "two_sided", "alternative must be one of .*; got 'two_sided'"),
        ("method", "chi2", "method must be one of 'exact', 'midp', 'asymptotic'; got 'chi2'"),
        ("method", None, "method must be one of .*; got None"),
    ],
)
def test_unknown_choices(func: str, option: str, value: Any, message: str) -> None:
    calls = {
        "mcnemar": lambda **kw: mcnemar([1, 0], [0, 0], **kw),
        "mcnemar_counts": lambda **kw: mcnemar_counts(3, 1, **kw),
        "mcnemar_table": lambda **kw: mcnemar_table([[1, 2], [3, 4]], **kw),
    }
    with pytest.raises(InvalidArgumentError, match=message):
        calls[func](**{option: value})


@pytest.mark.parametrize("level", [0.0, 1.0, -0.1, 1.5, float("nan")])
@pytest.mark.parametrize("method", ["tango", "newcombe", "bonett-price", "wald"])
def test_bad_confidence_levels(level: float, method: Any) -> None:
    res = mcnemar([1, 1, 0, 1], [0, 1, 1, 0])
    with pytest.raises(InvalidLevelError, match="confidence_level must lie strictly between 0"):
        res.confidence_interval(level, method=method)
    with pytest.raises(InvalidLevelError, match="confidence_level"):
        res.statistic_confidence_interval(level)
    with pytest.raises(InvalidLevelError, match="confidence_level"):
        mcnemar_counts([3, 4], [1, 2]).statistic_confidence_interval(level)


def test_unknown_interval_method() -> None:
    res = mcnemar([1, 1, 0, 1], [0, 1, 1, 0])
    with pytest.raises(InvalidArgumentError, match=r"method must be one of 'tango', .*'agresti'"):
        res.confidence_interval(method="agresti")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("table", "error", "message"),
    [
        ([[1, 2, 3], [4, 5, 6]], InvalidArgumentError, r"must be 2x2.*shape \(2, 3\)"),
        ([[1, -2], [3, 4]], NegativeCountError, r"table at index \(0, 1\): -2"),
        ([[0, 0], [0, 0]], EmptyInputError, "every count is zero"),
        ([[1, 2.5], [3, 4]], InvalidArgumentError, "not a whole number"),
    ],
)
def test_bad_tables(table: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        mcnemar_table(table)


def test_every_error_is_a_fastmcnemar_value_error() -> None:
    with pytest.raises(FastMcNemarError):
        mcnemar([], [])
    with pytest.raises(ValueError, match="negative"):
        mcnemar_counts(-1, 0)
