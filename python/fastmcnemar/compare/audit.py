"""audit(): many candidates against one reference, read in parallel.

The reference is indexed once (:func:`~fastmcnemar.compare.engine.index_reference`),
each candidate is reduced to its :class:`~fastmcnemar.compare.task_stats.TaskStats`
(:func:`~fastmcnemar.compare.engine.candidate_stats`) on a worker thread, a Ray
task or a Dask future (:mod:`~fastmcnemar.compare.runners`), and the decision
runs once over all of them on the caller's thread
(:func:`~fastmcnemar.compare.decision.decide_audit`), whatever the engine.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import polars as pl

from fastmcnemar import _args
from fastmcnemar._args import SeedLike
from fastmcnemar._progress import Progress
from fastmcnemar.compare.clusters import ClusterSpec
from fastmcnemar.compare.completeness import check_strict
from fastmcnemar.compare.decision import decide_audit
from fastmcnemar.compare.engine import index_reference
from fastmcnemar.compare.labels import model_labels, path_labels, without_reference
from fastmcnemar.compare.metrics import MetricSpec
from fastmcnemar.compare.pairwise import gated_options, load_gate, with_noise
from fastmcnemar.compare.results import Audit
from fastmcnemar.compare.runners import (
    ENGINES,
    Outcome,
    replay_warnings,
    run_dask,
    run_local,
    run_ray,
)
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.exceptions import FastMcNemarError, InvalidArgumentError
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.frames import as_polars
from fastmcnemar.ingest.remote import StorageOptions, is_remote, run_folders
from fastmcnemar.paired_test import Alternative
from fastmcnemar.suite import AdjustMethod

if TYPE_CHECKING:
    from fastmcnemar.policy import Policy

Engine = Literal["local", "ray", "dask"]


def candidate_map(candidates: Any, storage_options: StorageOptions | None = None) -> dict[str, Any]:
    """Normalise audit()'s candidates to an ordered {label: run} mapping.

    A remote folder (``s3://bucket/sweep/``) whose sub-folders hold run files
    is one candidate per sub-folder, found by listing alone: the driver never
    downloads a candidate.
    """
    if isinstance(candidates, Mapping):
        return {str(k): v for k, v in candidates.items()}
    if isinstance(candidates, str) and is_remote(candidates):
        folders = run_folders(candidates, storage_options)
        if folders:
            return {uri.rstrip("/").rsplit("/", 1)[-1]: uri for uri in folders}
        return {candidates: candidates}
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
    engine: Engine = "local",
    address: str | None = None,
    client: Any = None,
    keep_going: bool = False,
    storage_options: StorageOptions | None = None,
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
        directory with one sub-directory per model). Paths may be remote URIs
        (``s3://``, ``gs://``, ``az://``, ``hf://``, any fsspec URI).
    max_workers : int, optional
        Candidates read and tested at once on the local engine (threads;
        default: twice the core count).
    progress : bool, optional
        Draw a progress bar of candidates done / total on stderr (default: only
        when stderr is a terminal), on every engine.
    engine : {"local", "ray", "dask"}, default "local"
        Where the candidates are read: threads of this process, one Ray task
        per candidate (``pip install 'fastmcnemar[ray]'``), or one Dask future
        per candidate (``pip install 'fastmcnemar[dask]'``). The reference is
        read here and shipped to the workers once; every decision is made here,
        so every engine gives the same result, bit for bit.
    address : str, optional
        The cluster to use: Ray's ``ray.init(address=...)`` (e.g. ``"auto"`` or
        ``"ray://head:10001"``), Dask's scheduler (``"tcp://host:8786"``).
        Default: the connection this process already has, else a local cluster
        started for the audit and stopped after it.
    client : dask.distributed.Client, optional
        The Dask client to submit to (``engine="dask"``).
    keep_going : bool, default False
        A candidate that cannot be read or paired stops the audit with an error
        naming it (default); with ``keep_going`` it is listed in
        :attr:`Audit.failed` and every report says the audit is incomplete.
    storage_options : mapping, optional
        Filesystem options for remote URIs (``key``, ``secret``,
        ``endpoint_url``, ``token``...), passed to every worker; credentials
        otherwise come from the environment and profiles where the run is read.
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
    gate = load_gate(policy)
    options = gated_options(
        gate, alpha=alpha, alternative=alternative, confidence_level=confidence_level,
        adjust=adjust, n_resamples=n_resamples, seed=_args.seed(rng), margin=margin,
        method=method, rule=rule, cluster_method=cluster_method,
    )  # fmt: skip
    if engine not in ENGINES:
        raise InvalidArgumentError(f"engine: expected one of {', '.join(ENGINES)}, got {engine!r}")
    if client is not None and engine != "dask":
        raise InvalidArgumentError("client: a Dask client is only used with engine='dask'")
    if address is not None and engine == "local":
        raise InvalidArgumentError("address: a cluster address needs engine='ray' or 'dask'")
    max_workers = _args.threads(max_workers, "max_workers")
    runs, paths = path_labels(
        without_reference(candidate_map(candidates, storage_options), reference)
    )
    if not runs:
        raise InvalidArgumentError("candidates: no candidate given (besides the reference)")
    index = index_reference(
        reference, metric=metric, tasks=tasks, reference_model=reference_model,
        allow_hash_mismatch=allow_hash_mismatch, allow_missing=allow_missing, cluster=cluster,
        epochs=epochs, storage_options=storage_options,
        flip_texts=False,  # doc ids and scores of the flips; texts: compare one candidate
    )  # fmt: skip
    options = with_noise(options, reference, reference_reruns, tasks)
    bar = Progress(len(runs), "audit", enabled=progress, unit="candidates")
    results: dict[str, TaskStats] = {}
    failed: dict[str, str] = {}

    def on_done(label: str, outcome: Outcome) -> None:
        replay_warnings(outcome)
        if outcome.failure is not None:
            if not keep_going:
                raise outcome.failure.exception(label)
            failed[label] = outcome.failure.message
        elif outcome.stats is not None:
            results[label] = outcome.stats
        bar.step()

    try:
        if engine == "ray":
            run_ray(index, runs, on_done, storage_options=storage_options, address=address)
        elif engine == "dask":
            run_dask(
                index, runs, on_done, storage_options=storage_options, address=address,
                client=client,
            )  # fmt: skip
        else:
            run_local(
                index, runs, on_done, storage_options=storage_options, max_workers=max_workers
            )
    finally:
        bar.close()
    missing = [label for label in runs if label not in results and label not in failed]
    if missing:  # an engine that returned without every candidate: never a partial report
        raise FastMcNemarError(f"audit stopped before candidates {', '.join(missing)} were read")
    done = {label: results[label] for label in runs if label in results}
    ordered = model_labels(done, {k: v for k, v in paths.items() if k in done})
    result = decide_audit(
        index, ordered, options, failed={k: failed[k] for k in runs if k in failed}
    )
    for comparison in result.comparisons.values():
        check_strict(comparison.metadata.get("incomplete", []), strict)
        if gate is not None:
            from fastmcnemar.policy import gate_comparison

            gate_comparison(comparison, gate)
    return result


__all__ = ["audit", "candidate_map"]
