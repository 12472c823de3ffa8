"""Comparisons and audits with known contents, for the rendering tests.

Built as the real :class:`~fastmcnemar.Comparison` / :class:`~fastmcnemar.Audit`
with task rows whose numbers are computed here (scipy's exact binomial tail, a
Wald interval, Holm), so renderers are tested on every field without depending
on which statistical areas the build has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import polars as pl
from scipy.stats import binom

from fastmcnemar.compare.results import (
    SKIPPED_COLUMNS,
    SUMMARY_COLUMNS,
    TASK_COLUMNS,
    Audit,
    Comparison,
)

#: (task, filter, metric, n, b, c)
TASKS: list[tuple[str, str, str, int, int, int]] = [
    ("gsm8k", "strict-match", "exact_match", 1319, 60, 31),
    ("mmlu_abstract_algebra", "none", "acc", 100, 6, 4),
    ("arc_challenge", "none", "acc_norm", 1172, 40, 38),
    ("hellaswag", "none", "acc_norm", 10042, 420, 300),
    ("truthfulqa_mc2", "none", "acc", 817, 12, 15),
]


@dataclass(frozen=True)
class FakeAggregate:
    """The fields of AggregateResult the renderers read."""

    method: str
    statistic: float
    pvalue: float
    alpha: float
    rejected: bool
    components: Any = None


def _holm(pvalues: list[float]) -> list[float]:
    order = sorted(range(len(pvalues)), key=lambda i: pvalues[i])
    adjusted = [0.0] * len(pvalues)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (len(pvalues) - rank) * pvalues[i]))
        adjusted[i] = running
    return adjusted


def make_comparison(
    candidate: str = "org/model-int4", scale: float = 1.0, alpha: float = 0.05
) -> Comparison:
    rows = []
    for task, filt, metric, n, b0, c in TASKS:
        b = round(b0 * scale)
        delta = (b - c) / n
        half = 1.96 * math.sqrt(max((b + c) / n - delta * delta, 0.0) / n)
        rows.append(
            {
                "task": task,
                "filter": filt,
                "metric": metric,
                "kind": "binary",
                "method": "exact",
                "n": n,
                "b": b,
                "c": c,
                "reference_accuracy": 0.7,
                "candidate_accuracy": 0.7 - delta,
                "delta": delta,
                "ci_low": delta - half,
                "ci_high": delta + half,
                "flip_rate": (b + c) / n,
                "pvalue": float(binom.sf(b - 1, b + c, 0.5)),
            }
        )
    adjusted = _holm([r["pvalue"] for r in rows])
    pooled_p = float(
        binom.sf(sum(r["b"] for r in rows) - 1, sum(r["b"] + r["c"] for r in rows), 0.5)
    )
    suite = pooled_p <= alpha
    for row, p in zip(rows, adjusted, strict=True):
        row["pvalue_adjusted"] = p
        row["degraded"] = suite and p <= alpha
        # the three-way vocabulary: a drop whose interval stays below 1 pt is equivalent
        row["verdict"] = (
            "degraded" if row["degraded"] else "equivalent" if row["ci_high"] < 0.01
            else "inconclusive"
        )  # fmt: skip
    tasks = pl.DataFrame(rows, schema=TASK_COLUMNS)
    skipped = pl.DataFrame(
        [{"task": "ifeval", "filter": "none", "metric": "inst_level_strict_acc",
          "reason": "not per-sample testable: per-sample value is a list"}],
        schema=SKIPPED_COLUMNS,
    )  # fmt: skip
    aggregate = FakeAggregate(
        "combined",
        3.2,
        pooled_p,
        alpha,
        suite,
        components=[FakeAggregate("pooled", 3.1, pooled_p, alpha, suite)],
    )
    metadata = {
        "reference": {"label": "org/model", "harness_version": "0.4.13", "config": {"limit": None}},
        "candidate": {"label": candidate, "harness_version": "0.4.13", "config": {"limit": None}},
        "hash_checks": {"samples_with_hashes": 13450, "prompt_hash_differs": {}},
        "confidence_level": 0.95,
    }
    return Comparison(
        reference="org/model",
        candidate=candidate,
        alpha=alpha,
        tasks=tasks,
        skipped=skipped,
        aggregate=aggregate,
        degraded=suite,
        metadata=metadata,
        verdict="degraded" if suite else (
            "equivalent" if all(r["verdict"] == "equivalent" for r in rows) else "inconclusive"
        ),
    )  # fmt: skip


def make_audit() -> Audit:
    comparisons = {
        f"ckpt-{k}": make_comparison(f"ckpt-{k}", scale)
        for k, scale in ((1000, 0.5), (2000, 0.8), (3000, 1.0), (4000, 1.5))
    }
    table = pl.concat(
        [c.tasks.select(pl.lit(k).alias("candidate"), pl.all()) for k, c in comparisons.items()]
    )
    summary = pl.DataFrame(
        [
            {
                "candidate": k,
                "degraded": c.degraded,
                "aggregate_pvalue": c.aggregate.pvalue,
                "n_tasks": c.tasks.height,
                "n_degraded": int(c.tasks["degraded"].sum()),
            }
            for k, c in comparisons.items()
        ],
        schema=SUMMARY_COLUMNS,
    )
    return Audit(
        reference="org/model",
        comparisons=comparisons,
        table=table,
        summary=summary,
        degraded=any(c.degraded for c in comparisons.values()),
    )
