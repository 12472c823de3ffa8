"""audit(): many candidates against one reference, read in parallel.

The reference is indexed once (:func:`~fastmcnemar.compare.engine.index_reference`),
each candidate is reduced to its :class:`~fastmcnemar.compare.task_stats.TaskStats`
on a worker thread (:func:`~fastmcnemar.compare.engine.candidate_stats`), and the
decision runs once over all of them on the caller's thread
(:func:`~fastmcnemar.compare.decision.decide_audit`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path
from typing import Any, cast

import polars as pl

from fastmcnemar import _args
from fastmcnemar._args import SeedLike
from fastmcnemar._progress import Progress
from fastmcnemar.compare.clusters import ClusterSpec
from fastmcnemar.compare.completeness import check_strict
from fastmcnemar.compare.decision import DecisionOptions, decide_audit
from fastmcnemar.compare.engine import candidate_stats, index_reference
from fastmcnemar.compare.labels import model_labels, path_labels, without_reference
from fastmcnemar.compare.metrics import MetricSpec
from fastmcnemar.compare.pairwise import with_noise
from fastmcnemar.compare.results import Audit
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.exceptions import FastMcNemarError, InvalidArgumentError
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.frames import as_polars
from fastmcnemar.paired_test import Alternative
from fastmcnemar.policy import Policy, as_policy, gate_comparison
from fastmcnemar.suite import AdjustMethod


def candidate_map(candidates: Any) -> dict[str, Any]:
    """Normalise audit()'s candidates to an ordered {label: run} mapping."""
    if isinstance(candidates, Mapping):
        return {str(k): v for k, v in candidates.items()}
    if isinstance(candidates, (str, os.PathLike)):
        root = Path(candidates)
        subdirs = sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []
        runs = [p for p in subdirs if _holds_run(p)]
        if runs:
            return {p.name: p for p in runs}
        return {str(root): root}
    table = as_polars(candidates) if not isinstance(candidates, (str, os.PathLike)) else None
    if table is not None:
        candidates = table
    if isinstance(candidates, pl.DataFrame):
        return {
            m: candidates.filter(pl.col("model") == m)
            for m in candidates.get_column("model").unique(maintain_order=True)
        }
    if isinstance(candidates, Sequence):
        out: dict[str, Any] = {}
        for index, item in enumerate(candidates):
            label = str(item) if isinstance(item, (str, os.PathLike)) else f"candidate {index + 1}"
            out[label] = item
        return out
    raise InvalidArgumentError(
        "candidates: expected a mapping, a sequence or a directory, "
        f"got {type(candidates).__name__}"
    )


def _holds_run(path: Path) -> bool:
    try:
        detect_format(path)
    except FastMcNemarError:
        return False
    return True


def audit(
    reference: Any,
    candidates: Any,
    /,
    *,
    metric: MetricSpec = None,
    tasks: Sequence[str] | None = None,
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    confidence_level: float = 0.95,
    adjust: AdjustMethod = "holm",
    allow_hash_mismatch: bool = False,
    allow_missing: bool = False,
    reference_model: str | None = None,
    n_resamples: int = 9999,
    rng: SeedLike = 0,
    max_workers: int | None = None,
    progress: bool | None = None,
    margin: float = 0.01,
    reference_reruns: Sequence[Any] | None = None,
    policy: Policy | str | Path | None = None,
    strict: bool = False,
    cluster: ClusterSpec = None,
    cluster_method: str = "sign-flip",
    method: str = "exact",
    rule: str = "bonferroni",
    epochs: str = "cluster",
) -> Audit:
    """Compare many candidates with one reference, in parallel.

    Parameters
    ----------
    reference : path or polars.DataFrame
        The reference run (read once).
    candidates : mapping, sequence or path
        ``{label: path or frame}``, a list of paths, or one directory whose
        sub-directories are runs (one candidate each; e.g. lm-eval's output
        directory with one sub-directory per model).
    max_workers : int, optional
        Candidates read and tested at once (threads; default: the core count).
    progress : bool, optional
        Draw a progress bar on stderr (default: only when stderr is a terminal).
    metric, tasks, alpha, alternative, confidence_level, adjust : see :func:`compare`
        As for :func:`compare`.
    allow_hash_mismatch, allow_missing, n_resamples, rng : see :func:`compare`
        As for :func:`compare`.
    margin, reference_reruns, policy, strict : see :func:`compare`
        As for :func:`compare` (the policy gates each candidate).
    cluster, cluster_method, method, rule, epochs : see :func:`compare`
        As for :func:`compare` (clusters are read from the reference once).

    Returns
    -------
    Audit
        ``comparisons`` by candidate label, a long ``table`` (candidate x task),
        a ``summary`` (one row per candidate) and ``degraded`` (any candidate).

    Examples
    --------
    >>> from fastmcnemar import audit
    >>> from fastmcnemar.data import example_path
    >>> res = audit(example_path("reference"),
    ...             {"rerun": example_path("rerun"), "int4": example_path("degraded")})
    >>> res.summary.select("candidate", "degraded").rows()
    [('rerun', False), ('int4', True)]
    """
    gate = as_policy(policy)
    if gate is not None:
        alpha = gate.alpha if gate.alpha is not None else alpha
        adjust = cast(AdjustMethod, gate.adjust) if gate.adjust is not None else adjust
        margin = gate.default.margin
    options = DecisionOptions(
        alpha=alpha, alternative=alternative, confidence_level=confidence_level, adjust=adjust,
        n_resamples=n_resamples, seed=_args.seed(rng), margin=margin,
        margins=gate.margin_map() if gate is not None else None,
        method=method, rule=rule, cluster_method=cluster_method,
    )  # fmt: skip
    max_workers = _args.threads(max_workers, "max_workers")
    runs, paths = path_labels(without_reference(candidate_map(candidates), reference))
    if not runs:
        raise InvalidArgumentError("candidates: no candidate given (besides the reference)")
    index = index_reference(
        reference, metric=metric, tasks=tasks, reference_model=reference_model,
        allow_hash_mismatch=allow_hash_mismatch, allow_missing=allow_missing, cluster=cluster,
        epochs=epochs,
    )  # fmt: skip
    options = with_noise(options, reference, reference_reruns, tasks)
    bar = Progress(len(runs), "audit", enabled=progress, unit="candidates")
    results: dict[str, TaskStats] = {}
    try:
        workers = _args.threads(max_workers, "max_workers") or min(len(runs), os.cpu_count() or 1)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {
                pool.submit(candidate_stats, index, run, label=label): label
                for label, run in runs.items()
            }
            for future in as_completed(futures):
                label = futures[future]
                try:
                    results[label] = future.result()
                except FastMcNemarError as err:
                    for other in futures:
                        other.cancel()
                    raise type(err)(f"candidate {label}: {err}") from err
                bar.step()
    finally:
        bar.close()
    ordered = model_labels({label: results[label] for label in runs}, paths)
    result = decide_audit(index, ordered, options)
    for comparison in result.comparisons.values():
        check_strict(comparison.metadata.get("incomplete", []), strict)
        if gate is not None:
            gate_comparison(comparison, gate)
    return result


__all__ = ["audit", "candidate_map"]
