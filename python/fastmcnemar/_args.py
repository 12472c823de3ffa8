"""Every argument of the public API is checked and converted here, once.

scipy's rule, in one place: each public function calls these helpers first and
hands the core typed values, so the same bad argument gets the same exception
class and the same message from every function.

- Options: :func:`choice` (one message format, ``"<name> must be one of 'a',
  'b'; got <repr>"``, the Rust glue's format too) and :func:`alternative`.
- Levels: :func:`level` always raises :class:`InvalidLevelError`.
- Seeds: :func:`seed` (an int in [0, 2**64), a ``numpy.random.Generator`` or
  None for fresh entropy; never wrapped, bools and floats refused).
- Threads: :func:`threads` (1 to ``MAX_THREADS``, 4 x the CPUs, like the core).
- Numbers: :func:`real`, :func:`whole`, :func:`resamples`.
- Data: per-sample outcomes and counts for the McNemar functions, scores and
  labels for the resampling functions. Where the core checks a value itself
  (0/1 outcomes, paired lengths of 1-D inputs, levels) it is left to the core
  and its message.
"""

from __future__ import annotations

import numbers
import operator
import secrets
import sys
from collections.abc import Sequence
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
import numpy.typing as npt
from numpy.typing import NDArray

from fastmcnemar._core import MAX_THREADS
from fastmcnemar.exceptions import (
    EmptyInputError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NegativeCountError,
    NonBinaryValueError,
    NonFiniteValueError,
)

Alternative = Literal["greater", "less", "two-sided"]
ALTERNATIVES: tuple[Alternative, ...] = ("greater", "less", "two-sided")
# A string: ``np.random.Generator`` would import numpy.random (4 ms) for every caller.
SeedLike: TypeAlias = "int | np.integer[Any] | np.random.Generator | None"

# b + c must stay exactly representable in a double (the core refuses more).
MAX_COUNT = 2**53
# Bootstrap and grouped tests keep every resampled statistic (8 bytes each).
MAX_RESAMPLES = 10**9

FloatVector = npt.NDArray[np.float64]
CodeVector = npt.NDArray[np.uint32]

_T = TypeVar("_T", bound=str)


# --- options and scalars -------------------------------------------------------------


def choice(name: str, value: object, allowed: Sequence[_T]) -> _T:
    """``value`` if it is one of ``allowed``, else ``InvalidArgumentError``."""
    if isinstance(value, str):
        for option in allowed:
            if value == option:
                return option
    shown = ", ".join(repr(option) for option in allowed)
    raise InvalidArgumentError(f"{name} must be one of {shown}; got {value!r}")


def alternative(value: object) -> Alternative:
    """One of 'greater' (the candidate is worse), 'less', 'two-sided'."""
    return choice("alternative", value, ALTERNATIVES)


def real(name: str, value: object) -> float:
    """``value`` as a float; a bool or a non-real raises, naming argument ``name``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidArgumentError(f"{name} must be a real number, got {value!r}")
    return float(value)


def level(name: str, value: object) -> float:
    """A probability level (alpha, confidence level, power) strictly inside (0, 1).

    Always :class:`InvalidLevelError`, with the core's message, whatever is wrong
    (a bool, a string, NaN or a number outside the interval).
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidLevelError(f"{name} must lie strictly between 0 and 1, got {value!r}")
    number = float(value)
    if not 0.0 < number < 1.0:
        raise InvalidLevelError(f"{name} must lie strictly between 0 and 1, got {value}")
    return number


def margin(value: object) -> float:
    """The non-inferiority margin: an accuracy drop in (0, 1), 0.01 = one point.

    The core checks it too (``noninferiority_counts``); the message is the core's.
    """
    if (
        isinstance(value, (bool, np.bool_))
        or not isinstance(value, numbers.Real)
        or not 0.0 < float(value) < 1.0
    ):
        raise InvalidArgumentError(
            "margin must lie in (0, 1) (an accuracy difference, e.g. 0.01 = one point), "
            f"got {value!r}"
        )
    return float(value)


def whole(name: str, value: object, minimum: int = 0) -> int:
    """An integer (not a bool, not a float) of at least ``minimum``."""
    if isinstance(value, (bool, np.bool_)):
        raise InvalidArgumentError(f"{name} must be an integer, got {value!r}")
    try:
        number = operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise InvalidArgumentError(f"{name} must be an integer, got {value!r}") from None
    if number < minimum:
        raise InvalidArgumentError(f"{name} must be at least {minimum}, got {number}")
    return number


def resamples(n_resamples: object, minimum: int = 1) -> int:
    """A number of resamples from ``minimum`` to :data:`MAX_RESAMPLES`."""
    count = whole("n_resamples", n_resamples, minimum)
    if count > MAX_RESAMPLES:
        raise InvalidArgumentError(
            f"n_resamples must be at most {MAX_RESAMPLES:,} (resampled statistics are kept "
            f"in memory), got {count:,}"
        )
    return count


def seed(rng: object) -> int:
    """The 64-bit seed the core's generator starts from (scipy's ``rng`` rule).

    - ``None``: fresh entropy from the operating system;
    - an int (Python or NumPy) in ``[0, 2**64)``: used as is, so results are
      reproducible; anything outside is refused, never wrapped;
    - a ``numpy.random.Generator``: one 64-bit draw from it (which advances it).

    Bools, floats and anything else are refused.
    """
    if rng is None:
        return secrets.randbits(64)
    random = sys.modules.get("numpy.random")  # a Generator exists only once it is loaded
    if random is not None and isinstance(rng, random.Generator):
        return int(rng.integers(0, 2**64, dtype=np.uint64))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, (bool, np.bool_)):
        value = int(rng)
        if not 0 <= value < 2**64:
            raise InvalidArgumentError(f"rng seed must lie in [0, 2**64), got {value}")
        return value
    raise InvalidArgumentError(
        f"rng must be None, an int seed in [0, 2**64) or a numpy.random.Generator, got {rng!r}"
    )


def threads(n_threads: object, name: str = "n_threads") -> int | None:
    """None (the default) or a thread count from 1 to ``MAX_THREADS`` (the core's cap)."""
    if n_threads is None:
        return None
    if (
        isinstance(n_threads, (bool, np.bool_))
        or not isinstance(n_threads, (int, np.integer))
        or not 1 <= n_threads <= MAX_THREADS
    ):
        raise InvalidArgumentError(
            f"{name} must be a whole number from 1 to {MAX_THREADS} "
            f"(4 x the {MAX_THREADS // 4} CPUs here), got {n_threads!r}"
        )
    return int(n_threads)


def names(values: Sequence[str] | None, expected: int, what: str) -> tuple[str, ...] | None:
    """``expected`` labels (tasks, candidates) as strings; a lone string is refused."""
    if values is None:
        return None
    if isinstance(values, str):
        raise InvalidArgumentError(f"{what} must be a sequence of names, not a single string")
    out = tuple(str(t) for t in values)
    if len(out) != expected:
        raise LengthMismatchError(
            f"length mismatch: {what} has {len(out)} names but there are {expected} {what}"
        )
    return out


# --- per-sample outcomes and counts (McNemar) ------------------------------------------


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


# --- scores and labels (resampling) ----------------------------------------------------


def per_sample_scores(values: Any, name: str) -> FloatVector:
    """Scores as a float64 vector; 2-D (samples x reruns) is averaged per sample.

    1-D scores go to the core as they are: it refuses an empty input, a NaN or
    infinity and unequal lengths, with its own messages. Reruns are checked here,
    where their position (sample, rerun) is still known.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"{name} must be numeric scores: {exc}") from None
    if array.ndim == 0 or array.ndim > 2:
        raise InvalidArgumentError(
            f"{name} must be 1-D (one score per sample) or 2-D (samples x reruns), "
            f"got {array.ndim} dimensions"
        )
    if array.ndim == 2:
        if array.shape[0] == 0:
            raise EmptyInputError(f"{name} is empty: at least one element is needed")
        if array.shape[1] == 0:
            raise EmptyInputError(f"{name} has no reruns (0 columns)")
        bad = np.argwhere(~np.isfinite(array))
        if bad.size:
            sample, rerun = (int(i) for i in bad[0])
            raise NonFiniteValueError(
                f"non-finite value in {name} at sample {sample}, rerun {rerun}: "
                f"{array[sample, rerun]}"
            )
        array = array.mean(axis=1)
    return np.ascontiguousarray(array, dtype=np.float64)


def paired_scores(reference: Any, candidate: Any) -> tuple[FloatVector, FloatVector]:
    """Both score vectors (their pairing is checked by the core)."""
    return per_sample_scores(reference, "reference"), per_sample_scores(candidate, "candidate")


def label_codes(labels: Any, name: str, n_samples: int) -> tuple[CodeVector, tuple[Any, ...]]:
    """Integer codes 0..k-1 for a label array, and the k labels in code order."""
    array = np.asarray(labels)
    if array.ndim != 1:
        raise InvalidArgumentError(f"{name} must be 1-D (one label per sample)")
    if array.shape[0] != n_samples:
        raise LengthMismatchError(
            f"length mismatch: {name} has {array.shape[0]} labels but there are {n_samples} samples"
        )
    try:
        uniques, codes = np.unique(array, return_inverse=True)
    except TypeError as exc:
        raise InvalidArgumentError(f"{name} labels cannot be compared: {exc}") from None
    return (
        np.ascontiguousarray(codes.reshape(-1), dtype=np.uint32),
        tuple(u.item() if isinstance(u, np.generic) else u for u in uniques),
    )
