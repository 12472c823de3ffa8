"""Planning: exact power, sample size, minimum detectable drop, Tango non-inferiority.

Neither scipy nor statsmodels ships exact McNemar power or a paired
non-inferiority test, so the comparison is with the same computations written
on top of scipy (vectorized binomial tails, brentq for the Tango root).
Usage: ``python benches/bench_planning.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy import optimize, stats

import fastmcnemar as fm


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def scipy_power(n: int, p: float, delta: float, alpha: float = 0.05) -> float:
    """The exact power sum, vectorized with scipy's binomial (Boost)."""
    q = (p + delta) / (2 * p)
    lo = int(stats.binom.ppf(1e-17, n, p))
    hi = int(stats.binom.isf(1e-17, n, p))
    m = np.arange(lo, hi + 1)
    k = stats.binom.isf(alpha, m, 0.5) + 1  # smallest k with P(X >= k) <= alpha
    return float(np.sum(stats.binom.pmf(m, n, p) * stats.binom.sf(k - 1, m, q)))


def scipy_tango_upper(b: int, c: int, n: int, z: float) -> float:
    def score(d: float) -> float:
        a = 2.0 * n
        bb = -b - c + (2.0 * n - b + c) * d
        cc = -c * d * (1 - d)
        p21 = (math.sqrt(bb * bb - 4 * a * cc) - bb) / (2 * a)
        return (b - c - n * d) / math.sqrt(n * (2 * p21 + d * (1 - d))) + z

    return float(optimize.brentq(score, (b - c) / n, 1 - 1e-12, xtol=1e-15))


def main() -> None:
    print("exact power of the one-sided exact McNemar test (flip rate 0.05, drop = 0.8 x MDD)")
    print(f"{'N':>10} {'fastmcnemar':>12} {'scipy sum':>12} {'speed-up':>9} {'max |diff|':>11}")
    for n in (1_000, 10_000, 100_000, 1_000_000):
        delta = 0.8 * 2.49 * math.sqrt(0.05 / n)
        t_fm, ours = timed(lambda n=n, d=delta: fm.power(n, 0.05, d))
        t_sp, theirs = timed(lambda n=n, d=delta: scipy_power(n, 0.05, d))
        print(
            f"{n:>10,} {t_fm * 1e3:>10.2f}ms {t_sp * 1e3:>10.2f}ms {t_sp / t_fm:>8.1f}x "
            f"{abs(ours - theirs):>11.1e}"
        )

    print("\nsample_size (exact, plain smallest N) vs the normal rule, flip rate 0.05, power 0.8")
    print(f"{'drop':>8} {'N exact':>12} {'N normal':>10} {'time':>10}")
    for delta in (0.02, 0.01, 0.003, 0.001):
        t, n = timed(lambda d=delta: fm.sample_size(0.05, d), repeat=1)
        print(
            f"{delta:>8} {n:>12,} {fm.sample_size(0.05, delta, method='normal'):>10,} "
            f"{t * 1e3:>8.1f}ms"
        )

    print("\nminimum_detectable_delta (exact), flip rate 0.05, power 0.8")
    for n in (1_000, 10_000, 100_000):
        t, d = timed(lambda n=n: fm.minimum_detectable_delta(n, 0.05), repeat=1)
        print(f"{n:>10,} {100 * d:>8.3f} pt {t * 1e3:>8.1f}ms")

    print("\nTango non-inferiority (statistic, p-value and 90% interval) per call")
    cases = [(30, 25, 3000), (150, 86, 1600), (1200, 1100, 100_000)]
    z = stats.norm.isf(0.05)
    t_fm, _ = timed(
        lambda: [fm.noninferiority_counts(b, c, n, margin=0.01) for b, c, n in cases * 100]
    )
    t_sp, _ = timed(lambda: [scipy_tango_upper(b, c, n, z) for b, c, n in cases * 100])
    print(
        f"fastmcnemar {t_fm / 300 * 1e6:.1f} us/call (both limits + p-value); "
        f"scipy brentq upper limit only {t_sp / 300 * 1e6:.1f} us/call"
    )
    for b, c, n in cases:
        t_exact, _ = timed(
            lambda b=b, c=c, n=n: fm.noninferiority_counts(b, c, n, margin=0.01, method="exact"),
            repeat=1,
        )
        print(f"  exact unconditional p-value b={b} c={c} n={n}: {t_exact * 1e3:.1f} ms")
        ours = fm.noninferiority_counts(b, c, n, margin=0.01).confidence_interval.high
        diff = abs(ours - scipy_tango_upper(b, c, n, z))
        print(f"  upper limit b={b} c={c} n={n}: |diff| = {diff:.1e}")

    verdict_columns_for_an_audit()


def audit_tasks(candidates: int, seed: int = 0) -> Any:
    """Per-(candidate, task) rows of an audit of 60 tasks: each task keeps its n
    across candidates (as in a real suite), the flips vary."""
    import polars as pl

    rng = np.random.default_rng(seed)
    task_n = rng.choice([100, 250, 500, 1000, 1319, 2000, 5000, 10_042], size=60)
    n = np.tile(task_n, candidates)
    b = rng.binomial(n, 0.03)
    c = rng.binomial(n, 0.025)
    p = np.array([float(stats.binom.sf(x - 1, x + y, 0.5)) for x, y in zip(b, c, strict=True)])
    return pl.DataFrame(
        {
            "task": np.tile(np.arange(60), candidates).astype(str),
            "kind": "binary",
            "n": n,
            "b": b,
            "c": c,
            "flip_rate": (b + c) / n,
            "ci_high": np.nan,
            "degraded": p <= 0.05,
            "verdict": "",
        }
    )


def verdict_columns_for_an_audit() -> None:
    """The three planning searches and the Tango test per task, as the audit did
    them before (one scalar call each, ``tests/verdict_oracle.py``) and in one batched
    call (``planning.verdict_columns``, what ``compare.decision.add_verdicts`` now
    uses); medians of interleaved runs."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from fastmcnemar.planning import verdict_columns
    from verdict_oracle import per_task_verdicts

    print("\nverdict columns of an audit (60 tasks x K candidates), medians of 5 interleaved runs")
    print(f"{'K':>5} {'rows':>6} {'per-task calls':>15} {'verdict_columns':>16} {'speed-up':>9}")
    for candidates in (1, 10, 50):
        tasks = audit_tasks(candidates)

        def batched(tasks: Any = tasks) -> Any:
            return verdict_columns(
                tasks["n"].to_numpy(),
                tasks["b"].to_numpy(),
                tasks["c"].to_numpy(),
                tasks["flip_rate"].to_numpy(),
                binary=True,
                degraded=tasks["degraded"].to_numpy(),
                margin=0.01,
            ).to_polars()

        scalar_times, batch_times = [], []
        for _ in range(5):
            t, want = timed(
                lambda tasks=tasks: per_task_verdicts(tasks, margin=0.01, alpha=0.05), 1
            )
            scalar_times.append(t)
            t, got = timed(batched, 1)
            batch_times.append(t)
        assert got.equals(want.select(got.columns))
        scalar, batch = float(np.median(scalar_times)), float(np.median(batch_times))
        print(
            f"{candidates:>5} {tasks.height:>6} {scalar * 1e3:>13.1f}ms {batch * 1e3:>14.1f}ms "
            f"{scalar / batch:>8.1f}x"
        )


if __name__ == "__main__":
    main()
