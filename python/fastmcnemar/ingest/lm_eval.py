"""Per-sample scores from EleutherAI lm-evaluation-harness ``--log_samples`` output.

Every 0.4.x layout is read (see :mod:`.lm_eval_layout`): 0.4.3+ timestamped JSONL
with hashes and, from 0.4.7, ``filter``/``metrics`` fields; 0.4.0-0.4.2 JSON
arrays that repeat each doc once per filter. Only ``doc_id``, ``filter``, the
three hashes and the metric values are read from each line.

Per-doc metric values that are numbers or booleans become rows of the score
frame. List-valued values (ifeval's per-instruction lists) and corpus-level
``[gold, pred]`` pairs (f1, bleu, perplexity) have no per-sample score a paired
test can use: they are never coerced. :func:`read_lm_eval` leaves them out with
one :class:`~fastmcnemar.InputWarning` naming them, and
:func:`lm_eval_metrics` lists every metric with its kind.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar._fork_guard import check_fork_safe
from fastmcnemar._lm_eval_names import TEXT_KEYS
from fastmcnemar.exceptions import InputFormatError, InputWarning
from fastmcnemar.ingest.jsonl import (
    LINE_START,
    line_of_record,
    outlines,
    read_json_array,
    read_keys,
    records_at,
)
from fastmcnemar.ingest.lm_eval_keys import (
    LAYOUT_SKIP,
    classify,
    examples,
    wanted_tasks,
)
from fastmcnemar.ingest.lm_eval_layout import RunResults, SamplesFile, discover
from fastmcnemar.ingest.remote import RemotePath, StorageOptions, is_remote, read_staged
from fastmcnemar.ingest.schema import NO_FILTER, SCORE_SCHEMA, empty_score_frame
from fastmcnemar.ingest.selection import task_list

#: Most samples files read at once by :func:`load_lm_eval`.
_MAX_FILES_IN_FLIGHT = 8

NOT_TESTABLE_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.Utf8(),
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "reason": pl.Utf8(),
    "source": pl.Utf8(),
}


@dataclass(frozen=True)
class LmEvalData:
    """Everything read from one lm-eval path: scores, what was left out, run metadata."""

    scores: pl.DataFrame
    not_testable: pl.DataFrame
    results: list[RunResults] = field(default_factory=list)
    superseded: list[Path | RemotePath] = field(default_factory=list)
    #: Where each line of the JSON-lines samples files starts: task, filter, doc_id,
    #: source, ``_line_start`` (a byte offset), one row per line; read on request
    #: (``line_starts=True``), so that a flipped sample's line is read again alone.
    line_starts: pl.DataFrame | None = None

    @property
    def models(self) -> list[str]:
        return sorted(set(self.scores.get_column("model").to_list()))


def _filter_names(results: RunResults | None, task: str) -> list[str]:
    """The task's filters in lm-eval's order (for files without a ``filter`` field)."""
    if results is None:
        return [NO_FILTER]
    config = results.data.get("configs", {}).get(task, {})
    filter_list = config.get("filter_list") if isinstance(config, dict) else None
    if isinstance(filter_list, list):
        names = [f.get("name") for f in filter_list if isinstance(f, dict)]
        if names and all(isinstance(n, str) for n in names):
            return [str(n) for n in names]
    seen: list[str] = []
    task_results = results.data.get("results", {}).get(task, {})
    for key in task_results if isinstance(task_results, dict) else ():
        if "," in key and "_stderr," not in key:
            name = key.split(",", 1)[1]
            if name not in seen:
                seen.append(name)
    return seen or [NO_FILTER]


def _assign_filters(frame: pl.DataFrame, sample: SamplesFile) -> pl.DataFrame:
    """Files without a ``filter`` field repeat each doc once per filter, in order."""
    names = _filter_names(sample.results, sample.task)
    occurrence = frame.select(pl.int_range(pl.len()).over("doc_id").alias("occurrence"))
    max_seen = int(occurrence.get_column("occurrence").max() or 0)  # type: ignore[arg-type]
    if max_seen >= len(names):
        if len(names) == 1 and names[0] == NO_FILTER:
            return frame.with_columns(pl.lit(NO_FILTER).alias("filter"))
        raise InputFormatError(
            f"{sample.path}: task {sample.task!r}: a doc_id appears {max_seen + 1} times "
            f"but the task has {len(names)} filter(s) ({', '.join(names)})"
        )
    lookup = pl.Series("filter", names, dtype=pl.Utf8)
    return frame.with_columns(lookup.gather(occurrence.get_column("occurrence")).alias("filter"))


def _read_columns(
    sample: SamplesFile, keep: list[str], examples: dict[str, Any], line_starts: bool
) -> pl.DataFrame:
    """The wide frame: ids, filter, hashes and the kept metrics, one row per line (and
    where each line starts, when ``line_starts`` and the file is JSON lines)."""
    schema: dict[str, pl.DataType] = {key: pl.Utf8() for key in TEXT_KEYS}
    # Polars will not read true/false into a float column: ifeval-style boolean
    # metrics are read as Boolean and come back as 0/1 floats.
    schema.update(
        {m: pl.Boolean() if isinstance(examples[m], bool) else pl.Float64() for m in keep}
    )
    path = sample.path
    if sample.legacy:
        return read_json_array(path, schema)
    return read_keys(path, schema, line_starts=line_starts)


def _later_filters_first_lines(path: Path, frame: pl.DataFrame) -> list[dict[str, Any]]:
    """The first line of each filter after the first, when there are three or more.

    lm-eval writes one filter's block after another, so the first and the last
    line show the first and the last filter's metrics; a middle filter's own
    metrics are only seen on its lines.
    """
    filters = frame.get_column("filter")
    if filters.null_count() or filters.n_unique() < 3:
        return []
    starts = (
        frame.select("filter")
        .with_row_index("row")
        .group_by("filter", maintain_order=True)
        .agg(pl.col("row").first())
        .get_column("row")
        .to_list()
    )
    return records_at(path, {int(row) for row in starts if row}, skip=LAYOUT_SKIP)


@dataclass(frozen=True)
class _FileColumns:
    """One samples file as read: its wide frame (doc_id, filter, the hashes, the kept
    metrics, and ``_line_start`` when asked for and the file is JSON lines), the kept
    metrics and the not-testable ones."""

    sample: SamplesFile
    wide: pl.DataFrame
    keep: list[str]
    not_testable: list[dict[str, str]]


def _read_file(
    sample: SamplesFile,
    metrics: set[str] | None,
    line_starts: bool = False,
    ends: tuple[dict[str, Any], dict[str, Any] | None] | None = None,
) -> _FileColumns:
    """One samples file, read and checked (``ends``: its first and last records, when
    already outlined)."""
    path = sample.path
    if sample.legacy:
        import json

        from fastmcnemar.ingest.safe_io import loads, read_bounded

        try:
            records = loads(read_bounded(path), str(path))
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise InputFormatError(f"{path}: not valid JSON ({err})") from None
        if not isinstance(records, list) or not records or not isinstance(records[0], dict):
            raise InputFormatError(f"{path}: expected a non-empty JSON array of samples")
        first: dict[str, Any] = records[0]
        last: dict[str, Any] | None = records[-1] if isinstance(records[-1], dict) else None
    else:
        # Files are written one filter after another: the last line shows the last
        # filter's metrics, which may differ from the first filter's. Both are found
        # and walked in Rust and come back without their prompt text.
        [(first, last)] = [ends] if ends is not None else outlines([path], LAYOUT_SKIP)
    if "doc_id" not in first:
        raise InputFormatError(f"{path}: line 1 has no 'doc_id': not an lm-eval samples file")
    found, origin = examples([first, last or {}])
    keep, not_testable = classify(sample, found, origin, metrics)
    frame = _read_columns(sample, keep, found, line_starts)
    if frame.height == 0:
        raise InputFormatError(f"{path}: no samples (the file is empty)")
    if not sample.legacy:
        more, more_origin = examples(_later_filters_first_lines(path, frame))
        new = [key for key in more if key not in found]
        if new:
            found.update({key: more[key] for key in new})
            origin.update({key: more_origin[key] for key in new})
            keep, not_testable = classify(sample, found, origin, metrics)
            frame = _read_columns(sample, keep, found, line_starts)
    doc_ids = frame.get_column("doc_id")
    if doc_ids.null_count():
        row = int(doc_ids.is_null().arg_true()[0])
        where = f"entry {row}" if sample.legacy else f"line {line_of_record(path, row)}"
        raise InputFormatError(
            f"{path}: {where} has no 'doc_id' ({doc_ids.null_count()} sample(s) without one)"
        )
    if frame.get_column("filter").null_count() == frame.height:
        frame = _assign_filters(frame, sample)
    elif frame.get_column("filter").null_count():
        raise InputFormatError(f"{path}: some lines have a 'filter' field and some do not")
    return _FileColumns(sample, frame, keep, not_testable)


def _long_scores(
    files: list[_FileColumns],
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """The files' wide frames as one long score frame (one row per line and metric, in
    the files' order, each file's metrics one after another, as an unpivot of each file
    would give), and where each line starts (task, filter, doc_id, source,
    ``_line_start``) when the frames have it.

    Built for all files at once from the files' own columns, laid end to end, instead of
    four or five Polars queries per file.
    """
    kept = [f for f in files if f.keep]
    if not kept:
        return empty_score_frame(), None
    # One block of rows per (file, metric): the file's id columns again (chunks that
    # share the file's buffers: nothing is copied), the metric's name and its scores.
    blocks = [(i, f, metric) for i, f in enumerate(kept) for metric in f.keep]
    block_rows = [f.wide.height for _, f, _ in blocks]
    ids = pl.DataFrame(
        [pl.concat([f.wide.get_column(name) for _, f, _ in blocks]).alias(name)
         for name in TEXT_KEYS]
    )  # fmt: skip
    long = ids.with_columns(
        pl.Series("_file", np.repeat([i for i, _, _ in blocks], block_rows)),
        pl.Series("metric", [m for _, _, m in blocks]).gather(
            np.repeat(np.arange(len(blocks)), block_rows)
        ),
        pl.concat([f.wide.get_column(m).cast(pl.Float64) for _, f, m in blocks]).alias("score"),
    )
    # A metric logged for one filter only is absent (null) on the other filter's lines.
    if long.get_column("score").null_count():
        long = long.filter(pl.col("score").is_not_null().any().over(["_file", "filter", "metric"]))
    by_file = long.get_column("_file")
    scores = long.with_columns(
        _by_file([f.sample.model for f in kept], by_file, "model"),
        _by_file([f.sample.task for f in kept], by_file, "task"),
        _by_file([str(f.sample.path) for f in kept], by_file, "source"),
    )
    scores = scores.select(list(SCORE_SCHEMA)).cast(SCORE_SCHEMA)  # type: ignore[arg-type]
    with_starts = [f for f in kept if LINE_START in f.wide.columns]
    if not with_starts:
        return scores, None
    file_of_line = np.repeat(np.arange(len(with_starts)), [f.wide.height for f in with_starts])
    starts = pl.DataFrame(
        [
            _by_file([f.sample.task for f in with_starts], file_of_line, "task"),
            _stacked(with_starts, "filter"),
            _stacked(with_starts, "doc_id"),
            _by_file([str(f.sample.path) for f in with_starts], file_of_line, "source"),
            _stacked(with_starts, LINE_START),
        ]
    )
    return scores, starts


def _stacked(files: list[_FileColumns], name: str) -> pl.Series:
    """Column ``name`` of every file, end to end."""
    return pl.concat([f.wide.get_column(name) for f in files]).alias(name)


def _by_file(values: list[str], file_of_row: Any, name: str) -> pl.Series:
    """One text per file, repeated down that file's rows."""
    return pl.Series(name, values, dtype=pl.Utf8).gather(file_of_row)


def _outlined(
    files: list[SamplesFile],
) -> list[tuple[dict[str, Any], dict[str, Any] | None] | None]:
    """The first and last records of the JSON-lines files, outlined in one parallel
    call (None for a JSON-array file, and for every file when one cannot be outlined:
    each is then outlined alone, for the error naming it)."""
    lines = [f for f in files if not f.legacy]
    try:
        found = iter(outlines([f.path for f in lines], LAYOUT_SKIP))
    except InputFormatError:
        return [None] * len(files)
    return [None if f.legacy else next(found) for f in files]


def load_lm_eval(
    path: str | os.PathLike[str],
    *,
    tasks: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    model: str | None = None,
    timestamp: str | None = None,
    storage_options: StorageOptions | None = None,
    line_starts: bool = False,
) -> LmEvalData:
    """Read an lm-eval path into scores, not-testable metrics and run metadata.

    The quiet form of :func:`read_lm_eval`: nothing is warned, everything left
    out is returned (``not_testable``, ``superseded``); ``line_starts``: also where
    each samples line starts (:attr:`LmEvalData.line_starts`).
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    if is_remote(path):
        return read_staged(
            str(path),
            storage_options,
            lambda local: load_lm_eval(
                local, tasks=tasks, metrics=metrics, model=model, timestamp=timestamp
            ),  # a staged copy is gone once read: no line starts to read again
        )
    found = discover(path, model=model, timestamp=timestamp)
    files = found.files
    tasks = task_list(tasks)
    if tasks is not None:
        wanted = wanted_tasks(tasks, files)
        files = [f for f in files if f.task in wanted]
        if not files:
            known = sorted({f.task for f in found.files})
            raise InputFormatError(
                f"{path}: none of the tasks {', '.join(tasks)} has a samples file "
                f"(tasks: {', '.join(known)})"
            )
    metric_set = {metrics} if isinstance(metrics, str) else set(metrics) if metrics else None
    # Two files in flight per core: a file smaller than a scanner segment (4 MB)
    # is scanned on one core, and while one file's columns become a frame
    # (Polars, Python) another is being scanned, so no core idles between files
    # (two in flight left a 2-core machine 40% idle on a 60-file run; four read
    # it 17% faster). At most eight: memory stays bounded by the kept columns.
    ends = _outlined(files)
    if len(files) > 1:
        workers = min(len(files), 2 * (os.cpu_count() or 1), _MAX_FILES_IN_FLIGHT)
        # Executor.map cancels the files not yet started when one raises.
        with ThreadPoolExecutor(max_workers=workers) as pool:
            parts = list(
                pool.map(lambda f, e: _read_file(f, metric_set, line_starts, e), files, ends)
            )
    else:
        pairs = zip(files, ends, strict=True)
        parts = [_read_file(f, metric_set, line_starts, e) for f, e in pairs]
    scores, starts = _long_scores(parts)
    rows = [row for p in parts for row in p.not_testable]
    not_testable = pl.DataFrame(rows, schema=NOT_TESTABLE_SCHEMA)
    runs: list[RunResults] = []
    for sample in files:
        if sample.results is not None and all(r.path != sample.results.path for r in runs):
            runs.append(sample.results)
    return LmEvalData(scores, not_testable, runs, [s.path for s in found.superseded], starts)


def read_lm_eval(
    path: str | os.PathLike[str],
    /,
    *,
    tasks: Sequence[str] | None = None,
    metrics: Sequence[str] | None = None,
    model: str | None = None,
    timestamp: str | None = None,
    storage_options: StorageOptions | None = None,
) -> pl.DataFrame:
    """Read lm-evaluation-harness ``--log_samples`` output into a score frame.

    Parameters
    ----------
    path : str or path-like
        An output directory (one sub-directory per model), one model's
        directory, a ``samples_<task>_<date>.jsonl`` file, a ``results_<date>.json``
        file (selects that run's samples files beside it), or 0.4.0-0.4.2
        ``results.json`` / ``<model_args>_<task>.jsonl`` files.
    tasks : sequence of str, optional
        Only these tasks; a group name (``mmlu``) stands for its subtasks.
    metrics : sequence of str, optional
        Only these metric keys (default: every per-sample metric).
    model : str, optional
        Only the runs of this model (results ``model_name``, its sanitized form
        or the model directory name), when a directory holds several.
    timestamp : str, optional
        Only the run with this ``date_id`` (or a prefix of it). By default the
        newest run of each (model, task) is read and the older ones are named
        in an :class:`~fastmcnemar.InputWarning`.
    storage_options : mapping, optional
        For a remote ``path`` (``s3://``, ``gs://``, ``az://``, ``hf://`` or any
        fsspec URI): the filesystem's options (``key``, ``secret``,
        ``endpoint_url``, ``token``...); credentials otherwise come from the
        environment and profiles. See ``docs/scale-out.md``.

    Returns
    -------
    polars.DataFrame
        One row per (model, task, filter, metric, doc_id) with the columns of
        :data:`fastmcnemar.ingest.schema.SCORE_SCHEMA`.

    Warns
    -----
    InputWarning
        When older runs were passed over, and when some metrics have no
        per-sample score (list-valued or ``[gold, pred]`` pairs); list them
        with :func:`lm_eval_metrics`.

    Raises
    ------
    InputFormatError
        A path that holds no samples files, or a file that cannot be read
        (the message names the file and line).

    Examples
    --------
    >>> from fastmcnemar import read_lm_eval
    >>> from fastmcnemar.data import example_path
    >>> frame = read_lm_eval(example_path("reference"), metrics=["acc", "exact_match"])
    >>> sorted(frame["task"].unique())
    ['demo_arith', 'demo_group_add', 'demo_group_mul', 'demo_mc']
    >>> frame.filter(frame["task"] == "demo_arith")["filter"].unique().sort().to_list()
    ['flexible-extract', 'strict-match']
    """
    check_fork_safe()  # Polars would hang in a child forked after use
    data = load_lm_eval(
        path,
        tasks=tasks,
        metrics=metrics,
        model=model,
        timestamp=timestamp,
        storage_options=storage_options,
    )
    if data.superseded:
        names = ", ".join(p.name for p in data.superseded)
        warnings.warn(
            f"{path}: older runs passed over (the newest run of each task is read; "
            f"choose one with timestamp=): {names}",
            InputWarning,
            stacklevel=2,
        )
    if data.not_testable.height:
        listed = ", ".join(
            sorted({f"{r['task']}:{r['metric']}" for r in data.not_testable.iter_rows(named=True)})
        )
        warnings.warn(
            f"{path}: metrics without per-sample scores left out ({listed}); "
            "see fastmcnemar.lm_eval_metrics() for why",
            InputWarning,
            stacklevel=2,
        )
    return data.scores


def lm_eval_metrics(
    path: str | os.PathLike[str],
    /,
    *,
    tasks: Sequence[str] | None = None,
    model: str | None = None,
    timestamp: str | None = None,
    storage_options: StorageOptions | None = None,
) -> pl.DataFrame:
    """Every metric in an lm-eval output, with its kind.

    Returns a frame with columns model, task, filter, metric, kind (``"binary"``:
    every per-sample value is 0 or 1; ``"continuous"``: real values;
    ``"not testable"``: no per-sample score), n (samples), reason (why not
    testable, else null).

    Examples
    --------
    >>> from fastmcnemar import lm_eval_metrics
    >>> from fastmcnemar.data import example_path
    >>> table = lm_eval_metrics(example_path("reference"))
    >>> sorted(set(table["kind"]))
    ['binary', 'continuous', 'not testable']
    """
    data = load_lm_eval(
        path, tasks=tasks, model=model, timestamp=timestamp, storage_options=storage_options
    )
    testable = (
        data.scores.group_by(["model", "task", "filter", "metric"], maintain_order=True)
        .agg(
            pl.len().alias("n"),
            pl.col("score").is_in([0.0, 1.0]).all().alias("binary"),
        )
        .select(
            "model",
            "task",
            "filter",
            "metric",
            pl.when(pl.col("binary"))
            .then(pl.lit("binary"))
            .otherwise(pl.lit("continuous"))
            .alias("kind"),
            pl.col("n").cast(pl.Int64),
            pl.lit(None, dtype=pl.Utf8).alias("reason"),
        )
    )
    untestable = data.not_testable.select(
        "model",
        "task",
        "filter",
        "metric",
        pl.lit("not testable").alias("kind"),
        pl.lit(None, dtype=pl.Int64).alias("n"),
        "reason",
    )
    return pl.concat([testable, untestable]).sort(["model", "task", "filter", "metric"])


__all__ = ["LmEvalData", "lm_eval_metrics", "load_lm_eval", "read_lm_eval"]
