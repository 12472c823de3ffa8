"""Small local lm-evaluation-harness tasks and deterministic models, run through lm-eval itself.

Used by ``tests/test_harness_lm_eval.py`` (fastmcnemar must recover exactly the b and
c these models are built to produce) and by ``make_example_data.py`` (the package's
built-in example runs). Everything is offline: tasks are YAML over local JSON files,
models are :class:`lm_eval.api.model.LM` subclasses that answer from the doc.

Tasks (doc ids 0..N-1 in file order):

- ``demo_mc``: multiple choice (metrics acc, acc_norm, and mcc whose per-sample value
  is a [gold, pred] pair: not per-sample testable).
- ``demo_arith``: generate_until with two filters, ``strict-match`` (needs "#### N")
  and ``flexible-extract`` (last number), metric exact_match.
- group ``demo_group`` of ``demo_group_add`` and ``demo_group_mul`` (multiple choice).
- ``demo_partial``: generate_until scored by a custom ``process_results``: a continuous
  ``partial_credit`` in [0, 1] and a list-valued ``digit_match`` (ifeval-like).

A model variant is a name (``model_args="pretrained=<variant>"``); :data:`WRONG` says
which (task, doc_id) it answers wrongly, :data:`SLIP` where it drops the "####" format
(wrong for strict-match only), :data:`OFF_BY` how far off its partial-credit answers are.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

N_DOCS = {
    "demo_mc": 120,
    "demo_arith": 120,
    "demo_group_add": 60,
    "demo_group_mul": 60,
    "demo_partial": 80,
}
BINARY_TASKS = ("demo_mc", "demo_arith", "demo_group_add", "demo_group_mul")


def _ids(task: str, seed: int, count: int) -> frozenset[int]:
    rng = random.Random(f"{task}-{seed}")
    return frozenset(rng.sample(range(N_DOCS[task]), count))


# Which docs each variant gets wrong. "rerun" equals "reference" (a lossless rerun);
# "degraded" keeps most of the reference's errors, fixes a few and adds more.
_REF_WRONG = {t: _ids(t, 1, n) for t, n in zip(BINARY_TASKS, (18, 22, 9, 8), strict=True)}
_EXTRA = {t: _ids(t, 2, n) for t, n in zip(BINARY_TASKS, (16, 21, 3, 7), strict=True)}
_FIXED = {t: _ids(t, 3, n) for t, n in zip(BINARY_TASKS, (3, 4, 2, 1), strict=True)}
WRONG: dict[str, dict[str, frozenset[int]]] = {
    "reference": _REF_WRONG,
    "rerun": _REF_WRONG,
    "degraded": {t: (_REF_WRONG[t] | _EXTRA[t]) - _FIXED[t] for t in BINARY_TASKS},
}
SLIP: dict[str, frozenset[int]] = {
    "reference": _ids("demo_arith", 4, 5),
    "rerun": _ids("demo_arith", 4, 5),
    "degraded": _ids("demo_arith", 4, 5) | _ids("demo_arith", 5, 9),
}


def off_by(variant: str, doc_id: int) -> int:
    """How far the variant's demo_partial answer is from the truth."""
    rng = random.Random(f"partial-{doc_id}")
    base = rng.choice([0, 0, 0, 1, 2])
    if variant == "degraded":
        return base + random.Random(f"partial-deg-{doc_id}").choice([0, 1, 1, 3])
    return base


def expected_correct(variant: str, task: str, filt: str = "none") -> list[int]:
    """1/0 per doc id: whether ``variant`` scores on ``task`` (under ``filt``)."""
    wrong = set(WRONG[variant][task])
    if task == "demo_arith" and filt == "strict-match":
        wrong |= SLIP[variant]
    return [0 if d in wrong else 1 for d in range(N_DOCS[task])]


def expected_bc(reference: str, candidate: str, task: str, filt: str = "none") -> tuple[int, int]:
    ref = expected_correct(reference, task, filt)
    cand = expected_correct(candidate, task, filt)
    b = sum(1 for r, c in zip(ref, cand, strict=True) if r == 1 and c == 0)
    c = sum(1 for r, c in zip(ref, cand, strict=True) if r == 0 and c == 1)
    return b, c


# ----------------------------------------------------------------------------- data + YAML


def _problems(task: str) -> list[dict[str, Any]]:
    rng = random.Random(task)
    op = "*" if task == "demo_group_mul" else "+"
    docs = []
    for i in range(N_DOCS[task]):
        a, b = rng.randint(2, 60), rng.randint(2, 60)
        answer = a * b if op == "*" else a + b
        doc: dict[str, Any] = {"id": i, "question": f"What is {a} {op} {b}?", "answer": answer}
        if task != "demo_arith" and task != "demo_partial":
            choices = [answer, answer + 1, answer - 1, answer + 10]
            rng.shuffle(choices)
            doc["choices"] = [str(c) for c in choices]
            doc["gold"] = choices.index(answer)
        docs.append(doc)
    return docs


_MC_YAML = """task: {task}
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: multiple_choice
doc_to_text: "Question: {{{{question}}}}\\nAnswer:"
doc_to_choice: "{{{{choices}}}}"
doc_to_target: gold
metric_list:
  - metric: acc
    aggregation: mean
    higher_is_better: true
  - metric: acc_norm
    aggregation: mean
    higher_is_better: true
{extra_metrics}metadata:
  version: 1.0
"""

_MCC = """  - metric: mcc
    aggregation: matthews_corrcoef
    higher_is_better: true
"""

_ARITH_YAML = """task: demo_arith
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "Question: {{{{question}}}}\\nAnswer:"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until:
    - "Question:"
  do_sample: false
metric_list:
  - metric: exact_match
    aggregation: mean
    higher_is_better: true
filter_list:
  - name: strict-match
    filter:
      - function: regex
        regex_pattern: "#### (\\\\-?[0-9]+)"
      - function: take_first
  - name: flexible-extract
    filter:
      - function: regex
        group_select: -1
        regex_pattern: "(-?[0-9]+)"
      - function: take_first
metadata:
  version: 2.0
"""

_PARTIAL_YAML = """task: demo_partial
dataset_path: json
dataset_kwargs:
  data_files:
    test: {data}
test_split: test
output_type: generate_until
doc_to_text: "Question: {{{{question}}}}\\nAnswer:"
doc_to_target: "{{{{answer}}}}"
generation_kwargs:
  until:
    - "Question:"
process_results: !function demo_utils.process_partial
metric_list:
  - metric: partial_credit
    aggregation: mean
    higher_is_better: true
  - metric: digit_match
    aggregation: !function demo_utils.flatten_mean
    higher_is_better: true
metadata:
  version: 1.0
"""

_GROUP_YAML = """group: demo_group
task:
  - demo_group_add
  - demo_group_mul
aggregate_metric_list:
  - metric: acc
    weight_by_size: true
metadata:
  version: 1.0
"""

_UTILS = '''"""Scoring of demo_partial (loaded by lm-eval through `!function`)."""


def process_partial(doc, results):
    text = results[0].strip()
    try:
        pred = int(text.split()[-1])
    except (ValueError, IndexError):
        pred = None
    gold = int(doc["answer"])
    if pred is None:
        return {"partial_credit": 0.0, "digit_match": [False] * len(str(gold))}
    credit = max(0.0, 1.0 - abs(pred - gold) / 10.0)
    digits = [a == b for a, b in zip(str(gold), str(pred).rjust(len(str(gold))))]
    return {"partial_credit": credit, "digit_match": digits}


def flatten_mean(items):
    flat = [x for item in items for x in item]
    return sum(flat) / len(flat)
'''


def write_tasks(root: Path) -> Path:
    """Write the data files and task YAMLs under ``root``; returns the include path."""
    tasks_dir = root / "tasks"
    data_dir = root / "data"
    tasks_dir.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    for task in N_DOCS:
        data = data_dir / f"{task}.json"
        data.write_text("\n".join(json.dumps(d) for d in _problems(task)) + "\n")
        if task == "demo_arith":
            text = _ARITH_YAML.format(data=data)
        elif task == "demo_partial":
            text = _PARTIAL_YAML.format(data=data)
        else:
            extra = _MCC if task == "demo_mc" else ""
            text = _MC_YAML.format(task=task, data=data, extra_metrics=extra)
        (tasks_dir / f"{task}.yaml").write_text(text)
    (tasks_dir / "demo_group.yaml").write_text(_GROUP_YAML)
    (tasks_dir / "demo_utils.py").write_text(_UTILS)
    return tasks_dir


# ----------------------------------------------------------------------------- the model


def _register() -> None:
    from lm_eval.api.model import LM
    from lm_eval.api.registry import MODEL_REGISTRY, register_model

    if "fastmcnemar-demo" in MODEL_REGISTRY:
        return

    @register_model("fastmcnemar-demo")
    class DemoLM(LM):  # type: ignore[misc]
        """Answers from the doc itself, wrong exactly where its variant says."""

        def __init__(self, pretrained: str = "reference", **_: Any) -> None:
            super().__init__()
            if pretrained not in WRONG:
                raise ValueError(f"unknown demo variant {pretrained!r}")
            self.variant = pretrained

        def _answer(self, request: Any) -> int:
            doc, task, doc_id = request.doc, request.task_name, request.doc_id
            answer = int(doc["answer"])
            if task == "demo_partial":
                return answer + off_by(self.variant, doc_id)
            if doc_id in WRONG[self.variant][task]:
                return answer + 1
            return answer

        def loglikelihood(self, requests: list[Any]) -> list[tuple[float, bool]]:
            out = []
            for request in requests:
                continuation = request.args[1].strip()
                chosen = str(self._answer(request)) == continuation
                out.append((0.0 if chosen else -5.0, chosen))
            return out

        def loglikelihood_rolling(self, requests: list[Any]) -> list[float]:
            return [0.0 for _ in requests]

        def generate_until(self, requests: list[Any]) -> list[str]:
            out = []
            for request in requests:
                answer = self._answer(request)
                if request.task_name == "demo_arith" and request.doc_id in SLIP[self.variant]:
                    out.append(f" The answer is {answer}.")
                elif request.task_name == "demo_partial":
                    out.append(f" {answer}")
                else:
                    out.append(f" The answer is {answer}.\n#### {answer}")
            return out


def offline_env(cache_dir: Path | None = None) -> None:
    """No network (the datasets library must not try to reach a hub); with
    ``cache_dir``, its Arrow cache there rather than in the user's home (read when
    datasets is first imported)."""
    for key in ("HF_DATASETS_OFFLINE", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        os.environ[key] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    if cache_dir is not None:
        os.environ.setdefault("HF_DATASETS_CACHE", str(cache_dir))


def run_variant(variant: str, tasks_dir: Path, output_dir: Path, tasks: list[str]) -> Path:
    """Run lm-eval on ``tasks`` with the ``variant`` model; save as ``lm_eval --log_samples``.

    Returns the model directory the EvaluationTracker wrote.
    """
    return run_logged("fastmcnemar-demo", variant, _register, tasks_dir, output_dir, tasks)


def run_logged(
    model: str,
    pretrained: str,
    register: Callable[[], None],
    tasks_dir: Path,
    output_dir: Path,
    tasks: list[str],
) -> Path:
    """Run lm-eval offline with ``model`` (registered by ``register``) at
    ``pretrained=<pretrained>`` and save as ``lm_eval --log_samples`` does.

    Returns the model directory the EvaluationTracker wrote.
    """
    offline_env(tasks_dir.parent / "hf-datasets-cache")
    from lm_eval import simple_evaluate
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    register()
    tracker = EvaluationTracker(output_path=str(output_dir))
    results = simple_evaluate(
        model=model,
        model_args=f"pretrained={pretrained}",
        tasks=tasks,
        task_manager=TaskManager(include_path=str(tasks_dir), include_defaults=False),
        log_samples=True,
        evaluation_tracker=tracker,
        bootstrap_iters=0,
        random_seed=0,
    )
    assert results is not None
    samples = results.pop("samples")
    tracker.save_results_aggregated(results=results, samples=samples)
    for task_name in results["configs"]:
        tracker.save_results_samples(task_name=task_name, samples=samples[task_name])
    return output_dir / pretrained


ALL_TASKS = ["demo_mc", "demo_arith", "demo_group", "demo_partial"]
