"""Writers of lm-eval output files in each 0.4.x layout, for the ingestion tests.

They follow lm-evaluation-harness's own writers (see /work/shared/design/harness-formats.md
section 1): 0.4.3+ EvaluationTracker JSONL with hashes (``filter``/``metrics`` from 0.4.7),
and 0.4.0-0.4.2 ``json.dumps(samples, indent=2)`` arrays repeating each doc once per filter.
The real harness itself is exercised in tests/test_harness_lm_eval.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sanitize(name: str) -> str:
    return re.sub(r"[\"<>:/|\\?*\[\]]+", "__", name)


@dataclass
class TaskSpec:
    """A task's per-doc scores: {filter: {metric: [value per doc]}}."""

    name: str
    scores: dict[str, dict[str, list[Any]]]
    doc_ids: Sequence[int] | None = None
    question: str = "What is {i} + 1?"
    prompt_prefix: str = ""

    def ids(self) -> list[int]:
        first = next(iter(next(iter(self.scores.values())).values()))
        return list(self.doc_ids) if self.doc_ids is not None else list(range(len(first)))


def _line(task: TaskSpec, filt: str, pos: int, doc_id: int, version: str) -> dict[str, Any]:
    doc = {"question": task.question.format(i=doc_id), "answer": str(doc_id + 1)}
    context = task.prompt_prefix + f"Question: {doc['question']}\nAnswer:"
    target = doc["answer"]
    metrics = task.scores[filt]
    record: dict[str, Any] = {
        "doc_id": doc_id,
        "doc": doc,
        "target": target,
        "arguments": {"gen_args_0": {"arg_0": context, "arg_1": {"until": ["\n\n"]}}},
        "resps": [[f" {target}"]],
        "filtered_resps": [target],
    }
    if version >= "0.4.7":
        record["filter"] = filt
        record["metrics"] = list(metrics)
    record["doc_hash"] = sha(json.dumps(doc, indent=2, ensure_ascii=False))
    record["prompt_hash"] = sha(context)
    record["target_hash"] = sha(target)
    for metric, values in metrics.items():
        record[metric] = values[pos]
    return record


def _results(model: str, tasks: Sequence[TaskSpec], version: str) -> dict[str, Any]:
    results: dict[str, Any] = {}
    configs: dict[str, Any] = {}
    hib: dict[str, Any] = {}
    for task in tasks:
        entry: dict[str, Any] = {"alias": task.name}
        for filt, metrics in task.scores.items():
            for metric in metrics:
                entry[f"{metric},{filt}"] = 0.5
                entry[f"{metric}_stderr,{filt}"] = "N/A"
                hib.setdefault(task.name, {})[metric] = True
        results[task.name] = entry
        configs[task.name] = {
            "task": task.name,
            "num_fewshot": 0,
            "filter_list": [{"name": f, "filter": []} for f in task.scores],
        }
    return {
        "results": results,
        "configs": configs,
        "versions": {t.name: 1.0 for t in tasks},
        "n-shot": {t.name: 0 for t in tasks},
        "higher_is_better": hib,
        "n-samples": {t.name: {"original": len(t.ids()), "effective": len(t.ids())} for t in tasks},
        "config": {"model": "hf", "model_args": f"pretrained={model},dtype=float32", "limit": None},
        "model_name": model,
        "model_name_sanitized": sanitize(model),
        "lm_eval_version": version,
    }


class LmEvalWriter:
    """Writes lm-eval output trees under a temporary directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def run(
        self,
        model: str,
        tasks: Sequence[TaskSpec],
        *,
        date_id: str = "2025-01-24T19-02-29.392595",
        version: str = "0.4.9",
        out: Path | None = None,
        subdir: bool = True,
        json_output_name: str | None = None,
    ) -> Path:
        """A 0.4.3+ run; returns the directory the files went to."""
        base = out or self.root / "out"
        target = base / sanitize(model) if subdir else base
        target.mkdir(parents=True, exist_ok=True)
        results = _results(model, tasks, version)
        results_name = (
            f"{json_output_name}_{date_id}.json" if json_output_name else f"results_{date_id}.json"
        )
        (target / results_name).write_text(json.dumps(results, indent=2))
        for task in tasks:
            lines = []
            for filt in task.scores:
                for pos, doc_id in enumerate(task.ids()):
                    lines.append(json.dumps(_line(task, filt, pos, doc_id, version)))
            (target / f"samples_{task.name}_{date_id}.jsonl").write_text("\n".join(lines) + "\n")
        return target

    def legacy_run(self, model: str, tasks: Sequence[TaskSpec], *, out: Path | None = None) -> Path:
        """A 0.4.0-0.4.2 run: results.json + <model_args>_<task>.jsonl JSON arrays."""
        target = out or self.root / "legacy"
        target.mkdir(parents=True, exist_ok=True)
        results = _results(model, tasks, "0.4.2")
        for key in ("model_name", "model_name_sanitized", "n-samples", "higher_is_better"):
            results.pop(key)
        results.pop("lm_eval_version")
        (target / "results.json").write_text(json.dumps(results, indent=2))
        prefix = re.sub("/|=", "__", results["config"]["model_args"])
        for task in tasks:
            entries = []
            for filt in task.scores:
                for pos, doc_id in enumerate(task.ids()):
                    record = _line(task, filt, pos, doc_id, "0.4.2")
                    for key in ("doc_hash", "prompt_hash", "target_hash"):
                        record.pop(key)
                    record["arguments"] = [[record["arguments"]["gen_args_0"]["arg_0"], {}]]
                    entries.append(record)
            (target / f"{prefix}_{task.name}.jsonl").write_text(json.dumps(entries, indent=2))
        return target


@pytest.fixture
def lm_eval_writer(tmp_path: Path) -> LmEvalWriter:
    return LmEvalWriter(tmp_path)


@pytest.fixture
def task_spec() -> type[TaskSpec]:
    return TaskSpec
