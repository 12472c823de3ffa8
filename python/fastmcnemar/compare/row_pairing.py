"""The row-by-row pairing of a candidate: every failed check explained.

Used when the columnar pass (:mod:`fastmcnemar.compare.columnar`) found
something to explain, or cannot apply: :func:`fastmcnemar.pair_report` raises or
warns with the message that names the task, the doc ids and the files, and what
it pairs (when asked to pair anyway) is reduced to TaskStats rows one task at a
time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from fastmcnemar.compare.columnar import stats_rows
from fastmcnemar.compare.loading import LoadedRun
from fastmcnemar.compare.metrics import Choice
from fastmcnemar.pairing import PairingReport, pair_report

if TYPE_CHECKING:
    from fastmcnemar.compare.engine import ReferenceIndex

_TRIPLES = ["task", "filter", "metric"]


def checked_pairing(
    index: ReferenceIndex, cand: LoadedRun, choices: list[Choice], name: str
) -> tuple[pl.DataFrame, PairingReport]:
    """The row-by-row path: :func:`pair_report` names every failed check (and raises or
    warns as asked); used when the columnar pass found something to explain, and for
    clustered comparisons (each sample keeps its doc code, which gives its cluster)."""
    chosen = pl.DataFrame(
        {"task": [c.task for c in choices], "filter": [c.filter for c in choices],
         "metric": [c.metric for c in choices]},
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
    )  # fmt: skip
    report = pair_report(
        index.run.scores.join(chosen, on=_TRIPLES, how="semi"),
        cand.scores.join(chosen, on=_TRIPLES, how="semi"),
        allow_hash_mismatch=index.allow_hash_mismatch,
        allow_missing=index.allow_missing,
    )
    paired = report.paired.with_columns(
        index.doc_codes(report.paired.get_column("doc_id")).alias("code")
    )
    rows: list[dict[str, Any]] = []
    for choice in choices:
        part = paired.filter(
            (pl.col("task") == choice.task)
            & (pl.col("filter") == choice.filter)
            & (pl.col("metric") == choice.metric)
        )
        row = _stats_row(
            name,
            choice.task,
            choice.filter,
            choice.metric,
            choice.lower_is_better,
            part.get_column("code").to_numpy(),
            part.get_column("reference").to_numpy().astype(np.float64),
            part.get_column("candidate").to_numpy().astype(np.float64),
        )
        if index.clusters is not None:
            row["clusters"] = _cluster_counts(index, choice.task, part, choice.lower_is_better)
        rows.append(row)
    return stats_rows(rows), report


def _cluster_counts(
    index: ReferenceIndex, task: str, part: pl.DataFrame, lower_is_better: bool
) -> list[dict[str, int]]:
    """Per-cluster {cluster, n, b, c} of one task (b, c for 0/1 scores; n for any)."""
    assert index.clusters is not None
    codes = part.get_column("code").to_numpy()
    cluster = index.clusters.of(task, codes, index.doc_ids)
    ref = part.get_column("reference").to_numpy().astype(np.float64)
    cand = part.get_column("candidate").to_numpy().astype(np.float64)
    if lower_is_better:
        ref, cand = -ref, -cand
    k = int(cluster.max()) + 1 if cluster.size else 0
    n = np.bincount(cluster, minlength=k)
    b = np.bincount(cluster, weights=(ref > cand).astype(np.float64), minlength=k)
    c = np.bincount(cluster, weights=(cand > ref).astype(np.float64), minlength=k)
    return [
        {"cluster": j, "n": int(n[j]), "b": int(b[j]), "c": int(c[j])} for j in range(k) if n[j] > 0
    ]


def _stats_row(
    candidate: str,
    task: str,
    filt: str,
    metric: str,
    lower_is_better: bool,
    codes: np.ndarray[Any, Any],
    reference: np.ndarray[Any, np.dtype[np.float64]],
    cand: np.ndarray[Any, np.dtype[np.float64]],
) -> dict[str, Any]:
    binary = bool(np.all((reference == 0.0) | (reference == 1.0))) and bool(
        np.all((cand == 0.0) | (cand == 1.0))
    )
    if lower_is_better:
        # Oriented so that higher is better: 1 - x keeps binary scores binary.
        reference, cand = (1.0 - reference, 1.0 - cand) if binary else (-reference, -cand)
    row: dict[str, Any] = {
        "candidate": candidate,
        "task": task,
        "filter": filt,
        "metric": metric,
        "lower_is_better": lower_is_better,
        "kind": "binary" if binary else "continuous",
        "n": int(reference.size),
        "b": int(np.count_nonzero(reference > cand)),
        "c": int(np.count_nonzero(cand > reference)),
        "reference_sum": float(reference.sum()),
        "candidate_sum": float(cand.sum()),
        "doc_codes": None,
        "reference_scores": None,
        "candidate_scores": None,
        "clusters": None,
    }
    if not binary:
        order = np.argsort(codes, kind="stable")
        row["doc_codes"] = codes[order].tolist()
        row["reference_scores"] = reference[order].tolist()
        row["candidate_scores"] = cand[order].tolist()
    return row


__all__ = ["checked_pairing"]
