"""Turning what a caller passes to compare()/audit() into a loaded run."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar import _args
from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar.compare.frame_ops import one_value
from fastmcnemar.exceptions import InputFormatError, InputWarning
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.frames import score_frame
from fastmcnemar.ingest.lm_eval import NOT_TESTABLE_SCHEMA, load_lm_eval
from fastmcnemar.ingest.lm_eval_layout import RunResults
from fastmcnemar.ingest.remote import RemotePath, StorageOptions, is_remote, read_staged
from fastmcnemar.ingest.schema import validate_score_frame
from fastmcnemar.ingest.scores import read_scores
from fastmcnemar.ingest.selection import task_list

# No untestable metrics: each run gets its own empty copy (clear() takes a microsecond,
# building the empty frame from its schema 70 us).
_NONE_UNTESTABLE = pl.DataFrame(schema=NOT_TESTABLE_SCHEMA)


@dataclass(frozen=True)
class LoadedRun:
    """One side of a comparison: its scores plus what the harness said about it."""

    scores: pl.DataFrame
    label: str
    not_testable: pl.DataFrame = field(default_factory=_NONE_UNTESTABLE.clear)
    results: list[RunResults] = field(default_factory=list)
    superseded: list[Path | RemotePath] = field(default_factory=list)
    fmt: str = "frame"
    #: The scores' model column holds one value, no nulls (found once, when the run is
    #: labelled; False: not known).
    one_model: bool = False
    #: Where each samples line of an lm-eval run starts (see
    #: :attr:`~fastmcnemar.ingest.lm_eval.LmEvalData.line_starts`), when asked for.
    line_starts: pl.DataFrame | None = None

    def task_results(self) -> dict[str, dict[str, Any]]:
        """Merged results JSON sections keyed by task (later runs override earlier)."""
        merged: dict[str, dict[str, Any]] = {}
        for run in self.results:
            for section in (
                "results",
                "higher_is_better",
                "versions",
                "n-shot",
                "n-samples",
                "task_hashes",
                "configs",
            ):
                value = run.data.get(section)
                if isinstance(value, dict):
                    for task, entry in value.items():
                        merged.setdefault(str(task), {})[section] = entry
        return merged


def _loaded(frame: pl.DataFrame, fallback: str, **fields: Any) -> LoadedRun:
    """The run of ``frame``, labelled by its one model, else ``fallback``."""
    models = frame.get_column("model")
    if one_value(models):  # one model: no hashing of every row
        return LoadedRun(frame, str(models[0]), one_model=True, **fields)
    distinct = models.unique().to_list()
    return LoadedRun(frame, str(distinct[0]) if len(distinct) == 1 else fallback, **fields)


def _restrict_tasks(frame: pl.DataFrame, tasks: Sequence[str] | None) -> pl.DataFrame:
    wanted = task_list(tasks)
    if wanted is None:
        return frame
    out = frame.filter(pl.col("task").is_in(wanted))
    if out.height == 0 and frame.height:
        known = sorted(set(frame.get_column("task").to_list()))
        raise InputFormatError(
            f"none of the tasks {', '.join(wanted)} found (tasks: {', '.join(known)})"
        )
    return out


def load_run(
    run: Any,
    *,
    side: str,
    model: str | None = None,
    tasks: Sequence[str] | None = None,
    timestamp: str | None = None,
    storage_options: StorageOptions | None = None,
    epochs: str = "cluster",
    line_starts: bool = False,
) -> LoadedRun:
    """A path (any supported format), a remote URI or a score frame, read and checked.

    A remote run (``s3://``, ``gs://``, ``az://``, ``hf://``, any fsspec URI) is
    staged once and read by the same code as a local one; its sources, metadata
    paths, warnings and errors name the URI (:mod:`fastmcnemar.ingest.remote`).
    ``epochs`` (Inspect logs run over several epochs): ``"cluster"`` keeps one
    row per (sample, epoch), doc id ``"<id>#<epoch>"``, so that a clustered
    comparison treats the epochs of one sample as one cluster; ``"mean"``
    reads the log's epoch-reduced score per sample (the mean by default).
    ``line_starts``: an lm-eval run also records where each samples line starts, so
    that the flipped samples' lines can be read again alone (:mod:`.flip_texts`).
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    epochs = _args.choice("epochs", epochs, ("cluster", "mean"))
    if isinstance(run, LoadedRun):
        return run
    if is_remote(run):
        return read_staged(
            run,
            storage_options,
            lambda local: load_run(
                local, side=side, model=model, tasks=tasks, timestamp=timestamp, epochs=epochs
            ),
        )
    frame = score_frame(run, what=side)
    if frame is not None:
        if model is not None:
            frame = frame.filter(pl.col("model") == model)
            if frame.height == 0:
                raise InputFormatError(f"{side}: no rows of model {model!r}")
        frame = _restrict_tasks(frame, tasks)
        return _loaded(frame, side)
    if not isinstance(run, (str, os.PathLike)):
        raise InputFormatError(
            f"{side}: expected a path or a table (polars or pandas DataFrame, or an object "
            f"with __arrow_c_stream__), got {type(run).__name__}"
        )
    path = Path(run)
    fmt = detect_format(path)
    if fmt == "lm_eval":
        data = load_lm_eval(
            path, tasks=tasks, model=model, timestamp=timestamp, line_starts=line_starts
        )
        if data.superseded:
            warnings.warn(
                f"{side} {path}: older runs passed over (the newest run of each task is "
                f"used): {', '.join(p.name for p in data.superseded)}",
                InputWarning,
                stacklevel=3,
            )
        return _loaded(
            data.scores,
            str(path),
            not_testable=data.not_testable,
            results=data.results,
            superseded=data.superseded,
            fmt=fmt,
            line_starts=data.line_starts,
        )
    if fmt == "scores":
        frame = read_scores(path, model=model)
        models = frame.get_column("model").unique().to_list()
        if model is not None and len(models) > 1:
            # a file holding several models: model= picks one (else it only labels)
            frame = frame.filter(pl.col("model") == model)
            if frame.height == 0:
                raise InputFormatError(
                    f"{side}: no rows of model {model!r} (models: {', '.join(sorted(models))})"
                )
        frame = _restrict_tasks(frame, tasks)
        return _loaded(frame, str(path), fmt=fmt)
    # Other registered formats (inspect_ai, lighteval, ...) load through detect.
    from fastmcnemar.ingest.detect import FORMATS

    loader = next(f for f in FORMATS if f.name == fmt)
    results: list[RunResults] = []
    if fmt == "inspect":
        raw, results = _inspect_run(path, epochs)
    elif loader.load_run is not None:
        raw, results = loader.load_run(path)
    else:
        raw = loader.load(path)
    frame = validate_score_frame(raw, what=f"{side} {path}")
    if model is not None:
        frame = frame.filter(pl.col("model") == model)
        results = [r for r in results if r.model in (None, model)]
    frame = _restrict_tasks(frame, tasks)
    return _loaded(frame, str(path), results=results, fmt=fmt)


def _inspect_run(path: Path, epochs: str) -> tuple[pl.DataFrame, list[RunResults]]:
    """An Inspect run, per (sample, epoch) when it has several epochs and
    ``epochs="cluster"``, else epoch-reduced."""
    from fastmcnemar.ingest.inspect_logs import _as_run_results, read_inspect_runs

    frame, metas = read_inspect_runs(path)
    several = any(isinstance(m.get("epochs"), int) and m["epochs"] > 1 for m in metas)
    if epochs == "cluster" and several:
        frame, metas = read_inspect_runs(path, pairing="epoch")
    return frame, [_as_run_results(m) for m in metas]


def is_per_epoch(run: LoadedRun) -> bool:
    """True when ``run`` holds Inspect scores per (sample, epoch)."""
    return any(
        isinstance(r.data.get("config"), dict) and r.data["config"].get("pairing") == "epoch"
        for r in run.results
    )


__all__ = ["LoadedRun", "is_per_epoch", "load_run"]
