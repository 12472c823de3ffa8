"""Markdown reports, to paste into a pull request, an issue or a model card.

The heading is the decision in the shared vocabulary (``DEGRADED``, ``EQUIVALENT``,
``INCONCLUSIVE``): never "no significant degradation" for a drop the data cannot rule out.
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
from fastmcnemar.render._format import components, planning_lines, pvalue
from fastmcnemar.render.text import context_line, task_table


def _escape(cell: str) -> str:
    return cell.replace("|", "\\|")


def _md_table(header: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(_escape(c) for c in row) + " |" for row in rows]
    return out


def _task_table(comp: Comparison) -> list[str]:
    columns, cells = task_table(comp, wide=False)
    return _md_table([c.header for c in columns], cells)


def _flip_section(comp: Comparison, show: int) -> list[str]:
    out: list[str] = []
    for group in flip_groups(comp, show):
        out += ["", f"<details><summary>{_html(group.title)}</summary>", ""]
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
        out += _md_table(header, [[_html(c) for c in row] for row in rows])
        out += ["", "</details>"]
    if out:
        out.insert(0, f"**Flipped samples** (first {show} per task, losses first)")
    return out


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def comparison_to_markdown(comp: Comparison, *, show_flips: int = 0) -> str:
    head, _, rest = headline(comp, names=False).partition(": ")
    lines = [
        f"### {head}: `{comp.candidate}` vs `{comp.reference}`",
        "",
        rest[:1].upper() + rest[1:] + ".",
        "",
        *(f"> **{line}**\n" for line in notice_lines(comp)),
    ]
    accuracy = accuracy_line(comp)
    if accuracy:
        lines += [accuracy[:1].upper() + accuracy[1:] + "; " + context_line(comp) + ".", ""]
    lines += [*_task_table(comp), ""]
    rule = str(comp.metadata.get("verdict_rule") or "")
    if comp.aggregate is not None and rule.startswith("combined"):
        parts = ", ".join(f"{m} p = {pvalue(p)}" for m, p in components(comp.aggregate))
        lines.append(
            f"Suite: p = {pvalue(comp.aggregate.pvalue)}" + (f" ({parts})" if parts else "") + "."
        )
    if rule:
        lines.append(f"Decided by: {rule}.")
    extra = planning_lines(comp)[1:]
    if extra:
        lines += ["", "**Inconclusive tasks**", "", *(f"- {line.strip()}" for line in extra)]
    if show_flips:
        lines += ["", *(_flip_section(comp, show_flips) or ["No flipped samples."])]
    if comp.skipped.height:
        lines += ["", "<details><summary>Not tested</summary>", ""]
        lines += [
            f"- {', '.join(x for x in (r['task'], r['filter'], r['metric']) if x)}: {r['reason']}"
            for r in comp.skipped.iter_rows(named=True)
        ]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"


def audit_to_markdown(audit: Audit) -> str:
    head, _, rest = audit_headline(audit).partition(": ")
    rows = [
        [f"`{r['candidate']}`", f"**{r['verdict']}**" if r["degraded"] else r["verdict"],
         pvalue(r["aggregate_pvalue"]), str(r["n_tasks"]), str(r["n_degraded"])]
        for r in audit.summary.iter_rows(named=True)
    ]  # fmt: skip
    lines = [f"### {head}: audit against `{audit.reference}`", "", rest + ".", ""]
    lines += _md_table(["candidate", "verdict", "suite p", "tasks", "degraded tasks"], rows)
    for label, comp in audit.comparisons.items():
        lines += ["", f"#### `{label}`: {suite_verdict(comp)}", ""]
        lines += [f"> **{line}**\n" for line in notice_lines(comp)]
        lines += _task_table(comp)
    return "\n".join(lines) + "\n"
