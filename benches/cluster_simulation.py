"""The simulation table of docs/clusters.md: type-I error and power, naive vs clustered.

Run: .venv/bin/python benches/cluster_simulation.py [--reps 2000]
Seeded; 100 clusters of 10 samples; alpha = 0.05. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np

import fastmcnemar as fm
from fastmcnemar._cluster_simulation import binary_clusters, continuous_clusters

ALPHA = 0.05


def row(kind: str, corr: float, drop: float, reps: int, seed: int) -> list[float]:
    rng = np.random.default_rng(seed)
    hits = np.zeros(4)
    deff = []
    for i in range(reps):
        if kind == "binary":
            ref, cand, k = binary_clusters(rng, 100, 10, rho=corr, flip_rate=0.1, drop=drop)
            naive = fm.mcnemar(ref, cand).pvalue
            obu = fm.clustered_mcnemar(ref, cand, k, method="obuchowski").pvalue
            dur = fm.clustered_mcnemar(ref, cand, k, method="durkalski").pvalue
        else:
            ref, cand, k = continuous_clusters(rng, 100, 10, icc=corr, drop=drop)
            naive = fm.permutation_test(ref, cand, n_resamples=999, rng=i).pvalue
            obu = dur = float("nan")
        res = fm.clustered_test(ref, cand, k, n_resamples=999, rng=i)
        deff.append(res.design_effect)
        # NaN (no clustered McNemar for continuous scores) stays NaN in the rate.
        hits += [float(p <= ALPHA) if p == p else np.nan for p in (naive, res.pvalue, obu, dur)]
    return [float(np.mean(deff)), *(hits / reps)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=2000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", fm.ClusterWarning)
    print(
        "| scores | correlation | drop | mean DEFF | naive | cluster sign-flip "
        "| Obuchowski | Durkalski |"
    )
    print("|---|---|---|---|---|---|---|---|")
    cases = [
        ("binary", 0.0, 0.0), ("binary", 0.1, 0.0), ("binary", 0.3, 0.0),
        ("binary", 0.1, 0.02), ("binary", 0.3, 0.02),
        ("continuous", 0.1, 0.0), ("continuous", 0.3, 0.0),
        ("continuous", 0.1, 0.005), ("continuous", 0.3, 0.005),
    ]  # fmt: skip
    for seed, (kind, corr, drop) in enumerate(cases):
        deff, naive, flip, obu, dur = row(kind, corr, drop, args.reps, seed)
        name = "rho" if kind == "binary" else "ICC"

        def cell(x: float) -> str:
            return "n/a" if np.isnan(x) else f"{x:.3f}"

        print(
            f"| {kind} | {name} = {corr} | {drop} | {deff:.2f} | {cell(naive)} | {cell(flip)} "
            f"| {cell(obu)} | {cell(dur)} |"
        )


if __name__ == "__main__":
    main()
