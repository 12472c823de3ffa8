"""Clustered tests: fastmcnemar against statsmodels and plain numpy, in one run.

n = 10**6 paired 0/1 samples in K = 10**5 clusters of 10 (and a continuous task
of the same shape). Timed, as medians of interleaved runs:

- ``fm.clustered_mcnemar(method="sign-flip")``: exact cluster sign-flip (lattice)
  plus the CR1 interval, design effect and effective n;
- ``fm.clustered_mcnemar(method="obuchowski")``: the asymptotic statistic plus the same;
- ``fm.clustered_test`` on continuous scores: Monte Carlo sign-flip, B = 9,999;
- statsmodels: ``OLS(d, 1).fit(cov_type="cluster")``, the CR1 standard error alone;
- numpy: Obuchowski from ``np.bincount`` cluster sums (no interval), and a
  numpy cluster sign-flip Monte Carlo at B = 999, extrapolated to 9,999.

Usage: ``python benches/bench_clusters.py [--quick]`` (``--quick``: n = 10**5).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import statsmodels.api as sm
from scipy import stats

import fastmcnemar as fm

ROUNDS = 5


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def numpy_obuchowski(ref: np.ndarray, cand: np.ndarray, k: np.ndarray) -> float:
    d = np.bincount(k, weights=ref - cand)
    kk = d.size
    chi2 = (kk - 1) / kk * d.sum() ** 2 / (d * d).sum()
    return float(stats.norm.sf(np.sign(d.sum()) * np.sqrt(chi2)))


def numpy_sign_flip(d: np.ndarray, k: np.ndarray, b: int, rng: np.random.Generator) -> float:
    sums = np.bincount(k, weights=d)
    observed = sums.sum()
    count = 0
    for _ in range(b):
        signs = rng.integers(0, 2, size=sums.size) * 2 - 1
        count += (signs * sums).sum() >= observed
    return (1 + count) / (1 + b)


def main() -> None:
    n = 10**5 if "--quick" in sys.argv else 10**6
    size = 10
    rng = np.random.default_rng(0)
    k = np.repeat(np.arange(n // size), size)
    ref = (rng.random(n) < 0.7).astype(float)
    cand = np.where(rng.random(n) < 0.1, 1 - ref, ref)
    cont_ref = rng.normal(size=n)
    cont_cand = cont_ref + rng.normal(size=n) * 0.1
    d = ref - cand
    warnings.simplefilter("ignore", fm.ClusterWarning)
    runs: dict[str, Callable[[], Any]] = {
        "fastmcnemar sign-flip (exact, + CR1)": lambda: fm.clustered_mcnemar(ref, cand, k),
        "fastmcnemar obuchowski (+ CR1)": lambda: fm.clustered_mcnemar(
            ref, cand, k, method="obuchowski"
        ),
        "fastmcnemar continuous sign-flip B=9999": lambda: fm.clustered_test(
            cont_ref, cont_cand, k, rng=1
        ),
        "statsmodels OLS cluster SE": lambda: sm.OLS(d, np.ones(n)).fit(
            cov_type="cluster", cov_kwds={"groups": k}
        ),
        "numpy obuchowski (bincount)": lambda: numpy_obuchowski(ref, cand, k),
        "numpy sign-flip B=999 (x10 for 9999)": lambda: numpy_sign_flip(
            cont_ref - cont_cand, k, 999, rng
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(ROUNDS):
        for name, fn in runs.items():
            times[name].append(timed(fn))
    print(
        f"n = {n:,} samples, {n // size:,} clusters of {size}; medians of {ROUNDS} interleaved runs"
    )
    for name, values in times.items():
        scale = 10 if "x10" in name else 1
        print(f"{name:45s} {scale * statistics.median(values):9.4f} s")


if __name__ == "__main__":
    main()
