"""The HTML reports fit a 1280 px window (no horizontal scrolling), measured in Chromium;
the pooled-diamond caption says what is drawn."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import fastmcnemar as fm
from fastmcnemar.data import example_path
from headless_chromium import run_chromium

REF, RERUN, DEGRADED = (example_path(n) for n in ("reference", "rerun", "degraded"))
# Measured once the body is parsed (so the title exists however soon Chromium dumps the
# DOM) and again after load, when late layout could only widen the page.
MEASURE = (
    "<script>function fmnW(){document.title='W'+Math.max("
    "document.documentElement.scrollWidth,document.body.scrollWidth)+'W';}"
    "fmnW();window.addEventListener('load',fmnW);</script>"
)
WIDTH = re.compile(r"<title>W(\d+)W</title>")


def _page_width(html: str, tmp_path: Path) -> int:
    page = tmp_path / "page.html"
    page.write_text(html.replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    args = ["--window-size=1280,900", "--virtual-time-budget=2000", "--dump-dom", page.as_uri()]
    done = run_chromium(args, tmp_path, lambda r: bool(WIDTH.search(r.stdout)))
    found = WIDTH.search(done.stdout)
    assert found
    return int(found.group(1))


@pytest.mark.parametrize("kind", ["compare", "audit"])
def test_report_fits_1280_px(kind: str, tmp_path: Path) -> None:
    if kind == "compare":
        html = fm.compare(REF, DEGRADED).to_html()
    else:
        html = fm.audit(REF, [DEGRADED, RERUN], progress=False).to_html()
    assert _page_width(html, tmp_path) <= 1280


def test_diamond_caption_matches_what_is_drawn(tmp_path: Path) -> None:
    mixed = fm.compare(REF, DEGRADED).to_html()  # binary + graded tasks: point only
    assert "(point only)" in mixed
    assert "Small diamond: the sample-weighted mean drop" in mixed
    assert "Tango" not in mixed.split('class="forest"')[1].split("</section>")[0]
    binary = fm.compare(REF, DEGRADED, tasks=["demo_mc", "demo_arith"]).to_html()
    assert "Diamond: the drop pooled over all samples; its width is Tango's 95% interval" in binary
    assert "(point only)" not in binary
    single = fm.compare(REF, DEGRADED, tasks=["demo_mc"]).to_html()
    assert "iamond" not in single.split('class="forest"')[1].split("</section>")[0]
