"""Markdown reports, to paste into a pull request, an issue or a model card."""

from __future__ import annotations

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import (
    adjustment_name,
    cluster_lines,
    components,
    planning_lines,
    pvalue,
    verdict_line,
)
from fastmcnemar.render.text import _task_rows, task_header


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return out


def comparison_to_markdown(comp: Comparison) -> str:
    verdict = "**DEGRADED**" if comp.degraded else "**no significant degradation**"
    lines = [
        f"### `{comp.candidate}` vs `{comp.reference}`: {verdict}",
        "",
        f"alpha = {comp.alpha:g}; delta = reference - candidate accuracy (points); "
        f"p adjusted ({adjustment_name(comp.metadata)}) over "
        f"{comp.tasks.height} task(s).",
        "",
        *_md_table(task_header(comp), _task_rows(comp)),
        "",
    ]
    if comp.aggregate is not None:
        parts = ", ".join(f"{m} p = {pvalue(p)}" for m, p in components(comp.aggregate))
        lines.append(
            f"Suite: p = {pvalue(comp.aggregate.pvalue)}" + (f" ({parts})" if parts else "") + "."
        )
    lines.append(verdict_line(comp.degraded, comp.metadata.get("verdict_rule")) + ".")
    clusters = cluster_lines(comp)
    if clusters:
        lines += ["", clusters[0], "", *(f"- {line.strip()}" for line in clusters[1:])]
    extra = planning_lines(comp)
    if extra:
        lines += ["", f"**{extra[0]}**", "", *(f"- {line.strip()}" for line in extra[1:])]
    if comp.skipped.height:
        lines += ["", "<details><summary>Not tested</summary>", ""]
        lines += [
            f"- {', '.join(x for x in (r['task'], r['filter'], r['metric']) if x)}: {r['reason']}"
            for r in comp.skipped.iter_rows(named=True)
        ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def audit_to_markdown(audit: Audit) -> str:
    rows = [
        [f"`{r['candidate']}`", "**DEGRADED**" if r["degraded"] else "ok",
         pvalue(r["aggregate_pvalue"]), str(r["n_tasks"]), str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [f"### Audit against `{audit.reference}`", ""]
    lines += _md_table(["candidate", "verdict", "suite p", "tasks", "degraded tasks"], rows)
    for label, comp in audit.comparisons.items():
        lines += ["", f"#### `{label}`", "", *_md_table(task_header(comp), _task_rows(comp))]
    return "\n".join(lines) + "\n"
