"""Fixtures of the reports tests: real Inspect logs written by inspect_ai itself
(mock model, offline)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# Helper modules: the harness drivers, and this folder's report fixtures.
for folder in (Path(__file__).resolve().parents[1] / "harness", Path(__file__).resolve().parent):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from inspect_mock import InspectRuns, run_inspect_pair  # noqa: E402


@pytest.fixture(scope="session")
def inspect_runs(tmp_path_factory: pytest.TempPathFactory) -> InspectRuns:
    """Both mock runs, written once per session (about 3 s after importing inspect_ai)."""
    pytest.importorskip("inspect_ai", reason="the 'harness' extra (inspect-ai) is not installed")
    return run_inspect_pair(tmp_path_factory.mktemp("inspect_logs"))
