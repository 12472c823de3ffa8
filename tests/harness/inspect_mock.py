"""Two mock "models" run through inspect_ai's real eval loop, offline.

The models answer every question right except a known set of sample ids, so the
tests know b and c exactly. Used by tests/reports (fixture ``inspect_runs``).
"""

from __future__ import annotations

import gc
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: 12 samples, ids 1..12. Which ids each mock "model" answers wrongly.
N_SAMPLES = 12
REFERENCE_WRONG = frozenset({1, 5})
CANDIDATE_WRONG = frozenset({2, 3, 4, 5, 9})
#: b = reference right, candidate wrong; c = the reverse.
EXPECTED_B = len(CANDIDATE_WRONG - REFERENCE_WRONG)  # {2, 3, 4, 9}
EXPECTED_C = len(REFERENCE_WRONG - CANDIDATE_WRONG)  # {1}
EPOCHS = 2


@dataclass(frozen=True)
class InspectRuns:
    """Logs of two mock models on one task, as inspect_ai wrote them."""

    reference_eval: Path  # .eval (zip) log
    reference_json: Path  # the same log re-written by inspect_ai as .json
    candidate_json: Path  # .json log
    reference_log: Any  # the EvalLog objects eval() returned
    candidate_log: Any


def _mock_model(name: str, wrong: frozenset[int]) -> Any:
    from inspect_ai.model import ModelOutput, ModelUsage, get_model

    def answer(messages: Any, tools: Any, tool_choice: Any, config: Any) -> Any:
        question = int(messages[-1].text.removeprefix("Q"))
        text = "no idea" if question in wrong else str(question)
        output = ModelOutput.from_content(model=name, content=text)
        # Usage set up front: otherwise the mock counts tokens with tiktoken,
        # which downloads its vocabulary (no network here).
        output.usage = ModelUsage(input_tokens=1, output_tokens=1, total_tokens=2)
        return output

    return get_model(f"mockllm/{name}", custom_outputs=answer)


def run_inspect_pair(log_dir: Path) -> InspectRuns:
    """Run the task for both models; reference as .eval, candidate as .json."""
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.log import write_eval_log
    from inspect_ai.scorer import match
    from inspect_ai.solver import generate

    # inspect_ai's own dependencies warn (deprecations, unclosed streams at garbage
    # collection); the test suite turns warnings into errors, so silence them here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        runs = _run(log_dir, Task, eval, Sample, write_eval_log, match, generate)
        gc.collect()
    return runs


def _run(log_dir: Path, Task: Any, eval: Any, Sample: Any, write_eval_log: Any, match: Any,
         generate: Any) -> InspectRuns:  # fmt: skip
    samples = [Sample(input=f"Q{i}", target=str(i), id=i) for i in range(1, N_SAMPLES + 1)]
    logs = {}
    for name, wrong, fmt in (
        ("reference", REFERENCE_WRONG, "eval"),
        ("candidate", CANDIDATE_WRONG, "json"),
    ):
        task = Task(dataset=samples, solver=generate(), scorer=match(), name="arith")
        (log,) = eval(
            task,
            model=_mock_model(name, wrong),
            log_dir=str(log_dir / name),
            log_format=fmt,
            epochs=EPOCHS,
            display="none",
        )
        if log.status != "success":
            raise RuntimeError(f"inspect_ai eval failed: {log.error}")
        logs[name] = log
    reference_json = log_dir / "reference_copy" / "reference.json"
    reference_json.parent.mkdir()
    write_eval_log(logs["reference"], str(reference_json), format="json")
    return InspectRuns(
        reference_eval=Path(logs["reference"].location),
        reference_json=reference_json,
        candidate_json=Path(logs["candidate"].location),
        reference_log=logs["reference"],
        candidate_log=logs["candidate"],
    )
