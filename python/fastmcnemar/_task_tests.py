"""The per-task tests of a comparison, through the library's public test functions.

Binary tasks (every score 0 or 1 on both sides) get the exact McNemar test and
Tango's interval on delta = reference accuracy - candidate accuracy. Continuous
tasks get the paired sign-flip permutation test and a paired bootstrap interval
on the mean difference. A test the installed build does not provide yet leaves
the task in ``skipped`` with that reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fastmcnemar.paired_test import Alternative, mcnemar
from fastmcnemar.resampling import bootstrap, permutation_test


@dataclass(frozen=True)
class TaskOutcome:
    """One tested (task, filter, metric); fields match Comparison.tasks columns."""

    task: str
    filter: str
    metric: str
    kind: str
    method: str
    n: int
    b: int
    c: int
    reference_accuracy: float
    candidate_accuracy: float
    delta: float
    ci_low: float
    ci_high: float
    flip_rate: float
    pvalue: float


def is_binary(values: np.ndarray[Any, np.dtype[np.float64]]) -> bool:
    return bool(np.all((values == 0.0) | (values == 1.0)))


def run_task_test(
    task: str,
    filt: str,
    metric: str,
    reference: np.ndarray[Any, np.dtype[np.float64]],
    candidate: np.ndarray[Any, np.dtype[np.float64]],
    *,
    lower_is_better: bool,
    alternative: Alternative,
    confidence_level: float,
    n_resamples: int,
    seed: int,
) -> TaskOutcome | str:
    """Test one task; returns the outcome, or why it could not be tested."""
    n = int(reference.size)
    binary = is_binary(reference) and is_binary(candidate)
    if lower_is_better:
        # Test "worse" in the metric's own direction: flip it so higher is better.
        reference, candidate = (
            (1.0 - reference, 1.0 - candidate) if binary else (-reference, -candidate)
        )
    ref_mean = float(reference.mean())
    cand_mean = float(candidate.mean())
    if binary:
        res = mcnemar(reference.astype(np.int8), candidate.astype(np.int8), alternative=alternative)
        ci = res.confidence_interval(confidence_level=confidence_level)
        return TaskOutcome(
            task, filt, metric, "binary", "exact", n, int(res.b), int(res.c),
            ref_mean, cand_mean, float(res.delta), float(ci.low), float(ci.high),
            float(res.flip_rate), float(res.pvalue),
        )  # fmt: skip
    b = int(np.count_nonzero(reference > candidate))
    c = int(np.count_nonzero(candidate > reference))
    perm = permutation_test(
        reference, candidate, alternative=alternative, n_resamples=n_resamples, rng=seed
    )
    boot = bootstrap(
        reference, candidate, confidence_level=confidence_level,
        n_resamples=n_resamples, rng=seed,
    )  # fmt: skip
    low, high = float(boot.confidence_interval[0]), float(boot.confidence_interval[1])
    return TaskOutcome(
        task, filt, metric, "continuous", f"permutation ({perm.method})", n, b, c,
        ref_mean, cand_mean, ref_mean - cand_mean, low, high, (b + c) / n, float(perm.pvalue),
    )  # fmt: skip


__all__ = ["TaskOutcome", "is_binary", "run_task_test"]
