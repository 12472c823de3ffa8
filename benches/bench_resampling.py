"""Resampling speed: fastmcnemar against scipy.stats in one run.

n = 10**6 paired samples, B = 10**4 resamples: the sign-flip permutation test
and the BCa bootstrap, for continuous, binary and 1/R-lattice (means of R = 10
reruns) scores. Our side runs at full size. scipy's side is measured at a
feasible size and extrapolated, as printed next to each figure:

- permutation_test(permutation_type="samples") and the resampling part of
  bootstrap(paired=True): measured at n = 10**6 with B = two batches of
  10**7 / n resamples, extrapolated linearly in B (cost is proportional to B);
- BCa's jackknife (O(n^2), independent of B): measured at n = 10**4 as
  BCa minus percentile, extrapolated quadratically in n.

Our lattice/binary rows are also timed at n = 10**4 and 10**5 to show they do
not grow with n. Usage: ``python benches/bench_resampling.py [--quick]``
(``--quick``: n = 10**5, for a smoke run).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import stats

import fastmcnemar as fm

B = 10_000
# scipy's resampling batch: batch * n ~ 1e7 keeps its (batch, n, 2) index array
# near 160 MB; it is measured over two batches.
SCIPY_BATCH_ELEMENTS = 10**7


def scipy_batch(n: int) -> int:
    return max(1, SCIPY_BATCH_ELEMENTS // n)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def mean_diff(x: np.ndarray, y: np.ndarray, axis: int = -1) -> Any:
    return np.mean(x - y, axis=axis)


def data(kind: str, n: int, gen: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    if kind == "continuous":
        ref = gen.random(n)
        return ref, np.clip(ref + gen.normal(-0.0005, 0.1, n), 0, 1)
    if kind == "binary":
        ref = (gen.random(n) < 0.7).astype(float)
        return ref, np.where(gen.random(n) < 0.1, 1 - ref, ref)
    ref = gen.binomial(10, 0.7, n) / 10  # lattice: means of 10 reruns
    return ref, gen.binomial(10, 0.699, n) / 10


def scipy_permutation_seconds(ref: np.ndarray, cand: np.ndarray) -> float:
    batch = scipy_batch(ref.size)
    seconds, _ = timed(
        lambda: stats.permutation_test(
            (ref, cand),
            mean_diff,
            permutation_type="samples",
            vectorized=True,
            n_resamples=2 * batch,
            batch=batch,
            alternative="greater",
            rng=0,
        )
    )
    return seconds * B / (2 * batch)


def scipy_bootstrap_seconds(ref: np.ndarray, cand: np.ndarray, kind: str) -> tuple[float, float]:
    """(extrapolated BCa seconds at full n and B, of which jackknife seconds)."""

    def boot(x: np.ndarray, y: np.ndarray, method: str, b: int) -> None:
        stats.bootstrap(
            (x, y), mean_diff, paired=True, vectorized=True, n_resamples=b,
            method=method, batch=scipy_batch(x.size), rng=0,
        )  # fmt: skip

    scipy_b = 2 * scipy_batch(ref.size)
    resampling, _ = timed(lambda: boot(ref, cand, "percentile", scipy_b))
    small = 10_000
    x, y = data(kind, small, np.random.default_rng(1))
    bca_small, _ = timed(lambda: boot(x, y, "BCa", 20))
    pct_small, _ = timed(lambda: boot(x, y, "percentile", 20))
    jackknife = max(bca_small - pct_small, 0.0) * (ref.size / small) ** 2
    return resampling * B / scipy_b + jackknife, jackknife


def main(argv: list[str]) -> int:
    n = 10**5 if "--quick" in argv else 10**6
    gen = np.random.default_rng(2026)
    print(f"n = {n:,} paired samples, B = {B:,} resamples, threads = all cores")
    print(
        f"scipy: permutation/bootstrap resampling measured at n = {n:,}, "
        f"B = {2 * scipy_batch(n)} (two batches of {scipy_batch(n)}) and "
        f"extrapolated linearly to B = {B:,}; BCa jackknife measured at n = 10,000 and "
        "extrapolated quadratically in n."
    )
    header = (
        f"{'data':<11} {'test':<12} {'path':<12} {'ours s':>9} {'ours s*r/s':>11} "
        f"{'scipy s (extrap.)':>18} {'speed-up':>9}"
    )
    print(header)
    print("-" * len(header))
    for kind in ["continuous", "binary", "lattice"]:
        ref, cand = data(kind, n, gen)
        t_perm, perm = timed(lambda: fm.permutation_test(ref, cand, n_resamples=B, rng=1))  # noqa: B023
        s_perm = scipy_permutation_seconds(ref, cand)
        rate = n * B / t_perm
        print(
            f"{kind:<11} {'permutation':<12} {perm.method:<12} {t_perm:9.3f} {rate:11.2e} "
            f"{s_perm:18.1f} {s_perm / t_perm:8.0f}x"
        )
        t_boot, _ = timed(lambda: fm.bootstrap(ref, cand, n_resamples=B, rng=1))  # noqa: B023
        s_boot, jack = scipy_bootstrap_seconds(ref, cand, kind)
        print(
            f"{kind:<11} {'bootstrap':<12} {'bca':<12} {t_boot:9.3f} {n * B / t_boot:11.2e} "
            f"{s_boot:18.1f} {s_boot / t_boot:8.0f}x   (scipy jackknife alone {jack:.0f} s)"
        )
        if kind != "continuous":
            mc, _ = timed(
                lambda: fm.permutation_test(ref, cand, n_resamples=B, rng=1, method="monte_carlo")  # noqa: B023
            )
            print(
                f"{kind:<11} {'permutation':<12} {'monte_carlo':<12} {mc:9.3f} {n * B / mc:11.2e}"
                f"{'':>19} {s_perm / mc:8.0f}x   (forced sampling: per-value binomial draws)"
            )
    n_cands = 10
    ref, _ = data("continuous", n // 10, gen)
    cands = np.clip(ref + gen.normal(0, 0.1, (n_cands, ref.size)), 0, 1)
    t_many, _ = timed(lambda: fm.permutation_test_many(ref, cands, n_resamples=B, rng=1))
    print(
        f"\npermutation_test_many: {n_cands} candidates x {ref.size:,} samples x B = {B:,} "
        f"(shared flips, Westfall-Young): {t_many:.2f} s, "
        f"{n_cands * ref.size * B / t_many:.2e} candidate-sample-resamples/s"
    )
    print("\nGrowth with n (ours; lattice/binary should stay flat):")
    print(f"{'data':<11} {'n':>10} {'permutation s':>14} {'bootstrap s':>12}")
    for kind in ["binary", "lattice"]:
        for size in [10**4, 10**5, n]:
            ref, cand = data(kind, size, gen)
            t_perm, _ = timed(lambda: fm.permutation_test(ref, cand, n_resamples=B, rng=1))  # noqa: B023
            t_boot, _ = timed(lambda: fm.bootstrap(ref, cand, n_resamples=B, rng=1))  # noqa: B023
            print(f"{kind:<11} {size:>10,} {t_perm:14.4f} {t_boot:12.4f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
