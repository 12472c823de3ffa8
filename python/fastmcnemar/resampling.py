"""Paired sign-flip permutation tests and the paired bootstrap for non-binary scores.

The statistic is the mean paired difference ``reference - candidate``, so
``alternative="greater"`` asks "is the candidate worse?", as in
:func:`fastmcnemar.mcnemar`. The Rust engine chooses among three exact-or-
sampled paths (see ``docs/resampling.md``):

- ``"exact"``: every sign vector, when 2**m <= n_resamples (m non-zero differences);
- ``"lattice"``: the exact null when differences lie on a grid (binary scores,
  means over R reruns, integer judge scores); binary data give exactly the
  exact McNemar p-value;
- ``"monte_carlo"``: p = (1 + #{T* >= T}) / (1 + B), seeded, identical on any
  number of threads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from fastmcnemar import _args, _core
from fastmcnemar._args import Alternative, SeedLike, label_codes, paired_scores, per_sample_scores
from fastmcnemar._result_base import ConfidenceInterval, UnpacksAsStatisticPvalue
from fastmcnemar.exceptions import EmptyInputError, InvalidArgumentError, LengthMismatchError

PermutationMethod = Literal["auto", "exact", "lattice", "monte_carlo"]
BootstrapMethod = Literal["bca", "percentile", "basic"]
Weighting = Literal["micro", "macro"]
_WEIGHTINGS: tuple[Weighting, ...] = ("micro", "macro")
_PERMUTATION_METHODS: tuple[PermutationMethod, ...] = ("auto", "exact", "lattice", "monte_carlo")
_BOOTSTRAP_METHODS: tuple[BootstrapMethod, ...] = ("bca", "percentile", "basic")


@dataclass(frozen=True)
class GroupPermutationResult:
    """The sign-flip test within one group (task).

    Attributes
    ----------
    group : label
        The group label as given in ``groups``.
    statistic : float
        Mean difference (reference - candidate) in the group.
    pvalue : float
        The group's p-value, by the best path for its data alone.
    method : str
        ``"exact"``, ``"lattice"`` or ``"monte_carlo"``.
    n : int
        Number of samples in the group.
    n_resamples : int
        Sign vectors enumerated or resamples drawn (0 for the lattice path).
    """

    group: Any
    statistic: float
    pvalue: float
    method: str
    n: int
    n_resamples: int


@dataclass(frozen=True)
class SuitePermutationResult:
    """Suite-level tests across groups, from one shared set of resamples.

    ``micro`` is the pooled mean difference (tested by the best path, like an
    ungrouped call); ``macro`` the mean of per-group means; ``max_drop`` the
    largest standardised group effect z_g = T_g / sqrt(sum d^2) in the direction
    of ``alternative`` (-z_g for "less", |z_g| for "two-sided"); ``fisher`` is
    -2 sum ln p_g with rank-based per-group p-values (valid under any
    dependence). Macro, Max-Drop and Fisher p-values are Monte Carlo,
    (1 + count) / (1 + n_resamples).
    """

    micro_statistic: float
    micro_pvalue: float
    macro_statistic: float
    macro_pvalue: float
    max_drop_statistic: float
    max_drop_pvalue: float
    fisher_statistic: float
    fisher_pvalue: float
    n_resamples: int


@dataclass(frozen=True)
class PermutationResult(UnpacksAsStatisticPvalue):
    """Result of :func:`permutation_test`; unpacks as ``(statistic, pvalue)``.

    Attributes
    ----------
    statistic : float
        Mean difference reference - candidate (macro mean of group means when
        ``weighting="macro"``).
    pvalue : float
        p-value for ``alternative``.
    method : str
        ``"exact"``, ``"lattice"`` or ``"monte_carlo"``: how ``pvalue`` was computed.
    n_resamples : int
        Sign vectors enumerated (exact), resamples drawn (Monte Carlo) or 0 (lattice).
    alternative : str
    n : int
        Number of paired samples.
    weighting : str
        ``"micro"`` or ``"macro"``.
    groups : tuple of GroupPermutationResult or None
        Per-group results when ``groups`` was given.
    suite : SuitePermutationResult or None
        Micro, macro, Max-Drop and Fisher across groups when ``groups`` was given.
    """

    statistic: float
    pvalue: float
    method: str
    n_resamples: int
    alternative: str
    n: int
    weighting: str = "micro"
    groups: tuple[GroupPermutationResult, ...] | None = None
    suite: SuitePermutationResult | None = None


@dataclass(frozen=True)
class BootstrapResult:
    """Result of :func:`bootstrap`.

    Attributes
    ----------
    estimate : float
        Mean difference reference - candidate.
    confidence_interval : ConfidenceInterval
        ``(low, high)`` two-sided interval at ``confidence_level``.
    standard_error : float
        Standard deviation (ddof=1) of the bootstrap distribution.
    method : str
        ``"bca"``, ``"percentile"`` or ``"basic"``.
    confidence_level : float
    n_resamples : int
    """

    estimate: float
    confidence_interval: ConfidenceInterval
    standard_error: float
    method: str
    confidence_level: float
    n_resamples: int


@dataclass(frozen=True)
class ManyPermutationResult:
    """Result of :func:`permutation_test_many`.

    Arrays have shape ``(n_candidates,)`` without groups and
    ``(n_candidates, n_groups)`` with them.

    Attributes
    ----------
    statistic : ndarray
        Mean difference reference - candidate.
    z : ndarray
        Standardised statistic T / sqrt(sum d^2) used for max-T.
    pvalue : ndarray
        Unadjusted Monte Carlo p-values (shared resamples).
    pvalue_adjusted : ndarray
        Westfall-Young step-down max-T p-values over all candidates x groups:
        family-wise error control under any dependence.
    groups : tuple or None
        Group labels (columns) when ``groups`` was given.
    n_resamples : int
    alternative : str
    """

    statistic: npt.NDArray[np.float64]
    z: npt.NDArray[np.float64]
    pvalue: npt.NDArray[np.float64]
    pvalue_adjusted: npt.NDArray[np.float64]
    groups: tuple[Any, ...] | None
    n_resamples: int
    alternative: str


def _cluster_codes(clusters: Any, n: int) -> npt.NDArray[np.uint32] | None:
    if clusters is None:
        return None
    return label_codes(clusters, "clusters", n)[0]


def permutation_test(
    reference: Any,
    candidate: Any,
    /,
    *,
    alternative: Alternative = "greater",
    n_resamples: int = 9999,
    rng: SeedLike = None,
    groups: Any = None,
    clusters: Any = None,
    weighting: Weighting = "micro",
    group_weights: Mapping[Any, float] | None = None,
    method: PermutationMethod = "auto",
    n_threads: int | None = None,
) -> PermutationResult:
    """Paired sign-flip permutation test of the mean difference reference - candidate.

    Under the null each pair is exchangeable, so every difference's sign is
    a fair coin. ``alternative="greater"`` tests for degradation.

    Parameters
    ----------
    reference, candidate : array_like
        Per-sample scores, 1-D, or 2-D (samples x reruns), averaged per sample.
    alternative : {"greater", "less", "two-sided"}
        Two-sided uses scipy's rule min(1, 2 min(p_greater, p_less)). Resampled
        sums within 100 eps sum|d| of the observed one count as ties.
    n_resamples : int
        Monte Carlo resamples B; exact enumeration is used when 2**m <= B.
    rng : int, numpy.random.Generator or None
        Seed (a Generator gives one draw); None takes fresh entropy.
    groups : array_like, optional
        A task label per sample: adds per-group results and suite tests.
    clusters : array_like, optional
        A cluster label per sample (e.g. prompt id); signs flip per cluster.
        Clusters must lie within one group.
    weighting : {"micro", "macro"}
        Headline statistic with groups: pooled mean, or mean of group means
        (without groups the two coincide).
    group_weights : mapping, optional
        Weights of the macro statistic, one per group label (finite, >= 0, not
        all zero; scaled to sum to 1): the macro statistic becomes
        sum_g w_g mean_g. Default: equal weights. Weights proportional to the
        group sizes make the macro statistic equal the micro one.
    method : {"auto", "exact", "lattice", "monte_carlo"}
        Force a path (``lattice`` refuses data off a grid).
    n_threads : int, optional
        Threads (default: env ``FASTMCNEMAR_NUM_THREADS``, else all cores).

    Returns
    -------
    PermutationResult

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> res = fm.permutation_test([1, 1, 1, 0, 1, 1, 0, 1, 1, 1], [0, 0, 0, 1, 0, 0, 1, 0, 0, 1])
    >>> res.method, round(res.pvalue, 6)
    ('exact', 0.089844)
    >>> res = fm.permutation_test([0.9, 0.7, 0.8, 0.4, 0.6], [0.5, 0.7, 0.6, 0.5, 0.2], rng=1)
    >>> round(res.statistic, 3), res.method, round(res.pvalue, 4)
    (0.18, 'exact', 0.125)
    """
    ref, cand = paired_scores(reference, candidate)
    alternative = _args.alternative(alternative)
    method = _args.choice("method", method, _PERMUTATION_METHODS)
    weighting = _args.choice("weighting", weighting, _WEIGHTINGS)
    B = _args.resamples(n_resamples)
    seed = _args.seed(rng)
    threads = _args.threads(n_threads)
    n = int(ref.shape[0])
    cluster_codes = _cluster_codes(clusters, n)
    if groups is None:
        if group_weights is not None:
            raise InvalidArgumentError("group_weights needs groups")
        one = _core.sign_flip_test_paired(
            ref, cand, alternative, method, B, seed, cluster_codes, threads
        )
        return PermutationResult(
            statistic=one.statistic,
            pvalue=one.pvalue,
            method=one.method,
            n_resamples=one.n_resamples,
            alternative=alternative,
            n=n,
            weighting=weighting,
        )
    codes, labels = label_codes(groups, "groups", n)
    weights = _macro_weights(group_weights, labels)
    out = _core.grouped_sign_flip_test(
        ref, cand, codes, len(labels), alternative, method, B, seed, cluster_codes, weights, threads
    )
    per_group = tuple(
        GroupPermutationResult(
            group=label,
            statistic=float(out.group_statistic[g]),
            pvalue=float(out.group_pvalue[g]),
            method=str(out.group_method[g]),
            n=int(out.group_n[g]),
            n_resamples=int(out.group_n_resamples[g]),
        )
        for g, label in enumerate(labels)
    )
    suite = SuitePermutationResult(
        micro_statistic=out.micro_statistic,
        micro_pvalue=out.micro_pvalue,
        macro_statistic=out.macro_statistic,
        macro_pvalue=out.macro_pvalue,
        max_drop_statistic=out.max_drop_statistic,
        max_drop_pvalue=out.max_drop_pvalue,
        fisher_statistic=out.fisher_statistic,
        fisher_pvalue=out.fisher_pvalue,
        n_resamples=out.n_resamples,
    )
    if weighting == "micro":
        statistic, pvalue = suite.micro_statistic, suite.micro_pvalue
        path, used = out.micro_method, out.micro_n_resamples
    else:
        statistic, pvalue = suite.macro_statistic, suite.macro_pvalue
        path, used = "monte_carlo", suite.n_resamples
    return PermutationResult(
        statistic=statistic,
        pvalue=pvalue,
        method=path,
        n_resamples=used,
        alternative=alternative,
        n=n,
        weighting=weighting,
        groups=per_group,
        suite=suite,
    )


def _macro_weights(
    group_weights: Mapping[Any, float] | None, labels: Sequence[Any]
) -> npt.NDArray[np.float64] | None:
    """One weight per group, in label order, checked and named by label."""
    if group_weights is None:
        return None
    if not isinstance(group_weights, Mapping):
        raise InvalidArgumentError("group_weights must be a mapping from group label to weight")
    missing = [label for label in labels if label not in group_weights]
    if missing:
        raise InvalidArgumentError(f"group_weights has no weight for group(s) {missing!r}")
    unknown = [key for key in group_weights if key not in set(labels)]
    if unknown:
        raise InvalidArgumentError(f"group_weights names unknown group(s) {unknown!r}")
    weights = np.array([float(group_weights[label]) for label in labels], dtype=np.float64)
    bad = [labels[int(i)] for i in np.flatnonzero(~(np.isfinite(weights) & (weights >= 0)))]
    if bad:
        raise InvalidArgumentError(
            f"group_weights must be finite and >= 0; group(s) {bad!r} are not"
        )
    if weights.sum() <= 0:
        raise InvalidArgumentError("group_weights are all zero")
    return weights


def bootstrap(
    reference: Any,
    candidate: Any,
    /,
    *,
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    method: str = "bca",
    rng: SeedLike = None,
    clusters: Any = None,
    n_threads: int | None = None,
) -> BootstrapResult:
    """Paired bootstrap interval for the mean difference reference - candidate.

    Intervals follow ``scipy.stats.bootstrap(..., paired=True)``: percentile,
    basic, or BCa (bias-corrected and accelerated; the acceleration uses the
    closed-form O(n) leave-one-out of a mean). With ``clusters``, whole
    clusters are resampled and the estimate is a ratio of totals.

    Parameters
    ----------
    reference, candidate : array_like
        Per-sample scores, 1-D, or 2-D (samples x reruns), averaged per sample.
    confidence_level : float
        Strictly between 0 and 1.
    n_resamples : int
        Bootstrap resamples (at least 2).
    method : {"bca", "percentile", "basic"}
    rng : int, numpy.random.Generator or None
    clusters : array_like, optional
        A cluster label per sample.
    n_threads : int, optional

    Returns
    -------
    BootstrapResult

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> res = fm.bootstrap([0.9, 0.7, 0.8, 0.4, 0.6, 0.8], [0.5, 0.7, 0.6, 0.5, 0.2, 0.6], rng=3)
    >>> round(res.estimate, 4), res.method
    (0.1833, 'bca')
    >>> bool(res.confidence_interval.low < res.estimate < res.confidence_interval.high)
    True
    """
    ref, cand = paired_scores(reference, candidate)
    level = _args.level("confidence_level", confidence_level)
    # scipy spells it 'BCa': names are read case-insensitively.
    key = _args.choice(
        "method", method.lower() if isinstance(method, str) else method, _BOOTSTRAP_METHODS
    )
    B = _args.resamples(n_resamples, minimum=2)
    seed = _args.seed(rng)
    threads = _args.threads(n_threads)
    cluster_codes = _cluster_codes(clusters, int(ref.shape[0]))
    boot = _core.bootstrap_mean_difference(ref, cand, level, key, B, seed, cluster_codes, threads)
    estimate, low, high, se = boot.estimate, boot.low, boot.high, boot.standard_error
    return BootstrapResult(
        estimate=estimate,
        confidence_interval=ConfidenceInterval(low, high),
        standard_error=se,
        method=key,
        confidence_level=level,
        n_resamples=B,
    )


def permutation_test_many(
    reference: Any,
    candidates: Any,
    /,
    *,
    alternative: Alternative = "greater",
    n_resamples: int = 9999,
    rng: SeedLike = None,
    groups: Any = None,
    n_threads: int | None = None,
) -> ManyPermutationResult:
    """Test many candidates (checkpoints) against one reference with shared sign flips.

    All candidates see the same random sign vectors (one flip matrix applied
    to every candidate's differences), which gives Westfall-Young step-down
    max-T adjusted p-values over candidates x groups: family-wise error
    control for an audit without Bonferroni's loss of power.

    Parameters
    ----------
    reference : array_like
        1-D per-sample scores of the reference.
    candidates : array_like
        2-D, one row per candidate, each as long as ``reference``
        (a 1-D array is one candidate).
    alternative : {"greater", "less", "two-sided"}
    n_resamples : int
    rng : int, numpy.random.Generator or None
    groups : array_like, optional
        A task label per sample: one hypothesis per (candidate, task).
    n_threads : int, optional

    Returns
    -------
    ManyPermutationResult

    Examples
    --------
    >>> import numpy as np
    >>> import fastmcnemar as fm
    >>> gen = np.random.default_rng(0)
    >>> ref = gen.random(200)
    >>> cands = np.stack([ref - 0.2 + 0.1 * gen.standard_normal(200), ref + 0.0])
    >>> res = fm.permutation_test_many(ref, cands, n_resamples=999, rng=1)
    >>> res.pvalue_adjusted.shape, bool(res.pvalue_adjusted[0] <= 0.001)
    ((2,), True)
    """
    ref = per_sample_scores(reference, "reference")
    if ref.ndim != 1:
        raise InvalidArgumentError("reference must be 1-D for permutation_test_many")
    try:
        cands = np.asarray(candidates, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidArgumentError(f"candidates must be numeric scores: {exc}") from None
    if cands.ndim == 1:
        cands = cands[np.newaxis, :]
    if cands.ndim != 2:
        raise InvalidArgumentError(
            f"candidates must be 2-D (candidates x samples), got {cands.ndim} dimensions"
        )
    if cands.shape[0] == 0:
        raise EmptyInputError("candidates is empty: at least one candidate is needed")
    if cands.shape[1] != ref.shape[0]:
        raise LengthMismatchError(
            f"length mismatch: each candidate has {cands.shape[1]} samples but reference has "
            f"{ref.shape[0]}; they must be paired sample by sample"
        )
    bad = np.argwhere(~np.isfinite(cands))
    if bad.size:
        row, col = (int(i) for i in bad[0])
        raise _core.NonFiniteValueError(
            f"non-finite value in candidates at candidate {row}, sample {col}: {cands[row, col]}"
        )
    alternative = _args.alternative(alternative)
    B = _args.resamples(n_resamples)
    seed = _args.seed(rng)
    threads = _args.threads(n_threads)
    n = int(ref.shape[0])
    if groups is None:
        codes, labels = None, None
        n_groups = 1
    else:
        codes, group_labels = label_codes(groups, "groups", n)
        labels, n_groups = group_labels, len(group_labels)
    many = _core.many_candidates_test(
        ref, np.ascontiguousarray(cands), codes, n_groups, alternative, B, seed, threads
    )
    stat, z, p, adj = many.statistic, many.z, many.pvalue, many.adjusted
    shape: tuple[int, ...] = (cands.shape[0],) if groups is None else (cands.shape[0], n_groups)
    return ManyPermutationResult(
        statistic=stat.reshape(shape),
        z=z.reshape(shape),
        pvalue=p.reshape(shape),
        pvalue_adjusted=adj.reshape(shape),
        groups=labels,
        n_resamples=B,
        alternative=alternative,
    )


__all__ = [
    "BootstrapResult",
    "GroupPermutationResult",
    "ManyPermutationResult",
    "PermutationResult",
    "SuitePermutationResult",
    "bootstrap",
    "permutation_test",
    "permutation_test_many",
]
