"""The HTML section listing the flipped samples: one collapsible block per task."""

from __future__ import annotations

from typing import Any

from fastmcnemar.render._flips import flip_groups, one_line, score
from fastmcnemar.render._html_text import esc

#: Rows shown per task; the JSON report (and ``Comparison.flips``) holds them all.
MAX_ROWS = 200
CSS = (
    ".fmn section.flips details{margin:.3em 0}"
    ".fmn table.flips td.text{white-space:normal;max-width:26em;word-break:break-word}"
    ".fmn table.flips tr.lost td.score{color:#b3261e}"
)


def _row(r: dict[str, Any], lost: bool) -> str:
    cells = [
        f'<td class="text">{esc(r["doc_id"])}</td>',
        f'<td class="score">{esc(score(r["reference_score"]))} → '
        f"{esc(score(r['candidate_score']))}</td>",
        *(
            f'<td class="text">{esc(one_line(r.get(k), 300).strip())}</td>'
            for k in ("target", "reference_response", "candidate_response", "prompt")
        ),
    ]
    return f'<tr class="{"lost" if lost else "gained"}">{"".join(cells)}</tr>'


def flips_section(comparison: Any) -> str:
    """``<section class="flips">`` with a ``<details>`` per task, or "" without flips."""
    lower = set(comparison.metadata.get("lower_is_better") or [])
    blocks = []
    for group in flip_groups(comparison, MAX_ROWS):
        rows = []
        for r in group.rows:
            drop = float(r["reference_score"]) - float(r["candidate_score"])
            rows.append(_row(r, drop < 0 if group.task in lower else drop > 0))
        total = group.lost + group.gained
        more = (
            f'<p class="muted">First {MAX_ROWS} of {total}; every flip is in the JSON report.</p>'
            if total > MAX_ROWS
            else ""
        )
        blocks.append(
            f"<details><summary>{esc(group.title)}</summary>"
            '<table class="flips"><thead><tr><th class="text">doc</th><th>score</th>'
            '<th class="text">target</th><th class="text">reference response</th>'
            '<th class="text">candidate response</th><th class="text">prompt</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>{more}</details>"
        )
    if not blocks:
        return ""
    return (
        '<section class="flips"><h2>Which samples flipped</h2>'
        '<p class="muted">Per task, the samples whose score changed; losses first.</p>'
        + "".join(blocks)
        + "</section>"
    )


__all__ = ["CSS", "MAX_ROWS", "flips_section"]
