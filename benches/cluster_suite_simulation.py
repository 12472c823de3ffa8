"""Suite-level rows of docs/clusters.md: ``compare`` with and without ``cluster=``.

Run: .venv/bin/python benches/cluster_suite_simulation.py [--reps 1000]
Seeded. Suites of 3 binary tasks and 1 continuous task, 40 clusters of 8 samples
(correlation 0.3 inside a cluster). Also the issue's broad small drop without
clusters: 3 binary tasks of 1,000 samples plus one continuous task, where the old
suite rule ("some task rejects after Holm") is compared with the combined rule.
"""

from __future__ import annotations

import argparse
import warnings

import numpy as np
import polars as pl

import fastmcnemar as fm
from fastmcnemar._cluster_simulation import binary_clusters, continuous_clusters


def frame(
    model: str, task: str, scores: np.ndarray, passage: np.ndarray, metric: str
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "model": model, "task": task, "filter": "none", "metric": metric,
            "doc_id": [str(i) for i in range(len(scores))], "score": scores.astype(float),
            "doc_hash": None, "prompt_hash": None, "target_hash": None, "source": "sim",
            "passage": passage.astype(str),
        },
        schema_overrides={"doc_hash": pl.Utf8, "prompt_hash": pl.Utf8, "target_hash": pl.Utf8},
    )  # fmt: skip


def suite(rng: np.random.Generator, drop: float, n_clusters: int, size: int, rho: float):
    refs, cands = [], []
    for t in range(3):
        r, c, k = binary_clusters(rng, n_clusters, size, rho=rho, flip_rate=0.1, drop=drop)
        refs.append(frame("ref", f"t{t}", r, k, "acc"))
        cands.append(frame("cand", f"t{t}", c, k, "acc"))
    r, c, k = continuous_clusters(rng, n_clusters, size, icc=rho, drop=drop / 4)
    refs.append(frame("ref", "judge", r, k, "score"))
    cands.append(frame("cand", "judge", c, k, "score"))
    return pl.concat(refs), pl.concat(cands).drop("passage")


def rates(
    reps: int, drop: float, n_clusters: int, size: int, rho: float, seed: int
) -> dict[str, float]:
    rng = np.random.default_rng(seed)
    hits = {"naive": 0, "clustered": 0, "holm": 0}
    for i in range(reps):
        ref, cand = suite(rng, drop, n_clusters, size, rho)
        naive = fm.compare(ref.drop("passage"), cand, n_resamples=999, rng=i)
        hits["naive"] += naive.degraded
        hits["holm"] += bool((naive.tasks["pvalue_adjusted"] <= 0.05).any())
        if size > 1:
            hits["clustered"] += fm.compare(
                ref, cand, cluster="passage", n_resamples=999, rng=i
            ).degraded
    return {k: v / reps for k, v in hits.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=1000)
    args = parser.parse_args()
    warnings.simplefilter("ignore", fm.ClusterWarning)
    print("| suite | drop | naive compare | compare cluster= | old rule (any task after Holm) |")
    print("|---|---|---|---|---|")
    for drop in (0.0, 0.02):
        r = rates(args.reps, drop, 40, 8, 0.3, seed=int(drop * 1000))
        print(f"| clustered, 4 tasks x 40 clusters x 8 | {drop} | {r['naive']:.3f} "
              f"| {r['clustered']:.3f} | {r['holm']:.3f} |")  # fmt: skip
    for drop in (0.0, 0.02):
        r = rates(args.reps, drop, 1000, 1, 0.0, seed=7 + int(drop * 1000))
        print(f"| independent, 4 tasks x 1,000 | {drop} | {r['naive']:.3f} | n/a "
              f"| {r['holm']:.3f} |")  # fmt: skip


if __name__ == "__main__":
    main()
