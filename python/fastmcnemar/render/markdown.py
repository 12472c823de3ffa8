"""Markdown reports, to paste into a pull request, an issue or a model card.

The heading is the decision in the shared vocabulary (``DEGRADED``, ``EQUIVALENT``,
``INCONCLUSIVE``): never "no significant degradation" for a drop the data cannot rule out.
Every name and value from the inputs goes through
:func:`~fastmcnemar.render._safe.markdown_text` (or ``markdown_code``): no HTML, link,
emphasis or table break can come from a task, model or file name.
"""

from __future__ import annotations

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._decision import (
    accuracy_line,
    audit_headline,
    headline,
    notice_lines,
    suite_verdict,
)
from fastmcnemar.render._flips import flip_groups, one_line, score
from fastmcnemar.render._format import cluster_lines, components, planning_lines, pvalue
from fastmcnemar.render._safe import markdown_code, markdown_text
from fastmcnemar.render.text import context_line, task_table


class _Markup(str):
    """A cell this module formatted itself (bold verdicts, code spans): not escaped again."""

    __slots__ = ()


def _cell(cell: str) -> str:
    return str(cell) if isinstance(cell, _Markup) else markdown_text(cell)


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A table whose cells are plain text (already-formatted cells are :class:`_Markup`)."""
    out = ["| " + " | ".join(markdown_text(h) for h in header) + " |"]
    out.append("|" + "|".join("---" for _ in header) + "|")
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out


def _task_table(comp: Comparison) -> list[str]:
    columns, cells = task_table(comp, wide=False)
    return _md_table([c.header for c in columns], cells)


def _flip_section(comp: Comparison, show: int) -> list[str]:
    out: list[str] = []
    for group in flip_groups(comp, show):
        out += ["", f"<details><summary>{markdown_text(group.title)}</summary>", ""]
        rows = [
            [
                str(r["doc_id"]), score(r["reference_score"]), score(r["candidate_score"]),
                one_line(r.get("target"), 60), one_line(r.get("reference_response"), 60),
                one_line(r.get("candidate_response"), 60), one_line(r.get("prompt"), 80),
            ]
            for r in group.rows
        ]  # fmt: skip
        header = ["doc", "reference", "candidate", "target", "reference response",
                  "candidate response", "prompt"]  # fmt: skip
        out += _md_table(header, rows)
        out += ["", "</details>"]
    if out:
        out.insert(0, f"**Flipped samples** (first {show} per task, losses first)")
    return out


def comparison_to_markdown(comp: Comparison, *, show_flips: int = 0) -> str:
    head, _, rest = headline(comp, names=False).partition(": ")
    lines = [
        f"### {head}: {markdown_code(comp.candidate)} vs {markdown_code(comp.reference)}",
        "",
        markdown_text(rest[:1].upper() + rest[1:]) + ".",
        "",
        *(f"> **{markdown_text(line)}**\n" for line in notice_lines(comp)),
    ]
    accuracy = accuracy_line(comp)
    if accuracy:
        line = accuracy[:1].upper() + accuracy[1:] + "; " + context_line(comp)
        lines += [markdown_text(line) + ".", ""]
    lines += [*_task_table(comp), ""]
    rule = str(comp.metadata.get("verdict_rule") or "")
    if comp.aggregate is not None and rule.startswith("combined"):
        parts = ", ".join(
            f"{markdown_text(m)} p = {pvalue(p)}" for m, p in components(comp.aggregate)
        )
        lines.append(
            f"Suite: p = {pvalue(comp.aggregate.pvalue)}" + (f" ({parts})" if parts else "") + "."
        )
    if rule:
        lines.append(f"Decided by: {markdown_text(rule)}.")
    lines += _cluster_section(comp)
    extra = planning_lines(comp)[1:]
    if extra:
        lines += [
            "",
            "**Inconclusive tasks**",
            "",
            *(f"- {markdown_text(line.strip())}" for line in extra),
        ]
    if show_flips:
        lines += ["", *(_flip_section(comp, show_flips) or ["No flipped samples."])]
    if comp.skipped.height:
        lines += ["", "<details><summary>Not tested</summary>", ""]
        lines += [
            f"- {markdown_text(', '.join(x for x in (r['task'], r['filter'], r['metric']) if x))}"
            f": {markdown_text(r['reason'])}"
            for r in comp.skipped.iter_rows(named=True)
        ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def _cluster_section(comp: Comparison) -> list[str]:
    """Clusters, design effect and effective n per task (clustered comparisons only)."""
    clusters = cluster_lines(comp)
    if not clusters:
        return []
    return [
        "",
        markdown_text(clusters[0]),
        "",
        *(f"- {markdown_text(line.strip())}" for line in clusters[1:]),
    ]


def audit_to_markdown(audit: Audit) -> str:
    head, _, rest = audit_headline(audit).partition(": ")
    rows = [
        [_Markup(markdown_code(r["candidate"])),
         _Markup(f"**{r['verdict']}**") if r["degraded"] else r["verdict"],
         pvalue(r["aggregate_pvalue"]), str(r["n_tasks"]), str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [f"### {head}: audit against {markdown_code(audit.reference)}", ""]
    lines += [markdown_text(rest) + ".", ""]
    lines += _md_table(["candidate", "verdict", "suite p", "tasks", "degraded tasks"], rows)
    if audit.failed:
        lines += ["", f"**Incomplete: {len(audit.failed)} candidate(s) could not be read**", ""]
        lines += [f"- `{label}`: {error}" for label, error in audit.failed.items()]
    for label, comp in audit.comparisons.items():
        lines += ["", f"#### {markdown_code(label)}: {markdown_text(suite_verdict(comp))}", ""]
        lines += [f"> **{markdown_text(line)}**\n" for line in notice_lines(comp)]
        lines += _task_table(comp)
        lines += _cluster_section(comp)
    return "\n".join(lines) + "\n"
