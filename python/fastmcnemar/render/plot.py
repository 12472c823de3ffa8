"""Matplotlib forest plot of a Comparison, for notebooks (``Comparison.plot()``).

matplotlib is optional: it is imported only here, when a plot is asked for.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastmcnemar.compare.pooled import pooled_delta
from fastmcnemar.exceptions import FastMcNemarError
from fastmcnemar.render._format import is_number
from fastmcnemar.render._html_text import task_label
from fastmcnemar.render._views import ComparisonView
from fastmcnemar.render.svg_forest import DEGRADED, NEUTRAL


class MissingDependencyError(FastMcNemarError, ImportError):
    """An optional package a feature needs is not installed."""


def _pyplot() -> Any:
    try:
        importlib.import_module("matplotlib")
        return importlib.import_module("matplotlib.pyplot")
    except ImportError:
        raise MissingDependencyError(
            "Comparison.plot() needs matplotlib: pip install matplotlib "
            "(or use Comparison.to_html(), which needs nothing extra)"
        ) from None


def forest_figure(comparison: ComparisonView, *, ax: Any = None) -> Any:
    """Forest plot of the per-task accuracy drop (reference − candidate), in
    percentage points, with confidence intervals; degraded tasks in red; the
    pooled drop as a diamond. Returns the matplotlib Figure (draws into ``ax``
    when given)."""
    plt = _pyplot()
    tasks = comparison.tasks
    rows = list(tasks.iter_rows(named=True))
    show_filter = tasks["filter"].n_unique() > 1 if tasks.height else False
    show_metric = tasks["metric"].n_unique() > 1 if tasks.height else False
    pooled = pooled_delta(tasks) if tasks.height > 1 else None  # one task: its own row
    n_lines = len(rows) + (1 if pooled is not None else 0)
    if ax is None:
        fig, ax = plt.subplots(figsize=(8.0, 1.2 + 0.32 * max(n_lines, 1)), layout="constrained")
    else:
        fig = ax.figure
    labels: list[str] = []
    for i, r in enumerate(rows):
        y = n_lines - 1 - i
        colour = DEGRADED if r.get("degraded") else NEUTRAL
        if is_number(r.get("ci_low")) and is_number(r.get("ci_high")):
            ax.plot([100 * r["ci_low"], 100 * r["ci_high"]], [y, y], color=colour, lw=2)
        if is_number(r.get("delta")):
            marker = "v" if r.get("degraded") else "s"
            ax.plot([100 * r["delta"]], [y], marker=marker, color=colour, ms=7, ls="none")
        labels.append(task_label(r, show_filter=show_filter, show_metric=show_metric))
    if pooled is not None:
        if pooled.low is not None and pooled.high is not None:
            ax.plot([100 * pooled.low, 100 * pooled.high], [0, 0], color="black", lw=3)
        ax.plot([100 * pooled.delta], [0], marker="D", color="black", ms=8, ls="none")
        labels.append(f"pooled ({pooled.n:,} samples)")
    ax.axvline(0.0, color="#777", ls="--", lw=1)
    ax.set_yticks(range(n_lines - 1, -1, -1) if n_lines else [])
    ax.set_yticklabels(labels)
    for tick, r in zip(ax.get_yticklabels(), rows, strict=False):
        if r.get("degraded"):
            tick.set_color(DEGRADED)
            tick.set_fontweight("bold")
    ax.set_xlabel("accuracy drop, reference − candidate (percentage points; > 0 = worse)")
    ax.set_title(f"{comparison.candidate} vs {comparison.reference}")
    ax.grid(axis="x", color="#e3e3e3")
    return fig


__all__ = ["MissingDependencyError", "forest_figure"]
