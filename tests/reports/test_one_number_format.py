"""Every renderer formats numbers through ``render/_format.py``: a task's p-value
and drop read the same in the text, Markdown and HTML reports."""

from __future__ import annotations

import html

from report_fixtures import make_comparison

from fastmcnemar.render._format import fmt_pp, is_number, pvalue


def test_text_markdown_and_html_show_the_same_pvalues() -> None:
    comp = make_comparison()
    text, markdown, page = comp.to_text(), comp.to_markdown(), html.unescape(comp.to_html())
    shown = 0
    for row in comp.tasks.iter_rows(named=True):
        p = row["pvalue_adjusted"]  # the p-value every report shows
        if not is_number(p):
            continue
        for report in (text, markdown, page):
            assert pvalue(p) in report, (row["task"], pvalue(p))
        shown += 1
    assert shown >= 3


def test_html_and_svg_drops_use_the_shared_formatter() -> None:
    comp = make_comparison()
    page = html.unescape(comp.to_html())
    for row in comp.tasks.iter_rows(named=True):
        if is_number(row["delta"]):
            assert fmt_pp(row["delta"], unit=False) in page
