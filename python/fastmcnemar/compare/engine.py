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
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare.candidate_read import read_chosen, survey, warn_superseded
from fastmcnemar.compare.clusters import ClusterIndex, ClusterSpec, epoch_clusters, index_clusters
from fastmcnemar.compare.columnar import (
    CodedReference,
    code_reference,
    frame_runs,
    paired_stats,
    stats_rows,
)
from fastmcnemar.compare.loading import LoadedRun, is_per_epoch, load_run
from fastmcnemar.compare.metrics import Choice, MetricSpec, check_metric_spec, choose_metrics
from fastmcnemar.compare.task_stats import STATS_SKIPPED_COLUMNS, TaskStats
from fastmcnemar.exceptions import InvalidArgumentError, PairingWarning
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.pairing import PairingReport, pair_report

_TRIPLES = ["task", "filter", "metric"]


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
    clusters: ClusterIndex | None = None
    epochs: str = "cluster"

    @property
    def label(self) -> str:
        """The reference's label (model name, else path)."""
        return self.run.label

    @property
    def tasks_present(self) -> list[str]:
        """The reference's tasks, in order of appearance."""
        return self.coded.keys.get_column("task").unique(maintain_order=True).to_list()

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
        timestamp=reference_timestamp, epochs=epochs,
    )  # fmt: skip
    wanted = None if tasks is None else (tuple([tasks]) if isinstance(tasks, str) else tuple(tasks))
    digest = hashlib.sha256()
    for part in (
        run.label,
        str(run.scores.height),
        str(run.scores.select([*_TRIPLES, "doc_id", "score"]).hash_rows().sum()),
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
        coded=code_reference(run.scores),
        metric=metric,
        tasks=wanted,
        allow_hash_mismatch=bool(allow_hash_mismatch),
        allow_missing=bool(allow_missing),
        key=digest.hexdigest()[:16],
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
    runs = frame_runs(cand.scores)
    cand_keys = pl.DataFrame(
        list(dict.fromkeys(runs.triples)), schema=dict.fromkeys(_TRIPLES, pl.Utf8), orient="row"
    )
    choices, skipped = _choices(index, cand, cand_keys)
    # Clustered comparisons take the row-by-row path: it keeps each sample's doc
    # code, which gives its cluster.
    fast = None if clustered else paired_stats(index.coded, cand.scores, choices, name, runs=runs)
    if fast is not None:
        rows, hashes_checked = fast
        report = PairingReport(paired=pl.DataFrame(), hashes_checked=hashes_checked)
    else:
        rows, report = _checked_pairing(index, cand, choices, name)
    return _task_stats(index, cand, choices, skipped, rows, report, name)


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
    assumed = index.coded.keys.filter(pl.col("task").is_in(list(found.files))).select(_TRIPLES)
    try:
        choices, skipped = _choices(index, found.run, assumed, explain=False)
    except InvalidArgumentError:
        return None
    if any(reason.startswith("no metric") for *_, reason in skipped):
        return None
    coded = read_chosen(found, choices, index.coded.key_of())
    if coded is None:
        return None
    name = found.run.label if label is None else label
    fast = paired_stats(index.coded, coded, choices, name)
    if fast is None:
        return None
    warn_superseded(found, where, path)
    rows, hashes_checked = fast
    report = PairingReport(paired=pl.DataFrame(), hashes_checked=hashes_checked)
    return _task_stats(index, found.run, choices, skipped, rows, report, name)


def _choices(
    index: ReferenceIndex, cand: LoadedRun, cand_keys: pl.DataFrame, *, explain: bool = True
) -> tuple[list[Choice], list[tuple[str, str, str, str]]]:
    """The tested (filter, metric) per task and what is skipped, in report order."""
    ref = index.run
    ref_keys = index.coded.keys.select(_TRIPLES)
    both = ref_keys.join(cand_keys, on=_TRIPLES, how="semi")
    not_testable: dict[tuple[str, str], str] = {}
    skipped: list[tuple[str, str, str, str]] = []
    for run in (ref, cand):
        for row in run.not_testable.iter_rows(named=True):
            key = (row["task"], row["metric"])
            if key not in not_testable:
                not_testable[key] = f"not per-sample testable: {row['reason']}"
                skipped.append((row["task"], row["filter"], row["metric"], not_testable[key]))
    ref_tasks = set(index.tasks_present)
    cand_tasks = set(cand_keys.get_column("task").to_list())
    for task in sorted(ref_tasks ^ cand_tasks):
        only = "reference" if task in ref_tasks else "candidate"
        skipped.append((task, "", "", f"task only in {only}"))
    choices, metric_skips = choose_metrics(both, _infos(ref, cand), index.metric, not_testable)
    skipped.extend(metric_skips)
    if not choices:
        if both.height == 0 and explain:
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
) -> TaskStats:
    meta = _metadata(index.run, cand, report, [c.task for c in choices])
    skipped_frame = pl.DataFrame(
        [(name, *s) for s in skipped], schema=STATS_SKIPPED_COLUMNS, orient="row"
    ).unique(maintain_order=True)
    return TaskStats(rows, skipped_frame, {name: meta}, index.key)


def _checked_pairing(
    index: ReferenceIndex, cand: LoadedRun, choices: list[Choice], name: str
) -> tuple[pl.DataFrame, PairingReport]:
    """The row-by-row path: :func:`pair_report` names every failed check (and raises or
    warns as asked); used when the columnar pass found something to explain."""
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


def _infos(ref: LoadedRun, cand: LoadedRun) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for run in (ref, cand):
        for task, info in run.task_results().items():
            out.setdefault(task, []).append(info)
    return out


def _run_meta(run: LoadedRun, tasks: list[str]) -> dict[str, Any]:
    info = run.task_results()
    config: dict[str, Any] = {}
    version = None
    for r in run.results:
        version = version or r.data.get("lm_eval_version") or r.data.get("harness_version")
        cfg = r.data.get("config")
        if isinstance(cfg, dict):
            for key in ("model", "model_args", "limit", "gen_kwargs", "fewshot_seed"):
                if key in cfg:
                    config.setdefault(key, cfg[key])
    per_task = {
        t: {
            "version": info.get(t, {}).get("versions"),
            "n_shot": info.get(t, {}).get("n-shot"),
            "n_samples": info.get(t, {}).get("n-samples"),
            "task_hash": info.get(t, {}).get("task_hashes"),
        }
        for t in tasks
        if t in info
    }
    return {
        "label": run.label,
        "format": run.fmt,
        "files": sorted({str(r.path) for r in run.results}),
        "harness_version": version,
        "config": config,
        "tasks": per_task,
    }


def _metadata(
    ref: LoadedRun, cand: LoadedRun, report: PairingReport, tasks: list[str]
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "reference": _run_meta(ref, tasks),
        "candidate": _run_meta(cand, tasks),
        "hash_checks": {
            "samples_with_hashes": report.hashes_checked,
            "prompt_hash_differs": dict(report.prompt_hash_differs),
        },
        "notes": list(report.notes),
    }
    notes: list[str] = meta["notes"]
    for task in tasks:
        for key, what in (("version", "task version"), ("n_shot", "n-shot")):
            a = meta["reference"]["tasks"].get(task, {}).get(key)
            b = meta["candidate"]["tasks"].get(task, {}).get(key)
            if a is not None and b is not None and a != b:
                message = f"task {task!r}: {what} differs (reference {a}, candidate {b})"
                notes.append(message)
                warnings.warn(message, PairingWarning, stacklevel=4)
    return meta


__all__ = ["ReferenceIndex", "candidate_stats", "index_reference"]
