"""The flipped samples, grouped per tested task, for the text, Markdown and HTML reports."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import polars as pl


@dataclass(frozen=True)
class FlipGroup:
    """The flips of one tested (task, filter, metric)."""

    task: str
    filter: str
    metric: str
    lost: int
    gained: int
    rows: list[dict[str, Any]]

    @property
    def title(self) -> str:
        where = self.task if self.filter in ("", "none") else f"{self.task} [{self.filter}]"
        return f"{where} {self.metric}: {self.lost} lost, {self.gained} gained"


def _lower(comp: Any) -> set[str]:
    return set(comp.metadata.get("lower_is_better") or [])


def flip_groups(comp: Any, limit: int | None = None) -> Iterator[FlipGroup]:
    """One group per tested task with flips, in the table's order; at most ``limit`` rows
    each (losses first)."""
    flips: pl.DataFrame | None = getattr(comp, "flips", None)
    if flips is None or flips.height == 0:
        return
    lower = _lower(comp)
    for task, filt, metric in comp.tasks.select("task", "filter", "metric").iter_rows():
        part = flips.filter(
            (pl.col("task") == task) & (pl.col("filter") == filt) & (pl.col("metric") == metric)
        )
        if part.height == 0:
            continue
        diff = part.get_column("reference_score") - part.get_column("candidate_score")
        lost = int((diff < 0).sum() if task in lower else (diff > 0).sum())
        rows = (
            list(part.head(limit).iter_rows(named=True))
            if limit
            else list(part.iter_rows(named=True))
        )
        yield FlipGroup(task, filt, metric, lost, part.height - lost, rows)


def score(value: Any) -> str:
    """A score as logged: 0/1 without decimals, else up to 4 significant digits."""
    if value is None:
        return "-"
    number = float(value)
    return str(int(number)) if number.is_integer() else f"{number:.4g}"


def one_line(text: Any, limit: int) -> str:
    """``text`` on one line (newlines shown as ⏎), at most ``limit`` characters."""
    if text is None:
        return ""
    flat = str(text).strip().replace("\r\n", "\n").replace("\n", "⏎").replace("\t", " ")
    return flat if len(flat) <= limit else flat[: max(limit - 1, 0)] + "…"


__all__ = ["FlipGroup", "flip_groups", "one_line", "score"]
