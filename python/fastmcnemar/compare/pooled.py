"""The pooled drop over all tested samples of a comparison, with its interval.

A statistic, so it lives beside the results the renderers read, not in them:
the HTML report, the SVG forest plot and the matplotlib figure all draw this one
value (and its Tango interval, from :func:`fastmcnemar.mcnemar_table`).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from fastmcnemar.paired_test import mcnemar_table


@dataclass(frozen=True)
class Pooled:
    """Pooled delta over all samples of all tested tasks (weights = n)."""

    delta: float
    low: float | None
    high: float | None
    n: int


def pooled_delta(tasks: pl.DataFrame, *, confidence_level: float = 0.95) -> Pooled | None:
    """Sample-weighted mean of the per-task deltas over all tested samples.

    When every task is binary the pooled drop is exactly (sum b - sum c) / N and
    gets Tango's score interval on those summed counts -- the interval the
    per-task rows use -- from :func:`fastmcnemar.mcnemar_table` (it depends on
    b, c and N only). Suites mixing binary and continuous scores get the point
    alone: their per-sample differences are on different scales.
    """
    tested = pl.col("delta").is_not_null() & pl.col("delta").is_finite() & (pl.col("n") > 0)
    rows = list(tasks.filter(tested).iter_rows(named=True)) if tasks.height else []
    if not rows:
        return None
    n_total = sum(int(r["n"]) for r in rows)
    delta = sum(float(r["delta"]) * int(r["n"]) for r in rows) / n_total
    if not all(r.get("kind", "binary") == "binary" for r in rows):
        return Pooled(delta, None, None, n_total)
    b = sum(int(r["b"]) for r in rows)
    c = sum(int(r["c"]) for r in rows)
    table = [[n_total - b - c, b], [c, 0]]
    low, high = mcnemar_table(table).confidence_interval(confidence_level=confidence_level)
    return Pooled((b - c) / n_total, float(low), float(high), n_total)


__all__ = ["Pooled", "pooled_delta"]
