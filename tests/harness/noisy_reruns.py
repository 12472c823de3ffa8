"""Noisy reruns of the demo reference model, run through lm-eval itself.

A rerun "noisy-<r>" answers like the ``reference`` variant of
:mod:`lm_eval_demo` except on an unstable pool of docs per task, where each
rerun flips a seeded coin per doc: heads, the answer is wrong if the reference
was right and right if it was wrong (demo_partial: one more unit off). Samples
outside the pool never change, so :func:`expected_changed` knows exactly which
samples a shrink must keep.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

# Imported both as a test helper and by pytest's doctest collection: find the
# sibling module either way.
sys.path.insert(0, str(Path(__file__).resolve().parent))
try:
    import lm_eval_demo
except ModuleNotFoundError:  # the demo harness module comes with the readers (ingest area)
    lm_eval_demo = None

#: Size of the unstable pool per task.
POOL = {
    "demo_mc": 30,
    "demo_arith": 30,
    "demo_group_add": 15,
    "demo_group_mul": 15,
    "demo_partial": 20,
}


def available() -> bool:
    """Whether the demo harness module is present."""
    return lm_eval_demo is not None


def pool(task: str) -> frozenset[int]:
    rng = random.Random(f"pool-{task}")
    return frozenset(rng.sample(range(lm_eval_demo.N_DOCS[task]), POOL[task]))


def flipped(run: int, task: str) -> frozenset[int]:
    """Docs of the pool that rerun ``run`` flips."""
    rng = random.Random(f"noise-{run}-{task}")
    return frozenset(d for d in sorted(pool(task)) if rng.random() < 0.5)


def expected_changed(runs: list[int], task: str) -> set[int]:
    """Docs whose outcome is not the same in every one of ``runs``."""
    return {d for d in pool(task) if len({d in flipped(r, task) for r in runs}) > 1}


def _register() -> None:
    from lm_eval.api.model import LM
    from lm_eval.api.registry import MODEL_REGISTRY, register_model

    if "fastmcnemar-noisy" in MODEL_REGISTRY:
        return

    @register_model("fastmcnemar-noisy")
    class NoisyLM(LM):  # type: ignore[misc]
        """The demo reference with seeded flips on each task's unstable pool."""

        def __init__(self, pretrained: str = "noisy-0", **_: Any) -> None:
            super().__init__()
            self.run = int(pretrained.removeprefix("noisy-"))

        def _answer(self, request: Any) -> int:
            doc, task, doc_id = request.doc, request.task_name, request.doc_id
            answer = int(doc["answer"])
            flip = doc_id in flipped(self.run, task)
            if task == "demo_partial":
                return answer + lm_eval_demo.off_by("reference", doc_id) + int(flip)
            wrong = doc_id in lm_eval_demo.WRONG["reference"][task]
            return answer + 1 if wrong != flip else answer

        def loglikelihood(self, requests: list[Any]) -> list[tuple[float, bool]]:
            out = []
            for request in requests:
                chosen = str(self._answer(request)) == request.args[1].strip()
                out.append((0.0 if chosen else -5.0, chosen))
            return out

        def loglikelihood_rolling(self, requests: list[Any]) -> list[float]:
            return [0.0 for _ in requests]

        def generate_until(self, requests: list[Any]) -> list[str]:
            slip = lm_eval_demo.SLIP["reference"]
            out = []
            for request in requests:
                answer = self._answer(request)
                if request.task_name == "demo_arith" and request.doc_id in slip:
                    out.append(f" The answer is {answer}.")
                elif request.task_name == "demo_partial":
                    out.append(f" {answer}")
                else:
                    out.append(f" The answer is {answer}.\n#### {answer}")
            return out


def run_rerun(run: int, tasks_dir: Path, output_dir: Path, tasks: list[str]) -> Path:
    """Run lm-eval with rerun ``run``; returns the model directory it wrote."""
    return lm_eval_demo.run_logged(
        "fastmcnemar-noisy", f"noisy-{run}", _register, tasks_dir, output_dir, tasks
    )
