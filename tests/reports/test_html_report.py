"""HTML reports: structure, self-containment, escaping; the CLI's --format html."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from report_fixtures import make_audit, make_comparison

import fastmcnemar
from fastmcnemar.cli import main
from fastmcnemar.compare.pooled import pooled_delta
from fastmcnemar.data import example_path
from fastmcnemar.render.svg_forest import forest_svg


class Page(HTMLParser):
    """Every element with its attributes and classes, plus all text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.in_tag: dict[str, list[str]] = {}
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))
        if tag not in ("br", "meta", "rect", "line", "circle", "polygon"):
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.stack:
            self.in_tag.setdefault(self.stack[-1], []).append(data)

    def find(self, tag: str, cls: str | None = None) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and (cls is None or cls in a.get("class", "").split())
        ]

    @property
    def all_text(self) -> str:
        return " ".join(self.text)


def _external_references(html: str, page: Page) -> list[str]:
    found = []
    for _, attrs in page.elements:
        for name, value in attrs.items():
            linking = name in ("href", "src", "xlink:href", "action", "srcset", "data", "poster")
            if linking and value and not value.startswith("#"):
                found.append(f"{name}={value}")
            if re.search(r"(https?:)?//", value) and name != "xmlns":
                found.append(f"{name}={value}")
    for css in re.findall(r"<style>(.*?)</style>", html, flags=re.S):
        found += re.findall(r"url\(|@import", css)
    return found


def test_comparison_page_structure() -> None:
    comp = make_comparison()
    html = comp.to_html()
    page = Page(html)
    assert html.startswith("<!DOCTYPE html>")
    # the verdict comes first, before any table or plot
    verdict = page.find("div", "verdict")
    assert len(verdict) == 1
    assert "degraded" in verdict[0]["class"].split()
    first_table = html.index("<table")
    assert html.index('class="verdict') < first_table < html.index('<svg class="forest"')
    assert "DEGRADED" in page.all_text
    # suite-level test, with its component
    suite = html[html.index('<section class="suite">') :]
    assert "combined" in suite[:2000]
    assert "pooled" in suite[:2000]
    # one table row per task, the tasks in order
    table = html[html.index('<table class="tasks sortable">') :]
    table = table[: table.index("</table>")]
    body_rows = Page(table).find("tr", None)[1:]  # minus the header row
    assert len(body_rows) == comp.tasks.height
    for task in comp.tasks["task"]:
        assert f">{task}<" in table
    degraded_rows = Page(table).find("tr", "degraded")
    assert len(degraded_rows) == int(comp.tasks["degraded"].sum()) >= 1
    # the forest plot: a row per task, degraded ones marked, the pooled diamond
    assert len(page.find("svg", "forest")) == 1
    assert len(page.find("g", "task-row")) == comp.tasks.height
    assert len(page.find("g", "degraded")) == int(comp.tasks["degraded"].sum())
    assert len(page.find("polygon", "diamond")) == 1
    assert len(page.find("line", "ci")) == comp.tasks.height
    # untested tasks and the metadata are shown
    assert "ifeval" in page.all_text
    assert "per-sample value is a list" in page.all_text
    assert "harness version" in page.all_text
    assert "samples_with_hashes" in page.all_text
    assert _external_references(html, page) == []
    assert len(page.find("script")) == 1  # only the optional sort script


def test_pooled_delta_matches_the_summed_counts() -> None:
    comp = make_comparison()
    pooled = pooled_delta(comp.tasks)
    assert pooled is not None
    b, c, n = (int(comp.tasks[k].sum()) for k in ("b", "c", "n"))
    assert pooled.delta == pytest.approx((b - c) / n, rel=1e-12)
    assert pooled.n == n
    assert pooled.low is not None
    assert pooled.high is not None
    assert pooled.low < pooled.delta < pooled.high
    # the same interval method as the binary task rows: Tango's, on the summed counts
    expected = fastmcnemar.mcnemar_table([[n - b - c, b], [c, 0]]).confidence_interval()
    assert (pooled.low, pooled.high) == (expected.low, expected.high)
    single = comp.tasks.head(1)
    assert "pooled" not in forest_svg(single)  # one task: no separate pooled row


def test_not_degraded_page() -> None:
    comp = make_comparison(scale=0.5)
    assert not comp.degraded
    page = Page(comp.to_html())
    verdict = page.find("div", "verdict")[0]["class"].split()
    if comp.verdict == "equivalent":
        assert "ok" in verdict
        assert "EQUIVALENT: the candidate is within 1 pt" in page.all_text
    else:
        assert "mixed" in verdict
        assert "INCONCLUSIVE: the candidate is not significantly worse" in page.all_text
    assert "no significant degradation" not in page.all_text.lower()
    assert page.find("g", "degraded") == []


def test_user_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script> & <img src=x onerror=1>'
    comp = make_comparison(candidate=nasty)
    tasks = comp.tasks.with_columns(
        pl.when(pl.col("task") == "gsm8k")
        .then(pl.lit('gsm8k"><b>bold</b>'))
        .otherwise(pl.col("task"))
        .alias("task")
    )
    comp = replace(comp, tasks=tasks, metadata={**comp.metadata, "note<": "<i>x</i>"})
    html = comp.to_html()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<b>bold</b>" not in html
    assert "<i>x</i>" not in html
    page = Page(html)
    assert nasty in page.all_text
    assert 'gsm8k"><b>bold</b>' in page.all_text
    assert page.find("img") == []
    assert page.find("b") == []
    assert page.find("i") == []


def test_audit_page_heatmap_and_summary() -> None:
    aud = make_audit()
    html = aud.to_html()
    page = Page(html)
    n_cand = len(aud.comparisons)
    n_tasks = aud.table["task"].n_unique()
    assert "DEGRADED" in page.all_text
    assert html.index('class="verdict') < html.index('<svg class="heatmap"')
    assert len(page.find("svg", "heatmap")) == 1
    cells = page.find("g", "cell")
    assert len(cells) == n_cand * n_tasks
    assert len([c for c in cells if "degraded" in c["class"].split()]) == int(
        aud.table["degraded"].sum()
    )
    summary = html[html.index('<table class="summary sortable">') :]
    summary = summary[: summary.index("</table>")]
    assert len(Page(summary).find("tr")) == n_cand + 1
    for cand in aud.comparisons:
        assert cand in page.all_text
    # every candidate's own report, collapsed unless degraded
    details = page.find("details")
    assert len(details) == n_cand
    assert sum("open" in d for d in details) == int(aud.summary["degraded"].sum())
    assert len(page.find("svg", "forest")) == n_cand
    assert _external_references(html, page) == []


def test_repr_html_is_a_fragment() -> None:
    for obj in (make_comparison(), make_audit()):
        fragment = obj._repr_html_()
        assert "<html" not in fragment
        assert "<script" not in fragment
        assert fragment.startswith("<style>")
        assert 'class="verdict' in fragment


def test_cli_html_output(tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    status = main(
        [
            "compare",
            str(example_path("reference")),
            str(example_path("degraded")),
            "--format",
            "html",
            "-o",
            str(out),
        ]
    )
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    page = Page(html)
    assert len(page.find("div", "verdict")) == 1
    assert _external_references(html, page) == []
    result = fastmcnemar.compare(example_path("reference"), example_path("degraded"))
    assert status == (1 if result.degraded else 0)
    assert len(page.find("g", "task-row")) == result.tasks.height


def test_real_comparison_renders_every_tested_task() -> None:
    result = fastmcnemar.compare(example_path("reference"), example_path("degraded"))
    assert result.tasks.height >= 2
    page = Page(result.to_html())
    assert len(page.find("g", "task-row")) == result.tasks.height
    assert ("DEGRADED" in page.all_text) == result.degraded


# ----------------------------------------------------------------------------- matplotlib


def test_plot_returns_a_figure() -> None:
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib (test extra) missing")
    matplotlib.use("Agg")
    comp = make_comparison()
    fig = comp.plot()
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == comp.tasks.height + 1
    assert labels[-1].startswith("pooled")
    red = [t.get_text() for t in ax.get_yticklabels() if t.get_color() == "#b3261e"]
    assert len(red) == int(comp.tasks["degraded"].sum())
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_plot_without_matplotlib_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from fastmcnemar.render import plot

    real = plot.importlib.import_module

    def missing(name: str, *args: Any) -> Any:
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(plot.importlib, "import_module", missing)
    with pytest.raises(plot.MissingDependencyError, match=r"needs matplotlib: pip install"):
        make_comparison().plot()
    assert issubclass(plot.MissingDependencyError, fastmcnemar.FastMcNemarError)
    assert issubclass(plot.MissingDependencyError, ImportError)


def test_nothing_tested_gives_no_verdict() -> None:
    comp = make_comparison()
    empty = replace(comp, tasks=comp.tasks.clear(), aggregate=None, degraded=False)
    page = Page(empty.to_html())
    assert "mixed" in page.find("div", "verdict")[0]["class"].split()
    assert "INCONCLUSIVE: no task could be tested" in page.all_text
    assert "No significant degradation" not in page.all_text
    assert page.find("svg", "forest") == []


def test_cli_audit_html_output(tmp_path: Path) -> None:
    out = tmp_path / "audit.html"
    status = main(
        [
            "audit",
            str(example_path("reference")),
            str(example_path("rerun")),
            str(example_path("degraded")),
            "--format",
            "html",
            "--no-progress",
            "-o",
            str(out),
        ]
    )
    html = out.read_text(encoding="utf-8")
    page = Page(html)
    expected = fastmcnemar.audit(
        example_path("reference"),
        [example_path("rerun"), example_path("degraded")],
        progress=False,
    )
    assert status == (1 if expected.degraded else 0)
    assert len(page.find("details", "candidate")) == 2
    assert len(page.find("table", "summary")) == 1
    assert _external_references(html, page) == []


def test_underflowed_pvalue_is_written_from_its_log() -> None:
    from mpmath import e, mp, nstr

    from fastmcnemar.render._format import fmt_p_log

    with mp.workdps(30):
        for log_p in (-806.0, -1234.5, -745.2):
            expected = nstr(e**log_p, 3, min_fixed=1, max_fixed=0)  # e.g. '9.09e-351'
            mantissa, exponent = expected.split("e")
            assert fmt_p_log(0.0, log_p) == f"{float(mantissa):.2f}e{int(exponent)}"
    assert fmt_p_log(0.0123, -4.4) == "0.0123"


def test_suite_components_as_a_mapping_and_a_level_note() -> None:
    from report_fixtures import FakeAggregate

    @dataclass(frozen=True)
    class Component:  # like suite.ComponentResult: no "rejected"
        method: str
        statistic: float
        pvalue: float
        log_pvalue: float

    comp = make_comparison()
    agg = FakeAggregate("combined", 1.0, 0.0, 0.05, True)
    agg = replace(
        agg,
        components={"pooled": Component("pooled", 40.2, 0.0, -806.0), "fisher": 0.02},
    )
    object.__setattr__(agg, "level", 0.15)
    html = replace(comp, aggregate=agg).to_html()
    suite = html[html.index('<section class="suite">') :]
    suite = suite[: suite.index("</section>")]
    text = Page(suite).all_text
    assert "└ pooled" in text
    assert "9.09e-351" in text
    assert "└ fisher" in text
    assert "false-alarm rate of at most 0.15" in text


def test_run_metadata_tables_mark_differences() -> None:
    comp = make_comparison()
    meta = {
        "reference": {
            "label": "org/model",
            "format": "lm_eval",
            "files": ["/x/results_1.json"],
            "harness_version": "0.4.13",
            "config": {"model_args": "pretrained=org/model", "fewshot_seed": 1234},
            "tasks": {"gsm8k": {"version": 3, "n_shot": 5, "n_samples": {"effective": 1319},
                                "task_hash": "aa"}},
        },
        "candidate": {
            "label": "org/model-int4",
            "format": "lm_eval",
            "files": ["/y/results_2.json"],
            "harness_version": "0.4.13",
            "config": {"model_args": "pretrained=org/model-int4", "fewshot_seed": 1234},
            "tasks": {"gsm8k": {"version": 4, "n_shot": 5, "n_samples": {"effective": 1319},
                                "task_hash": "bb"}},
        },
        "hash_checks": {"samples_with_hashes": 1319, "prompt_hash_differs": {"gsm8k": 12}},
        "notes": ["task 'gsm8k': task version differs (reference 3, candidate 4)"],
        "verdict_rule": "combined suite test",
        "confidence_level": 0.95,
    }  # fmt: skip
    html = replace(comp, metadata=meta).to_html()
    section = html[html.index('<section class="metadata">') :]
    runs = Page(section[: section.index("</table>")])
    differing = [a for t, a in runs.elements if t == "tr" and "differs" in a.get("class", "")]
    assert len(differing) == 3  # label, model_args, files; not format/version/seed
    text = Page(section).all_text
    assert "1234" in text
    assert "1,234" not in text
    assert "3 → 4" in text  # task version changed
    assert "differ" in text  # task hashes
    assert "gsm8k: 12" in text
    assert "task version differs" in text
    assert "Decision rule: combined suite test." in Page(html).all_text
