"""Reading an lm-eval candidate for an audit: only the chosen metric of each task.

The reference fixes which (filter, metric) each task tests, so a candidate's
samples files need not become a full score frame. Reading happens in two steps:

1. :func:`survey`: find the run's files and results (``discover``), and classify
   each file's metrics from its first and last line, as :func:`read_lm_eval`
   does (so not-testable metrics are skipped with the same reasons);
2. :func:`read_chosen`: scan each file for doc_id, filter, the three hashes and
   the chosen metric only, keep the chosen filter's lines and hand them over
   keyed by the reference's codes (no long frame, no text keys).

Anything unusual (0.4.0-0.4.2 JSON arrays, files without a ``filter`` field,
three or more filters, a task the reference lacks, a chosen metric absent or
null, several models) returns None, and the caller reads the run the general way
(:func:`fastmcnemar.compare.loading.load_run`), which explains or raises exactly
as before. A value of the wrong type in a metric that is not tested is not
read, so it does not stop the audit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare.columnar import CodedCandidate
from fastmcnemar.compare.loading import LoadedRun
from fastmcnemar.compare.metrics import Choice
from fastmcnemar.exceptions import InputFormatError, InputWarning
from fastmcnemar.ingest.jsonl import first_record, last_record, read_keys
from fastmcnemar.ingest.lm_eval import NOT_TESTABLE_SCHEMA, _classify, _examples, _wanted_tasks
from fastmcnemar.ingest.lm_eval_layout import RunResults, SamplesFile, discover
from fastmcnemar.ingest.schema import SCORE_SCHEMA

_HASHES = ("doc_hash", "prompt_hash", "target_hash")


@dataclass(frozen=True)
class Survey:
    """What step 1 found: the run (scores not read yet), its files by task, and
    each file's testable metrics with an example value."""

    run: LoadedRun
    files: dict[str, SamplesFile]
    examples: dict[str, dict[str, Any]]
    keep: dict[str, list[str]]
    superseded: list[Path]


def survey(
    path: Path, *, tasks: Sequence[str] | None, model: str | None, timestamp: str | None
) -> Survey | None:
    """Step 1 (see the module notes); None when the run needs the general reader
    (which also reports any broken file)."""
    try:
        return _survey(path, tasks=tasks, model=model, timestamp=timestamp)
    except InputFormatError:
        return None


def _survey(
    path: Path, *, tasks: Sequence[str] | None, model: str | None, timestamp: str | None
) -> Survey | None:
    found = discover(path, model=model, timestamp=timestamp)
    files = found.files
    if tasks is not None:
        files = [f for f in files if f.task in _wanted_tasks(tasks, files)]
        if not files:
            return None  # the general reader names the missing tasks
    if any(f.legacy for f in files) or len({f.model for f in files}) != 1:
        return None
    by_task: dict[str, SamplesFile] = {}
    for sample in files:
        if sample.task in by_task:
            return None
        by_task[sample.task] = sample
    examples: dict[str, dict[str, Any]] = {}
    keep: dict[str, list[str]] = {}
    not_testable: list[dict[str, str]] = []
    for task, sample in by_task.items():
        first = first_record(sample.path)
        if "doc_id" not in first or not isinstance(first.get("filter"), str):
            return None
        found_examples, origin = _examples([first, last_record(sample.path) or {}])
        kept, rows = _classify(sample, found_examples, origin, None)
        if not kept:
            return None
        examples[task], keep[task] = found_examples, kept
        not_testable.extend(rows)
    runs: list[RunResults] = []
    for sample in files:
        if sample.results is not None and all(r.path != sample.results.path for r in runs):
            runs.append(sample.results)
    run = LoadedRun(
        pl.DataFrame(schema=SCORE_SCHEMA),
        files[0].model,
        pl.DataFrame(not_testable, schema=NOT_TESTABLE_SCHEMA),
        runs,
        [s.path for s in found.superseded],
        "lm_eval",
    )
    return Survey(run, by_task, examples, keep, [s.path for s in found.superseded])


def read_chosen(
    found: Survey, choices: Sequence[Choice], key_of: dict[tuple[str, str, str], int]
) -> CodedCandidate | None:
    """Step 2 (see the module notes); None when the run needs the general reader."""
    for choice in choices:
        sample = found.files.get(choice.task)
        if sample is None or choice.metric not in found.keep[choice.task]:
            return None

    def one(choice: Choice) -> tuple[int, pl.DataFrame] | None:
        sample = found.files[choice.task]
        example = found.examples[choice.task][choice.metric]
        schema: dict[str, pl.DataType] = {"doc_id": pl.Utf8(), "filter": pl.Utf8()}
        schema.update({h: pl.Utf8() for h in _HASHES})
        # Booleans (ifeval-style metrics) come back as 0/1 floats.
        schema[choice.metric] = pl.Boolean() if isinstance(example, bool) else pl.Float64()
        frame = read_keys(sample.path, schema).rename({choice.metric: "score"})
        filters = frame.get_column("filter")
        if frame.height == 0 or filters.null_count() or filters.n_unique() >= 3:
            return None
        if frame.get_column("doc_id").null_count():
            return None
        rows = frame.filter(pl.col("filter") == choice.filter)
        if rows.height == 0 or rows.get_column("score").null_count():
            return None
        return key_of[(choice.task, choice.filter, choice.metric)], rows

    # Two files in flight, as in read_lm_eval: the scanner uses every core per
    # file; the second file keeps them busy while the first becomes arrays.
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            parts = list(pool.map(one, choices))
    except InputFormatError:
        return None  # the general reader names the file and line
    if any(p is None for p in parts):
        return None
    done = [p for p in parts if p is not None]
    frame = pl.concat([rows for _, rows in done])
    keys = np.concatenate([np.full(rows.height, key, dtype=np.int64) for key, rows in done])
    return CodedCandidate(
        key=keys,
        doc_id=frame.get_column("doc_id"),
        scores=frame.get_column("score").cast(pl.Float64).to_numpy().astype(np.float64),
        hashes=frame.select(_HASHES),
    )


def warn_superseded(found: Survey, side: str, path: Path) -> None:
    """The warning :func:`~fastmcnemar.compare.loading.load_run` gives for older runs."""
    if found.superseded:
        warnings.warn(
            f"{side} {path}: older runs passed over (the newest run of each task is "
            f"used): {', '.join(p.name for p in found.superseded)}",
            InputWarning,
            stacklevel=4,
        )


__all__ = ["Survey", "read_chosen", "survey", "warn_superseded"]
