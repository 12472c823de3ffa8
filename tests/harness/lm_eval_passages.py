"""A local lm-eval task whose docs carry a passage id, and a model that errs passage by passage.

``demo_passages``: 40 passages of 5 multiple-choice questions (doc ids 0..199 in
file order); each doc has ``passage_id`` and a nested ``meta.passage``. The
``degraded`` variant gets every question of a few passages wrong (correlated
errors inside a cluster), the ``reference`` a scattered handful.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

# The sibling driver, importable however this module is reached (tests, doctest collection).
if str(Path(__file__).resolve().parent) not in sys.path:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
import lm_eval_demo

N_PASSAGES = 40
PER_PASSAGE = 5
N_DOCS = N_PASSAGES * PER_PASSAGE
TASK = "demo_passages"

_REF_WRONG = frozenset(random.Random("passages-ref").sample(range(N_DOCS), 20))
_BAD_PASSAGES = (3, 11, 19, 27, 33)
WRONG: dict[str, frozenset[int]] = {
    "reference": _REF_WRONG,
    "degraded": _REF_WRONG
    | {p * PER_PASSAGE + q for p in _BAD_PASSAGES for q in range(PER_PASSAGE)},
}

_YAML = """task: demo_passages
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: multiple_choice
doc_to_text: "Passage {{{{passage_id}}}}. Question: {{{{question}}}}\\nAnswer:"
doc_to_choice: "{{{{choices}}}}"
doc_to_target: gold
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
metadata:
  version: 1.0
"""


def passage_of(doc_id: int) -> str:
    return f"P{doc_id // PER_PASSAGE:02d}"


def write_task(root: Path) -> Path:
    """The data file and YAML under ``root``; returns the include path."""
    tasks_dir = root / "passage_tasks"
    tasks_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random("passages")
    docs = []
    for i in range(N_DOCS):
        a, b = rng.randint(2, 60), rng.randint(2, 60)
        choices = [a + b, a + b + 1, a + b - 1, a + b + 10]
        rng.shuffle(choices)
        docs.append({
            "id": i, "passage_id": passage_of(i), "meta": {"passage": passage_of(i)},
            "question": f"What is {a} + {b}?", "answer": a + b,
            "choices": [str(c) for c in choices], "gold": choices.index(a + b),
        })  # fmt: skip
    data = tasks_dir / "demo_passages.jsonl"
    data.write_text("".join(json.dumps(d) + "\n" for d in docs))
    (tasks_dir / "demo_passages.yaml").write_text(_YAML.format(data=data))
    return tasks_dir


def _register() -> None:
    from lm_eval.api.model import LM
    from lm_eval.api.registry import MODEL_REGISTRY, register_model

    if "fastmcnemar-passages" in MODEL_REGISTRY:
        return

    @register_model("fastmcnemar-passages")
    class PassageLM(LM):  # type: ignore[misc]
        """Picks the right choice except on its variant's wrong docs."""

        def __init__(self, pretrained: str = "reference", **_: Any) -> None:
            super().__init__()
            self.variant = pretrained

        def loglikelihood(self, requests: list[Any]) -> list[tuple[float, bool]]:
            out = []
            for request in requests:
                answer = int(request.doc["answer"])
                if request.doc_id in WRONG[self.variant]:
                    answer += 1
                chosen = str(answer) == request.args[1].strip()
                out.append((0.0 if chosen else -5.0, chosen))
            return out

        def loglikelihood_rolling(self, requests: list[Any]) -> list[float]:
            return [0.0 for _ in requests]

        def generate_until(self, requests: list[Any]) -> list[str]:
            return ["" for _ in requests]


def run_variant(variant: str, tasks_dir: Path, output_dir: Path) -> Path:
    """Run lm-eval on ``demo_passages`` with the variant; saved as ``--log_samples`` does."""
    return lm_eval_demo.run_logged(
        "fastmcnemar-passages", variant, _register, tasks_dir, output_dir, [TASK]
    )


def correct(variant: str) -> list[int]:
    """1/0 per doc id."""
    return [0 if d in WRONG[variant] else 1 for d in range(N_DOCS)]
