"""The HTML report as a person sees it: a headless Chromium screenshot.

Skipped (with the reason) where no Chromium is installed; on Debian
``apt-get install -y chromium`` provides it.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from report_fixtures import make_audit

import fastmcnemar
from fastmcnemar.data import example_path
from headless_chromium import chromium, run_chromium

WIDTH, HEIGHT = 1200, 1400


def _screenshot(html: str, tmp_path: Path) -> np.ndarray:
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    png = tmp_path / "report.png"
    args = [f"--window-size={WIDTH},{HEIGHT}", f"--screenshot={png}", page.as_uri()]
    # A blank page compresses to a few kB.
    run_chromium(args, tmp_path, lambda r: png.exists() and png.stat().st_size > 20_000)
    image = pytest.importorskip("matplotlib.image").imread(png)
    return np.asarray(image[..., :3], dtype=np.float64)


def _share_near(pixels: np.ndarray, rgb: tuple[int, int, int], tol: float = 0.03) -> float:
    target = np.asarray(rgb, dtype=np.float64) / 255.0
    close = np.all(np.abs(pixels - target) < tol, axis=-1)
    return float(close.mean())


def test_comparison_report_screenshot(tmp_path: Path) -> None:
    chromium()
    comparison = fastmcnemar.compare(example_path("reference"), example_path("degraded"))
    pixels = _screenshot(comparison.to_html(), tmp_path)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    assert pixels.std() > 0.05  # not a blank page
    # The verdict box is painted: its red (degraded) or green background fills a band.
    box = (253, 236, 234) if comparison.degraded else (232, 245, 236)
    assert _share_near(pixels[:300], box) > 0.05
    # Dark text and plot ink are present.
    assert (pixels.mean(axis=-1) < 0.3).mean() > 0.002


def test_audit_report_screenshot(tmp_path: Path) -> None:
    chromium()
    pixels = _screenshot(make_audit().to_html(), tmp_path)
    # The heatmap's most degraded cell is a saturated red.
    reds = (pixels[..., 0] > 0.6) & (pixels[..., 1] < 0.3) & (pixels[..., 2] < 0.35)
    assert reds.sum() > 500
