"""Number formatting and aggregate summaries shared by every renderer (text,
Markdown, CSV, JSON, HTML, SVG), so a p-value or a drop reads the same in all."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import polars as pl

from fastmcnemar.suite import ADJUSTMENTS

# Column types whose values to_dicts() already gives as plain JSON scalars.
_FLAT = frozenset(
    {pl.Utf8, pl.Float64, pl.Float32, pl.Int64, pl.Int32, pl.Int16, pl.Int8, pl.UInt64,
     pl.UInt32, pl.UInt16, pl.UInt8, pl.Boolean, pl.Null}
)  # fmt: skip


def pvalue(p: Any) -> str:
    """p-values: 4 significant digits, scientific below 1e-4, '-' when missing."""
    if p is None or (isinstance(p, float) and math.isnan(p)):
        return "-"
    p = float(p)
    if p == 0.0:
        return "0"
    return f"{p:.2e}" if p < 1e-4 else f"{p:.4f}"


def is_number(value: object) -> bool:
    """A finite real number (not None, NaN or a bool)."""
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def fmt_pp(delta: object, *, unit: bool = True) -> str:
    """An accuracy difference in percentage points, e.g. ``+1.23 pp`` (``+1.23``
    without the unit)."""
    if not is_number(delta):
        return "-"
    text = f"{100.0 * float(delta):+.2f}"  # type: ignore[arg-type]
    return f"{text} pp" if unit else text


def fmt_p_log(p: object, log_p: object) -> str:
    """A p-value that may have underflowed to 0: written from its natural log."""
    if is_number(p) and float(p) == 0.0 and is_number(log_p):  # type: ignore[arg-type]
        log10 = float(log_p) / math.log(10.0)  # type: ignore[arg-type]
        exponent = math.floor(log10)
        return f"{10 ** (log10 - exponent):.2f}e{exponent}"
    return pvalue(p)


def fmt_pct(value: object) -> str:
    """A proportion as a percentage, e.g. ``71.35%``."""
    if not is_number(value):
        return "-"
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
        return "-"
    return str(value)


def percent(x: Any, *, signed: bool = False) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{100.0 * float(x):+.2f}%" if signed else f"{100.0 * float(x):.2f}%"


def interval(low: Any, high: Any) -> str:
    if low is None or high is None or math.isnan(float(low)) or math.isnan(float(high)):
        return "-"
    return f"[{100.0 * float(low):+.2f}, {100.0 * float(high):+.2f}]"


def components(aggregate: Any) -> list[tuple[str, float]]:
    """(method, p-value) of each component of a combined aggregate result."""
    parts = getattr(aggregate, "components", None)
    if not parts:
        return []
    items = parts.values() if isinstance(parts, Mapping) else parts
    out = []
    for item in items:
        out.append((str(getattr(item, "method", "?")), float(getattr(item, "pvalue", math.nan))))
    return out


def aggregate_dict(aggregate: Any) -> dict[str, Any] | None:
    """A JSON-ready summary of an AggregateResult."""
    if aggregate is None:
        return None
    out: dict[str, Any] = {}
    for key in ("method", "statistic", "pvalue", "log_pvalue", "alpha", "rejected", "level"):
        if hasattr(aggregate, key):
            out[key] = plain(getattr(aggregate, key))
    comps = components(aggregate)
    if comps:
        out["components"] = [{"method": m, "pvalue": plain(p)} for m, p in comps]
    return out


_AS_IS = frozenset({str, int, bool, type(None)})


def plain(value: Any) -> Any:
    """JSON-safe scalars: NaN/inf -> None, NumPy scalars -> Python."""
    kind = type(value)
    if kind in _AS_IS:  # the usual case first: a report is mostly these
        return value
    if kind is float:
        return value if math.isfinite(value) else None
    if kind is dict:  # before the ABC checks below, which cost more than the walk
        return {k if type(k) is str else str(k): plain(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [plain(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return str(value)


def plain_rows(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """``[plain(row) for row in frame.iter_rows(named=True)]``, in one conversion when
    every column is text, a number or a flag (non-finite numbers become null first)."""
    if not all(dtype in _FLAT for dtype in frame.schema.dtypes()):
        return [plain(r) for r in frame.iter_rows(named=True)]
    finite = [
        pl.when(pl.col(c).is_finite()).then(pl.col(c)).alias(c)
        for c, dtype in frame.schema.items()
        if dtype.is_float()
    ]
    return (frame.with_columns(finite) if finite else frame).to_dicts()


def verdict_line(degraded: bool, rule: str | None) -> str:
    head = (
        "DEGRADED: the candidate is significantly worse"
        if degraded
        else ("no significant degradation detected")
    )
    return f"{head} ({rule})" if rule else head


def cluster_lines(comp: Any) -> list[str]:
    """Per task: clusters, design effect and effective n, when the comparison is clustered."""
    info = getattr(comp, "metadata", {}).get("clusters")
    if not info:
        return []
    lines = [f"clusters ({info['key']}; per-task test: cluster {info['method']}):"]
    for r in info["tasks"]:
        where = r["task"] if r["filter"] in ("none", "") else f"{r['task']} [{r['filter']}]"
        few = "  (fewer than 30 clusters: little power)" if r["n_clusters"] < 30 else ""
        deff, eff = r["design_effect"], r["effective_n"]
        lines.append(
            f"  {where}: {r['n_clusters']} clusters of {r['n']} samples, design effect "
            f"{'-' if deff != deff else f'{deff:.2f}'}, effective n "
            f"{'-' if eff != eff else f'{eff:.0f}'}{few}"
        )
    return lines


def planning_lines(comp: Any) -> list[str]:
    """The three-way verdict of the suite and, per task that is not degraded, what
    the run could show: equivalence within the margin, or what it would have needed."""
    margin = getattr(comp, "margin", None)
    verdict = getattr(comp, "verdict", None)
    if margin is None or verdict is None or "n_needed" not in comp.tasks.columns:
        return []
    lines = [f"suite: {verdict.upper()} (non-inferiority margin {100 * margin:g} pt)"]
    for r in comp.tasks.iter_rows(named=True):
        where = r["task"] if r["filter"] in ("none", "") else f"{r['task']} [{r['filter']}]"
        noise = r.get("noise_flip_rate")
        if noise is not None:
            lines.append(
                f"  {where}: flip rate {100 * r['flip_rate']:.2f}% vs reference reruns "
                f"{100 * noise:.2f}% (max {100 * r['noise_flip_rate_max']:.2f}%)"
            )
        if r["verdict"] != "inconclusive":
            continue
        detectable = r.get("detectable_drop")
        if detectable is not None:
            could = f"could detect a drop of {100 * detectable:.2f} pt"
        elif not r["flip_rate"]:
            could = "no flips observed"
        else:
            could = "could not detect any drop"
        n_needed = r.get("n_needed")
        needed = (
            f"needs N >= {n_needed:,} at its flip rate"
            if n_needed is not None
            else "has no sample size computed (graded scores: see the interval)"
        )
        rate = r.get("flip_rate_needed")
        if rate is not None:
            needed += f", or a flip rate <= {100 * rate:.2f}% at N = {r['n']:,}"
        task_margin = (comp.metadata.get("margins") or {}).get(r["task"], margin)
        lines.append(
            f"  {where}: inconclusive: {could} (80% power); to show a drop of "
            f"{100 * task_margin:g} pt with 80% power it {needed}"
        )
    return lines


def adjustment_name(metadata: Mapping[str, Any] | None) -> str:
    """How reports name the adjustment of ``pvalue_adjusted`` (Holm unless stated)."""
    method = str((metadata or {}).get("adjustment") or "holm")
    return ADJUSTMENTS.get(method, (method, ""))[0]
