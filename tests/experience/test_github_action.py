"""The composite GitHub Action (``action.yml``) and its example workflow.

The YAML structure is checked as GitHub reads it, and the compare step's script is run
with bash exactly as the runner would (inputs arrive as environment variables), on the
built-in example runs.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fastmcnemar.data import example_path

yaml = pytest.importorskip("yaml")

REPO = Path(__file__).resolve().parents[2]
ACTION = REPO / "action.yml"
EXAMPLE = REPO / "docs" / "ci" / "example-workflow.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), path
    return data


def _expressions(node: object) -> list[str]:
    if isinstance(node, str):
        return EXPRESSION.findall(node)
    if isinstance(node, dict):
        return [e for value in node.values() for e in _expressions(value)]
    if isinstance(node, list):
        return [e for value in node for e in _expressions(value)]
    return []


def test_action_is_a_well_formed_composite_action() -> None:
    action = _load(ACTION)
    assert {"name", "description", "inputs", "outputs", "runs"} <= set(action)
    inputs = action["inputs"]
    assert inputs["reference"]["required"] is True
    assert inputs["candidate"]["required"] is True
    for name, spec in inputs.items():
        assert spec.get("description"), name
        assert "default" in spec or spec.get("required") is True, name
    runs = action["runs"]
    assert runs["using"] == "composite"
    step_ids = {step.get("id") for step in runs["steps"]}
    for step in runs["steps"]:
        assert "name" in step
        assert ("run" in step) != ("uses" in step), step["name"]
        if "run" in step:
            assert step["shell"] == "bash", step["name"]
            # inputs reach scripts through env: never pasted into the script (injection)
            assert not EXPRESSION.search(step["run"]), step["name"]
    for expr in _expressions(action):
        for ref in re.findall(r"inputs\.([\w-]+)", expr):
            assert ref in inputs, f"undeclared input {ref!r} in {expr!r}"
        for ref in re.findall(r"steps\.([\w-]+)\.", expr):
            assert ref in step_ids, f"unknown step {ref!r} in {expr!r}"


def test_example_workflow_uses_the_action_with_declared_inputs() -> None:
    workflow = _load(EXAMPLE)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers, "no trigger"
    inputs = _load(ACTION)["inputs"]
    required = {name for name, spec in inputs.items() if spec.get("required")}
    uses = [
        step
        for job in workflow["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("fastmcnemar/fastmcnemar@")
    ]
    assert len(uses) == 1
    given = set(uses[0]["with"])
    assert required <= given
    assert given <= set(inputs), given - set(inputs)
    ids = {step.get("id") for job in workflow["jobs"].values() for step in job["steps"]}
    for expr in _expressions(workflow):
        for ref, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr):
            assert ref in ids
            assert output in _load(ACTION)["outputs"], output


def _compare_step() -> str:
    steps = _load(ACTION)["runs"]["steps"]
    (step,) = [s for s in steps if s.get("id") == "compare"]
    return str(step["run"])


def _run_step(tmp_path: Path, reference: str, candidate: str, **inputs: str) -> tuple[int, str]:
    summary = tmp_path / "summary.md"
    outputs = tmp_path / "outputs.txt"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(outputs),
        "FASTMCNEMAR_REFERENCE": reference,
        "FASTMCNEMAR_CANDIDATE": candidate,
        "FASTMCNEMAR_ARGS": inputs.get("args", ""),
        "FASTMCNEMAR_FAIL_ON_INCONCLUSIVE": inputs.get("fail_on_inconclusive", "false"),
        "FASTMCNEMAR_REPORT": str(tmp_path / "report.md"),
    }
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash not available")
    done = subprocess.run(
        [bash, "-e", "-c", _compare_step()],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert f"exit-code={done.returncode}" in outputs.read_text()
    return done.returncode, summary.read_text()


@pytest.mark.parametrize(
    ("candidate", "inputs", "status"),
    [
        ("degraded", {}, 1),
        ("rerun", {}, 0),
        ("rerun", {"fail_on_inconclusive": "true"}, 1),
        ("degraded", {"args": "--tasks demo_group_add --alpha 0.05"}, 0),
    ],
)
def test_compare_step_gates_on_the_exit_status(
    tmp_path: Path, candidate: str, inputs: dict[str, str], status: int
) -> None:
    code, summary = _run_step(
        tmp_path, str(example_path("reference")), str(example_path(candidate)), **inputs
    )
    assert code == status
    assert "| task |" in summary  # the Markdown report reached the job summary


def test_compare_step_reports_an_input_error_as_exit_2(tmp_path: Path) -> None:
    code, summary = _run_step(tmp_path, str(example_path("reference")), str(tmp_path / "absent"))
    assert code == 2
    assert "input or usage error (exit 2)" in summary
