"""Seeded clustered nulls and alternatives, for the validation tests and the
simulation table in ``docs/clusters.md``.

Each cluster of ``m`` samples shares its flips with probability ``rho``: the
whole cluster then takes one (reference, candidate) outcome pair; otherwise
each sample draws its own. A sample is discordant with probability
``flip_rate``; a discordant sample goes against the candidate (b) with
probability ``(1 + drop / flip_rate) / 2``, so the accuracy drop is ``drop``.
With ``drop = 0`` swapping reference and candidate in a cluster leaves its
distribution unchanged: the null the cluster sign-flip test is exact under.
Continuous scores add a shared cluster shift and per-sample noise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FloatArray = np.ndarray[Any, np.dtype[np.float64]]
IntArray = np.ndarray[Any, np.dtype[np.int64]]


def binary_clusters(
    rng: np.random.Generator,
    n_clusters: int,
    size: int,
    *,
    rho: float,
    flip_rate: float,
    drop: float = 0.0,
    accuracy: float = 0.7,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """(reference, candidate, cluster) for ``n_clusters`` clusters of ``size`` samples."""
    n = n_clusters * size
    cluster = np.repeat(np.arange(n_clusters), size)
    p_b = flip_rate * (1.0 + drop / flip_rate) / 2.0
    p_c = flip_rate - p_b
    p_11 = (1.0 - flip_rate) * accuracy
    probs = np.array([p_b, p_c, p_11, 1.0 - flip_rate - p_11])
    shared = rng.random(n_clusters) < rho
    cluster_kind = rng.choice(4, size=n_clusters, p=probs)
    own_kind = rng.choice(4, size=n, p=probs)
    kind = np.where(shared[cluster], cluster_kind[cluster], own_kind)
    ref = np.isin(kind, (0, 2)).astype(np.float64)
    cand = np.isin(kind, (1, 2)).astype(np.float64)
    return ref, cand, cluster


def continuous_clusters(
    rng: np.random.Generator,
    n_clusters: int,
    size: int,
    *,
    icc: float,
    drop: float = 0.0,
    scale: float = 0.1,
) -> tuple[FloatArray, FloatArray, IntArray]:
    """Scores in [0, 1]-ish whose paired differences have intra-cluster correlation ``icc``."""
    n = n_clusters * size
    cluster = np.repeat(np.arange(n_clusters), size)
    base = rng.uniform(0.3, 0.7, size=n)
    shift = rng.normal(0.0, scale * np.sqrt(icc), size=n_clusters)[cluster]
    noise = rng.normal(0.0, scale * np.sqrt(1.0 - icc), size=n)
    ref = base + (shift + noise) / 2.0
    cand = base - (shift + noise) / 2.0 - drop
    return ref, cand, cluster


__all__ = ["binary_clusters", "continuous_clusters"]
