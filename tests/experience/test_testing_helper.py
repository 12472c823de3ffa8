"""``fastmcnemar.testing.assert_not_degraded`` inside a real pytest run (pytester)."""

from __future__ import annotations

import pytest

from fastmcnemar.data import example_path

pytest_plugins = ["pytester"]

TESTS = f"""
from fastmcnemar.testing import assert_not_degraded

REFERENCE = {str(example_path("reference"))!r}

def test_lossless_rerun_passes():
    result = assert_not_degraded(REFERENCE, {str(example_path("rerun"))!r})
    assert not result.degraded

def test_broken_quantization_fails():
    assert_not_degraded(REFERENCE, {str(example_path("degraded"))!r})

def test_strict_gate_fails_on_inconclusive():
    assert_not_degraded(REFERENCE, {str(example_path("rerun"))!r}, fail_on_inconclusive=True)

def test_options_reach_compare():
    assert_not_degraded(REFERENCE, {str(example_path("degraded"))!r}, tasks=["demo_group_add"])
"""


def test_helper_fails_with_the_markdown_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_gate=TESTS)
    run = pytester.runpytest_subprocess("-q", "-rf", "-p", "no:cacheprovider")
    run.assert_outcomes(passed=2, failed=2)
    out = run.stdout.str()
    # The failure message is the Markdown report: its per-task table reaches the log.
    assert "AssertionError: candidate is degraded: degraded vs reference" in out
    assert "| demo_arith |" in out
    assert "candidate is not shown equivalent (inconclusive): rerun vs reference" in out
    # the helper's own frame is hidden: the failing line is the user's call
    assert "__tracebackhide__" not in out
    failed = {
        line.split()[1].split(" ")[0] for line in out.splitlines() if line.startswith("FAILED")
    }
    assert failed == {
        "test_gate.py::test_broken_quantization_fails",
        "test_gate.py::test_strict_gate_fails_on_inconclusive",
    }
