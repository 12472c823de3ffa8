"""Candidate x task heatmap (inline SVG) for audits.

Cell colour = signed -log10(p): red where the candidate lost accuracy on the
task (delta > 0), blue where it gained, white for no evidence; the magnitude
is capped so one extreme task does not wash out the rest. Degraded cells (the
multiplicity-adjusted test rejected) get a black frame and a dot; untested cells are
grey. Every cell has a tooltip (<title>) with the numbers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from fastmcnemar.render._format import fmt_pp, is_number, pvalue
from fastmcnemar.render._html_text import esc, task_label

_CAP = 10.0  # -log10 p above this is drawn at full colour
_LEFT_PAD = 12
_TOP_LABEL = 150


def signed_log10_p(pvalue: object, delta: object) -> float | None:
    """-log10(p), negative when the candidate improved (delta < 0)."""
    if not is_number(pvalue):
        return None
    p = max(float(pvalue), 1e-300)  # type: ignore[arg-type]
    strength = -math.log10(p) if p < 1.0 else 0.0
    sign = -1.0 if is_number(delta) and float(delta) < 0 else 1.0  # type: ignore[arg-type]
    return sign * strength


def _colour(value: float | None) -> str:
    if value is None:
        return "#d9d9d9"
    t = max(-1.0, min(1.0, value / _CAP))
    # Diverging white -> red (#b2182b) / white -> blue (#2166ac), perceptually even enough
    # for a quick read; the tooltip has the exact number.
    end = (178, 24, 43) if t >= 0 else (33, 102, 172)
    a = abs(t) ** 0.5  # square root: significant cells (p < 0.05, 1.3) already show
    r, g, b = (round(255 + (e - 255) * a) for e in end)
    return f"#{r:02x}{g:02x}{b:02x}"


def heatmap_svg(
    table: pl.DataFrame,
    candidates: list[str],
    *,
    standalone: bool = False,
    pvalue_column: str = "pvalue",
) -> str:
    """The heatmap as an ``<svg>`` element; ``table`` is ``Audit.table``."""
    show_filter = table["filter"].n_unique() > 1 if table.height else False
    show_metric = table["metric"].n_unique() > 1 if table.height else False
    cells: dict[tuple[str, str], Mapping[str, Any]] = {}
    columns: list[str] = []
    for row in table.iter_rows(named=True):
        label = task_label(row, show_filter=show_filter, show_metric=show_metric)
        if label not in columns:
            columns.append(label)
        cells[(str(row["candidate"]), label)] = row
    label_w = min(260, 40 + 7 * max((len(c) for c in candidates), default=10))
    cell_w = max(16.0, min(64.0, 760.0 / max(len(columns), 1)))
    cell_h = 30.0
    top = _TOP_LABEL
    width = _LEFT_PAD + label_w + cell_w * len(columns) + 120  # rotated labels lean right
    height = top + cell_h * len(candidates) + 70
    width = max(width, 460.0)
    ns = ' xmlns="http://www.w3.org/2000/svg"' if standalone else ""
    out = [
        f'<svg{ns} class="heatmap" role="img" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="system-ui, sans-serif" '
        'font-size="11">',
        "<title>Candidate × task: signed −log10 p (red = worse, blue = better)</title>",
    ]
    x0 = _LEFT_PAD + label_w
    for j, name in enumerate(columns):
        cx = x0 + j * cell_w + cell_w / 2
        shown = name if len(name) <= 24 else name[:23] + "…"
        out.append(
            f'<text class="col-label" transform="translate({cx + 3:.1f},{top - 6}) rotate(-55)">'
            f"<title>{esc(name)}</title>{esc(shown)}</text>"
        )
    for i, cand in enumerate(candidates):
        y = top + i * cell_h
        shown = cand if len(cand) <= 34 else cand[:33] + "…"
        out.append(
            f'<text class="row-label" x="{x0 - 6}" y="{y + cell_h / 2 + 4:.1f}" '
            f'text-anchor="end"><title>{esc(cand)}</title>{esc(shown)}</text>'
        )
        for j, name in enumerate(columns):
            out.append(_cell(cells.get((cand, name)), cand, name, x0 + j * cell_w, y,
                             cell_w, cell_h, pvalue_column))  # fmt: skip
    out.append(_legend(x0, top + cell_h * len(candidates) + 22))
    out.append("</svg>")
    return "\n".join(out)


def _cell(
    row: Mapping[str, Any] | None,
    candidate: str,
    task: str,
    x: float,
    y: float,
    w: float,
    h: float,
    pvalue_column: str,
) -> str:
    if row is None:
        return (
            f'<rect class="cell missing" x="{x:.1f}" y="{y:.1f}" width="{w - 1:.1f}" '
            f'height="{h - 1:.1f}" fill="#d9d9d9"><title>{esc(candidate)} · {esc(task)}: '
            "not tested</title></rect>"
        )
    value = signed_log10_p(row.get(pvalue_column), row.get("delta"))
    degraded = bool(row.get("degraded"))
    tip = (
        f"{candidate} · {task}: drop {fmt_pp(row.get('delta'))}, p = {pvalue(row.get('pvalue'))}, "
        f"adjusted p = {pvalue(row.get('pvalue_adjusted'))}, b = {row.get('b')}, "
        f"c = {row.get('c')}, n = {row.get('n')}" + (" — DEGRADED" if degraded else "")
    )
    stroke = ' stroke="#000" stroke-width="2"' if degraded else ""
    parts = [
        f'<g class="cell{" degraded" if degraded else ""}"><title>{esc(tip)}</title>',
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w - 1:.1f}" height="{h - 1:.1f}" '
        f'fill="{_colour(value)}"{stroke}/>',
    ]
    if w >= 34 and value is not None:  # room for the number itself
        ink = "#fff" if abs(value) > 0.55 * _CAP else "#222"
        weight = ' font-weight="700"' if degraded else ""
        parts.append(
            f'<text x="{x + w / 2 - 0.5:.1f}" y="{y + h / 2 + 3.5:.1f}" text-anchor="middle" '
            f'fill="{ink}"{weight}>{_cell_number(value)}</text>'
        )
    elif degraded:
        parts.append(
            f'<circle cx="{x + w / 2 - 0.5:.1f}" cy="{y + h / 2 - 0.5:.1f}" r="3" fill="#000"/>'
        )
    parts.append("</g>")
    return "".join(parts)


def _cell_number(value: float) -> str:
    """One decimal, with no "-0.0" for a tiny negative."""
    text = f"{value:+.1f}"
    return "0.0" if text in ("+0.0", "-0.0") else text


def _legend(x: float, y: float) -> str:
    steps = 21
    w = 12
    parts = ['<g class="legend">']
    for k in range(steps):
        value = -_CAP + 2 * _CAP * k / (steps - 1)
        parts.append(
            f'<rect x="{x + k * w:.1f}" y="{y:.1f}" width="{w}" height="10" '
            f'fill="{_colour(value)}"/>'
        )
    end = x + steps * w
    parts.append(f'<text x="{x:.1f}" y="{y + 24:.1f}">−{_CAP:g} better</text>')
    parts.append(
        f'<text x="{x + steps * w / 2:.1f}" y="{y + 24:.1f}" text-anchor="middle">0</text>'
    )
    parts.append(f'<text x="{end:.1f}" y="{y + 24:.1f}" text-anchor="end">worse +{_CAP:g}</text>')
    parts.append(
        f'<rect x="{end + 16:.1f}" y="{y:.1f}" width="10" height="10" fill="#fff" '
        'stroke="#000" stroke-width="2"/>'
    )
    parts.append(f'<text x="{end + 32:.1f}" y="{y + 9:.1f}">degraded</text>')
    parts.append("</g>")
    return "".join(parts)


__all__ = ["heatmap_svg", "signed_log10_p"]
