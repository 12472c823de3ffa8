"""Markdown reports, to paste into a pull request, an issue or a model card.

Every name and value from the inputs goes through
:func:`~fastmcnemar.render._safe.markdown_text`: no HTML, link, emphasis or
table break can come from a task, model or file name.
"""

from __future__ import annotations

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import (
    adjustment_name,
    components,
    planning_lines,
    pvalue,
    verdict_line,
)
from fastmcnemar.render._safe import markdown_code, markdown_text
from fastmcnemar.render.text import _task_rows, task_header


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table whose cells are plain text (already-formatted cells are passed as
    :class:`_Markup`)."""
    out = ["| " + " | ".join(markdown_text(h) for h in header) + " |"]
    out.append("|" + "|".join("---" for _ in header) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


class _Markup(str):
    """A cell this module formatted itself (bold verdicts): not escaped again."""

    __slots__ = ()


def _cell(cell: str) -> str:
    return str(cell) if isinstance(cell, _Markup) else markdown_text(cell)


def comparison_to_markdown(comp: Comparison) -> str:
    verdict = "**DEGRADED**" if comp.degraded else "**no significant degradation**"
    lines = [
        f"### {markdown_code(comp.candidate)} vs {markdown_code(comp.reference)}: {verdict}",
        "",
        f"alpha = {comp.alpha:g}; delta = reference - candidate accuracy (points); "
        f"p adjusted ({markdown_text(adjustment_name(comp.metadata))}) over "
        f"{comp.tasks.height} task(s).",
        "",
        *_md_table(task_header(comp), _task_rows(comp)),
        "",
    ]
    if comp.aggregate is not None:
        parts = ", ".join(
            f"{markdown_text(m)} p = {pvalue(p)}" for m, p in components(comp.aggregate)
        )
        lines.append(
            f"Suite: p = {pvalue(comp.aggregate.pvalue)}" + (f" ({parts})" if parts else "") + "."
        )
    rule = comp.metadata.get("verdict_rule")
    lines.append(markdown_text(verdict_line(comp.degraded, rule)) + ".")
    extra = [markdown_text(line.lstrip(" ")) for line in planning_lines(comp)]
    if extra:
        lines += ["", f"**{extra[0]}**", "", *(f"- {line}" for line in extra[1:])]
    if comp.skipped.height:
        lines += ["", "<details><summary>Not tested</summary>", ""]
        lines += [
            f"- {markdown_text(', '.join(x for x in (r['task'], r['filter'], r['metric']) if x))}"
            f": {markdown_text(r['reason'])}"
            for r in comp.skipped.iter_rows(named=True)
        ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def audit_to_markdown(audit: Audit) -> str:
    rows = [
        [_Markup(markdown_code(r["candidate"])), _Markup("**DEGRADED**") if r["degraded"] else "ok",
         pvalue(r["aggregate_pvalue"]), str(r["n_tasks"]), str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [f"### Audit against {markdown_code(audit.reference)}", ""]
    lines += _md_table(["candidate", "verdict", "suite p", "tasks", "degraded tasks"], rows)
    for label, comp in audit.comparisons.items():
        lines += ["", f"#### {markdown_code(label)}", ""]
        lines += _md_table(task_header(comp), _task_rows(comp))
    return "\n".join(lines) + "\n"
