"""Text helpers of the HTML/SVG renderers: escaping and task labels (numbers are
formatted by :mod:`fastmcnemar.render._format`, shared with every renderer)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from fastmcnemar.render._format import is_number
from fastmcnemar.render._safe import visible_lines


def esc(value: object) -> str:
    """HTML/SVG-escape any value's text (quotes too: safe inside attributes);
    bidi and control characters are shown as visible escapes."""
    return html.escape(visible_lines(str(value)), quote=True)


def as_float(value: object) -> float | None:
    """The value as a float when it is a finite number, else None."""
    return float(value) if is_number(value) else None  # type: ignore[arg-type]


def task_label(row: Mapping[str, Any], *, show_filter: bool, show_metric: bool) -> str:
    """``task``, plus ``filter``/``metric`` when they vary across the table."""
    parts = [str(row.get("task", ""))]
    if show_filter and row.get("filter") not in (None, "none"):
        parts.append(str(row["filter"]))
    if show_metric and row.get("metric") is not None:
        parts.append(str(row["metric"]))
    return " · ".join(parts)


__all__ = ["as_float", "esc", "task_label"]
