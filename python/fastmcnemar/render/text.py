"""Plain-text reports for a terminal."""

from __future__ import annotations

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import (
    adjustment_name,
    cluster_lines,
    components,
    interval,
    percent,
    planning_lines,
    pvalue,
    verdict_line,
)


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> list[str]:
    widths = [max(len(header[i]), *(len(r[i]) for r in rows)) if rows else len(header[i])
              for i in range(len(header))]  # fmt: skip

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ).rstrip()

    return [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]


def task_header(comp: Comparison) -> list[str]:
    """The table header; the adjusted p-value column names its method."""
    return [*TASK_HEADER[:-2], f"p ({adjustment_name(comp.metadata)})", TASK_HEADER[-1]]


def _task_rows(comp: Comparison) -> list[list[str]]:
    rows = []
    for r in comp.tasks.iter_rows(named=True):
        rows.append([
            r["task"], r["filter"], r["metric"], str(r["n"]), str(r["b"]), str(r["c"]),
            percent(r["reference_accuracy"]), percent(r["candidate_accuracy"]),
            percent(r["delta"], signed=True), interval(r["ci_low"], r["ci_high"]),
            percent(r["flip_rate"]), pvalue(r["pvalue"]), pvalue(r["pvalue_adjusted"]),
            r["verdict"],
        ])  # fmt: skip
    return rows


TASK_HEADER = [
    "task", "filter", "metric", "n", "b", "c", "reference", "candidate", "delta",
    "CI", "flips", "p", "p (Holm)", "verdict",
]  # fmt: skip


def comparison_to_text(comp: Comparison) -> str:
    """The report ``fastmcnemar compare`` prints."""
    level = comp.metadata.get("confidence_level", 0.95)
    lines = [
        f"reference: {comp.reference}",
        f"candidate: {comp.candidate}",
        f"alpha: {comp.alpha:g}   alternative: {comp.metadata.get('alternative', 'greater')}   "
        f"delta = reference - candidate, {100 * level:g}% CI in points",
        "",
    ]
    lines += _table(task_header(comp), _task_rows(comp), right={3, 4, 5, 6, 7, 8, 10, 11, 12})
    lines.append("")
    if comp.aggregate is not None:
        parts = ", ".join(f"{m} p={pvalue(p)}" for m, p in components(comp.aggregate))
        method = getattr(comp.aggregate, "method", "aggregate")
        head = f"suite ({method}): p={pvalue(comp.aggregate.pvalue)}"
        lines.append(head + (f" ({parts})" if parts else ""))
    lines.append("verdict: " + verdict_line(comp.degraded, comp.metadata.get("verdict_rule")))
    lines += cluster_lines(comp)
    lines += planning_lines(comp)
    if comp.skipped.height:
        lines.append("")
        lines.append("not tested:")
        for r in comp.skipped.iter_rows(named=True):
            where = ", ".join(x for x in (r["task"], r["filter"], r["metric"]) if x)
            lines.append(f"  {where}: {r['reason']}")
    notes = comp.metadata.get("notes") or []
    if notes:
        lines.append("")
        lines.append("notes:")
        lines += [f"  {n}" for n in notes]
    return "\n".join(lines) + "\n"


def audit_to_text(audit: Audit) -> str:
    """The report ``fastmcnemar audit`` prints: a summary, then each candidate's table."""
    rows = [
        [r["candidate"], "DEGRADED" if r["degraded"] else "ok", pvalue(r["aggregate_pvalue"]),
         str(r["n_tasks"]), str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [f"reference: {audit.reference}", ""]
    lines += _table(
        ["candidate", "verdict", "suite p", "tasks", "degraded tasks"], rows, right={2, 3, 4}
    )
    for label, comp in audit.comparisons.items():
        lines += [
            "",
            f"== {label}",
            *_table(task_header(comp), _task_rows(comp), right={3, 4, 5, 6, 7, 8, 10, 11, 12}),
        ]
        if comp.metadata.get("rule") == "any" or comp.metadata.get("clusters"):
            # Non-default decisions say how they were taken, per candidate.
            lines.append(f"suite rule: {comp.metadata.get('verdict_rule')}")
        lines += cluster_lines(comp)
        if comp.skipped.height:
            lines.append(f"  ({comp.skipped.height} not tested; see the JSON report)")
    verdict = (
        "DEGRADED: at least one candidate is significantly worse"
        if audit.degraded
        else "no candidate significantly worse"
    )
    lines += ["", "verdict: " + verdict]
    return "\n".join(lines) + "\n"
