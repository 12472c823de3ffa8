"""Input checks and conversions shared by the resampling functions.

Scores become C-contiguous float64 vectors (2-D samples x reruns arrays are
averaged per sample), labels become uint32 codes, ``rng`` becomes a 64-bit
seed; every problem raises a :mod:`fastmcnemar.exceptions` class whose
message names the argument and, where there is one, the index.
"""

from __future__ import annotations

import secrets
from typing import Any

import numpy as np
import numpy.typing as npt

from fastmcnemar.exceptions import (
    EmptyInputError,
    InvalidArgumentError,
    InvalidLevelError,
    LengthMismatchError,
    NonFiniteValueError,
)

ALTERNATIVES = ("greater", "less", "two-sided")
# Bootstrap and grouped tests keep every resampled statistic (8 bytes each).
MAX_RESAMPLES = 10**9

FloatVector = npt.NDArray[np.float64]
CodeVector = npt.NDArray[np.uint32]


def per_sample_scores(values: Any, name: str) -> FloatVector:
    """Scores as a float64 vector; 2-D (samples x reruns) is averaged per sample."""
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"{name} must be numeric scores: {exc}") from None
    if array.ndim == 0 or array.ndim > 2:
        raise InvalidArgumentError(
            f"{name} must be 1-D (one score per sample) or 2-D (samples x reruns), "
            f"got {array.ndim} dimensions"
        )
    if array.shape[0] == 0:
        raise EmptyInputError(f"{name} is empty: at least one sample is needed")
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        first = tuple(int(i) for i in bad[0])
        where = f"index {first[0]}" if array.ndim == 1 else f"sample {first[0]}, rerun {first[1]}"
        raise NonFiniteValueError(f"non-finite value in {name} at {where}: {array[first]}")
    if array.ndim == 2:
        if array.shape[1] == 0:
            raise EmptyInputError(f"{name} has no reruns (0 columns)")
        array = array.mean(axis=1)
    return np.ascontiguousarray(array, dtype=np.float64)


def paired_scores(reference: Any, candidate: Any) -> tuple[FloatVector, FloatVector]:
    """Both score vectors, checked to pair sample by sample."""
    ref = per_sample_scores(reference, "reference")
    cand = per_sample_scores(candidate, "candidate")
    if ref.shape[0] != cand.shape[0]:
        raise LengthMismatchError(
            f"length mismatch: reference has {ref.shape[0]} samples but candidate has "
            f"{cand.shape[0]}; they must be paired sample by sample"
        )
    return ref, cand


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


def resample_count(n_resamples: Any, minimum: int = 1) -> int:
    """A positive integer number of resamples."""
    if isinstance(n_resamples, bool) or not isinstance(n_resamples, (int, np.integer)):
        raise InvalidArgumentError(f"n_resamples must be an integer, got {n_resamples!r}")
    if n_resamples < minimum:
        raise InvalidArgumentError(f"n_resamples must be at least {minimum}, got {n_resamples}")
    if n_resamples > MAX_RESAMPLES:
        raise InvalidArgumentError(
            f"n_resamples must be at most {MAX_RESAMPLES:,} (resampled statistics are kept "
            f"in memory), got {n_resamples:,}"
        )
    return int(n_resamples)


def seed_from(rng: Any) -> int:
    """A 64-bit seed from None (fresh entropy), an int, or a numpy Generator."""
    if rng is None:
        return secrets.randbits(64)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**64, dtype=np.uint64))
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        if rng < 0:
            raise InvalidArgumentError(f"rng seed must be non-negative, got {rng}")
        return int(rng) % 2**64
    raise InvalidArgumentError(
        f"rng must be None, a non-negative int seed or a numpy.random.Generator, got {rng!r}"
    )


def check_alternative(alternative: str) -> str:
    """One of 'greater', 'less', 'two-sided'."""
    if alternative not in ALTERNATIVES:
        raise InvalidArgumentError(
            f"alternative must be 'greater', 'less' or 'two-sided', got {alternative!r}"
        )
    return alternative


def check_confidence(level: Any) -> float:
    """A confidence level strictly between 0 and 1."""
    value = float(level)
    if not 0.0 < value < 1.0:
        raise InvalidLevelError(f"confidence_level must lie strictly between 0 and 1, got {level}")
    return value


def check_threads(n_threads: Any) -> int | None:
    """None or a positive thread count."""
    if n_threads is None:
        return None
    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)):
        raise InvalidArgumentError(f"n_threads must be a positive integer, got {n_threads!r}")
    if n_threads < 1:
        raise InvalidArgumentError(f"n_threads must be at least 1, got {n_threads}")
    return int(n_threads)
