"""The per-task tests of a comparison, from each task's sufficient statistics.

Binary tasks (every score 0 or 1 on both sides) get the exact McNemar test and
Tango's interval on delta = reference accuracy - candidate accuracy. Continuous
tasks get the paired sign-flip permutation test and a paired bootstrap interval
on the mean difference, run on the paired scores in doc-code order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from fastmcnemar.paired_test import Alternative, mcnemar_table
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


def outcome_of(
    row: Mapping[str, Any],
    *,
    alternative: Alternative,
    confidence_level: float,
    n_resamples: int,
    seed: int,
) -> TaskOutcome:
    """Test one row of :class:`~fastmcnemar.compare.task_stats.TaskStats` (scores
    already oriented so that higher is better)."""
    n = int(row["n"])
    b, c = int(row["b"]), int(row["c"])
    if row["kind"] == "binary":
        both_correct = round(row["reference_sum"]) - b
        both_wrong = n - both_correct - b - c
        res = mcnemar_table([[both_correct, b], [c, both_wrong]], alternative=alternative)
        ci = res.confidence_interval(confidence_level=confidence_level)
        return TaskOutcome(
            row["task"], row["filter"], row["metric"], "binary", "exact", n, b, c,
            row["reference_sum"] / n, row["candidate_sum"] / n, float(res.delta),
            float(ci.low), float(ci.high), float(res.flip_rate), float(res.pvalue),
        )  # fmt: skip
    reference = np.asarray(row["reference_scores"], dtype=np.float64)
    candidate = np.asarray(row["candidate_scores"], dtype=np.float64)
    ref_mean = float(reference.mean())
    cand_mean = float(candidate.mean())
    perm = permutation_test(
        reference, candidate, alternative=alternative, n_resamples=n_resamples, rng=seed
    )
    boot = bootstrap(
        reference, candidate, confidence_level=confidence_level,
        n_resamples=n_resamples, rng=seed,
    )  # fmt: skip
    low, high = float(boot.confidence_interval[0]), float(boot.confidence_interval[1])
    return TaskOutcome(
        row["task"], row["filter"], row["metric"], "continuous", f"permutation ({perm.method})",
        n, b, c, ref_mean, cand_mean, ref_mean - cand_mean, low, high, (b + c) / n,
        float(perm.pvalue),
    )  # fmt: skip


__all__ = ["TaskOutcome", "outcome_of"]
