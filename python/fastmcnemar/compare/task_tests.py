"""The per-task tests of a comparison, from each task's sufficient statistics.

Binary tasks (every score 0 or 1 on both sides) get the exact McNemar test and
Tango's interval on delta = reference accuracy - candidate accuracy. Continuous
tasks get the paired sign-flip permutation test and a paired bootstrap interval
on the mean difference, run on the paired scores in doc-code order.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import polars as pl

from fastmcnemar.paired_test import Alternative, mcnemar_counts, mcnemar_table
from fastmcnemar.planning import tango_interval_many

if TYPE_CHECKING:
    from fastmcnemar.clustered import ClusteredTestResult


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
    method: Literal["exact", "midp"] = "exact",
) -> TaskOutcome:
    """Test one row of :class:`~fastmcnemar.compare.task_stats.TaskStats` (scores
    already oriented so that higher is better). ``method`` is the binary tasks'
    McNemar p-value: ``"exact"`` or ``"midp"``."""
    n = int(row["n"])
    b, c = int(row["b"]), int(row["c"])
    if row["kind"] == "binary":
        both_correct = round(row["reference_sum"]) - b
        both_wrong = n - both_correct - b - c
        res = mcnemar_table(
            [[both_correct, b], [c, both_wrong]], alternative=alternative, method=method
        )
        ci = res.confidence_interval(confidence_level=confidence_level)
        return TaskOutcome(
            row["task"], row["filter"], row["metric"], "binary", method, n, b, c,
            row["reference_sum"] / n, row["candidate_sum"] / n, float(res.delta),
            float(ci.low), float(ci.high), float(res.flip_rate), float(res.pvalue),
        )  # fmt: skip
    # Resampling is imported by the first continuous task, not by every comparison.
    from fastmcnemar.resampling import bootstrap, permutation_test

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


def test_columns(
    rows: pl.DataFrame,
    *,
    alternative: Alternative,
    confidence_level: float,
    n_resamples: int,
    seed: int,
    method: Literal["exact", "midp"],
) -> dict[str, Any]:
    """Every row of a :class:`~fastmcnemar.compare.task_stats.TaskStats` frame tested,
    column-wise (the fields of :class:`TaskOutcome`).

    Binary rows: one :func:`~fastmcnemar.mcnemar_counts` call for all p-values and
    one :func:`~fastmcnemar.planning.tango_interval_many` call for the intervals.
    Continuous rows: the permutation test and the bootstrap on their paired scores,
    one row at a time.
    """
    n = rows.get_column("n").to_numpy().astype(np.int64)
    b = rows.get_column("b").to_numpy().astype(np.int64)
    c = rows.get_column("c").to_numpy().astype(np.int64)
    ref_sum = rows.get_column("reference_sum").to_numpy().astype(np.float64)
    cand_sum = rows.get_column("candidate_sum").to_numpy().astype(np.float64)
    binary = (rows.get_column("kind") == "binary").to_numpy()
    out: dict[str, Any] = {
        "task": rows.get_column("task").to_list(),
        "filter": rows.get_column("filter").to_list(),
        "metric": rows.get_column("metric").to_list(),
        "kind": rows.get_column("kind").to_list(),
        "method": [method] * rows.height,
        "n": n,
        "b": b,
        "c": c,
        "reference_accuracy": ref_sum / n,
        "candidate_accuracy": cand_sum / n,
        "delta": (b - c) / n,
        "ci_low": np.full(rows.height, np.nan),
        "ci_high": np.full(rows.height, np.nan),
        "flip_rate": (b + c) / n,
        "pvalue": np.full(rows.height, np.nan),
    }
    where = np.flatnonzero(binary)
    if where.size:
        out["pvalue"][where] = mcnemar_counts(
            b[where], c[where], alternative=alternative, method=method
        ).pvalue
        low, high = tango_interval_many(
            b[where], c[where], n[where], confidence_level=confidence_level
        )
        out["ci_low"][where], out["ci_high"][where] = low, high
    for i in np.flatnonzero(~binary).tolist():
        outcome = outcome_of(
            rows.row(i, named=True),
            alternative=alternative,
            confidence_level=confidence_level,
            n_resamples=n_resamples,
            seed=seed,
        )
        for name in ("method", "reference_accuracy", "candidate_accuracy", "delta", "ci_low",
                     "ci_high", "flip_rate", "pvalue"):  # fmt: skip
            out[name][i] = getattr(outcome, name)
    return out


def clustered_outcome_of(
    row: Mapping[str, Any],
    cluster_codes: np.ndarray[Any, Any] | None,
    *,
    cluster_method: str,
    alternative: Alternative,
    confidence_level: float,
    n_resamples: int,
    seed: int,
) -> tuple[TaskOutcome, ClusteredTestResult, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The clustered test of one row, and its suite units (cluster sums) and sizes.

    Binary rows are tested from their per-cluster counts (``row["clusters"]``),
    continuous rows from their scores with ``cluster_codes`` (one per doc, in
    ``doc_codes`` order). The interval is the cluster-robust (CR1) one.
    """
    from fastmcnemar.clustered import clustered_mcnemar_counts, clustered_test

    n = int(row["n"])
    b, c = int(row["b"]), int(row["c"])
    units: np.ndarray[Any, Any]
    if row["kind"] == "binary":
        parts = row["clusters"]
        n_k = np.asarray([p["n"] for p in parts], dtype=np.int64)
        b_k = np.asarray([p["b"] for p in parts], dtype=np.int64)
        c_k = np.asarray([p["c"] for p in parts], dtype=np.int64)
        res = clustered_mcnemar_counts(
            b_k, c_k, n_k, method=cluster_method, alternative=alternative,  # type: ignore[arg-type]
            confidence_level=confidence_level, n_resamples=n_resamples, rng=seed,
        )  # fmt: skip
        units = (b_k - c_k).astype(np.float64)
        sizes = n_k.astype(np.uint64)
        ref_mean, cand_mean = row["reference_sum"] / n, row["candidate_sum"] / n
    else:
        reference = np.asarray(row["reference_scores"], dtype=np.float64)
        candidate = np.asarray(row["candidate_scores"], dtype=np.float64)
        assert cluster_codes is not None
        res = clustered_test(
            reference, candidate, cluster_codes, method=cluster_method,  # type: ignore[arg-type]
            alternative=alternative, confidence_level=confidence_level,
            n_resamples=n_resamples, rng=seed,
        )  # fmt: skip
        k = int(np.max(cluster_codes)) + 1
        present = np.bincount(cluster_codes, minlength=k) > 0
        units = np.bincount(cluster_codes, weights=reference - candidate, minlength=k)[present]
        sizes = np.bincount(cluster_codes, minlength=k)[present].astype(np.uint64)
        ref_mean, cand_mean = float(reference.mean()), float(candidate.mean())
    low, high = res.confidence_interval
    outcome = TaskOutcome(
        row["task"], row["filter"], row["metric"], row["kind"],
        f"cluster {cluster_method} ({res.path})", n, b, c, ref_mean, cand_mean, res.delta,
        float(low), float(high), (b + c) / n, float(res.pvalue),
    )  # fmt: skip
    return outcome, res, units, sizes


def suite_units(row: Mapping[str, Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    """The sign-flip units of an unclustered row: its per-sample differences
    (a binary row known by its counts: b ones, c minus ones, the rest zeros)."""
    if row["kind"] == "binary":
        n, b, c = int(row["n"]), int(row["b"]), int(row["c"])
        return np.concatenate([np.ones(b), -np.ones(c), np.zeros(n - b - c)])
    return np.asarray(row["reference_scores"], dtype=np.float64) - np.asarray(
        row["candidate_scores"], dtype=np.float64
    )


__all__ = ["TaskOutcome", "clustered_outcome_of", "outcome_of", "suite_units", "test_columns"]
