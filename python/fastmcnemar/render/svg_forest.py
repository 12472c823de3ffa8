"""Forest plot (inline SVG) of the per-task accuracy drop with its interval.

One row per tested task: a point at delta = reference accuracy - candidate
accuracy (positive = the candidate is worse) and a line over its confidence
interval; degraded tasks in red with a marker; a diamond for the pooled delta
over all samples at the bottom. Plain SVG text, no scripts, no external refs.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from fastmcnemar.compare.pooled import Pooled, pooled_delta  # the statistic it draws
from fastmcnemar.render._format import fmt_pp, is_number
from fastmcnemar.render._html_text import esc, task_label

DEGRADED = "#b3261e"
NEUTRAL = "#2d4a66"
POOLED = "#111111"

_ROW = 24
_TOP = 34
_LABEL_W = 310
_PLOT_W = 360
_VALUE_W = 200
_WIDTH = _LABEL_W + _PLOT_W + _VALUE_W


def _ticks(low: float, high: float, count: int = 8) -> list[float]:
    span = high - low
    raw = span / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _range(values: list[float]) -> tuple[float, float]:
    low = min([*values, 0.0])
    high = max([*values, 0.0])
    if high - low < 1e-4:
        low, high = low - 0.01, high + 0.01
    pad = 0.06 * (high - low)
    return low - pad, high + pad


def forest_svg(
    tasks: pl.DataFrame,
    *,
    confidence_level: float = 0.95,
    standalone: bool = False,
    title: str | None = None,
) -> str:
    """The forest plot as an ``<svg>`` element (``standalone`` adds the XML namespace)."""
    rows = list(tasks.iter_rows(named=True))
    show_filter = tasks["filter"].n_unique() > 1 if "filter" in tasks.columns else False
    show_metric = tasks["metric"].n_unique() > 1 if "metric" in tasks.columns else False
    # With one task the pooled drop is that task's drop: no separate row.
    pooled = pooled_delta(tasks, confidence_level=confidence_level) if len(rows) > 1 else None
    values: list[float] = []
    for r in rows:
        values += [float(r[k]) for k in ("delta", "ci_low", "ci_high") if is_number(r.get(k))]
    if pooled is not None:
        values += [v for v in (pooled.delta, pooled.low, pooled.high) if v is not None]
    lo, hi = _range(values) if values else (-0.01, 0.01)

    def x(value: float) -> float:
        return _LABEL_W + (value - lo) / (hi - lo) * _PLOT_W

    n_rows = len(rows) + (2 if pooled is not None else 0)
    height = _TOP + n_rows * _ROW + 46
    level = f"{100 * confidence_level:g}%"
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out: list[str] = [
        f'<svg{ns} class="forest" role="img" width="{_WIDTH}" height="{height}" '
        f'viewBox="0 0 {_WIDTH} {height}" font-family="system-ui, sans-serif" font-size="12">',
        f"<title>{esc(title or 'Per-task accuracy drop with ' + level + ' intervals')}</title>",
        f'<text x="{_LABEL_W + _PLOT_W / 2}" y="14" font-weight="600" text-anchor="middle">'
        "drop = reference − candidate (pp)</text>",
        f'<text x="{_LABEL_W + _PLOT_W + 8}" y="14" font-weight="600">drop, pp [{level} CI]</text>',
    ]
    axis_y = _TOP + n_rows * _ROW + 4
    for tick in _ticks(lo, hi):
        tx = x(tick)
        out.append(
            f'<line class="grid" x1="{tx:.1f}" y1="{_TOP - 6}" x2="{tx:.1f}" y2="{axis_y}" '
            'stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{tx:.1f}" y="{axis_y + 14}" text-anchor="middle" fill="#555">'
            f"{esc(_tick_label(tick))}</text>"
        )
    zx = x(0.0)
    out.append(
        f'<line class="zero" x1="{zx:.1f}" y1="{_TOP - 6}" x2="{zx:.1f}" y2="{axis_y}" '
        'stroke="#777" stroke-dasharray="4 3"/>'
    )
    out.append(
        f'<text x="{zx - 6:.1f}" y="{axis_y + 30}" text-anchor="end" fill="#2d6a3e">'
        "← candidate better</text>"
    )
    out.append(
        f'<text x="{zx + 6:.1f}" y="{axis_y + 30}" fill="{DEGRADED}">candidate worse →</text>'
    )
    for i, r in enumerate(rows):
        y = _TOP + i * _ROW + _ROW / 2
        out.append(_task_row(r, y, x, show_filter=show_filter, show_metric=show_metric))
    if pooled is not None:
        y = _TOP + (len(rows) + 1) * _ROW + _ROW / 2
        out.append(_pooled_row(pooled, y, x, level=level))
    out.append("</svg>")
    return "\n".join(out)


def _tick_label(value: float) -> str:
    pp = 100 * value
    return f"{pp:+.3g}" if abs(pp) > 1e-12 else "0"


def _task_row(r: dict[str, Any], y: float, x: Any, *, show_filter: bool, show_metric: bool) -> str:
    degraded = bool(r.get("degraded"))
    colour = DEGRADED if degraded else NEUTRAL
    label = task_label(r, show_filter=show_filter, show_metric=show_metric)
    shown = label if len(label) <= 38 else label[:37] + "…"  # ~7 px a character at 12 px
    marker = "▼ " if degraded else ""
    weight = ' font-weight="700"' if degraded else ""
    parts = [
        f'<g class="task-row{" degraded" if degraded else ""}" data-task="{esc(label)}">',
        f"<title>{esc(label)}: drop {esc(fmt_pp(r.get('delta')))} "
        f"[{esc(fmt_pp(r.get('ci_low')))}, {esc(fmt_pp(r.get('ci_high')))}], "
        f"p = {esc(r.get('pvalue'))}</title>",
        f'<text x="{_LABEL_W - 8}" y="{y + 4:.1f}" text-anchor="end" fill="{colour}"{weight}>'
        f"{esc(marker + shown)}</text>",
    ]
    if is_number(r.get("ci_low")) and is_number(r.get("ci_high")):
        x1, x2 = x(float(r["ci_low"])), x(float(r["ci_high"]))
        parts.append(
            f'<line class="ci" x1="{x1:.1f}" y1="{y:.1f}" x2="{x2:.1f}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
        for xe in (x1, x2):
            parts.append(
                f'<line x1="{xe:.1f}" y1="{y - 4:.1f}" x2="{xe:.1f}" y2="{y + 4:.1f}" '
                f'stroke="{colour}" stroke-width="1.5"/>'
            )
    if is_number(r.get("delta")):
        cx = x(float(r["delta"]))
        size = 5 if degraded else 4
        parts.append(
            f'<rect class="point" x="{cx - size:.1f}" y="{y - size:.1f}" width="{2 * size}" '
            f'height="{2 * size}" fill="{colour}"/>'
        )
    parts.append(
        f'<text x="{_LABEL_W + _PLOT_W + 8}" y="{y + 4:.1f}" fill="{colour}"{weight}>'
        f"{esc(fmt_pp(r.get('delta'), unit=False))} [{esc(fmt_pp(r.get('ci_low'), unit=False))}, "
        f"{esc(fmt_pp(r.get('ci_high'), unit=False))}]</text>"
    )
    parts.append("</g>")
    return "".join(parts)


def _pooled_row(pooled: Pooled, y: float, x: Any, *, level: str) -> str:
    cx = x(pooled.delta)
    parts = [
        '<g class="pooled">',
        f'<line x1="{_LABEL_W - 260}" y1="{y - _ROW:.1f}" x2="{_WIDTH - 10}" y2="{y - _ROW:.1f}" '
        'stroke="#bbb"/>',
        f'<text x="{_LABEL_W - 8}" y="{y + 4:.1f}" text-anchor="end" font-weight="700">'
        f"pooled (all {pooled.n:,} samples)</text>",
    ]
    if pooled.low is not None and pooled.high is not None:
        xl, xh = x(pooled.low), x(pooled.high)
        parts.append(
            f'<polygon class="diamond" points="{xl:.1f},{y:.1f} {cx:.1f},{y - 7:.1f} '
            f'{xh:.1f},{y:.1f} {cx:.1f},{y + 7:.1f}" fill="{POOLED}"/>'
        )
        interval = f" [{fmt_pp(pooled.low, unit=False)}, {fmt_pp(pooled.high, unit=False)}]"
    else:
        parts.append(
            f'<polygon class="diamond" points="{cx - 6:.1f},{y:.1f} {cx:.1f},{y - 7:.1f} '
            f'{cx + 6:.1f},{y:.1f} {cx:.1f},{y + 7:.1f}" fill="{POOLED}"/>'
        )
        interval = " (point only)"
    parts.append(
        f'<text x="{_LABEL_W + _PLOT_W + 8}" y="{y + 4:.1f}" font-weight="700">'
        f"{esc(fmt_pp(pooled.delta, unit=False) + interval)}</text>"
    )
    parts.append("</g>")
    return "".join(parts)


__all__ = ["forest_svg"]
