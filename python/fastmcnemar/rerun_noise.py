"""The flip rate pure numerical noise produces, from reruns of one reference.

Even "lossless" changes (a rerun, another GPU, another batch size) flip 1-3%
of the answers at temperature 0. Given several runs of the same reference,
:func:`noise_floor` measures, per task, the flip rate between every pair of
runs (share of samples whose score differs) and reports its mean and spread.
A candidate whose flip rate against the reference sits inside this band
changes answers no more than noise does; :func:`fastmcnemar.compare` shows it
beside each task's flip rate when given ``reference_reruns=``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar._rerun_matrix import load_frames, rerun_matrices

#: Columns of :attr:`NoiseFloor.tasks`.
NOISE_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "n": pl.Int64(),
    "n_runs": pl.Int64(),
    "noise_flip_rate": pl.Float64(),
    "noise_flip_rate_std": pl.Float64(),
    "noise_flip_rate_min": pl.Float64(),
    "noise_flip_rate_max": pl.Float64(),
}


@dataclass(frozen=True)
class NoiseFloor:
    """Pairwise flip rates between reruns of one model, per task.

    Attributes
    ----------
    n_runs : int
        Number of runs compared.
    tasks : polars.DataFrame
        One row per (task, filter, metric): ``n`` samples, ``n_runs``, and the
        mean, standard deviation (over the ``n_runs (n_runs - 1) / 2`` pairs;
        0 for a single pair), minimum and maximum of the pairwise flip rate.
    """

    n_runs: int
    tasks: pl.DataFrame

    def to_text(self) -> str:
        """A plain-text table."""
        lines = [f"Noise floor from {self.n_runs} runs (pairwise flip rates)", ""]
        for row in self.tasks.iter_rows(named=True):
            lines.append(
                f"{row['task']} [{row['metric']}]: {100 * row['noise_flip_rate']:.2f}% "
                f"(sd {100 * row['noise_flip_rate_std']:.2f}, range "
                f"{100 * row['noise_flip_rate_min']:.2f}-{100 * row['noise_flip_rate_max']:.2f}%)"
                f", n = {row['n']}"
            )
        return "\n".join(lines)


def noise_floor_from_frames(
    frames: Sequence[pl.DataFrame], /, *, metric: str | None = None
) -> NoiseFloor:
    """:func:`noise_floor` on score frames already loaded (one per run)."""
    rows: list[dict[str, Any]] = []
    for matrix in rerun_matrices(frames, metric=metric):
        rates = matrix.pairwise_flip_rates()
        rows.append(
            {
                "task": matrix.task,
                "filter": matrix.filter,
                "metric": matrix.metric,
                "n": len(matrix.doc_ids),
                "n_runs": matrix.scores.shape[0],
                "noise_flip_rate": float(rates.mean()),
                "noise_flip_rate_std": float(rates.std(ddof=1)) if rates.size > 1 else 0.0,
                "noise_flip_rate_min": float(np.min(rates)),
                "noise_flip_rate_max": float(np.max(rates)),
            }
        )
    return NoiseFloor(n_runs=len(frames), tasks=pl.DataFrame(rows, schema=NOISE_COLUMNS))


def noise_floor(
    runs: Sequence[Any],
    /,
    *,
    metric: str | None = None,
    tasks: Sequence[str] | None = None,
) -> NoiseFloor:
    """Flip rate between reruns of the same model, per task.

    Parameters
    ----------
    runs : sequence of paths or polars.DataFrame
        At least two runs of the same reference (lm-eval output directories or
        files, per-sample score files, or score frames).
    metric : str, optional
        Only this metric (default: every per-sample metric).
    tasks : sequence of str, optional
        Only these tasks.

    Returns
    -------
    NoiseFloor

    Examples
    --------
    >>> import polars as pl
    >>> import fastmcnemar as fm
    >>> def run(scores):
    ...     return pl.DataFrame({"model": "m", "task": "t", "filter": "none", "metric": "acc",
    ...                          "doc_id": [str(i) for i in range(len(scores))],
    ...                          "score": scores, "doc_hash": None, "prompt_hash": None,
    ...                          "target_hash": None, "source": "x"},
    ...                         schema_overrides={"doc_hash": pl.Utf8, "prompt_hash": pl.Utf8,
    ...                                           "target_hash": pl.Utf8, "score": pl.Float64})
    >>> floor = fm.noise_floor([run([1, 1, 0, 0]), run([1, 0, 0, 0]), run([1, 1, 0, 1])])
    >>> floor.tasks.select("noise_flip_rate", "noise_flip_rate_max").row(0)
    (0.3333333333333333, 0.5)
    """
    return noise_floor_from_frames(load_frames(runs, tasks=tasks), metric=metric)


__all__ = ["NOISE_COLUMNS", "NoiseFloor", "noise_floor", "noise_floor_from_frames"]
