"""compare(): is one candidate significantly worse than its reference?"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from fastmcnemar import _args
from fastmcnemar._args import SeedLike
from fastmcnemar.compare.clusters import ClusterSpec
from fastmcnemar.compare.completeness import check_strict
from fastmcnemar.compare.decision import DecisionOptions, decide_comparison
from fastmcnemar.compare.engine import candidate_stats, index_reference
from fastmcnemar.compare.metrics import MetricSpec
from fastmcnemar.compare.results import Comparison
from fastmcnemar.ingest.frames import as_polars
from fastmcnemar.paired_test import Alternative
from fastmcnemar.suite import AdjustMethod

if TYPE_CHECKING:
    from fastmcnemar.policy import Policy


def compare(
    reference: Any,
    candidate: Any,
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
    candidate_model: str | None = None,
    reference_timestamp: str | None = None,
    candidate_timestamp: str | None = None,
    n_resamples: int = 9999,
    rng: SeedLike = 0,
    margin: float = 0.01,
    reference_reruns: Sequence[Any] | None = None,
    policy: Policy | str | Path | None = None,
    strict: bool = False,
    storage_options: Mapping[str, Any] | None = None,
    cluster: ClusterSpec = None,
    cluster_method: str = "sign-flip",
    method: str = "exact",
    rule: str = "bonferroni",
    epochs: str = "cluster",
) -> Comparison:
    """Is the candidate significantly worse than the reference?

    Reads both runs (or takes their score frames), pairs them sample by sample
    (:func:`~fastmcnemar.pair`), tests the primary metric of every task, and
    decides for the suite.

    Parameters
    ----------
    reference, candidate : path or polars.DataFrame
        lm-eval output (a directory, a ``results_*.json`` file selecting one run,
        a samples file), a generic score file or folder (see
        :func:`~fastmcnemar.read_scores`), or a score frame.
    metric : str or dict, optional
        The metric to test: one name for every task (``"acc"``, or lm-eval's
        ``"exact_match,flexible-extract"`` to name the filter too), or a
        ``{task: metric}`` mapping (key ``"*"`` for the rest). Default: the
        first metric of the task's ``higher_is_better`` in the results file,
        else the first one logged.
    tasks : sequence of str, optional
        Only these tasks (group names expand to their subtasks).
    alpha : float, default 0.05
        Level of the suite verdict and of the Holm-adjusted per-task flags.
    alternative : {"greater", "two-sided", "less"}, default "greater"
        "greater": the candidate is worse (degradation).
    confidence_level : float, default 0.95
        Of the interval on each task's delta (Tango's score interval for binary
        tasks, a BCa paired bootstrap for continuous ones).
    adjust : str, default "holm"
        The multiplicity adjustment of the per-task p-values
        (``pvalue_adjusted``), one of :func:`~fastmcnemar.adjust_pvalues`'
        methods: ``"holm"`` controls the family-wise error under any
        dependence; ``"bh"`` flags tasks at a false discovery rate instead
        (more tasks named in large suites).
    allow_hash_mismatch, allow_missing : bool, default False
        Passed to the pairing: pair despite differing data hashes / test only
        the common samples, with a warning instead of an error.
    reference_model, candidate_model : str, optional
        Pick one model from a path holding several runs.
    reference_timestamp, candidate_timestamp : str, optional
        Pick one lm-eval run by its ``date_id`` (or a prefix of it), e.g. when two
        runs of one model, or runs of two models, share a directory.
    n_resamples : int, default 9999
        Resamples of the permutation test and bootstrap (continuous tasks).
    rng : int, numpy.random.Generator or None, default 0
        Seed of the permutation test and bootstrap, so reports are reproducible:
        an int in [0, 2**64), a Generator (one 64-bit draw), or None for fresh
        entropy (the one rule of every ``rng`` in fastmcnemar).
    margin : float, default 0.01
        Non-inferiority margin: a task that is not degraded is "equivalent" when
        the data show its drop is below ``margin``, else "inconclusive".
    reference_reruns : sequence of paths or frames, optional
        Other runs of the reference (lossless reruns, other hardware): their
        pairwise flip rates (the noise floor) are reported beside each task's.
    policy : Policy or path, optional
        A gate policy (TOML, see :mod:`fastmcnemar.policy`): its per-task margins
        decide equivalent vs inconclusive, its ``alpha``/``adjust`` replace the
        arguments, and its gate outcome is recorded in ``metadata["gate"]`` (the
        command line's exit status follows it).
    strict : bool, default False
        Raise when a samples file holds fewer docs than its results file records
        (always flagged in ``metadata["incomplete"]`` and every report).
    storage_options : mapping, optional
        For runs given as remote URIs (``s3://``, ``gs://``, ``az://``, ``hf://``,
        any fsspec URI): the filesystem's options (``key``, ``secret``,
        ``endpoint_url``, ``token``...); credentials otherwise come from the
        environment and profiles.
    cluster : str, mapping, DataFrame or path, optional
        Samples come in clusters (questions sharing a passage, epochs of one
        sample): where each sample's cluster comes from. A column of a
        reference score frame, ``"doc.<field>"`` (a dotted path into the lm-eval
        ``doc``), ``"metadata.<field>"`` or ``"id"`` (Inspect), a mapping
        ``{doc_id: cluster}``, or a CSV / JSON / Parquet file of ``doc_id``,
        ``cluster`` (and optionally ``task``). Clusters become the units of every
        test; reports show their number, the design effect and the effective n.
        See ``docs/clusters.md``.
    cluster_method : {"sign-flip", "obuchowski", "durkalski"}, default "sign-flip"
        The per-task clustered test: the exact cluster sign-flip test, or one of
        the asymptotic clustered McNemar statistics (binary tasks).
    method : {"exact", "midp"}, default "exact"
        The per-task McNemar p-value (unclustered binary tasks): exact, or the
        mid-p (more power; its level is close to, but not guaranteed at, alpha).
    rule : {"bonferroni", "any"}, default "bonferroni"
        The suite rule: each of Pooled, Max-Drop and Fisher at alpha/3 (level
        alpha), or each at alpha (the original rule, level at most 3 alpha,
        stated in the report).
    epochs : {"cluster", "mean"}, default "cluster"
        Inspect logs run over several epochs: test every (sample, epoch) with
        the epochs of one sample as one cluster, or average each sample's
        epochs first (the log's epoch reducer; a 0/1 score becomes a mean, so
        the task is tested as continuous).

    Returns
    -------
    Comparison
        ``tasks`` (one row per tested task), ``skipped``, ``aggregate``,
        ``degraded``, ``metadata``; ``to_text()``, ``to_markdown()``,
        ``to_json()``, ``to_csv()``.

    Notes
    -----
    ``delta`` is reference minus candidate (positive = the candidate is worse),
    as in :func:`~fastmcnemar.mcnemar`. The suite verdict ``degraded`` is one
    level-``alpha`` test: the combined Pooled/Max-Drop/Fisher rule, from the
    exact counts when every tested task is binary and unclustered, else from
    shared sign-flip resamples over every tested task (binary and continuous,
    clusters as units).
    A task is flagged degraded when the suite verdict is and its adjusted
    p-value is at most ``alpha``.

    Examples
    --------
    >>> from fastmcnemar import compare
    >>> from fastmcnemar.data import example_path
    >>> result = compare(example_path("reference"), example_path("degraded"))
    >>> result.degraded
    True
    >>> compare(example_path("reference"), example_path("rerun")).degraded
    False
    """
    gate = load_gate(policy)
    options = gated_options(
        gate, alpha=alpha, alternative=alternative, confidence_level=confidence_level,
        adjust=adjust, n_resamples=n_resamples, seed=_args.seed(rng), margin=margin,
        method=method, rule=rule, cluster_method=cluster_method,
    )  # fmt: skip
    index = index_reference(
        reference, metric=metric, tasks=tasks, reference_model=reference_model,
        reference_timestamp=reference_timestamp, allow_hash_mismatch=allow_hash_mismatch,
        allow_missing=allow_missing, storage_options=storage_options, cluster=cluster,
        epochs=epochs,
    )  # fmt: skip
    stats = candidate_stats(
        index, candidate, side="candidate", model=candidate_model, timestamp=candidate_timestamp,
        storage_options=storage_options,
    )  # fmt: skip
    options = with_noise(options, reference, reference_reruns, tasks)
    result = decide_comparison(index, stats, label=stats.candidates[0], options=options)
    check_strict(result.metadata.get("incomplete", []), strict)
    if gate is not None:
        from fastmcnemar.policy import gate_comparison

        gate_comparison(result, gate)
    return result


def load_gate(policy: Policy | str | Path | None) -> Policy | None:
    """The policy to gate on, or None; the policy module (and its TOML parser) is
    imported only when there is one."""
    if policy is None:
        return None
    from fastmcnemar.policy import as_policy

    return as_policy(policy)


def gated_options(
    gate: Policy | None,
    *,
    alpha: float,
    alternative: Alternative,
    confidence_level: float,
    adjust: AdjustMethod,
    n_resamples: int,
    seed: int,
    margin: float,
    method: str,
    rule: str,
    cluster_method: str,
) -> DecisionOptions:
    """The decision options of :func:`compare` and :func:`~fastmcnemar.audit`, where a gate
    policy's alpha, adjustment and margins (default and per task) replace the arguments."""
    if gate is not None:
        alpha = gate.alpha if gate.alpha is not None else alpha
        adjust = cast(AdjustMethod, gate.adjust) if gate.adjust is not None else adjust
        margin = gate.default.margin
    return DecisionOptions(
        alpha=alpha, alternative=alternative, confidence_level=confidence_level, adjust=adjust,
        n_resamples=n_resamples, seed=seed, margin=margin,
        margins=gate.margin_map() if gate is not None else None,
        method=method, rule=rule, cluster_method=cluster_method,
    )  # fmt: skip


def with_noise(
    options: DecisionOptions,
    reference: Any,
    reruns: Sequence[Any] | None,
    tasks: Sequence[str] | None,
) -> DecisionOptions:
    """``options`` with the noise floor of the reference and its reruns, if any."""
    if not reruns:
        return options
    if isinstance(reruns, (str, os.PathLike)) or as_polars(reruns) is not None:
        reruns = [reruns]
    from fastmcnemar.rerun_noise import noise_floor  # reruns only: not imported otherwise

    return replace(options, noise=noise_floor([reference, *reruns], tasks=tasks))


__all__ = ["compare", "gated_options", "load_gate", "with_noise"]
