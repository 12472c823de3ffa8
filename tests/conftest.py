"""Shared pytest set-up: hypothesis profiles and paths to the shared data."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from inspect_mock import InspectRuns, run_inspect_pair

# A run started in the background (`nohup make test &`) inherits SIGINT ignored; Python then
# never raises KeyboardInterrupt, and neither do the children it starts (an ignored signal
# stays ignored across exec). The Ctrl-C tests need the default handler back.
if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)

settings.register_profile("ci", max_examples=60, deadline=None, derandomize=True)
settings.register_profile("dev", max_examples=200, deadline=None)
settings.register_profile(
    "slow", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))

REPO_ROOT = Path(__file__).resolve().parent.parent
# ../shared sits beside the clone, both on developer machines and in CI.
SHARED = REPO_ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's shared data folder (reference vectors, real harness files)."""
    if not SHARED.is_dir():
        pytest.skip(f"shared data folder not found at {SHARED}")
    return SHARED


@pytest.fixture(scope="session")
def inspect_runs(tmp_path_factory: pytest.TempPathFactory) -> InspectRuns:
    """Real Inspect logs written by inspect_ai itself (mock model, offline), both
    runs once per session (about 3 s after importing inspect_ai)."""
    pytest.importorskip("inspect_ai", reason="the 'harness' extra (inspect-ai) is not installed")
    return run_inspect_pair(tmp_path_factory.mktemp("inspect_logs"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests marked ``slow`` unless FASTMCNEMAR_SLOW=1."""
    if os.environ.get("FASTMCNEMAR_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set FASTMCNEMAR_SLOW=1 to run")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
