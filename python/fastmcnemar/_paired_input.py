"""Turning user inputs into the arrays the Rust core reads.

Per-sample outcomes (for :func:`fastmcnemar.mcnemar`) become two 1-D
C-contiguous arrays of one dtype the core accepts (uint8 for booleans, int64
for integers, float64 otherwise); the core checks every value is 0 or 1.
Discordant counts (for :func:`fastmcnemar.mcnemar_counts`) become int64
arrays, checked here so that errors name the position in the caller's shape.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from fastmcnemar.exceptions import (
    InvalidArgumentError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
)

# b + c must stay exactly representable in a double (the core refuses more).
MAX_COUNT = 2**53


def _where(name: str, shape: tuple[int, ...], flat_index: int) -> str:
    """``b`` for a scalar, ``b at index 3`` in 1-D, ``b at index (1, 2)`` beyond."""
    if not shape:
        return name
    if len(shape) == 1:
        return f"{name} at index {flat_index}"
    return f"{name} at index {tuple(int(i) for i in np.unravel_index(flat_index, shape))}"


def _object_outcomes(values: NDArray[Any], name: str) -> NDArray[np.float64]:
    """Object arrays (lists with None, pandas NA): find the first non-0/1 element."""
    out = np.empty(values.shape, dtype=np.float64)
    for i, value in enumerate(values):
        numeric = isinstance(value, (int, float, np.integer, np.floating))
        if isinstance(value, (bool, np.bool_)) or (numeric and value in (0, 1)):
            out[i] = float(value)
        else:
            raise NonBinaryValueError(
                f"non-binary value in {name} at index {i}: {value!r} (expected 0 or 1)"
            )
    return out


def _outcome_array(values: Any, name: str) -> NDArray[Any]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidArgumentError(
            f"{name} must be a 1-D sequence of per-sample outcomes, got shape {array.shape}"
        )
    if array.dtype.kind == "O":
        return _object_outcomes(array, name)
    if array.dtype.kind not in "biuf":
        raise InvalidArgumentError(
            f"{name} has dtype {array.dtype}: expected booleans or numbers that are 0 or 1"
        )
    return array


def as_outcome_pair(reference: Any, candidate: Any) -> tuple[NDArray[Any], NDArray[Any]]:
    """Two 1-D arrays of one core dtype (uint8, int64 or float64)."""
    ref = _outcome_array(reference, "reference")
    cand = _outcome_array(candidate, "candidate")
    kinds = {ref.dtype.kind, cand.dtype.kind}
    if kinds == {"b"}:
        dtype: type[np.generic] = np.uint8
    elif kinds <= {"b", "i"} or (
        kinds <= {"b", "i", "u"} and max(ref.dtype.itemsize, cand.dtype.itemsize) < 8
    ):
        dtype = np.int64
    else:
        # uint64 and floats: float64 is exact for 0 and 1, the only values accepted.
        dtype = np.float64
    return (
        np.ascontiguousarray(ref, dtype=dtype),
        np.ascontiguousarray(cand, dtype=dtype),
    )


def as_count_array(values: Any, name: str) -> NDArray[np.int64]:
    """Discordant counts of any shape as int64, refusing negative, non-whole,
    non-finite or too large values with the position that is wrong."""
    array = np.asarray(values)
    kind = array.dtype.kind
    if kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"{name} must hold whole numbers (counts), got values of mixed or non-numeric type"
            ) from None
        kind = "f"
    if kind not in "biuf":
        raise InvalidArgumentError(
            f"{name} has dtype {array.dtype}: expected whole numbers (counts)"
        )
    flat = array.reshape(-1)
    if kind == "f":
        bad = np.flatnonzero(~np.isfinite(flat))
        if bad.size:
            i = int(bad[0])
            raise NonFiniteValueError(
                f"non-finite value in {_where(name, array.shape, i)}: {flat[i]}"
            )
        bad = np.flatnonzero(flat != np.floor(flat))
        if bad.size:
            i = int(bad[0])
            raise InvalidArgumentError(
                f"{_where(name, array.shape, i)} is {flat[i]}, not a whole "
                "number: counts must be integers"
            )
    # min() first: no temporary array in the usual case of no negative count.
    if kind in "if" and flat.size and flat.min() < 0:
        bad = np.flatnonzero(flat < 0)
        if bad.size:
            i = int(bad[0])
            value = flat[i]
            shown = int(value) if kind == "i" else value
            raise NegativeCountError(f"negative count in {_where(name, array.shape, i)}: {shown}")
    if kind in "iuf" and flat.size:  # int64 too: 2^62 fits an int64 but not the bound
        i = int(np.argmax(flat))
        if flat[i] > MAX_COUNT:
            raise InvalidArgumentError(
                f"{_where(name, array.shape, i)} is {flat[i]}, more than the "
                "largest supported count, 2^53"
            )
    return np.asarray(array, dtype=np.int64, order="C")


def check_same_shape(b: NDArray[Any], c: NDArray[Any]) -> None:
    """Counts are paired element by element: shapes must be equal."""
    if b.shape != c.shape:
        raise LengthMismatchError(
            f"shape mismatch: b has shape {b.shape} but c has shape {c.shape}; "
            "they must be paired element by element"
        )


__all__ = ["MAX_COUNT", "as_count_array", "as_outcome_pair", "check_same_shape"]
