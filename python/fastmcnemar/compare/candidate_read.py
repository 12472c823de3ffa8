"""Reading an lm-eval candidate for an audit: only the chosen metric of each task.

The reference fixes which (filter, metric) each task tests, so a candidate's
samples files need not become a full score frame. Reading happens in two steps:

1. :func:`survey`: find the run's files and results (``discover``), and classify
   each file's metrics from its first and last line, as :func:`read_lm_eval`
   does (so not-testable metrics are skipped with the same reasons). Both lines
   of every file are found and walked in Rust (``outline_jsonl``, the files in
   parallel), which hands back each without its prompt text;
2. :func:`read_chosen`: scan each file for doc_id, filter, the three hashes and
   the chosen metric only (``scan_chosen``, in Rust), keep the chosen filter's
   lines and hand over their doc codes (the reference's) and scores, with the
   hashes already compared: no text leaves the scanner, no frame is built.

Anything unusual (0.4.0-0.4.2 JSON arrays, files without a ``filter`` field,
three or more filters, a task or doc id the reference lacks, a chosen metric
absent or null, several models) returns None, and the caller reads the run the
general way (:func:`fastmcnemar.compare.loading.load_run`), which explains or
raises exactly as before. A value of the wrong type in a metric that is not tested is not
read, so it does not stop the audit.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar._core import scan_chosen
from fastmcnemar.compare.columnar import CodedCandidate, CodedReference, HashCheck
from fastmcnemar.compare.loading import LoadedRun
from fastmcnemar.compare.metrics import Choice
from fastmcnemar.exceptions import InputFormatError, InputWarning
from fastmcnemar.ingest.jsonl import outlines
from fastmcnemar.ingest.lm_eval import NOT_TESTABLE_SCHEMA
from fastmcnemar.ingest.lm_eval_keys import LAYOUT_SKIP, classify, examples, wanted_tasks
from fastmcnemar.ingest.lm_eval_layout import RunResults, SamplesFile, discover
from fastmcnemar.ingest.schema import HASH_COLUMNS, SCORE_SCHEMA


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
        files = [f for f in files if f.task in wanted_tasks(tasks, files)]
        if not files:
            return None  # the general reader names the missing tasks
    if any(f.legacy for f in files) or len({f.model for f in files}) != 1:
        return None
    by_task: dict[str, SamplesFile] = {}
    for sample in files:
        if sample.task in by_task:
            return None
        by_task[sample.task] = sample
    task_examples: dict[str, dict[str, Any]] = {}
    keep: dict[str, list[str]] = {}
    not_testable: list[dict[str, str]] = []
    ends = outlines([sample.path for sample in by_task.values()], LAYOUT_SKIP)
    for (task, sample), (first, last) in zip(by_task.items(), ends, strict=True):
        if "doc_id" not in first or not isinstance(first.get("filter"), str):
            return None
        found_examples, origin = examples([first, last or {}])
        kept, rows = classify(sample, found_examples, origin, None)
        if not kept:
            return None
        task_examples[task], keep[task] = found_examples, kept
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
    return Survey(run, by_task, task_examples, keep, [s.path for s in found.superseded])


def read_chosen(
    found: Survey,
    choices: Sequence[Choice],
    key_of: Mapping[tuple[str, str, str], int],
    coded: CodedReference,
) -> CodedCandidate | None:
    """Step 2 (see the module notes); None when the run needs the general reader."""
    for choice in choices:
        sample = found.files.get(choice.task)
        if sample is None or choice.metric not in found.keep[choice.task]:
            return None
    if not coded.clean:
        return None  # duplicated reference rows or several models: pairing explains
    keys = [key_of[(c.task, c.filter, c.metric)] for c in choices]
    # One call for the whole run: the scanner reads the files in parallel (and each
    # file's segments), keeps the chosen filter's lines, codes their doc ids through
    # the reference's dictionary and compares their hashes with the reference's.
    try:
        got = scan_chosen(
            [found.files[c.task].path for c in choices],
            coded.lookup,
            doc_id="doc_id",
            filter="filter",
            hashes=HASH_COLUMNS,
            metrics=[c.metric for c in choices],
            keep_filters=[c.filter for c in choices],
            keys=keys,
        )
    except InputFormatError:
        return None  # the general reader names the file and line
    if isinstance(got, str):
        return None  # the reason the general reader is needed, e.g. an unknown doc id
    doc, scores, lines, differ, checked, starts = got
    return CodedCandidate(
        key=np.repeat(np.asarray(keys, dtype=np.int64), lines.astype(np.int64)),
        doc_id=None,
        scores=scores,
        hashes=HashCheck(differ, checked),
        docs=doc.astype(np.int64),
        starts=starts,
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
