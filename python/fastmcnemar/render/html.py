"""Self-contained HTML reports for a Comparison or an Audit.

One offline file: inline CSS, inline SVG plots, no external URL, readable with
JavaScript off (a ten-line inline script only makes the task table sortable).
Order: verdict and suite-level tests first, then the forest plot, the per-task
table, untested tasks, and the run metadata. Every user-supplied string (model
names, task names, metadata) is HTML-escaped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import polars as pl

from fastmcnemar.compare.pooled import pooled_delta
from fastmcnemar.render._decision import (
    accuracy_line,
    audit_headline,
    notice_lines,
    suite_verdict,
)
from fastmcnemar.render._decision import headline as decision_headline
from fastmcnemar.render._format import (
    adjustment_name,
    cluster_lines,
    fmt_num,
    fmt_p_log,
    fmt_pct,
    fmt_pp,
    is_number,
    pvalue,
)
from fastmcnemar.render._html_text import as_float, esc
from fastmcnemar.render._views import AuditView, ComparisonView
from fastmcnemar.render.html_flips import CSS as FLIPS_CSS
from fastmcnemar.render.html_flips import flips_section
from fastmcnemar.render.html_metadata import metadata_section
from fastmcnemar.render.svg_forest import forest_svg
from fastmcnemar.render.svg_heatmap import heatmap_svg

_CSS = """
.fmn{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d1d1f;
  line-height:1.45;max-width:1240px}
.fmn h1{font-size:1.45em;margin:.2em 0 .4em}
.fmn h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid #ddd;padding-bottom:.2em}
.fmn .verdict{border-radius:8px;padding:.8em 1em;margin:.6em 0 1em;border:2px solid}
.fmn .verdict .headline{font-size:1.3em;font-weight:700}
.fmn .verdict .accuracy{font-size:1.05em;margin:.15em 0}
.fmn .verdict .notice{font-weight:600;color:#8a4b00;margin:.15em 0}
.fmn .verdict.degraded{background:#fdecea;border-color:#b3261e;color:#6b100b}
.fmn .verdict.ok{background:#e8f5ec;border-color:#2d6a3e;color:#173d22}
.fmn .verdict.mixed{background:#fff6e0;border-color:#a86b00;color:#5a3900}
.fmn table{border-collapse:collapse;font-size:.83em;margin:.3em 0 .8em}
.fmn th,.fmn td{padding:.25em .45em;border-bottom:1px solid #e6e6e6;text-align:right;
  white-space:nowrap}
.fmn th{background:#f4f5f7;font-weight:600;position:sticky;top:0}
.fmn th.text,.fmn td.text{text-align:left}
.fmn table.sortable th{cursor:pointer}
.fmn tr.degraded td{background:#fdecea}
.fmn tr.degraded td.verdict-cell{color:#b3261e;font-weight:700}
.fmn td.verdict-cell{text-align:left}
.fmn .muted{color:#666;font-size:.88em}
.fmn .plot,.fmn .scroll{overflow-x:auto}
.fmn dl.meta{display:grid;grid-template-columns:max-content auto;gap:.15em 1em;font-size:.88em}
.fmn dl.meta dt{font-weight:600;color:#444}
.fmn dl.meta dd{margin:0;word-break:break-word}
.fmn details{margin:.5em 0;border:1px solid #ddd;border-radius:6px;padding:.3em .8em}
.fmn details summary{cursor:pointer;font-weight:600}
.fmn code{font-size:.92em}
.fmn h3{font-size:1em;margin:1em 0 .3em}
.fmn tr.differs th,.fmn td.differs{color:#8a4b00;font-weight:600}
.fmn table.runs td,.fmn table.task-meta td{white-space:normal;max-width:34em;word-break:break-word}
.fmn table.tasks td.text{white-space:normal;max-width:14em;overflow-wrap:break-word}
.fmn table.tasks td.verdict-cell{white-space:nowrap}
.fmn table.tasks th{white-space:normal}
.fmn ul.notes{font-size:.88em;margin:.2em 0}
.fmn p.rule{font-size:.9em;margin:.2em 0}
"""
_CSS += FLIPS_CSS + "\n"

# Optional nicety: click a header to sort. The page is complete without it.
_SORT_SCRIPT = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var i = th.cellIndex, body = th.closest("table").tBodies[0];
    var asc = th.dataset.dir !== "asc"; th.dataset.dir = asc ? "asc" : "desc";
    var key = function (r) { var c = r.cells[i]; return c.dataset.sort || c.textContent; };
    Array.from(body.rows).sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
      return asc ? d : -d;
    }).forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{_CSS}\nbody{{margin:1.5em 2em}}</style>\n"
        f"</head>\n<body>\n{body}\n<script>{_SORT_SCRIPT}</script>\n</body>\n</html>\n"
    )


def _version() -> str:
    try:
        from fastmcnemar import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover - only without the compiled extension
        return "unknown"


# ----------------------------------------------------------------------------- comparison


def comparison_html(comparison: ComparisonView) -> str:
    """The full HTML page for one reference/candidate comparison."""
    title = f"fastmcnemar: {comparison.candidate} vs {comparison.reference}"
    return _page(title, comparison_fragment(comparison, standalone=True))


def comparison_fragment(comparison: ComparisonView, *, standalone: bool = False) -> str:
    """The report body (also used by ``_repr_html_`` in notebooks)."""
    style = "" if standalone else f"<style>{_CSS}</style>"
    level = _confidence_level(comparison)
    parts = [
        style,
        '<div class="fmn fmn-comparison">',
        f"<h1>Is <code>{esc(comparison.candidate)}</code> worse than "
        f"<code>{esc(comparison.reference)}</code>?</h1>",
        _verdict_box(comparison),
        _suite_section(comparison),
        _forest_section(comparison, level),
        _task_section(comparison.tasks, level, _adjustment(comparison)),
        flips_section(comparison),
        _skipped_section(comparison.skipped),
        metadata_section(comparison.metadata),
        f'<p class="muted">fastmcnemar {esc(_version())} · α = {esc(fmt_num(comparison.alpha))}'
        " · one-sided tests of “the candidate is worse”; drop = reference − candidate.</p>",
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def _confidence_level(comparison: ComparisonView) -> float:
    value = comparison.metadata.get("confidence_level") if comparison.metadata else None
    level = as_float(value)
    return 0.95 if level is None else level


def _verdict_counts(tasks: pl.DataFrame) -> dict[str, int]:
    if "verdict" not in tasks.columns:
        return {}
    counts: dict[str, int] = {}
    for verdict in tasks["verdict"].to_list():
        counts[str(verdict)] = counts.get(str(verdict), 0) + 1
    return counts


def _verdict_box(comparison: ComparisonView) -> str:
    tasks = comparison.tasks
    n_tasks = tasks.height
    n_degraded = int(tasks["degraded"].sum()) if "degraded" in tasks.columns and n_tasks else 0
    counts = _verdict_counts(tasks)
    pooled = pooled_delta(tasks) if n_tasks else None
    agg = comparison.aggregate
    verdict = suite_verdict(comparison)
    cls = {"degraded": "degraded", "equivalent": "ok"}.get(verdict, "mixed")
    headline = decision_headline(comparison, names=False)
    details = [f"{n_degraded} of {n_tasks} tested task{'s' if n_tasks != 1 else ''} degraded"]
    if counts and set(counts) - {"degraded"}:
        details.append(", ".join(f"{v} {esc(k)}" for k, v in sorted(counts.items())))
    if agg is not None and is_number(getattr(agg, "pvalue", None)):
        details.append(f"suite-level {esc(_method_name(agg))} p = {esc(pvalue(agg.pvalue))}")
    if pooled is not None:
        details.append(f"pooled drop {esc(fmt_pp(pooled.delta))} over {pooled.n:,} samples")
    skipped = comparison.skipped.height if comparison.skipped is not None else 0
    if skipped:
        details.append(f"{skipped} not tested (see below)")
    accuracy = accuracy_line(comparison)
    overall = (
        f'<div class="accuracy">{esc(comparison.reference)} → {esc(comparison.candidate)}: '
        f"{esc(accuracy.replace(' -> ', ' → '))}</div>"
        if accuracy
        else ""
    )
    notices = "".join(f'<div class="notice">{esc(line)}</div>' for line in notice_lines(comparison))
    return (
        f'<div class="verdict {cls}"><div class="headline">{esc(headline)}</div>{overall}'
        f"{notices}<div>{' · '.join(details)}</div></div>"
    )


def _method_name(agg: Any) -> str:
    return str(getattr(agg, "method", "aggregate"))


def _aggregate_rows(agg: Any) -> list[dict[str, Any]]:
    """The suite-level result and, for a combined test, its components."""
    rows = [_aggregate_row(_method_name(agg), agg)]
    components = getattr(agg, "components", None)
    if isinstance(components, Mapping):
        items: Iterable[tuple[str, Any]] = components.items()
    elif isinstance(components, Sequence) and not isinstance(components, str):
        items = ((_method_name(c), c) for c in components)
    else:
        items = ()
    for name, comp in items:
        rows.append(_aggregate_row(f"  └ {name}", comp))
    return rows


def _aggregate_row(name: str, obj: Any) -> dict[str, Any]:
    if is_number(obj):  # a component given as a bare p-value
        return {"method": name, "statistic": None, "pvalue": obj, "rejected": None, "log": None}
    return {
        "method": name,
        "statistic": getattr(obj, "statistic", None),
        "pvalue": getattr(obj, "pvalue", None),
        "rejected": getattr(obj, "rejected", None),
        "log": getattr(obj, "log_pvalue", None),
    }


def _rule_note(comparison: ComparisonView) -> str:
    rule = comparison.metadata.get("verdict_rule") if comparison.metadata else None
    note = f'<p class="rule">Decision rule: {esc(rule)}.</p>' if rule else ""
    clusters = cluster_lines(comparison)
    if clusters:
        items = "".join(f"<li>{esc(line.strip())}</li>" for line in clusters[1:])
        note += f'<p class="rule">{esc(clusters[0])}</p><ul class="clusters">{items}</ul>'
    return note


def _suite_section(comparison: ComparisonView) -> str:
    agg = comparison.aggregate
    if agg is None:
        return (
            '<section class="suite"><h2>Suite-level test</h2><p class="muted">No suite-level '
            f"test (a single task, or nothing testable).</p>{_rule_note(comparison)}</section>"
        )
    rows = []
    for r in _aggregate_rows(agg):
        rejected = r["rejected"]
        verdict = "–" if rejected is None else ("rejects: worse" if rejected else "does not reject")
        rows.append(
            f'<tr><td class="text">{esc(r["method"])}</td><td>{esc(fmt_num(r["statistic"]))}</td>'
            f"<td>{esc(fmt_p_log(r['pvalue'], r['log']))}</td>"
            f'<td class="text">{esc(verdict)}</td></tr>'
        )
    alpha = getattr(agg, "alpha", comparison.alpha)
    level = as_float(getattr(agg, "level", None))
    note = (
        '<p class="muted">The decision rule guarantees a false-alarm rate of at most '
        f"{esc(fmt_num(level))} (α = {esc(fmt_num(alpha))}).</p>"
        if level is not None and abs(level - float(alpha)) > 1e-12
        else ""
    )
    return (
        '<section class="suite"><h2>Suite-level test</h2>'
        '<table class="suite"><thead><tr><th class="text">test</th><th>statistic</th>'
        f'<th>p-value</th><th class="text">at α = {esc(fmt_num(alpha))}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{note}{_rule_note(comparison)}</section>"
    )


def _adjustment(comparison: ComparisonView) -> str:
    """The multiplicity adjustment of ``pvalue_adjusted`` ("Holm" unless stated)."""
    return adjustment_name(comparison.metadata)


def _forest_section(comparison: ComparisonView, level: float) -> str:
    if comparison.tasks.height == 0:
        return ""
    adjust = _adjustment(comparison)
    svg = forest_svg(comparison.tasks, confidence_level=level)
    return (
        '<section class="forest"><h2>Accuracy drop per task</h2>'
        f'<div class="plot">{svg}</div>'
        f'<p class="muted">Squares: drop = reference − candidate accuracy, lines: its '
        f"{level:.0%} confidence interval. Red ▼ = degraded ({adjust}-adjusted one-sided test "
        f"rejects).{_diamond_caption(comparison.tasks, level)}</p>"
        "</section>"
    )


def _diamond_caption(tasks: pl.DataFrame, level: float) -> str:
    """What the pooled row shows, as drawn: nothing with one task, a diamond spanning
    Tango's interval when every task is binary, a point-only diamond otherwise."""
    if tasks.height <= 1:
        return ""
    pooled = pooled_delta(tasks, confidence_level=level)
    if pooled is None:
        return ""
    if pooled.low is not None and pooled.high is not None:
        return (
            " Diamond: the drop pooled over all samples; its width is Tango's "
            f"{level:.0%} interval on the summed counts."
        )
    return (
        " Small diamond: the sample-weighted mean drop over all tasks, without an interval "
        "(the suite mixes binary and graded scores, whose differences are on different scales)."
    )


_TASK_COLUMNS: list[tuple[str, str, bool]] = [
    # (column, header, text-aligned)
    ("task", "task", True),
    ("metric", "metric (filter)", True),
    ("method", "test", True),
    ("n", "n", False),
    ("b", "b", False),
    ("c", "c", False),
    ("reference_accuracy", "ref acc", False),
    ("candidate_accuracy", "cand acc", False),
    ("delta", "drop (pp)", False),
    ("ci", "CI", False),
    ("flip_rate", "flips", False),
    ("pvalue", "p", False),
    ("pvalue_adjusted", "adjusted p", False),
    ("verdict", "verdict", True),
]


def _task_section(tasks: pl.DataFrame, level: float, adjust: str = "Holm") -> str:
    if tasks.height == 0:
        return (
            '<section class="tasks"><h2>Per-task results</h2><p>No task was tested.</p></section>'
        )
    columns = [c for c in _TASK_COLUMNS if c[0] in tasks.columns or c[0] == "ci"]
    if "method" in tasks.columns and tasks["method"].n_unique() == 1:
        columns = [c for c in columns if c[0] != "method"]  # said once, under the table
    if "filter" not in tasks.columns or set(tasks["filter"].to_list()) <= {"none", None}:
        columns = [(c, "metric" if c == "metric" else h, t) for c, h, t in columns]
    head = "".join(
        f'<th class="{"text" if text else "num"}" scope="col">'
        f"{esc(_header(col, header, level, adjust))}</th>"
        for col, header, text in columns
    )
    body = [_task_row(r, columns) for r in tasks.iter_rows(named=True)]
    return (
        '<section class="tasks"><h2>Per-task results</h2>'
        '<div class="scroll"><table class="tasks sortable"><thead><tr>'
        f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
        '<p class="muted">b = samples only the reference got right, c = only the candidate '
        "(for continuous scores: pairs where reference &gt; candidate and the reverse); "
        f"drop and its CI in percentage points; flips = (b + c) / n; {adjust} p = adjusted for "
        "the number of tasks."
        f"{_methods_note(tasks)} "
        "Click a column header to sort.</p></section>"
    )


def _header(col: str, header: str, level: float, adjust: str) -> str:
    if col == "ci":
        return f"{level:.0%} CI"
    if col == "pvalue_adjusted":
        return f"{adjust} p"
    return header


def _methods_note(tasks: pl.DataFrame) -> str:
    if "method" not in tasks.columns or tasks["method"].n_unique() != 1:
        return ""
    return f" Test: {esc(tasks['method'][0])}."


def _task_row(r: Mapping[str, Any], columns: list[tuple[str, str, bool]]) -> str:
    degraded = bool(r.get("degraded"))
    cells = []
    for col, _, text in columns:
        value = r.get(col)
        sort = ""
        if col in ("reference_accuracy", "candidate_accuracy", "flip_rate"):
            shown = fmt_pct(value)
        elif col == "delta":
            shown = fmt_pp(value, unit=False)
        elif col == "ci":
            shown = (
                f"[{fmt_pp(r.get('ci_low'), unit=False)}, {fmt_pp(r.get('ci_high'), unit=False)}]"
            )
            value = r.get("ci_low")
        elif col in ("pvalue", "pvalue_adjusted"):
            shown = pvalue(value)
        elif col == "verdict":
            shown = str(value) if value is not None else ("degraded" if degraded else "–")
        elif col == "metric":
            filt = r.get("filter")
            shown = str(value) if filt in (None, "none") else f"{value} ({filt})"
        else:
            shown = fmt_num(value)
        number = as_float(value)
        if number is not None:
            sort = f' data-sort="{number!r}"'
        cls = "text" if text else "num"
        if col == "verdict":
            cls += " verdict-cell"
        cells.append(f'<td class="{cls}"{sort}>{esc(shown)}</td>')
    return f'<tr class="{"degraded" if degraded else "ok"}">{"".join(cells)}</tr>'


def _skipped_section(skipped: pl.DataFrame | None) -> str:
    if skipped is None or skipped.height == 0:
        return ""
    cols = [c for c in ("task", "filter", "metric", "reason") if c in skipped.columns]
    head = "".join(f'<th class="text">{esc(c)}</th>' for c in cols)
    rows = "".join(
        "<tr>" + "".join(f'<td class="text">{esc(r.get(c))}</td>' for c in cols) + "</tr>"
        for r in skipped.iter_rows(named=True)
    )
    return (
        '<section class="skipped"><h2>Not tested</h2><table class="skipped"><thead><tr>'
        f"{head}</tr></thead><tbody>{rows}</tbody></table></section>"
    )


# ----------------------------------------------------------------------------- audit


def audit_html(audit: AuditView) -> str:
    """The full HTML page for an audit of several candidates against one reference."""
    title = f"fastmcnemar audit vs {audit.reference}"
    return _page(title, audit_fragment(audit, standalone=True))


def audit_fragment(audit: AuditView, *, standalone: bool = False) -> str:
    """The audit report body (also used by ``_repr_html_``)."""
    style = "" if standalone else f"<style>{_CSS}</style>"
    candidates = list(audit.comparisons)
    parts = [
        style,
        '<div class="fmn fmn-audit">',
        f"<h1>Audit: {len(candidates)} candidate{'s' if len(candidates) != 1 else ''} "
        f"vs <code>{esc(audit.reference)}</code></h1>",
        _audit_verdict(audit),
        _failed_section(audit),
        _summary_section(audit),
        _heatmap_section(audit, candidates),
        _candidate_details(audit),
        f'<p class="muted">fastmcnemar {esc(_version())}</p>',
        "</div>",
    ]
    return "\n".join(p for p in parts if p)


def _audit_verdict(audit: AuditView) -> str:
    summary = audit.summary
    n = summary.height
    bad = (
        summary.filter(pl.col("degraded"))["candidate"].to_list()
        if n and "degraded" in summary.columns
        else [c for c, comp in audit.comparisons.items() if comp.degraded]
    )
    headline = audit_headline(audit)
    if audit.degraded:
        cls = "degraded"
        detail = "worse: " + ", ".join(esc(c) for c in bad)
    else:
        cls = "ok" if headline.startswith("EQUIVALENT") else "mixed"
        detail = f"{n} candidates tested"
    return (
        f'<div class="verdict {cls}"><div class="headline">{esc(headline)}</div>'
        f"<div>{detail}</div></div>"
    )


def _failed_section(audit: AuditView) -> str:
    """The candidates that could not be read: the audit is incomplete."""
    if not audit.failed:
        return ""
    items = "".join(
        f"<li><code>{esc(label)}</code>: {esc(error)}</li>" for label, error in audit.failed.items()
    )
    return (
        '<div class="verdict degraded"><div class="headline">'
        f"INCOMPLETE — {len(audit.failed)} candidate(s) could not be read</div>"
        f"<ul>{items}</ul></div>"
    )


def _summary_section(audit: AuditView) -> str:
    summary = audit.summary
    rows = []
    for r in summary.iter_rows(named=True):
        cand = str(r.get("candidate"))
        comp = audit.comparisons.get(cand)
        pooled = pooled_delta(comp.tasks) if comp is not None and comp.tasks.height else None
        degraded = bool(r.get("degraded"))
        p = r.get("aggregate_pvalue")
        rows.append(
            f'<tr class="{"degraded" if degraded else "ok"}"><td class="text">{esc(cand)}</td>'
            f"<td{_sort(pooled.delta if pooled else None)}>"
            f"{esc(fmt_pp(pooled.delta if pooled else None))}</td>"
            f"<td{_sort(p)}>{esc(pvalue(p))}</td>"
            f"<td>{esc(fmt_num(r.get('n_degraded')))} / {esc(fmt_num(r.get('n_tasks')))}</td>"
            f'<td class="text verdict-cell">{esc(r.get("verdict"))}</td></tr>'
        )
    return (
        '<section id="summary"><h2>Per-candidate summary</h2>'
        '<table class="summary sortable"><thead><tr>'
        '<th class="text">candidate</th><th>pooled drop</th><th>suite p</th>'
        '<th>degraded tasks</th><th class="text">verdict</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></section>"
    )


def _sort(value: object) -> str:
    number = as_float(value)
    return "" if number is None else f' data-sort="{number!r}"'


def _heatmap_section(audit: AuditView, candidates: list[str]) -> str:
    if audit.table.height == 0:
        return ""
    svg = heatmap_svg(audit.table, candidates)
    return (
        '<section id="heatmap"><h2>Where the damage is</h2>'
        f'<div class="plot">{svg}</div>'
        '<p class="muted">Cell colour: −log10 of the task’s one-sided p-value, red when the '
        "candidate lost accuracy, blue when it gained (faint by construction: the tests look "
        "for losses). Framed cells are degraded after multiplicity adjustment. Hover a cell "
        "for its numbers.</p></section>"
    )


def _candidate_details(audit: AuditView) -> str:
    blocks = []
    for cand, comp in audit.comparisons.items():
        level = _confidence_level(comp)
        open_attr = " open" if comp.degraded else ""
        state = suite_verdict(comp)
        blocks.append(
            f'<details class="candidate"{open_attr}><summary>{esc(cand)} — {state}</summary>'
            + _verdict_box(comp)
            + _suite_section(comp)
            + _forest_section(comp, level)
            + _task_section(comp.tasks, level, _adjustment(comp))
            + flips_section(comp)
            + _skipped_section(comp.skipped)
            + metadata_section(comp.metadata)
            + "</details>"
        )
    return '<section id="candidates"><h2>Candidates</h2>' + "".join(blocks) + "</section>"


__all__ = ["audit_fragment", "audit_html", "comparison_fragment", "comparison_html"]
