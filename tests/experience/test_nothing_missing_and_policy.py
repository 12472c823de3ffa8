"""Nothing missing silently (tasks without samples, short samples files, --strict) and
gate policies wired into compare, audit, the reports and the exit status."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

import fastmcnemar as fm
from fastmcnemar.cli import main
from fastmcnemar.data import example_path
from fastmcnemar.testing import assert_not_degraded

REF, RERUN, DEGRADED = (example_path(n) for n in ("reference", "rerun", "degraded"))
PYFADE = Path(__file__).resolve().parents[2].parent / "shared" / "realdata" / "pyfade-gemma3"


def _copy(tmp_path: Path, run: Path, name: str) -> Path:
    out = tmp_path / name
    shutil.copytree(run, out)
    return out


def test_task_in_results_without_samples_is_shown_not_tested(tmp_path: Path) -> None:
    ref = _copy(tmp_path, REF, "ref")
    cand = _copy(tmp_path, DEGRADED, "cand")
    for run in (ref, cand):
        next(run.glob("samples_demo_group_add_*.jsonl")).unlink()
    next(ref.glob("samples_demo_mc_*.jsonl")).unlink()
    comp = fm.compare(ref, cand)
    reasons = {
        r["task"]: r["reason"] for r in comp.skipped.iter_rows(named=True) if not r["metric"]
    }
    assert reasons["demo_group_add"] == (
        "not tested: no samples file in the reference (its results_*.json lists 60 docs)"
    )
    assert reasons["demo_mc"].startswith("task only in candidate: no samples file in the reference")
    for report in (comp.to_text(), comp.to_markdown(), comp.to_html(), comp.to_json()):
        assert "demo_group_add" in report


def test_short_samples_file_is_flagged_everywhere_and_strict_fails(tmp_path: Path) -> None:
    ref = _copy(tmp_path, REF, "ref")
    cand = _copy(tmp_path, DEGRADED, "cand")
    for run in (ref, cand):
        path = next(run.glob("samples_demo_mc_*.jsonl"))
        path.write_text("".join(path.read_text().splitlines(keepends=True)[:20]))
    comp = fm.compare(ref, cand)
    gaps = comp.metadata["incomplete"]
    assert {(g["side"], g["task"], g["docs"], g["expected"]) for g in gaps} == {
        ("reference", "demo_mc", 20, 120),
        ("candidate", "demo_mc", 20, 120),
    }
    line = "reference demo_mc has 20 of the 120 docs its results file records"
    assert comp.to_text().splitlines()[1].startswith("WARNING incomplete samples: " + line)
    assert line in comp.to_markdown()
    assert line in comp.to_html()
    assert json.loads(comp.to_json())["metadata"]["incomplete"][0]["docs"] == 20
    audit = fm.audit(ref, {"cand": cand}, progress=False)
    assert line in audit.to_text()
    with pytest.raises(fm.InputFormatError, match="incomplete samples"):
        fm.compare(ref, cand, strict=True)
    assert main(["compare", str(ref), str(cand), "--strict"]) == 2
    assert fm.compare(REF, DEGRADED).metadata["incomplete"] == []


def test_real_pyfade_files_hold_3_of_100_docs() -> None:
    if not PYFADE.is_dir():
        pytest.skip("shared real data not found")
    comp = fm.compare(
        PYFADE,
        PYFADE,
        reference_timestamp="2025-09-09T13-31",
        candidate_timestamp="2025-09-09T13-42",
        tasks=["gsm8k"],
    )
    assert [(g["task"], g["docs"], g["expected"]) for g in comp.metadata["incomplete"]] == [
        ("gsm8k", 3, 100),
        ("gsm8k", 3, 100),
    ]


POLICY = """
[defaults]
margin = 0.5
[tasks.demo_group_add]
gate = "never"
[tasks.demo_arith]
margin = 0.2
gate = "inconclusive"
"""


def test_policy_margins_change_verdicts_and_the_gate(tmp_path: Path) -> None:
    policy = tmp_path / "gate.toml"
    policy.write_text(POLICY)
    plain = fm.compare(REF, RERUN)
    gated = fm.compare(REF, RERUN, policy=policy)
    # wide margins: the lossless rerun is now shown equivalent on the binary tasks
    assert set(plain.tasks["verdict"]) == {"inconclusive", "equivalent"}
    assert set(gated.tasks["verdict"]) == {"equivalent"}
    assert gated.metadata["margins"]["demo_arith"] == 0.2
    assert gated.metadata["gate"]["passed"] is True

    bad = fm.compare(REF, DEGRADED, policy=policy)
    blocking = dict(map(tuple, bad.metadata["gate"]["blocking"]))
    assert blocking["demo_arith"] == "degraded"
    assert "demo_group_add" not in blocking  # advisory
    assert "gate (gate.toml): FAILED: demo_arith (degraded)" in bad.to_text()


def test_policy_exit_status_and_pytest_helper(tmp_path: Path) -> None:
    only_advisory = tmp_path / "advisory.toml"
    only_advisory.write_text('[defaults]\ngate = "never"\n')
    # degraded, but nothing can block: the gate passes
    args = ["compare", str(REF), str(DEGRADED), "--policy", str(only_advisory)]
    assert main(args) == 0
    required = tmp_path / "required.toml"
    required.write_text('[tasks.mmlu]\ngate = "degraded"\n')
    assert main(["compare", str(REF), str(RERUN), "--policy", str(required)]) == 1  # not tested
    assert main(["audit", str(REF), str(RERUN), "--policy", str(required)]) == 1
    assert main(["compare", str(REF), str(RERUN), "--policy", str(tmp_path / "none.toml")]) == 2
    assert_not_degraded(REF, DEGRADED, policy=only_advisory)
    with pytest.raises(AssertionError, match="gate failed: mmlu"):
        assert_not_degraded(REF, RERUN, policy=required)
