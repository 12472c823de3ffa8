"""CSV: the per-task table, one row per (task, filter, metric)."""

from __future__ import annotations

import polars as pl

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._safe import neutralise_csv


def comparison_to_csv(comp: Comparison) -> str:
    """Columns reference, candidate, then every ``Comparison.tasks`` column."""
    frame = comp.tasks.select(
        pl.lit(comp.reference, dtype=pl.Utf8).alias("reference"),
        pl.lit(comp.candidate, dtype=pl.Utf8).alias("candidate"),
        pl.all(),
    )
    return neutralise_csv(frame.write_csv())


def audit_to_csv(audit: Audit) -> str:
    """Columns reference, then the long ``Audit.table`` (candidate, task columns)."""
    frame = audit.table.select(pl.lit(audit.reference, dtype=pl.Utf8).alias("reference"), pl.all())
    return neutralise_csv(frame.write_csv())
