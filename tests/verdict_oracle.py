"""The three-way verdict rule of ``fastmcnemar.compare.decision``, one task at a
time with the scalar public functions: the reference the batched
``planning.verdict_columns`` is checked against (and timed against in
``benches/bench_planning.py``). It is how the audit computed the columns before
they were batched."""

from __future__ import annotations

import math
from typing import Any

import polars as pl

import fastmcnemar as fm
from fastmcnemar import _core

SCHEMA = {
    "verdict": pl.Utf8(),
    "noninferiority_pvalue": pl.Float64(),
    "detectable_drop": pl.Float64(),
    "n_needed": pl.Int64(),
    "flip_rate_needed": pl.Float64(),
}
POWER = 0.8


def task_verdict(
    row: dict[str, Any], margin: float, alpha: float, interval_usable: bool
) -> dict[str, Any]:
    n = int(row["n"])
    flip_rate = float(row["flip_rate"]) if row["flip_rate"] is not None else 0.0
    out: dict[str, Any] = dict.fromkeys(SCHEMA)
    if row["kind"] == "binary" and n > 0:
        test = fm.noninferiority_counts(int(row["b"]), int(row["c"]), n, margin=margin, alpha=alpha)
        out["noninferiority_pvalue"] = test.pvalue
        equivalent = test.noninferior
    else:
        high = row.get("ci_high")
        equivalent = (
            interval_usable and high is not None and not math.isnan(high) and high <= margin
        )
    if row["degraded"]:
        verdict = "degraded"
    elif equivalent:
        verdict = "equivalent"
    else:
        verdict = "inconclusive"
    if n > 0 and 0.0 < flip_rate <= 1.0:
        drop = fm.minimum_detectable_delta(n, flip_rate, alpha=alpha, power=POWER)
        out["detectable_drop"] = None if math.isinf(drop) else drop
    if verdict == "inconclusive":
        plan_rate = min(1.0, max(flip_rate, margin))
        out["n_needed"] = fm.sample_size(plan_rate, margin, alpha=alpha, power=POWER)
        if n > 0:
            out["flip_rate_needed"] = _core.exact_maximum_flip_rate(n, margin, alpha, POWER)
    out["verdict"] = verdict
    return out


def per_task_verdicts(
    tasks: pl.DataFrame, *, margin: float, alpha: float, confidence_level: float = 0.95
) -> pl.DataFrame:
    """The verdict and planning columns of every row of ``tasks``."""
    usable = (1.0 - confidence_level) / 2.0 <= alpha + 1e-12
    rows = [task_verdict(r, margin, alpha, usable) for r in tasks.iter_rows(named=True)]
    return pl.DataFrame(rows, schema=SCHEMA)
