"""Several runs of the same model, lined up sample by sample.

Shared by :mod:`fastmcnemar.rerun_noise` and :mod:`fastmcnemar.shrinking`: every
run's score frame (the per-sample schema of :mod:`fastmcnemar.ingest.schema`)
becomes, per (task, filter, metric), a runs x samples matrix over the same
sorted doc ids. Runs of the same reference must hold the same samples; any
difference is a :class:`~fastmcnemar.exceptions.PairingError` naming the task.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from fastmcnemar.exceptions import InputFormatError, InvalidArgumentError, PairingError

KEY = ("task", "filter", "metric")


@dataclass(frozen=True)
class RerunMatrix:
    """Scores of one (task, filter, metric) in every run."""

    task: str
    filter: str
    metric: str
    doc_ids: list[str]
    scores: npt.NDArray[np.float64]  # shape (runs, samples)

    def changed(self) -> npt.NDArray[np.bool_]:
        """Per sample: True when its score is not the same in every run."""
        return np.asarray(np.any(self.scores != self.scores[0], axis=0))

    def pairwise_flip_rates(self) -> npt.NDArray[np.float64]:
        """Share of samples whose score differs, for every pair of runs."""
        runs = self.scores.shape[0]
        rates = [
            float(np.mean(self.scores[i] != self.scores[j]))
            for i in range(runs)
            for j in range(i + 1, runs)
        ]
        return np.asarray(rates, dtype=np.float64)


def load_frames(runs: Sequence[Any], *, tasks: Sequence[str] | None = None) -> list[pl.DataFrame]:
    """Score frames of the given runs: frames are taken as they are, anything
    else (a path) is read like :func:`fastmcnemar.compare` reads its inputs."""
    if isinstance(runs, (str, bytes, pl.DataFrame)) or len(runs) < 2:
        raise InvalidArgumentError(
            "runs must be a sequence of at least 2 runs of the same model (paths or score frames)"
        )
    frames = []
    for index, run in enumerate(runs):
        if isinstance(run, pl.DataFrame):
            missing = [c for c in (*KEY, "doc_id", "score") if c not in run.columns]
            if missing:
                raise InputFormatError(
                    f"run {index + 1}: the score frame lacks column(s) {', '.join(missing)}"
                )
            frame = run if tasks is None else run.filter(pl.col("task").is_in(list(tasks)))
        else:
            frame = _read_run(run, index, tasks)
        frames.append(frame)
    return frames


def _read_run(run: Any, index: int, tasks: Sequence[str] | None) -> pl.DataFrame:
    """A run given as a path, read the way :func:`fastmcnemar.compare` reads it."""
    try:
        loading = importlib.import_module("fastmcnemar.compare.loading")
    except ModuleNotFoundError:  # a build without the harness readers
        raise InputFormatError(
            f"run {index + 1}: reading runs from files needs fastmcnemar's readers; "
            "pass score frames instead"
        ) from None
    frame: pl.DataFrame = loading.load_run(run, side=f"run {index + 1}", tasks=tasks).scores
    return frame


def rerun_matrices(
    frames: Sequence[pl.DataFrame], *, metric: str | None = None
) -> Iterator[RerunMatrix]:
    """One matrix per (task, filter, metric) present in every run."""
    keyed = []
    for index, frame in enumerate(frames):
        if metric is not None:
            frame = frame.filter(pl.col("metric") == metric)
        keyed.append(
            {tuple(key): group for key, group in frame.group_by(list(KEY), maintain_order=True)}
        )
        if not keyed[-1]:
            what = f" for metric {metric!r}" if metric is not None else ""
            raise InputFormatError(f"run {index + 1} has no per-sample scores{what}")
    common = [key for key in keyed[0] if all(key in other for other in keyed[1:])]
    if not common:
        raise PairingError("the runs share no (task, filter, metric): are they of the same tasks?")
    for key in sorted(common):
        task, filt, met = (str(part) for part in key)
        columns = []
        doc_ids: list[str] | None = None
        for index, groups in enumerate(keyed):
            group = groups[key].sort("doc_id")
            ids = group.get_column("doc_id").to_list()
            if len(set(ids)) != len(ids):
                raise PairingError(f"task {task!r}: run {index + 1} has duplicate doc ids")
            if doc_ids is None:
                doc_ids = ids
            elif ids != doc_ids:
                missing = sorted(set(doc_ids) ^ set(ids))[:3]
                raise PairingError(
                    f"task {task!r} (filter {filt!r}, metric {met!r}): run {index + 1} does not "
                    f"hold the same samples as run 1 (e.g. doc ids {missing}); reruns of one "
                    "reference must cover the same samples"
                )
            columns.append(group.get_column("score").to_numpy().astype(np.float64))
        assert doc_ids is not None
        yield RerunMatrix(task, filt, met, doc_ids, np.vstack(columns))


__all__ = ["RerunMatrix", "load_frames", "rerun_matrices"]
