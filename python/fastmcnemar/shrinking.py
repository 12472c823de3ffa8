"""Shrinking an evaluation to the samples that can flip.

A sample that every rerun of the reference answers the same way (right in all
runs or wrong in all) carries almost no information about a candidate: the
test's signal-to-noise ratio, about delta sqrt(N / p), is unchanged when those
samples are dropped, because the flips (and the drop delta, counted per kept
sample) concentrate on the samples that remain. :func:`shrink` keeps exactly
the samples whose score changed in at least one of R reruns of the reference
(for instance 10 runs at temperature 0.3) and writes the kept doc ids per task.

The kept set must come from reference reruns, never from the comparison being
tested (that would select on the outcome).

Expected power before and after assumes the candidate's extra flips fall on the
kept samples (the premise of shrinking): with noise flip rate p0 (mean pairwise
rate between reruns) and a drop delta, the full set has flip rate p0 + delta;
after keeping N_k of N samples both rates scale by N / N_k.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar import _args
from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar._rerun_matrix import load_frames, rerun_matrices
from fastmcnemar.exceptions import InvalidArgumentError
from fastmcnemar.planning import power as exact_power

#: Columns of :attr:`ShrinkResult.tasks`.
SHRINK_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "n": pl.Int64(),
    "n_kept": pl.Int64(),
    "kept_share": pl.Float64(),
    "noise_flip_rate": pl.Float64(),
    "power_before": pl.Float64(),
    "power_after": pl.Float64(),
}

_INTEGER = re.compile(r"-?\d+\Z")


def _doc_order(doc_id: str) -> tuple[int, int, str]:
    return (0, int(doc_id), "") if _INTEGER.match(doc_id) else (1, 0, doc_id)


@dataclass(frozen=True)
class ShrinkResult:
    """Which samples to keep, per task, and what that does to the power.

    Attributes
    ----------
    doc_ids : dict[str, list[str]]
        Per task, the kept doc ids (samples whose score changed in some rerun,
        under any filter or metric), in numeric order where they are numbers.
    tasks : polars.DataFrame
        Per task: ``n`` samples, ``n_kept``, ``kept_share``, ``noise_flip_rate``
        (mean pairwise flip rate between reruns, a sample counting as flipped
        when any of its metrics changed), and the exact power of the one-sided
        McNemar test against a drop of ``delta`` before and after shrinking
        (``power_after`` is null when nothing is kept).
    n_runs : int
        Number of reruns used.
    delta, alpha : float
        The drop and level the power refers to.
    """

    doc_ids: dict[str, list[str]]
    tasks: pl.DataFrame
    n_runs: int
    delta: float
    alpha: float

    def samples_json(self) -> str:
        """The kept doc ids as lm-eval's ``--samples`` JSON (``{task: [ids]}``; ids
        are numbers where every id of the task is one)."""
        out: dict[str, list[int] | list[str]] = {}
        for task, ids in self.doc_ids.items():
            if all(_INTEGER.match(i) for i in ids):
                out[task] = [int(i) for i in ids]
            else:
                out[task] = list(ids)
        return json.dumps(out)

    def write(self, path: str | Path, *, inputs: Sequence[str | Path] = ()) -> None:
        """Write :meth:`samples_json` to ``path`` atomically (a failed write leaves
        the old file as it was); refuses a path that is, or lies inside, one of
        ``inputs`` (the runs read)."""
        from fastmcnemar._output_files import refuse_input_overlap, write_text_atomic

        refuse_input_overlap(path, inputs)
        write_text_atomic(path, self.samples_json() + "\n")

    def to_text(self) -> str:
        """A plain-text report."""
        lines = [
            f"Samples that flipped in at least one of {self.n_runs} reruns "
            f"(power of the one-sided McNemar test against a {100 * self.delta:.2f} pt drop "
            f"at alpha {self.alpha:g})",
            "",
        ]
        for row in self.tasks.iter_rows(named=True):
            after = row["power_after"]
            lines.append(
                f"{row['task']}: keep {row['n_kept']:,} of {row['n']:,} "
                f"({100 * row['kept_share']:.1f}%), noise flip rate "
                f"{100 * row['noise_flip_rate']:.2f}%, power {row['power_before']:.3f} -> "
                + ("n/a (nothing flips)" if after is None else f"{after:.3f}")
            )
        return "\n".join(lines)


def _power_or_none(n: int, flip_rate: float, delta: float, alpha: float) -> float | None:
    if n < 1 or flip_rate <= 0.0:
        return None
    flip_rate = min(flip_rate, 1.0)
    return exact_power(n, flip_rate, min(delta, flip_rate), alpha=alpha)


def shrink_frames(
    frames: Sequence[pl.DataFrame],
    /,
    *,
    delta: float = 0.01,
    alpha: float = 0.05,
    metric: str | None = None,
) -> ShrinkResult:
    """:func:`shrink` on score frames already loaded (one per rerun)."""
    delta = _args.real("delta", delta)
    if not 0.0 < delta <= 1.0:
        raise InvalidArgumentError(f"delta must lie in (0, 1] (an accuracy drop), got {delta!r}")
    alpha = _args.level("alpha", alpha)
    # Per task: which samples changed under any (filter, metric), and the
    # pairwise "any metric differs" flip rate.
    changed: dict[str, dict[str, bool]] = {}
    differs: dict[str, dict[str, np.ndarray[Any, Any]]] = {}
    for matrix in rerun_matrices(frames, metric=metric):
        flags = changed.setdefault(matrix.task, {})
        pairs = differs.setdefault(matrix.task, {})
        runs = matrix.scores.shape[0]
        pair_flags = np.array(
            [matrix.scores[i] != matrix.scores[j] for i in range(runs) for j in range(i + 1, runs)]
        )
        for position, (doc_id, flag) in enumerate(
            zip(matrix.doc_ids, matrix.changed(), strict=True)
        ):
            flags[doc_id] = flags.get(doc_id, False) or bool(flag)
            previous = pairs.get(doc_id)
            column = pair_flags[:, position]
            pairs[doc_id] = column if previous is None else (previous | column)
    doc_ids: dict[str, list[str]] = {}
    rows = []
    for task in sorted(changed):
        flags = changed[task]
        kept = sorted((d for d, flag in flags.items() if flag), key=_doc_order)
        doc_ids[task] = kept
        n, n_kept = len(flags), len(kept)
        noise = float(np.mean(np.vstack(list(differs[task].values())))) if flags else 0.0
        before = _power_or_none(n, noise + delta, delta, alpha)
        scale = n / n_kept if n_kept else math.inf
        after = (
            _power_or_none(n_kept, (noise + delta) * scale, delta * scale, alpha)
            if n_kept
            else None
        )
        rows.append(
            {
                "task": task,
                "n": n,
                "n_kept": n_kept,
                "kept_share": n_kept / n if n else 0.0,
                "noise_flip_rate": noise,
                "power_before": before,
                "power_after": after,
            }
        )
    return ShrinkResult(
        doc_ids=doc_ids,
        tasks=pl.DataFrame(rows, schema=SHRINK_COLUMNS),
        n_runs=len(frames),
        delta=float(delta),
        alpha=float(alpha),
    )


def shrink(
    runs: Sequence[Any],
    /,
    *,
    delta: float = 0.01,
    alpha: float = 0.05,
    metric: str | None = None,
    tasks: Sequence[str] | None = None,
) -> ShrinkResult:
    """Keep only the samples that flipped in some rerun of the reference.

    Parameters
    ----------
    runs : sequence of paths or polars.DataFrame
        At least two reruns of the reference (lm-eval output directories or
        files, per-sample score files, or score frames), e.g. 10 runs at a small
        temperature.
    delta : float, default 0.01
        Drop the reported power refers to (0.01 = one accuracy point on the
        full task).
    alpha : float, default 0.05
        Level of the test the power refers to.
    metric : str, optional
        Decide on this metric only (default: a sample is kept when any of its
        per-sample metrics changed).
    tasks : sequence of str, optional
        Only these tasks.

    Returns
    -------
    ShrinkResult
        ``result.write(path)`` writes ``{task: [doc ids]}`` for lm-eval's
        ``--samples``.

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
    >>> result = fm.shrink([run([1, 1, 0, 0, 1]), run([1, 0, 0, 0, 1]), run([1, 1, 0, 1, 1])])
    >>> result.doc_ids
    {'t': ['1', '3']}
    >>> result.samples_json()
    '{"t": [1, 3]}'
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    return shrink_frames(load_frames(runs, tasks=tasks), delta=delta, alpha=alpha, metric=metric)


__all__ = ["SHRINK_COLUMNS", "ShrinkResult", "shrink", "shrink_frames"]
