"""The data side of compare/audit: index the reference once, reduce each candidate to stats.

:func:`index_reference` reads, validates and indexes the reference once per
audit (doc ids become integer codes in the harness's own order);
:func:`candidate_stats` reads one candidate, pairs it with the index and
returns its :class:`~fastmcnemar.compare.task_stats.TaskStats`. Both are pure
functions of picklable values, so a scale-out engine can ship the index to
workers and the stats back; the decision runs on the driver
(:func:`fastmcnemar.compare.decision.decide_audit`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.compare import frame_ops
from fastmcnemar.compare.candidate_read import read_chosen, survey, warn_superseded
from fastmcnemar.compare.clusters import ClusterIndex, ClusterSpec, epoch_clusters, index_clusters
from fastmcnemar.compare.columnar import (
    CodedReference,
    code_reference,
    frame_runs,
    paired_stats,
    same_layout,
)
from fastmcnemar.compare.completeness import gaps
from fastmcnemar.compare.flip_texts import attach_texts
from fastmcnemar.compare.flips import chosen_scores, flips_from_pairs, flips_of
from fastmcnemar.compare.loading import LoadedRun, is_per_epoch, load_run
from fastmcnemar.compare.metrics import Choice, MetricSpec, check_metric_spec, choose_metrics
from fastmcnemar.compare.row_pairing import checked_pairing
from fastmcnemar.compare.run_metadata import run_metadata, task_infos
from fastmcnemar.compare.task_stats import STATS_SKIPPED_COLUMNS, TaskStats
from fastmcnemar.exceptions import InvalidArgumentError
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.remote import StorageOptions, is_remote, read_staged
from fastmcnemar.pairing import PairingReport, pair_report

_TRIPLES = ["task", "filter", "metric"]
_NO_SKIPS = pl.DataFrame(schema=STATS_SKIPPED_COLUMNS)


@dataclass(frozen=True, eq=False)
class ReferenceIndex:
    """The reference run read, validated and indexed once per audit (picklable).

    Attributes
    ----------
    run : LoadedRun
        The reference's scores, harness results and label.
    coded : CodedReference
        The reference's rows under integer codes: (task, filter, metric) keys,
        doc codes in the harness's order (numeric ids by value, then text), the
        scores and hashes sorted by (key, doc).
    metric, tasks, allow_hash_mismatch, allow_missing
        The options the candidates are read and paired with.
    key : str
        A fingerprint of the indexed reference (label, rows, scores and options):
        :class:`TaskStats` from different indexes refuse to merge.
    flip_texts : bool
        Whether each candidate's flipped samples get their prompt, target and
        responses from the lm-eval samples files (``compare``), or doc ids and
        scores only (``audit``: reading and parsing the flipped lines of both
        runs would about double each candidate's cost). With texts, the
        reference is read with the byte offset of every line
        (:attr:`~fastmcnemar.compare.loading.LoadedRun.line_starts`), so that
        only the flipped lines are read again.
    clusters : ClusterIndex or None
        The cluster of every doc, per task, when ``cluster=`` was given (or the
        reference is an Inspect log read per epoch: epochs of a sample form a cluster).
    epochs : str
        How Inspect logs with several epochs are read (``"cluster"`` or ``"mean"``).
    """

    run: LoadedRun
    coded: CodedReference
    metric: MetricSpec
    tasks: tuple[str, ...] | None
    allow_hash_mismatch: bool
    allow_missing: bool
    key: str
    flip_texts: bool = True
    clusters: ClusterIndex | None = None
    epochs: str = "cluster"

    @property
    def label(self) -> str:
        """The reference's label (model name, else path)."""
        return self.run.label

    @property
    def tasks_present(self) -> list[str]:
        """The reference's tasks, in order of appearance."""
        return list(dict.fromkeys(self.coded.keys.get_column("task").to_list()))

    @cached_property
    def reference_gaps(self) -> dict[str, Any]:
        """What the reference's results file promises and its samples lack (see
        :func:`~fastmcnemar.compare.completeness.gaps`): found once per audit, not
        once per candidate."""
        return gaps(self.run, "reference", self.tasks)

    @property
    def doc_ids(self) -> pl.Series:
        """Every doc id of the reference; a doc's code is its position here."""
        return self.coded.docs.get_column("doc_id")

    def doc_codes(self, doc_ids: pl.Series) -> pl.Series:
        """The codes of ``doc_ids`` (all of them ids of the reference)."""
        codes: pl.Series = (
            pl.DataFrame({"doc_id": doc_ids})
            .join(self.coded.docs, on="doc_id", how="left", maintain_order="left")
            .get_column("doc")
            .cast(pl.Int64)
        )
        return codes


def index_reference(
    reference: Any,
    *,
    metric: MetricSpec = None,
    tasks: Sequence[str] | None = None,
    reference_model: str | None = None,
    reference_timestamp: str | None = None,
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
    storage_options: StorageOptions | None = None,
    flip_texts: bool = True,
    cluster: ClusterSpec = None,
    epochs: str = "cluster",
) -> ReferenceIndex:
    """Read, validate and index the reference run of an audit.

    Parameters
    ----------
    reference : path or polars.DataFrame
        As for :func:`fastmcnemar.compare`.
    metric, tasks, reference_model, reference_timestamp : see :func:`fastmcnemar.compare`
        Which metric is tested, which tasks are read, which run is the reference.
    allow_hash_mismatch, allow_missing : bool
        The pairing options every candidate is paired with.
    storage_options : mapping, optional
        Filesystem options for a remote ``reference`` URI (see :func:`fastmcnemar.audit`).
    flip_texts : bool, default True
        Attach texts to each candidate's flipped samples (see :class:`ReferenceIndex`).
    cluster : str, mapping, DataFrame or path, optional
        Where each sample's cluster comes from (see
        :mod:`fastmcnemar.compare.clusters`).
    epochs : {"cluster", "mean"}, default "cluster"
        Inspect logs with several epochs: one row per (sample, epoch), the
        epochs of a sample forming one cluster; or the epoch-reduced score.

    Returns
    -------
    ReferenceIndex

    Examples
    --------
    >>> from fastmcnemar.compare.engine import index_reference
    >>> from fastmcnemar.data import example_path
    >>> index = index_reference(example_path("reference"))
    >>> index.label, index.doc_ids.len()
    ('reference', 120)
    """
    check_metric_spec(metric)
    run = load_run(
        reference, side="reference", model=reference_model, tasks=tasks,
        timestamp=reference_timestamp, storage_options=storage_options, epochs=epochs,
        line_starts=bool(flip_texts),
    )  # fmt: skip
    wanted = None if tasks is None else (tuple([tasks]) if isinstance(tasks, str) else tuple(tasks))
    digest = hashlib.sha256()
    for part in (
        run.label,
        str(run.scores.height),
        str(frame_ops.columns(run.scores, [*_TRIPLES, "doc_id", "score"]).hash_rows().sum()),
        repr(metric if not isinstance(metric, dict) else sorted(metric.items())),
        repr(wanted),
        repr((allow_hash_mismatch, allow_missing)),
    ):
        digest.update(part.encode())
        digest.update(b"\0")
    key = None
    if cluster is None and is_per_epoch(run):
        cluster, key = epoch_clusters(run.scores), "epochs of each Inspect sample"
    if cluster is not None:
        digest.update(f"cluster {key or repr(cluster)[:200]}".encode())
    index = ReferenceIndex(
        run=run,
        coded=code_reference(run.scores, one_model=run.one_model),
        metric=metric,
        tasks=wanted,
        allow_hash_mismatch=bool(allow_hash_mismatch),
        allow_missing=bool(allow_missing),
        key=digest.hexdigest()[:16],
        flip_texts=bool(flip_texts),
        epochs=epochs,
    )
    if cluster is None:
        return index
    task_names = run.scores.get_column("task").unique(maintain_order=True).to_list()
    clusters = index_clusters(cluster, reference, run.fmt, task_names, index.doc_ids, key)
    return replace(index, clusters=clusters)


def candidate_stats(
    index: ReferenceIndex,
    candidate: Any,
    *,
    label: str | None = None,
    side: str | None = None,
    model: str | None = None,
    timestamp: str | None = None,
    storage_options: StorageOptions | None = None,
) -> TaskStats:
    """Read one candidate run and reduce it to its per-task statistics.

    Parameters
    ----------
    index : ReferenceIndex
        From :func:`index_reference`.
    candidate : path or polars.DataFrame
        As for :func:`fastmcnemar.compare`.
    label : str, optional
        The candidate's label in the result (default: its model name, else path).
    side : str, optional
        How errors name the candidate (default ``"candidate <label>"``).
    model, timestamp : str, optional
        Pick one model / one lm-eval run from ``candidate``.
    storage_options : mapping, optional
        Filesystem options for a remote ``candidate`` URI; it is read where
        this function runs (on a scale-out worker: by the worker).

    Returns
    -------
    TaskStats
        One row per tested task; skipped tasks and run metadata beside.

    Raises
    ------
    InvalidArgumentError
        When no task can be tested, or a metric named for a task is missing.
    PairingError
        When the runs cannot be paired (see :func:`fastmcnemar.pair`).
    """
    where = side or ("candidate" if label is None else f"candidate {label}")
    if is_remote(candidate):
        # Staged once; the copy is read exactly as a local run (by the fast path when it
        # applies) and the statistics, warnings and errors name the URI.
        return read_staged(
            candidate,
            storage_options,
            lambda local: candidate_stats(
                index, local, label=label, side=where, model=model, timestamp=timestamp
            ),
        )
    clustered = index.clusters is not None
    lm_eval = isinstance(candidate, (str, os.PathLike)) and not clustered
    if lm_eval and detect_format(Path(candidate)) == "lm_eval":
        lean = _lean_stats(index, Path(candidate), where, label, model, timestamp)
        if lean is not None:
            return lean
    cand = load_run(
        candidate, side=where, model=model, tasks=index.tasks, timestamp=timestamp,
        epochs=index.epochs,
    )  # fmt: skip
    name = cand.label if label is None else label
    # A candidate laid out like the reference (the usual case) takes its runs and doc codes.
    same = same_layout(index.run.scores, cand.scores)
    runs = index.coded.runs if same else frame_runs(cand.scores)
    row_docs = index.coded.row_docs if same else None
    choices, skipped = _choices(index, cand, list(dict.fromkeys(runs.triples)))
    # Clustered comparisons take the row-by-row path: it keeps each sample's doc
    # code, which gives its cluster.
    fast = (
        None
        if clustered
        else paired_stats(
            index.coded,
            cand.scores,
            choices,
            name,
            runs=runs,
            row_docs=row_docs,
            one_model=cand.one_model,
        )
    )
    flips: pl.DataFrame | None = None  # the general path finds them by a join
    if fast is not None:
        rows, hashes_checked = fast.rows, fast.hashes_checked
        flips = flips_from_pairs(index, fast, choices)
        report = PairingReport(paired=pl.DataFrame(), hashes_checked=hashes_checked)
    else:
        rows, report = checked_pairing(index, cand, choices, name)
    return _task_stats(index, cand, choices, skipped, rows, report, name, cand.scores, flips)


def _lean_stats(
    index: ReferenceIndex,
    path: Path,
    where: str,
    label: str | None,
    model: str | None,
    timestamp: str | None,
) -> TaskStats | None:
    """An lm-eval candidate read for its chosen metrics only (see
    :mod:`~fastmcnemar.compare.candidate_read`); None when it needs the general path."""
    found = survey(path, tasks=index.tasks, model=model, timestamp=timestamp)
    if found is None or not set(found.files) <= set(index.tasks_present):
        return None
    # The candidate is assumed to hold every (filter, metric) the reference holds for
    # its tasks; the choice stands when each chosen one is then found in its file.
    assumed = [triple for triple in index.coded.key_of() if triple[0] in found.files]
    try:
        choices, skipped = _choices(index, found.run, assumed, explain=False)
    except InvalidArgumentError:
        return None
    if any(reason.startswith("no metric") for *_, reason in skipped):
        return None
    key_of = index.coded.key_of()
    coded = read_chosen(found, choices, key_of, index.coded)
    if coded is None:
        return None
    name = found.run.label if label is None else label
    fast = paired_stats(index.coded, coded, choices, name)
    if fast is None:
        return None
    warn_superseded(found, where, path)
    rows, hashes_checked = fast.rows, fast.hashes_checked
    report = PairingReport(paired=pl.DataFrame(), hashes_checked=hashes_checked)
    # the flipped docs' per-doc scores and source files, for their texts (compare only)
    scores = (
        chosen_scores(found, choices, rows, coded, key_of, index.doc_ids)
        if index.flip_texts
        else None
    )
    flips = flips_from_pairs(index, fast, choices)
    return _task_stats(index, found.run, choices, skipped, rows, report, name, scores, flips)


def _choices(
    index: ReferenceIndex,
    cand: LoadedRun,
    cand_keys: list[tuple[str, str, str]],
    *,
    explain: bool = True,
) -> tuple[list[Choice], list[tuple[str, str, str, str]]]:
    """The tested (filter, metric) per task and what is skipped, in report order;
    ``cand_keys``: the candidate's (task, filter, metric)."""
    ref = index.run
    in_candidate = set(cand_keys)
    # the reference's keys the candidate has, in the reference's order (key code order)
    both = [key for key in index.coded.key_of() if key in in_candidate]
    not_testable: dict[tuple[str, str], str] = {}
    skipped: list[tuple[str, str, str, str]] = []
    for run in (ref, cand):
        for row in run.not_testable.iter_rows(named=True):
            key = (row["task"], row["metric"])
            if key not in not_testable:
                not_testable[key] = f"not per-sample testable: {row['reason']}"
                skipped.append((row["task"], row["filter"], row["metric"], not_testable[key]))
    ref_tasks = set(index.tasks_present)
    cand_tasks = {task for task, _, _ in cand_keys}
    # tasks a results file lists without samples: said, never dropped silently
    missing = dict(gaps(cand, "candidate", index.tasks, present=cand_tasks, docs={})["missing"])
    missing |= dict(index.reference_gaps["missing"])
    for task in sorted(ref_tasks ^ cand_tasks):
        only = "reference" if task in ref_tasks else "candidate"
        why = f": {missing[task]}" if task in missing else ""
        skipped.append((task, "", "", f"task only in {only}{why}"))
    for task in sorted(set(missing) - ref_tasks - cand_tasks):
        skipped.append((task, "", "", f"not tested: {missing[task]}"))
    choices, metric_skips = choose_metrics(both, task_infos(ref, cand), index.metric, not_testable)
    skipped.extend(metric_skips)
    if not choices:
        if not both and explain:
            # Let pairing explain (no task in common, one model per side, ...).
            pair_report(ref.scores, cand.scores)
        raise InvalidArgumentError(
            "nothing to test: no task has a metric both runs can be paired on"
        )
    return choices, skipped


def _task_stats(
    index: ReferenceIndex,
    cand: LoadedRun,
    choices: list[Choice],
    skipped: list[tuple[str, str, str, str]],
    rows: pl.DataFrame,
    report: PairingReport,
    name: str,
    cand_scores: pl.DataFrame | None = None,
    flips: pl.DataFrame | None = None,
) -> TaskStats:
    """``flips`` (without texts) when the aligned pass found them, else found here."""
    meta = run_metadata(index.run, cand, report, [c.task for c in choices])
    paired_n = {str(t): int(n) for t, n in frame_ops.rows(rows, "task", "n")}
    cand_docs = paired_n if cand.scores.height == 0 else None
    meta["incomplete"] = [
        *index.reference_gaps["short"],
        *gaps(cand, "candidate", index.tasks, docs=cand_docs)["short"],
    ]
    distinct = list(dict.fromkeys((name, *s) for s in skipped))  # in order
    skipped_frame = (
        pl.DataFrame(distinct, schema=STATS_SKIPPED_COLUMNS, orient="row")
        if distinct
        else _NO_SKIPS.clear()  # a copy in a microsecond, not a frame built from a schema
    )
    if flips is None:
        flips = flips_of(index, cand_scores, choices, rows)
    elif index.flip_texts and cand_scores is not None:
        flips = attach_texts(flips, index.run.scores, cand_scores, index.run.line_starts)
    return TaskStats(
        rows,
        skipped_frame,
        {name: meta},
        index.key,
        pl.DataFrame(
            [
                frame_ops.typed_series("candidate", [name] * flips.height, pl.Utf8()),
                *flips.get_columns(),
            ]
        ),
    )


__all__ = ["ReferenceIndex", "candidate_stats", "index_reference"]
