"""Plain-text reports for a terminal.

The first line is the decision (:func:`~fastmcnemar.render._decision.headline`); the
table fits ``width`` columns (100 by default, the terminal's when narrower): long task and
metric names are shortened first, then the least important columns are left out;
``wide=True`` shows every column. Delta and its interval are in one unit, points.
"""

from __future__ import annotations

import textwrap
from typing import Any

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._decision import (
    accuracy_line,
    audit_headline,
    headline,
    notice_lines,
    suite_verdict,
)
from fastmcnemar.render._fit import Column, fit_table
from fastmcnemar.render._flips import flip_groups, one_line, score
from fastmcnemar.render._format import (
    adjustment_name,
    cluster_lines,
    components,
    percent,
    planning_lines,
    pvalue,
)
from fastmcnemar.render._safe import visible

DEFAULT_WIDTH = 100


def _points(x: Any, *, signed: bool = True) -> str:
    if x is None or x != x:
        return "-"
    return f"{100.0 * float(x):+.2f}" if signed else f"{100.0 * float(x):.2f}"


def delta_cell(r: dict[str, Any]) -> str:
    """``+12.50 [+6.09, +20.16]``: the drop and its interval, both in points."""
    delta = _points(r["delta"])
    low, high = r.get("ci_low"), r.get("ci_high")
    if low is None or high is None or low != low or high != high:
        return delta
    return f"{delta} [{_points(low)}, {_points(high)}]"


def metric_cell(r: dict[str, Any]) -> str:
    """The metric, with its filter when it has one (lm-eval's ``metric,filter``)."""
    filt = r.get("filter") or ""
    return r["metric"] if filt in ("", "none") else f"{r['metric']},{filt}"


def task_table(comp: Comparison, *, wide: bool) -> tuple[list[Column], list[list[str]]]:
    """The columns and cells of the per-task table (default or every column)."""
    level = f"{100 * comp.metadata.get('confidence_level', 0.95):g}%"
    name = adjustment_name(comp.metadata)
    short = name if len(name) <= 8 else str(comp.metadata.get("adjustment", "adj")).upper()
    adjusted = f"p ({name})" if wide else f"p ({short})"
    rows = list(comp.tasks.iter_rows(named=True))
    if wide:
        columns = [
            Column("task"), Column("filter"), Column("metric"), Column("kind"),
            Column("method"), Column("n", right=True), Column("b", right=True),
            Column("c", right=True), Column("reference", right=True),
            Column("candidate", right=True), Column(f"delta pt [{level} CI]", right=True),
            Column("flips", right=True), Column("p", right=True), Column(adjusted, right=True),
            Column("verdict"), Column("NI p", right=True), Column("detectable pt", right=True),
            Column("N needed", right=True),
        ]  # fmt: skip
        cells = [
            [
                r["task"], r["filter"], r["metric"], r.get("kind") or "", r.get("method") or "",
                str(r["n"]), str(r["b"]), str(r["c"]), percent(r["reference_accuracy"]),
                percent(r["candidate_accuracy"]), delta_cell(r), percent(r["flip_rate"]),
                pvalue(r["pvalue"]), pvalue(r["pvalue_adjusted"]), r["verdict"],
                pvalue(r.get("noninferiority_pvalue")),
                _points(r.get("detectable_drop"), signed=False),
                "-" if r.get("n_needed") is None else f"{r['n_needed']:,}",
            ]
            for r in rows
        ]  # fmt: skip
        return columns, [[visible(c) for c in row] for row in cells]
    columns = [
        Column("task", shrink=True, min_width=10), Column("metric", shrink=True, keep=1),
        Column("n", right=True), Column("reference", right=True, keep=3),
        Column("candidate", right=True, keep=3),
        Column(f"delta pt [{level} CI]", right=True), Column(adjusted, right=True, keep=2),
        Column("verdict"),
    ]  # fmt: skip
    cells = [
        [
            r["task"], metric_cell(r), str(r["n"]), percent(r["reference_accuracy"]),
            percent(r["candidate_accuracy"]), delta_cell(r), pvalue(r["pvalue_adjusted"]),
            r["verdict"],
        ]
        for r in rows
    ]  # fmt: skip
    return columns, [[visible(c) for c in row] for row in cells]


def _wrap(line: str, width: int | None, indent: str = "  ") -> list[str]:
    if width is None or len(line) <= width:
        return [line]
    lead = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(
        line.strip(), width=width, initial_indent=lead, subsequent_indent=lead + indent
    )


def _suite_lines(comp: Comparison) -> list[str]:
    rule = str(comp.metadata.get("verdict_rule") or "")
    lines = []
    # Only the rule that decided is shown: the combined test when it decided,
    # else the adjusted per-task rule (mixed binary / graded suites).
    if comp.aggregate is not None and rule.startswith("combined"):
        parts = ", ".join(f"{m} {pvalue(p)}" for m, p in components(comp.aggregate))
        lines.append(
            f"suite p = {pvalue(comp.aggregate.pvalue)}" + (f" ({parts})" if parts else "")
        )
    if rule:
        lines.append(f"decided by: {rule}")
    return lines


def context_line(comp: Comparison) -> str:
    """Level, direction and margin, and what delta means."""
    alternative = comp.metadata.get("alternative", "greater")
    direction = {"greater": "one-sided (worse?)", "less": "one-sided (better?)"}.get(
        alternative, "two-sided"
    )
    return (
        f"alpha {comp.alpha:g} {direction}; margin {100 * comp.margin:g} pt; "
        f"p adjusted ({adjustment_name(comp.metadata)}); delta = reference - candidate"
    )


def _clip(line: str, limit: int) -> str:
    return line if len(line) <= limit else line[: limit - 1] + "…"


def flip_lines(comp: Comparison, show: int, width: int | None) -> list[str]:
    """The first ``show`` flipped samples of each task: doc id, scores, texts."""
    limit = width or 160
    lines: list[str] = []
    for group in flip_groups(comp, show):
        lines.append(f"  {group.title}")
        for r in group.rows:
            head = (
                f"    doc {r['doc_id']}: {score(r['reference_score'])} -> "
                f"{score(r['candidate_score'])}"
            )
            parts = [
                f"{name} {one_line(r[key], 40)!s}"
                for name, key in (
                    ("target", "target"),
                    ("reference", "reference_response"),
                    ("candidate", "candidate_response"),
                )
                if r.get(key) is not None
            ]
            line = head + ("  " + "; ".join(parts) if parts else "")
            lines.append(_clip(line, limit))
            if r.get("prompt") is not None:
                lines.append(_clip(f"      prompt: {one_line(r['prompt'], limit)}", limit))
    if lines:
        lines.insert(0, f"flipped samples (first {show} per task, losses first):")
    return lines


def comparison_to_text(
    comp: Comparison,
    *,
    width: int | None = DEFAULT_WIDTH,
    wide: bool = False,
    show_flips: int = 0,
) -> str:
    """The report ``fastmcnemar compare`` prints: the decision first, then the table."""
    limit = None if wide else width
    lines = [*_wrap(headline(comp), limit)]
    lines += [w for line in notice_lines(comp) for w in _wrap(line, limit)]
    accuracy = accuracy_line(comp)
    lines += _wrap(f"{comp.reference} -> {comp.candidate}: {accuracy}" if accuracy else "", limit)
    lines += [*_wrap(context_line(comp), limit), ""]
    columns, cells = task_table(comp, wide=wide)
    lines += fit_table(columns, cells, limit)
    lines.append("")
    lines += [w for line in _suite_lines(comp) for w in _wrap(line, limit)]
    lines += [w for line in cluster_lines(comp) for w in _wrap(line, limit, "    ")]
    planning = planning_lines(comp)[1:]  # [0] repeats the verdict of the headline
    if planning:
        lines.append("inconclusive tasks:")
        lines += [w for line in planning for w in _wrap(line, limit, "    ")]
    if show_flips:
        flipped = flip_lines(comp, show_flips, limit)
        lines += ["", *(flipped or ["flipped samples: none"])]
    if comp.skipped.height:
        lines += ["", "not tested:"]
        for r in comp.skipped.iter_rows(named=True):
            where = ", ".join(x for x in (r["task"], r["filter"], r["metric"]) if x)
            lines += _wrap(f"  {where}: {r['reason']}", limit, "    ")
    notes = comp.metadata.get("notes") or []
    if notes:
        lines += ["", "notes:"]
        lines += [w for n in notes for w in _wrap(f"  {n}", limit, "    ")]
    # names from the inputs: control and bidi characters shown as escapes, never obeyed
    return "\n".join(visible(line) for line in lines) + "\n"


def audit_to_text(audit: Audit, *, width: int | None = DEFAULT_WIDTH, wide: bool = False) -> str:
    """The report ``fastmcnemar audit`` prints: the decision, a summary, each table."""
    limit = None if wide else width
    rows = [
        [r["candidate"], r["verdict"], pvalue(r["aggregate_pvalue"]), str(r["n_tasks"]),
         str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [*_wrap(audit_headline(audit), limit), ""]
    summary_columns = [
        Column("candidate", shrink=True, min_width=12), Column("verdict"),
        Column("suite p", right=True, keep=1), Column("tasks", right=True, keep=2),
        Column("degraded tasks", right=True),
    ]  # fmt: skip
    lines += fit_table(summary_columns, [[visible(c) for c in row] for row in rows], limit)
    if audit.failed:
        lines += ["", f"INCOMPLETE: {len(audit.failed)} candidate(s) could not be read:"]
        lines += [f"  {label}: {error}" for label, error in audit.failed.items()]
    for label, comp in audit.comparisons.items():
        columns, cells = task_table(comp, wide=wide)
        lines += ["", f"== {label}: {suite_verdict(comp)}"]
        lines += [w for line in notice_lines(comp) for w in _wrap(line, limit)]
        lines += fit_table(columns, cells, limit)
        if comp.metadata.get("rule") == "any" or comp.metadata.get("clusters"):
            # Non-default decisions say how they were taken, per candidate.
            lines += _wrap(f"suite rule: {comp.metadata.get('verdict_rule')}", limit, "    ")
        lines += [w for line in cluster_lines(comp) for w in _wrap(line, limit, "    ")]
        if comp.skipped.height:
            lines.append(f"  ({comp.skipped.height} not tested; see the JSON report)")
    # names from the inputs: control and bidi characters shown as escapes, never obeyed
    return "\n".join(visible(line) for line in lines) + "\n"


__all__ = [
    "DEFAULT_WIDTH",
    "audit_to_text",
    "comparison_to_text",
    "context_line",
    "delta_cell",
    "flip_lines",
    "metric_cell",
    "task_table",
]
