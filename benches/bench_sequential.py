"""Sequential tests: how many samples early stopping saves, and how fast the state updates.

1. Stopping point with a real drop (q = 0.6 of the discordant pairs are
   losses, 10% of samples flip, so delta = 0.02): the sequential test looked
   at after every sample, against the N the fixed-N exact McNemar test needs
   (``fastmcnemar.sample_size``) for the same power. The N by which 80% (90%)
   of sequential runs have stopped is the sequential test's N for power 0.8
   (0.9).
2. Why not just peek: the fixed exact test looked at every 100 samples under
   the null.
3. Throughput: 1,000 candidates x 60 tasks updated from counts in one call,
   beside scipy computing the same mixture e-values (vectorised betaln and
   betainc, no state, no betting capitals); and per-sample updates of one
   stream with its confidence-sequence grid.

Usage: ``python benches/bench_sequential.py [--runs R]``. Timings are medians
of interleaved runs.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable

import numpy as np
from scipy import special

import fastmcnemar as fm
from fastmcnemar import _core


def stopping_points(
    runs: int, q: float, flip_rate: float, alpha: float, prior: int, n_max: int, seed: int
) -> np.ndarray:
    """First n at which the mixture e-process reaches 1/alpha (n_max + 1 if never)."""
    rng = np.random.default_rng(seed)
    threshold = math.log(1 / alpha)
    out = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        gaps = rng.geometric(flip_rate, size=int(n_max * flip_rate * 2) + 100)
        positions = np.cumsum(gaps)
        losses = rng.random(positions.size) < q
        b = c = 0
        stop = n_max + 1
        for pos, loss in zip(positions.tolist(), losses.tolist(), strict=True):
            if pos > n_max:
                break
            if loss:
                b += 1
            else:
                c += 1
            if _core.sequential_ln_mixture_evalue(b, c, prior) >= threshold:
                stop = pos
                break
        out[r] = stop
    return out


def betting_stopping_points(
    runs: int, q: float, flip_rate: float, alpha: float, n_max: int, seed: int
) -> np.ndarray:
    """The same for the betting e-process (what graded scores use), in batches of 50."""
    rng = np.random.default_rng(seed)
    out = np.empty(runs, dtype=np.int64)
    for r in range(runs):
        t = fm.SequentialTest(alpha=alpha, method="betting", grid_points=0)
        stop = n_max + 1
        for start in range(0, n_max, 50):
            u = rng.random(50)
            ref = np.where(u < flip_rate * q, 1.0, np.where(u < flip_rate, 0.0, 1.0))
            cand = np.where(u < flip_rate * q, 0.0, np.where(u < flip_rate, 1.0, 1.0))
            t.update(ref, cand)
            if t.decision == "degraded":
                stop = start + 50
                break
        out[r] = stop
    return out


def peeking_false_alarms(runs: int, n: int, every: int, flip_rate: float, seed: int) -> float:
    """Share of null runs where the fixed exact test, looked at every `every` samples,
    ever says p <= 0.05."""
    rng = np.random.default_rng(seed)
    u = rng.random((runs, n))
    b = np.cumsum(u < flip_rate / 2, axis=1)[:, every - 1 :: every]
    c = np.cumsum((u >= flip_rate / 2) & (u < flip_rate), axis=1)[:, every - 1 :: every]
    p = fm.mcnemar_counts(b.reshape(-1), c.reshape(-1)).pvalue.reshape(b.shape)
    return float(np.mean((p <= 0.05).any(axis=1)))


def median_interleaved(fns: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(v) for name, v in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    q, flip, alpha = 0.6, 0.10, 0.05
    delta = (2 * q - 1) * flip
    n_max = 50_000

    print(f"1. Stopping point: q = {q}, flip rate = {flip}, delta = {delta:.3f}, alpha = {alpha}")
    stops = stopping_points(args.runs, q, flip, alpha, fm.sequential.DEFAULT_PRIOR, n_max, seed=1)
    bet = betting_stopping_points(max(args.runs // 5, 50), q, flip, alpha, n_max, seed=2)
    print(f"{'':34s} {'median':>8s} {'mean':>8s} {'power .8':>9s} {'power .9':>9s}")
    for name, s in (("sequential, mixture (default)", stops), ("sequential, betting", bet)):
        print(
            f"{name:34s} {np.median(s):8.0f} {np.mean(s):8.0f} "
            f"{np.quantile(s, 0.8):9.0f} {np.quantile(s, 0.9):9.0f}"
        )
    fixed = {p: fm.sample_size(flip, delta, power=p) for p in (0.5, 0.8, 0.9)}
    print(
        f"{'fixed-N exact McNemar':34s} {fixed[0.5]:8d} {'':8s} {fixed[0.8]:9d} {fixed[0.9]:9d}"
        "   (median column: N for power 0.5)"
    )
    print(f"never stopped by N = {n_max}: {np.mean(stops > n_max):.4f}")

    print("\n2. Peeking at the fixed exact test under the null (flip rate 0.1, alpha 0.05)")
    for n, every in ((5000, 100), (5000, 10)):
        rate = peeking_false_alarms(2000, n, every, flip, seed=3)
        print(
            f"   looked at every {every} samples up to {n}: ever 'degraded' in {rate:.3f} of runs"
        )

    print("\n3. Throughput")
    rows, cols = 1000, 60
    rng = np.random.default_rng(4)
    b = rng.integers(0, 5, (rows, cols))
    c = rng.integers(0, 5, (rows, cols))
    n = b + c + 40
    batch = fm.SequentialBatch(rows, cols, margin=0.01)
    tot_b = np.zeros((rows, cols))
    tot_c = np.zeros((rows, cols))

    def ours() -> None:
        batch.update_counts(b, c, n)

    def scipy_mixture() -> None:
        nonlocal tot_b, tot_c
        tot_b = tot_b + b
        tot_c = tot_c + c
        a = fm.sequential.DEFAULT_PRIOR
        log_b = special.betaln(a + tot_b, a + tot_c) - special.betaln(a, a)
        upper = special.betainc(a + tot_c, a + tot_b, 0.5)
        _ = (tot_b + tot_c + 1) * math.log(2) + log_b + np.log(upper)

    med = median_interleaved({"ours": ours, "scipy": scipy_mixture}, repeat=21)
    print(
        f"   {rows} x {cols} streams, one update from counts: "
        f"fastmcnemar {med['ours'] * 1e3:.2f} ms (mixture + 2 betting capitals + suite, "
        f"{rows * cols / med['ours'] / 1e6:.1f} M streams/s); "
        f"scipy mixture e-values alone {med['scipy'] * 1e3:.2f} ms"
    )
    ref = (rng.random(20_000) < 0.7).astype(np.float64)
    cand = np.where(rng.random(20_000) < 0.1, 1 - ref, ref)

    def one_stream_grid() -> None:
        fm.SequentialTest(margin=0.01).update(ref, cand)

    def one_stream_plain() -> None:
        fm.SequentialTest(margin=0.01, grid_points=0).update(ref, cand)

    med = median_interleaved({"grid": one_stream_grid, "plain": one_stream_plain}, repeat=7)
    print(
        f"   one stream, 20,000 samples: {20_000 / med['grid'] / 1e6:.2f} M samples/s with the "
        f"2,001-point confidence sequence, {20_000 / med['plain'] / 1e6:.1f} M samples/s without"
    )


if __name__ == "__main__":
    main()
