"""Exact one-sided McNemar p-values for 10^6 (b, c) pairs: fastmcnemar vs scipy.

Counts mimic a bulk audit: each pair is one task of N ~ log-uniform[10^2, 10^5]
samples with a flip rate ~ U(0.01, 0.15), n = b + c ~ Binomial(N, flip rate)
and b ~ Binomial(n, 0.5 + U(0, 0.05)) (a slight degradation), seed 2026.
scipy: ``binom.sf(b - 1, n, 0.5)`` vectorized on the same arrays, and a loop of
``binomtest(b, n, 0.5, alternative="greater")`` timed on 10^4 calls and
extrapolated to 10^6. Accuracy: max relative error against an mpmath oracle
(45 digits, tests/binomial_oracle.py) on 300 of the pairs, and the max
relative difference from scipy over all pairs with p >= 1e-300.

Run: ``.venv/bin/python benches/bench_mcnemar.py`` (FASTMCNEMAR_NUM_THREADS sets threads).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import mpmath as mp
import numpy as np
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
import binomial_oracle
import fastmcnemar

PAIRS = 1_000_000
LOOP_CALLS = 10_000


def make_counts(seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_samples = np.exp(rng.uniform(np.log(1e2), np.log(1e5), PAIRS)).astype(np.int64)
    n = rng.binomial(n_samples, rng.uniform(0.01, 0.15, PAIRS))
    b = rng.binomial(n, 0.5 + rng.uniform(0.0, 0.05, PAIRS))
    return b.astype(np.int64), (n - b).astype(np.int64)


def best_of(repeats: int, func: object) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = func()  # type: ignore[operator]
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    b, c = make_counts()
    n = b + c
    threads = os.environ.get("FASTMCNEMAR_NUM_THREADS", str(os.cpu_count()))
    print(
        f"{PAIRS:,} pairs; n = b + c: median {int(np.median(n))}, max {int(n.max())}; "
        f"threads {threads}",
        flush=True,
    )

    fastmcnemar.mcnemar_counts(b[:1000], c[:1000])  # warm-up (pool start)
    t_fast, res = best_of(3, lambda: fastmcnemar.mcnemar_counts(b, c))
    ours = res.pvalue  # type: ignore[attr-defined]
    t_scipy, theirs = best_of(2, lambda: stats.binom.sf(b - 1, n, 0.5))

    # binomtest refuses n = 0 (p = 1 by definition): time it on pairs with n >= 1.
    nonzero = np.flatnonzero(n > 0)
    idx = nonzero[np.random.default_rng(1).integers(0, nonzero.size, LOOP_CALLS)]
    start = time.perf_counter()
    for i in idx:
        stats.binomtest(int(b[i]), int(n[i]), 0.5, alternative="greater")
    t_loop = (time.perf_counter() - start) * PAIRS / LOOP_CALLS

    rows = [
        ("fastmcnemar.mcnemar_counts", t_fast),
        ("scipy.stats.binom.sf (vectorized)", t_scipy),
        (f"scipy.stats.binomtest loop (10^4 calls x {PAIRS // LOOP_CALLS})", t_loop),
    ]
    print(f"\n{'method':<52}{'time for 10^6':>15}{'per pair':>12}{'ours faster by':>16}")
    for name, t in rows:
        print(f"{name:<52}{t:>13.3f} s{t / PAIRS * 1e9:>9.0f} ns{t / t_fast:>15.1f}x")

    theirs = np.asarray(theirs)
    ok = theirs >= 1e-300
    rel_vs_scipy = np.max(np.abs(ours[ok] - theirs[ok]) / theirs[ok])
    sample = np.random.default_rng(2).integers(0, PAIRS, 300)
    err_ours = err_scipy = 0.0
    for i in sample:
        want = binomial_oracle.sf(int(n[i]), int(b[i]))
        if want < 1e-300:
            continue
        with mp.workdps(30):
            rel_ours = abs(mp.mpf(float(ours[i])) / want - 1)
            rel_scipy = abs(mp.mpf(float(theirs[i])) / want - 1)
        err_ours = max(err_ours, float(rel_ours))
        err_scipy = max(err_scipy, float(rel_scipy))
    print(
        f"\nmax relative difference from scipy over all pairs with p >= 1e-300: {rel_vs_scipy:.2e}"
    )
    print(
        f"max relative error vs mpmath on 300 pairs: fastmcnemar {err_ours:.2e}, "
        f"scipy {err_scipy:.2e}"
    )


if __name__ == "__main__":
    main()
