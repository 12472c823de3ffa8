"""Paired tests when samples come in clusters.

Questions about one passage, subtasks sharing a template, or the epochs of one
Inspect sample are not independent: their flips move together, and a test that
counts every sample as independent rejects too often. Here the cluster, not the
sample, is the unit (see ``docs/clusters.md``):

``method="sign-flip"`` (default)
    The paired sign-flip permutation test on the cluster sums of the differences
    ``reference - candidate``: exact enumeration for few clusters, the exact
    lattice null when the sums lie on a grid, seeded Monte Carlo otherwise.
    Exact for any number of clusters when reference and candidate labels are
    exchangeable within each cluster under the null.
``method="obuchowski"``, ``method="durkalski"``
    The clustered McNemar statistics (Obuchowski 1998 in Yang's form;
    Durkalski 2003) for 0/1 scores, as signed roots referred to the normal
    distribution in the degradation direction. Asymptotic in the number of
    clusters.

Every result carries the number of clusters, the cluster-robust (CR1) interval
for the mean difference, the design effect and the effective sample size. Fewer
than :data:`FEW_CLUSTERS` clusters raise a :class:`~fastmcnemar.exceptions.ClusterWarning`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np

from fastmcnemar import _args, _core
from fastmcnemar._args import SeedLike
from fastmcnemar._cluster_methods import CLUSTERED_METHODS, ClusteredMethod
from fastmcnemar._result_base import ConfidenceInterval, UnpacksAsStatisticPvalue
from fastmcnemar.exceptions import (
    ClusterWarning,
    InvalidArgumentError,
    LengthMismatchError,
    NonBinaryValueError,
)

_PERMUTATION_METHODS = ("auto", "exact", "lattice", "monte_carlo")
#: Below this many clusters the asymptotic statistics and the CR1 interval are unreliable.
FEW_CLUSTERS = 30


@dataclass(frozen=True)
class ClusteredTestResult(UnpacksAsStatisticPvalue):
    """Result of :func:`clustered_test` and :func:`clustered_mcnemar`.

    Unpacks as ``(statistic, pvalue)``.

    Attributes
    ----------
    method : str
        ``"sign-flip"``, ``"obuchowski"`` or ``"durkalski"``.
    statistic : float
        Sign-flip: the mean difference reference - candidate; Obuchowski and
        Durkalski: the signed root z of their chi-square (positive when the
        candidate is worse).
    pvalue : float
        p-value for ``alternative``.
    path : str
        How the p-value was computed: ``"exact"``, ``"lattice"``,
        ``"monte_carlo"`` (sign-flip) or ``"asymptotic"``.
    n_resamples : int
        Sign vectors enumerated or resamples drawn (0 for lattice and asymptotic).
    alternative : str
    n : int
        Paired samples.
    n_clusters : int
        Clusters K (the units of the test).
    delta : float
        Mean difference reference - candidate (accuracy drop for 0/1 scores).
    standard_error : float
        Cluster-robust (CR1) standard error of ``delta``; NaN with one cluster.
    naive_standard_error : float
        The standard error if samples were independent.
    design_effect : float
        ``(standard_error / naive_standard_error) ** 2``.
    effective_n : float
        ``n / design_effect``: the number of independent samples worth as much.
    icc : float
        Implied intra-cluster correlation ``(design_effect - 1) / (n / n_clusters - 1)``;
        NaN with one sample per cluster.
    confidence_interval : ConfidenceInterval
        CR1 interval ``delta +- z * standard_error`` at ``confidence_level``.
    confidence_level : float
    b, c : int or None
        Samples only the reference (b) or only the candidate (c) got right,
        for 0/1 scores; None otherwise.
    """

    method: str
    statistic: float
    pvalue: float
    path: str
    n_resamples: int
    alternative: str
    n: int
    n_clusters: int
    delta: float
    standard_error: float
    naive_standard_error: float
    design_effect: float
    effective_n: float
    icc: float
    confidence_interval: ConfidenceInterval
    confidence_level: float
    b: int | None
    c: int | None


def cluster_codes(
    clusters: Any, n: int, name: str = "clusters"
) -> tuple[np.ndarray[Any, np.dtype[np.uint32]], int]:
    """Cluster labels (any sortable values) as codes 0..K-1 in order of first
    appearance, and K. Keeping the samples' order makes one sample per cluster
    resample exactly like no clusters (Monte Carlo draws follow unit order)."""
    if clusters is None:
        raise InvalidArgumentError(f"{name} is required: one cluster label per sample")
    array = np.asarray(clusters)
    if array.ndim != 1:
        raise InvalidArgumentError(f"{name} must be 1-D (one label per sample)")
    if array.shape[0] != n:
        raise LengthMismatchError(
            f"length mismatch: {name} has {array.shape[0]} labels but there are {n} samples"
        )
    try:
        _, first, sorted_codes = np.unique(array, return_index=True, return_inverse=True)
    except TypeError as exc:
        raise InvalidArgumentError(f"{name} labels cannot be compared: {exc}") from None
    sorted_codes = sorted_codes.reshape(-1)
    k = int(first.size)
    rank = np.empty(k, dtype=np.uint32)
    rank[np.argsort(first, kind="stable")] = np.arange(k, dtype=np.uint32)
    return np.ascontiguousarray(rank[sorted_codes]), k


def warn_few_clusters(n_clusters: int, what: str = "", stacklevel: int = 3) -> None:
    """ClusterWarning when there are fewer than FEW_CLUSTERS clusters."""
    if n_clusters < FEW_CLUSTERS:
        where = f"{what}: " if what else ""
        warnings.warn(
            f"{where}only {n_clusters} cluster{'s' if n_clusters != 1 else ''} "
            f"(fewer than {FEW_CLUSTERS}): the clustered McNemar statistics and the "
            "cluster-robust interval are unreliable; the cluster sign-flip test stays "
            "exact but has little power",
            ClusterWarning,
            stacklevel=stacklevel,
        )


def clustered_test(
    reference: Any,
    candidate: Any,
    clusters: Any,
    /,
    *,
    method: ClusteredMethod = "sign-flip",
    alternative: str = "greater",
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    rng: SeedLike = None,
    permutation_method: str = "auto",
    n_threads: int | None = None,
) -> ClusteredTestResult:
    """Paired test of "the candidate is worse" with clusters as the units.

    Parameters
    ----------
    reference, candidate : array_like
        Per-sample scores (higher is better), 1-D, or 2-D (samples x reruns),
        averaged per sample.
    clusters : array_like
        One cluster label per sample (passage id, Inspect sample id, ...).
    method : {"sign-flip", "obuchowski", "durkalski"}, default "sign-flip"
        The exact cluster sign-flip test, or one of the asymptotic clustered
        McNemar statistics (0/1 scores only).
    alternative : {"greater", "less", "two-sided"}, default "greater"
        "greater" tests for degradation.
    confidence_level : float, default 0.95
        Level of the CR1 interval.
    n_resamples : int, default 9999
        Monte Carlo resamples of the sign-flip test (exact enumeration when
        2**K <= n_resamples).
    rng : int, numpy.random.Generator or None
        Seed of the Monte Carlo path.
    permutation_method : {"auto", "exact", "lattice", "monte_carlo"}
        Force a sign-flip path.
    n_threads : int, optional
        Threads (default: env ``FASTMCNEMAR_NUM_THREADS``, else all cores).

    Returns
    -------
    ClusteredTestResult

    Warns
    -----
    ClusterWarning
        With fewer than 30 clusters.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> ref = [0.9, 0.8, 0.7, 0.6, 0.9, 0.4]
    >>> cand = [0.5, 0.6, 0.7, 0.7, 0.5, 0.4]
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fm.ClusterWarning)
    ...     res = fm.clustered_test(ref, cand, ["p1", "p1", "p2", "p2", "p3", "p3"])
    >>> res.n_clusters, res.path, res.pvalue
    (3, 'exact', 0.25)
    """
    ref, cand = _args.paired_scores(reference, candidate)
    return _run(
        ref, cand, clusters, method, alternative, confidence_level,
        n_resamples, rng, permutation_method, n_threads,
    )  # fmt: skip


def clustered_mcnemar(
    reference: Any,
    candidate: Any,
    clusters: Any,
    /,
    *,
    method: ClusteredMethod = "sign-flip",
    alternative: str = "greater",
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    rng: SeedLike = None,
    permutation_method: str = "auto",
    n_threads: int | None = None,
) -> ClusteredTestResult:
    """McNemar's question ("is the candidate's accuracy lower?") for clustered 0/1 outcomes.

    The default ``method="sign-flip"`` is the exact sign-flip test on the
    cluster sums b_k - c_k; with one sample per cluster it is exactly the exact
    McNemar test. ``"obuchowski"`` is ((K - 1) / K) (sum (b_k - c_k))^2 /
    sum (b_k - c_k)^2 and ``"durkalski"`` is (sum (b_k - c_k) / n_k)^2 /
    sum ((b_k - c_k) / n_k)^2, each as its signed root z against the normal;
    with one pair per cluster Durkalski's chi-square is McNemar's
    (b - c)^2 / (b + c) and Obuchowski's is that times (K - 1) / K.

    Parameters are those of :func:`clustered_test`; ``reference`` and
    ``candidate`` must hold 0/1 outcomes.

    Returns
    -------
    ClusteredTestResult

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> ref = [1, 1, 0, 1, 1, 1, 0, 1] * 5
    >>> cand = [0, 1, 0, 0, 1, 1, 1, 0] * 5
    >>> passage = [i // 4 for i in range(40)]
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", fm.ClusterWarning)
    ...     res = fm.clustered_mcnemar(ref, cand, passage, method="durkalski")
    >>> res.b, res.c, res.n_clusters, round(res.statistic, 4)
    (15, 5, 10, 2.2361)
    """
    ref, cand = _args.paired_scores(reference, candidate)
    for name, values in (("reference", ref), ("candidate", cand)):
        bad = np.flatnonzero((values != 0.0) & (values != 1.0))
        if bad.size:
            index = int(bad[0])
            raise NonBinaryValueError(
                f"{name} must hold 0/1 outcomes for the clustered McNemar test; "
                f"{name}[{index}] is {values[index]} (use clustered_test for other scores)"
            )
    return _run(
        ref, cand, clusters, method, alternative, confidence_level,
        n_resamples, rng, permutation_method, n_threads,
    )  # fmt: skip


def clustered_mcnemar_counts(
    b: Any,
    c: Any,
    n: Any,
    /,
    *,
    method: ClusteredMethod = "sign-flip",
    alternative: str = "greater",
    confidence_level: float = 0.95,
    n_resamples: int = 9999,
    rng: SeedLike = None,
    permutation_method: str = "auto",
    n_threads: int | None = None,
) -> ClusteredTestResult:
    """:func:`clustered_mcnemar` from per-cluster counts.

    The parameters after ``n`` are those of :func:`clustered_test`.

    Parameters
    ----------
    b, c, n : array_like of int
        Per cluster: pairs only the reference got right (b_k), pairs only the
        candidate got right (c_k), and all pairs (n_k >= b_k + c_k, n_k >= 1).
        Counts of parts of a run add up cluster by cluster.

    Returns
    -------
    ClusteredTestResult
        The same result :func:`clustered_mcnemar` gives on the samples.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> b, c, n = [2, 1, 0, 3] * 10, [0, 1, 1, 0] * 10, [5, 4, 3, 6] * 10
    >>> res = fm.clustered_mcnemar_counts(b, c, n, method="obuchowski")
    >>> res.n, res.b, res.c, round(res.statistic, 4), round(res.design_effect, 3)
    (180, 60, 20, 3.3381, 1.023)
    """
    n_k, b_k, c_k = (_whole_counts(v, name) for v, name in ((n, "n"), (b, "b"), (c, "c")))
    level = _check_options(method, permutation_method, alternative, confidence_level)
    out = _core.clustered_counts_test(
        n_k, b_k, c_k, method, alternative, level, permutation_method,
        _args.resamples(n_resamples), _args.seed(rng), _args.threads(n_threads),
    )  # fmt: skip
    warn_few_clusters(int(out.n_clusters), stacklevel=3)
    return _result(out, method, alternative, level)


def _whole_counts(values: Any, name: str) -> np.ndarray[Any, np.dtype[np.int64]]:
    array = np.asarray(values)
    if array.ndim != 1:
        raise InvalidArgumentError(f"{name} must be 1-D (one count per cluster)")
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidArgumentError(f"{name} must hold integer counts, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.floating):
        bad = np.flatnonzero(~np.isfinite(array) | (array != np.round(array)))
        if bad.size:
            index = int(bad[0])
            raise InvalidArgumentError(
                f"{name} must hold whole counts; {name}[{index}] is {array[index]}"
            )
    return np.ascontiguousarray(array, dtype=np.int64)


def _check_options(
    method: str, permutation_method: str, alternative: str, confidence_level: float
) -> float:
    _args.choice("method", method, CLUSTERED_METHODS)
    _args.choice("permutation_method", permutation_method, _PERMUTATION_METHODS)
    _args.alternative(alternative)
    return _args.level("confidence_level", confidence_level)


def _run(
    ref: np.ndarray[Any, np.dtype[np.float64]],
    cand: np.ndarray[Any, np.dtype[np.float64]],
    clusters: Any,
    method: str,
    alternative: str,
    confidence_level: float,
    n_resamples: int,
    rng: SeedLike,
    permutation_method: str,
    n_threads: int | None,
) -> ClusteredTestResult:
    level = _check_options(method, permutation_method, alternative, confidence_level)
    codes, _ = cluster_codes(clusters, int(ref.shape[0]))
    out = _core.clustered_paired_test(
        ref, cand, codes, method, alternative, level, permutation_method,
        _args.resamples(n_resamples), _args.seed(rng), _args.threads(n_threads),
    )  # fmt: skip
    warn_few_clusters(int(out.n_clusters), stacklevel=4)
    return _result(out, method, alternative, level)


def _result(
    out: _core.ClusteredTestResult, method: str, alternative: str, level: float
) -> ClusteredTestResult:
    binary = bool(out.binary)
    return ClusteredTestResult(
        method=method,
        statistic=float(out.statistic),
        pvalue=float(out.pvalue),
        path=str(out.path),
        n_resamples=int(out.n_resamples),
        alternative=alternative,
        n=int(out.n),
        n_clusters=int(out.n_clusters),
        delta=float(out.estimate),
        standard_error=float(out.standard_error),
        naive_standard_error=float(out.naive_standard_error),
        design_effect=float(out.design_effect),
        effective_n=float(out.effective_n),
        icc=float(out.icc),
        confidence_interval=ConfidenceInterval(float(out.low), float(out.high)),
        confidence_level=level,
        b=int(out.b) if binary else None,
        c=int(out.c) if binary else None,
    )


__all__ = [
    "CLUSTERED_METHODS",
    "FEW_CLUSTERS",
    "ClusteredTestResult",
    "clustered_mcnemar",
    "clustered_mcnemar_counts",
    "clustered_test",
]
