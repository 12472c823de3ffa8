"""Write lighteval details files the way lighteval itself does, without lighteval.

The real package needs torch and transformers (too heavy for CI), so this module
re-declares the dataclasses lighteval v0.13 logs per sample -- ``Doc``,
``ModelResponse`` and ``DetailsLogger.Detail(doc, model_response, metric)`` with
the same fields, names and defaults -- and saves them as
``EvaluationTracker.save`` does: ``Dataset.from_list([asdict(detail) ...])``,
drop a top-level ``id`` column, columns sorted, ``to_parquet`` into
``<out>/details/<model_name>/<date_id>/details_<task>_<date_id>.parquet``, with
``<out>/results/<model_name>/results_<date_id>.json`` beside it. The pre-v0.11
flat ``Detail`` (no sample id) is written the same way by :func:`write_legacy_run`.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from datasets import Dataset, disable_progress_bars

disable_progress_bars()


@dataclass
class Doc:
    """lighteval.tasks.requests.Doc (v0.13) fields."""

    query: str
    choices: list[str]
    gold_index: int | list[int]
    instruction: str | None = None
    images: list[Any] | None = None
    specific: dict[str, Any] | None = None
    unconditioned_query: str | None = None
    original_query: str | None = None
    id: str = ""
    task_name: str = ""
    fewshot_samples: list[Any] = field(default_factory=list)
    sampling_methods: list[str] = field(default_factory=list)
    fewshot_sorting_class: str | None = None
    generation_size: int | None = None
    stop_sequences: list[str] | None = None
    use_logits: bool = False
    num_samples: int = 1
    generation_grammar: None = None


@dataclass
class ModelResponse:
    """lighteval.models.model_output.ModelResponse (v0.13) fields."""

    input: str | list[Any] | None = None
    input_tokens: list[int] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    output_tokens: list[list[int]] = field(default_factory=list)
    text_post_processed: list[str] | None = None
    reasonings: list[str | None] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    argmax_logits_eq_gold: list[bool] = field(default_factory=list)
    logits: list[list[float]] | None = None
    unconditioned_logprobs: list[float] | None = None
    truncated_tokens_count: int = 0
    padded_tokens_count: int = 0


@dataclass
class Detail:
    """lighteval.logging.info_loggers.DetailsLogger.Detail (v0.11+)."""

    doc: Doc
    model_response: ModelResponse
    metric: dict[str, Any]


@dataclass
class LegacyDetail:
    """DetailsLogger.Detail before v0.11 (flat, no sample id)."""

    example: str = ""
    instruction: str = ""
    full_prompt: str = ""
    num_effective_few_shots: int = 0
    num_asked_few_shots: int = 0
    predictions: list[Any] = field(default_factory=list)
    prediction_logits: list[Any] = field(default_factory=list)
    input_tokens: list[Any] = field(default_factory=list)
    cont_tokens: list[Any] = field(default_factory=list)
    truncated: list[Any] = field(default_factory=list)
    padded: list[Any] = field(default_factory=list)
    gold: list[Any] = field(default_factory=list)
    pred_logits: list[Any] = field(default_factory=list)
    choices: list[Any] = field(default_factory=list)
    gold_index: list[Any] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    specifics: dict[str, Any] = field(default_factory=dict)


def _save(details: list[Any], target: Path) -> None:
    dataset = Dataset.from_list([asdict(d) for d in details])
    columns = [c for c in dataset.column_names if c != "id"]
    dataset = dataset.select_columns(sorted(columns))
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as fh:
        dataset.to_parquet(fh)


def _results(out: Path, model_name: str, date_id: str, tasks: dict[str, float]) -> None:
    results_dir = out / "results" / model_name.strip("/")
    results_dir.mkdir(parents=True, exist_ok=True)
    data = {
        "config_general": {
            "lighteval_sha": "3fd15266bc8448b797e61462d293aa3fd40b3580",
            "num_fewshot_seeds": 1,
            "max_samples": None,
            "model_name": model_name,
        },
        "results": {task: {"acc": acc} for task, acc in tasks.items()},
        "versions": {task: 0 for task in tasks},
    }
    (results_dir / f"results_{date_id}.json").write_text(json.dumps(data, indent=2))


def write_run(
    out: Path,
    model_name: str,
    date_id: str,
    task: str,
    correct: list[bool],
    *,
    unscored: frozenset[int] = frozenset(),
    shuffle_ids: bool = False,
) -> Path:
    """One task of one model in lighteval v0.11+ layout; returns the details file.

    Sample ``i`` has ``doc.id == str(i)`` and metric ``acc`` = ``correct[i]``
    (None for ``i in unscored``) plus a continuous ``logprob_margin``.
    ``shuffle_ids`` writes the rows in reverse order (ids still name the samples).
    """
    rows = []
    for i, ok in enumerate(correct):
        doc = Doc(
            query=f"Question {i}: what is {i} + {i}?",
            choices=[str(2 * i), str(2 * i + 1)],
            gold_index=0,
            id=str(i),
            task_name=task,
            sampling_methods=["LOGPROBS"],
        )
        response = ModelResponse(
            input=doc.query,
            input_tokens=[1, 2, 3],
            text=[doc.choices[0 if ok else 1]],
            logprobs=[-0.1 if ok else -2.0, -1.0 if ok else -0.2],
            argmax_logits_eq_gold=[ok],
        )
        acc = None if i in unscored else int(ok)
        rows.append(Detail(doc, response, {"acc": acc, "logprob_margin": 0.9 if ok else -1.8}))
    if shuffle_ids:
        rows.reverse()
    target = out / "details" / model_name.strip("/") / date_id / f"details_{task}_{date_id}.parquet"
    _save(rows, target)
    _results(out, model_name, date_id, {task: sum(correct) / len(correct)})
    return target


def write_legacy_run(
    out: Path, model_name: str, date_id: str, task: str, correct: list[bool]
) -> Path:
    """One task in the pre-v0.11 flat layout (no sample ids)."""
    rows = [
        LegacyDetail(
            example=f"Question {i}",
            full_prompt=f"Question {i}: what is {i} + {i}?",
            predictions=[[str(2 * i)]],
            gold=[str(2 * i)],
            choices=[str(2 * i), str(2 * i + 1)],
            gold_index=[0],
            metrics={"acc": int(ok)},
            specifics={"extracted": str(2 * i) if ok else str(2 * i + 1)},
        )
        for i, ok in enumerate(correct)
    ]
    target = out / "details" / model_name.strip("/") / date_id / f"details_{task}_{date_id}.parquet"
    _save(rows, target)
    return target
