"""Which keys of an lm-eval samples line are read, and why a metric is not testable.

A samples file's metrics are learnt from its first and last records (see
:func:`~.jsonl.outlines`); this module turns those records into the keys a scan
reads and the rows of metrics that cannot be tested, and which tasks a selection
means (a group stands for its subtasks). The general reader
(:mod:`.lm_eval`), the audit's lean candidate reader
(:mod:`fastmcnemar.compare.candidate_read`) and the in-memory results reader
(:mod:`.embedding`) share it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from fastmcnemar._lm_eval_names import LAYOUT_SKIP, NOT_METRICS

if TYPE_CHECKING:
    from fastmcnemar.ingest.lm_eval_layout import SamplesFile


def value_kind(value: Any) -> str | None:
    """None if ``value`` is a per-sample number, else why it is not testable."""
    if value is None or isinstance(value, (bool, int, float)):
        return None
    if isinstance(value, list):
        if len(value) == 2 and not all(isinstance(v, bool) for v in value):
            return "per-sample value is a [gold, prediction] pair: a corpus-level metric"
        return "per-sample value is a list (e.g. one result per instruction), not one score"
    if isinstance(value, dict):
        return "per-sample value is a mapping, not one score"
    return f"per-sample value is {type(value).__name__}, not a number"


def metric_keys(record: dict[str, Any]) -> list[str]:
    """The metric keys of one samples record."""
    listed = record.get("metrics")
    if isinstance(listed, list) and all(isinstance(m, str) for m in listed):
        return [m for m in listed if m in record]
    # Before 0.4.7 the metric keys are the remaining top-level keys; a text value
    # there is some other field, not a metric.
    return [k for k, v in record.items() if k not in NOT_METRICS and not isinstance(v, str)]


def filter_of(record: dict[str, Any]) -> str:
    """The record's filter name, ``"(all)"`` when it has none."""
    name = record.get("filter")
    return name if isinstance(name, str) else "(all)"


def examples(records: Iterable[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each metric key of ``records`` with its first value and the filter that logged it."""
    found: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for record in records:
        for key in metric_keys(record):
            if key not in found:
                found[key] = record[key]
                origin[key] = filter_of(record)
    return found, origin


def classify(
    sample: SamplesFile,
    examples: dict[str, Any],
    origin: dict[str, str],
    metrics: set[str] | None,
) -> tuple[list[str], list[dict[str, str]]]:
    """(metric keys to read, not-testable rows) from each metric's example value."""
    keep: list[str] = []
    not_testable: list[dict[str, str]] = []
    for key, example in examples.items():
        if metrics is not None and key not in metrics:
            continue
        reason = value_kind(example)
        if reason is None:
            keep.append(key)
        else:
            not_testable.append(
                {
                    "model": sample.model,
                    "task": sample.task,
                    "filter": origin[key],
                    "metric": key,
                    "reason": reason,
                    "source": str(sample.path),
                }
            )
    return keep, not_testable


def wanted_tasks(tasks: Iterable[str], files: list[SamplesFile]) -> set[str]:
    """Requested task names, with groups expanded through ``group_subtasks``."""
    wanted: set[str] = set()
    pending = list(tasks)
    groups: dict[str, list[str]] = {}
    for sample in files:
        if sample.results is not None:
            subtasks = sample.results.data.get("group_subtasks", {})
            if isinstance(subtasks, dict):
                for name, members in subtasks.items():
                    if isinstance(members, list):
                        groups.setdefault(name, [str(m) for m in members])
    while pending:
        name = pending.pop()
        if name in wanted:
            continue
        wanted.add(name)
        pending.extend(groups.get(name, []))
    return wanted


__all__ = [
    "LAYOUT_SKIP",
    "NOT_METRICS",
    "classify",
    "examples",
    "filter_of",
    "metric_keys",
    "value_kind",
    "wanted_tasks",
]
