"""Headless Chromium for the tests that look at a report as a person sees it.

Skipped (with the reason) where no Chromium is installed; on Debian
``apt-get install -y chromium`` provides it (``.ci/run`` installs it).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars")


def chromium() -> str:
    """The Chromium executable, or skip the test."""
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    pytest.skip("no headless Chromium on this machine (Debian: apt-get install -y chromium)")


def run_chromium(
    args: list[str], tmp_path: Path, done: Callable[[subprocess.CompletedProcess[str]], bool]
) -> subprocess.CompletedProcess[str]:
    """Run Chromium on ``args`` until ``done`` accepts what it did, at most twice.

    Each attempt has a profile of its own: with the shared default profile, a Chromium
    still exiting can take a page over and the new one prints nothing. The second
    attempt covers a slow first start on a loaded machine (seen once in CI).
    """
    browser = chromium()
    for attempt in range(2):
        profile = f"--user-data-dir={tmp_path / f'chromium-profile-{attempt}'}"
        result = subprocess.run(
            [browser, *FLAGS, profile, *args],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        if done(result):
            return result
    raise AssertionError(
        f"Chromium (exit status {result.returncode}) did not do it twice: {result.stderr[-500:]}"
    )
