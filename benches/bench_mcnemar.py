"""Exact one-sided McNemar p-values for 10^6 (b, c) pairs: fastmcnemar vs scipy.

Counts mimic a bulk audit: each pair is one task of N ~ log-uniform[10^2, 10^5]
samples with a flip rate ~ U(0.01, 0.15), n = b + c ~ Binomial(N, flip rate)
and b ~ Binomial(n, 0.5 + U(0, 0.05)) (a slight degradation), seed 2026.
scipy: ``binom.sf(b - 1, n, 0.5)`` vectorized on the same arrays, and a loop of
``binomtest(b, n, 0.5, alternative="greater")`` timed on 10^4 calls and
extrapolated to 10^6; the two vectorized calls are timed as the best of 15
runs each. Accuracy: max relative error against an mpmath oracle
(45 digits, tests/binomial_oracle.py) on 300 of the pairs, and the max
relative difference from scipy over all pairs with p >= 1e-300.

Large-n path: the same 10^6 pairs against 10^6 pairs whose n = b + c is
log-uniform on [10^3, 10^5] (every pair beyond the n <= 1024 tables, most n
shared by a few pairs spread over thousands of b; b ~ Binomial(n, 0.5 +
U(0, 0.05))) and uniform on [1025, 10^5]; medians of 9 interleaved runs,
wall and CPU.

Run: ``.venv/bin/python benches/bench_mcnemar.py`` (FASTMCNEMAR_NUM_THREADS sets threads;
``--paths`` runs only the small-n / large-n comparison).
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
REPEATS = 15


def make_counts(seed: int = 2026) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n_samples = np.exp(rng.uniform(np.log(1e2), np.log(1e5), PAIRS)).astype(np.int64)
    n = rng.binomial(n_samples, rng.uniform(0.01, 0.15, PAIRS))
    b = rng.binomial(n, 0.5 + rng.uniform(0.0, 0.05, PAIRS))
    return b.astype(np.int64), (n - b).astype(np.int64)


def best_of(repeats: int, func: object) -> tuple[float, float, object]:
    """Best wall time, the CPU time (all threads) of that run, and the result."""
    best, best_cpu, result = float("inf"), 0.0, None
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()  # type: ignore[operator]
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if wall < best:
            best, best_cpu = wall, cpu
    return best, best_cpu, result


def large_n_counts(uniform: bool, seed: int = 2027) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if uniform:
        n = rng.integers(1025, 100_001, PAIRS)
    else:
        n = np.exp(rng.uniform(np.log(1e3), np.log(1e5), PAIRS)).astype(np.int64)
    b = rng.binomial(n, 0.5 + rng.uniform(0.0, 0.05, PAIRS))
    return b.astype(np.int64), (n - b).astype(np.int64)


def paths(runs: int = 9) -> None:
    """The small-n and large-n paths, medians of interleaved runs (wall and CPU)."""
    cases = {
        "small n (the audit mix above)": make_counts(),
        "large n, log-uniform 10^3..10^5": large_n_counts(uniform=False),
        "large n, uniform 1025..10^5": large_n_counts(uniform=True),
    }
    fastmcnemar.mcnemar_counts(*cases["small n (the audit mix above)"])  # warm-up
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for _ in range(runs):
        for name, (b, c) in cases.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            fastmcnemar.mcnemar_counts(b, c)
            times[name].append((time.perf_counter() - start, time.process_time() - start_cpu))
    small_wall = float(np.median([w for w, _ in times["small n (the audit mix above)"]]))
    small_cpu = float(np.median([c for _, c in times["small n (the audit mix above)"]]))
    print(f"\nmcnemar_counts, 10^6 pairs, medians of {runs} interleaved runs")
    print(f"{'case':<36}{'wall':>10}{'x small':>9}{'CPU':>10}{'x small':>9}")
    for name, pairs in times.items():
        wall = float(np.median([w for w, _ in pairs]))
        cpu = float(np.median([c for _, c in pairs]))
        print(
            f"{name:<36}{wall:>8.3f} s{wall / small_wall:>8.1f}x{cpu:>8.3f} s"
            f"{cpu / small_cpu:>8.1f}x"
        )


def main() -> None:
    if "--paths" in sys.argv:
        paths()
        return
    b, c = make_counts()
    n = b + c
    threads = os.environ.get("FASTMCNEMAR_NUM_THREADS", str(os.cpu_count()))
    print(
        f"{PAIRS:,} pairs; n = b + c: median {int(np.median(n))}, max {int(n.max())}; "
        f"threads {threads}",
        flush=True,
    )

    fastmcnemar.mcnemar_counts(b[:1000], c[:1000])  # warm-up (pool start)
    # Best of REPEATS for both: on a shared machine single runs vary by 2x.
    t_fast, cpu_fast, res = best_of(REPEATS, lambda: fastmcnemar.mcnemar_counts(b, c))
    ours = res.pvalue  # type: ignore[attr-defined]
    t_scipy, cpu_scipy, theirs = best_of(REPEATS, lambda: stats.binom.sf(b - 1, n, 0.5))

    # binomtest refuses n = 0 (p = 1 by definition): time it on pairs with n >= 1.
    nonzero = np.flatnonzero(n > 0)
    idx = nonzero[np.random.default_rng(1).integers(0, nonzero.size, LOOP_CALLS)]
    start, start_cpu = time.perf_counter(), time.process_time()
    for i in idx:
        stats.binomtest(int(b[i]), int(n[i]), 0.5, alternative="greater")
    t_loop = (time.perf_counter() - start) * PAIRS / LOOP_CALLS
    cpu_loop = (time.process_time() - start_cpu) * PAIRS / LOOP_CALLS

    rows = [
        ("fastmcnemar.mcnemar_counts", t_fast, cpu_fast),
        ("scipy.stats.binom.sf (vectorized)", t_scipy, cpu_scipy),
        (f"scipy.stats.binomtest loop (10^4 calls x {PAIRS // LOOP_CALLS})", t_loop, cpu_loop),
    ]
    header = f"{'wall, 10^6':>12}{'ours faster':>13}{'CPU, 10^6':>12}{'ours less':>11}"
    print(f"\n{'method':<50}{header}")
    for name, t, cpu in rows:
        print(f"{name:<50}{t:>10.3f} s{t / t_fast:>12.1f}x{cpu:>10.3f} s{cpu / cpu_fast:>10.1f}x")
    print("(wall: best run; CPU: process CPU time of that run, all threads)")

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
    paths()


if __name__ == "__main__":
    main()
