"""Text helpers of the HTML/SVG renderers: escaping, numbers, task labels."""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

from fastmcnemar.render._safe import visible_lines


def esc(value: object) -> str:
    """HTML/SVG-escape any value's text (quotes too: safe inside attributes);
    bidi and control characters are shown as visible escapes."""
    return html.escape(visible_lines(str(value)), quote=True)


def is_number(value: object) -> bool:
    """A finite real number (not None, NaN or a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def as_float(value: object) -> float | None:
    """The value as a float when it is a finite number, else None."""
    return float(value) if is_number(value) else None  # type: ignore[arg-type]


def fmt_p(p: object) -> str:
    """A p-value: 3 significant digits, scientific below 0.001."""
    if not is_number(p):
        return "–"
    value = float(p)  # type: ignore[arg-type]
    if value == 0.0:
        return "0"
    if value < 1e-3:
        return f"{value:.2e}"
    return f"{value:.3g}"


def fmt_pp(delta: object, *, unit: bool = True) -> str:
    """An accuracy difference in percentage points, e.g. ``+1.23 pp`` (``+1.23``
    without the unit)."""
    if not is_number(delta):
        return "–"
    text = f"{100.0 * float(delta):+.2f}"  # type: ignore[arg-type]
    return f"{text} pp" if unit else text


def fmt_p_log(p: object, log_p: object) -> str:
    """A p-value that may have underflowed to 0: written from its natural log."""
    if is_number(p) and float(p) == 0.0 and is_number(log_p):  # type: ignore[arg-type]
        log10 = float(log_p) / math.log(10.0)  # type: ignore[arg-type]
        exponent = math.floor(log10)
        return f"{10 ** (log10 - exponent):.2f}e{exponent}"
    return fmt_p(p)


def fmt_pct(value: object) -> str:
    """A proportion as a percentage, e.g. ``71.35%``."""
    if not is_number(value):
        return "–"
    return f"{100.0 * float(value):.2f}%"  # type: ignore[arg-type]


def fmt_num(value: object) -> str:
    """Integers as they are, other numbers with 4 significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if is_number(value):
        return f"{float(value):.4g}"  # type: ignore[arg-type]
    if value is None:
        return "–"
    return str(value)


def task_label(row: Mapping[str, Any], *, show_filter: bool, show_metric: bool) -> str:
    """``task``, plus ``filter``/``metric`` when they vary across the table."""
    parts = [str(row.get("task", ""))]
    if show_filter and row.get("filter") not in (None, "none"):
        parts.append(str(row["filter"]))
    if show_metric and row.get("metric") is not None:
        parts.append(str(row["metric"]))
    return " · ".join(parts)


__all__ = [
    "as_float",
    "esc",
    "fmt_num",
    "fmt_p",
    "fmt_p_log",
    "fmt_pct",
    "fmt_pp",
    "is_number",
    "task_label",
]
