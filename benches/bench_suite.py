"""Suite aggregation: 500 candidates x 60 tasks in one run.

fastmcnemar computes the 30,000 exact per-task tests and, per candidate, the
combined rule (pooled, exact Max-Drop, Fisher), Stouffer, Cauchy (ACAT), HMP
and Holm-adjusted per-task p-values. The baseline computes the same with
scipy/statsmodels in a loop over candidates: ``binom.sf`` per task (vectorised
over the 60 tasks), pooled ``binom.sf``, ``combine_pvalues`` (Fisher,
Stouffer), exact Max-Drop as ``1 - prod binom.cdf`` at float thresholds,
ACAT in NumPy, HMP with ``scipy.stats.landau``, ``multipletests`` (Holm;
timed on 50 candidates and scaled, because each call runs ``gc.collect()``).
A second baseline times ``scipy.stats.binomtest`` task by task on the first
50 candidates (3,000 calls) and scales it to 500.

Usage: ``python benches/bench_suite.py`` (or ``make bench``).
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy import stats
from statsmodels.stats.multitest import multipletests

import fastmcnemar as fm

N_CANDIDATES, N_TASKS = 500, 60


def make_counts(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    gen = np.random.default_rng(seed)
    flips = np.maximum(1, gen.lognormal(math.log(300), 1.0, size=N_TASKS).astype(np.int64))
    q = 0.5 + gen.uniform(0, 0.03, size=(N_CANDIDATES, 1)) * (gen.uniform(size=N_TASKS) < 0.3)
    b = gen.binomial(flips, q)
    return b, flips - b


def run_fastmcnemar(b: np.ndarray, c: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    combined = fm.aggregate_many(b, c, method="combined")
    assert combined.components is not None
    out["task_p"] = combined.task_pvalues
    for name, (_, p, _) in combined.components.items():
        out[name] = p
    out["combined"] = combined.pvalue
    for method in ("stouffer", "cauchy", "hmp"):
        out[method] = fm.aggregate_many(b, c, method=method).pvalue
    out["holm"] = np.array([fm.adjust_pvalues(row) for row in combined.task_pvalues])
    return out


def _midp(b: np.ndarray, n: np.ndarray) -> np.ndarray:
    return stats.binom.sf(b, n, 0.5) + 0.5 * stats.binom.pmf(b, n, 0.5)


def run_scipy(b: np.ndarray, c: np.ndarray, holm: bool = True) -> dict[str, np.ndarray]:
    rows: dict[str, list] = {k: [] for k in ("task_p", "pooled", "max_drop", "fisher")}
    rows |= {k: [] for k in ("combined", "stouffer", "cauchy", "hmp", "holm")}
    for bi, ci in zip(b, c, strict=True):
        n = bi + ci
        keep = n > 0
        p = stats.binom.sf(bi - 1, n, 0.5)
        rows["task_p"].append(p)
        pooled = stats.binom.sf(bi.sum() - 1, n.sum(), 0.5)
        z = (bi[keep] - ci[keep]) / np.sqrt(n[keep])
        t = z.max()
        k = np.ceil((n[keep] + t * np.sqrt(n[keep])) / 2 - 1e-9)
        max_drop = -np.expm1(np.sum(np.log1p(-stats.binom.sf(k - 1, n[keep], 0.5))))
        fisher = stats.combine_pvalues(p[keep], method="fisher").pvalue
        rows["pooled"].append(pooled)
        rows["max_drop"].append(max_drop)
        rows["fisher"].append(fisher)
        rows["combined"].append(min(1.0, 3 * min(pooled, max_drop, fisher)))
        mid = _midp(bi[keep], n[keep])
        rows["stouffer"].append(stats.combine_pvalues(mid, method="stouffer").pvalue)
        cauchy_t = np.mean(np.tan((0.5 - mid) * np.pi))
        rows["cauchy"].append(stats.cauchy.sf(cauchy_t))
        hmp = 1 / np.mean(1 / p[keep])
        loc = math.log(keep.sum()) + 1 - np.euler_gamma
        rows["hmp"].append(stats.landau.sf((1 / hmp - loc - math.log(math.pi / 2)) * 2 / math.pi))
        if holm:
            rows["holm"].append(multipletests(p, method="holm")[1])
    return {k: np.array(v) for k, v in rows.items() if v}


def time_multipletests(task_p: np.ndarray, n_candidates: int) -> float:
    start = time.perf_counter()
    for p in task_p[:n_candidates]:
        multipletests(p, method="holm")
    return time.perf_counter() - start


def time_binomtest(b: np.ndarray, c: np.ndarray, n_candidates: int) -> float:
    start = time.perf_counter()
    for bi, ci in zip(b[:n_candidates], c[:n_candidates], strict=True):
        for x, y in zip(bi, ci, strict=True):
            stats.binomtest(int(x), int(x + y), 0.5, alternative="greater")
    return time.perf_counter() - start


def main() -> None:
    b, c = make_counts()
    run_fastmcnemar(b[:5], c[:5])  # warm up (thread pool, imports)
    start = time.perf_counter()
    ours = run_fastmcnemar(b, c)
    t_ours = time.perf_counter() - start
    start = time.perf_counter()
    theirs = run_scipy(b, c, holm=False)
    t_scipy = time.perf_counter() - start
    # multipletests runs gc.collect() on every call (about 0.1 s here), so it
    # is timed on 50 candidates and scaled; its values are checked on those.
    t_holm = time_multipletests(theirs["task_p"], 50) * N_CANDIDATES / 50
    theirs["holm"] = np.array([multipletests(p, method="holm")[1] for p in theirs["task_p"][:50]])
    ours["holm"] = ours["holm"][:50]
    t_binomtest = time_binomtest(b, c, 50) * N_CANDIDATES / 50
    worst = {
        k: float(np.max(np.abs(ours[k] - theirs[k]) / np.maximum(theirs[k], 1e-300))) for k in ours
    }
    print(f"{N_CANDIDATES} candidates x {N_TASKS} tasks, {b.sum() + c.sum():,} flips in total")
    print(f"{'implementation':58s} {'seconds':>9s} {'ratio':>8s}")
    print(f"{'fastmcnemar (aggregate_many x4 + adjust_pvalues)':58s} {t_ours:9.3f} {1:8.1f}")
    print(
        f"{'scipy loop without Holm (binom.sf, combine_pvalues, ...)':58s} "
        f"{t_scipy:9.3f} {t_scipy / t_ours:8.1f}"
    )
    print(
        f"{'statsmodels multipletests Holm (50 candidates, x10)':58s} "
        f"{t_holm:9.3f} {t_holm / t_ours:8.1f}"
    )
    total = t_scipy + t_holm
    print(f"{'scipy/statsmodels loop, total':58s} {total:9.3f} {total / t_ours:8.1f}")
    print(
        f"{'scipy binomtest per task (50 candidates, x10)':58s} "
        f"{t_binomtest:9.3f} {t_binomtest / t_ours:8.1f}"
    )
    print(
        "max relative difference vs the scipy loop: "
        + ", ".join(f"{k} {v:.1e}" for k, v in worst.items())
    )


if __name__ == "__main__":
    main()
