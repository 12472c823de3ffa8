"""Which (filter, metric) of each task a comparison tests.

The primary metric of a task is, unless the caller names one: the first metric in
the results file's ``higher_is_better`` for the task, then the order of the
``"<metric>,<filter>"`` keys in ``results``, then the order the samples file
lists them. The filter is the first one ``results`` lists for that metric
(lm-eval's own order, e.g. gsm8k's ``strict-match`` before ``flexible-extract``).
A metric may be named as ``"acc"`` or, lm-eval style, ``"exact_match,flexible-extract"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastmcnemar.exceptions import InvalidArgumentError

MetricSpec = str | Mapping[str, str] | None


@dataclass(frozen=True)
class Choice:
    """The (filter, metric) tested for one task and whether lower values are better."""

    task: str
    filter: str
    metric: str
    lower_is_better: bool


def _parse(spec: str) -> tuple[str, str | None]:
    metric, _, filt = spec.partition(",")
    return metric.strip(), (filt.strip() or None)


def _preferred_order(info: Mapping[str, Any]) -> tuple[list[str], list[tuple[str, str]]]:
    """Metric order and (metric, filter) order from a task's results entries."""
    metrics: list[str] = []
    pairs: list[tuple[str, str]] = []
    hib = info.get("higher_is_better")
    if isinstance(hib, Mapping):
        metrics.extend(str(m) for m in hib)
    results = info.get("results")
    if isinstance(results, Mapping):
        for key in results:
            if "," not in str(key) or "_stderr," in str(key):
                continue
            metric, filt = str(key).split(",", 1)
            pairs.append((metric, filt))
            if metric not in metrics:
                metrics.append(metric)
    return metrics, pairs


def _lower_is_better(metric: str, infos: Sequence[Mapping[str, Any]]) -> bool:
    for info in infos:
        hib = info.get("higher_is_better")
        if isinstance(hib, Mapping) and metric in hib:
            return hib[metric] is False
    return False


def _spec_for(metric: MetricSpec, task: str) -> tuple[str | None, bool]:
    """The caller's spec for ``task`` and whether it was given for this task explicitly."""
    if metric is None:
        return None, False
    if isinstance(metric, str):
        return metric, False
    if task in metric:
        return metric[task], True
    return metric.get("*"), False


def check_metric_spec(metric: object) -> None:
    """A named error unless ``metric`` is None, a metric name or a ``{task: metric}`` mapping."""
    if metric is not None and not isinstance(metric, (str, Mapping)):
        raise InvalidArgumentError(
            "metric: expected a metric name or a {task: metric} mapping, "
            f"got {type(metric).__name__}"
        )


def choose_metrics(
    available: Sequence[tuple[str, str, str]],
    infos: Mapping[str, Sequence[Mapping[str, Any]]],
    metric: MetricSpec,
    not_testable: Mapping[tuple[str, str], str],
) -> tuple[list[Choice], list[tuple[str, str, str, str]]]:
    """Pick the tested (filter, metric) per task.

    ``available`` lists the (task, filter, metric) both sides hold, in order of
    appearance. Returns the choices and the skipped tasks
    ``(task, filter, metric, reason)``. A metric named for one task explicitly
    that the task does not have raises :class:`InvalidArgumentError`.
    """
    check_metric_spec(metric)
    choices: list[Choice] = []
    skipped: list[tuple[str, str, str, str]] = []
    by_task: dict[str, list[tuple[str, str]]] = {}
    for task, filt, name in available:
        by_task.setdefault(task, []).append((filt, name))
    tasks = list(by_task)
    if isinstance(metric, Mapping):
        unknown = [t for t in metric if t != "*" and t not in tasks]
        if unknown:
            raise InvalidArgumentError(
                f"metric: task(s) {', '.join(unknown)} not in both runs (tasks: {', '.join(tasks)})"
            )
    matched_any = False
    for task in tasks:
        have = by_task[task]
        task_infos = infos.get(task, [])
        spec, explicit = _spec_for(metric, task)
        if spec is not None:
            want_metric, want_filter = _parse(spec)
            options = [(f, m) for f, m in have if m == want_metric and want_filter in (None, f)]
            if not options:
                reason = not_testable.get((task, want_metric))
                listed = ", ".join(sorted({f"{m},{f}" for f, m in have}))
                if explicit:
                    detail = f": {reason}" if reason else f" (metrics: {listed})"
                    raise InvalidArgumentError(
                        f"metric: task {task!r} has no testable metric {spec!r}{detail}"
                    )
                skipped.append(
                    (
                        task,
                        want_filter or "",
                        want_metric,
                        reason or f"no metric {spec!r} (metrics: {listed})",
                    )
                )
                continue
            matched_any = True
        else:
            options = have
        metric_order: list[str] = []
        pair_order: list[tuple[str, str]] = []
        for info in task_infos:
            m_order, p_order = _preferred_order(info)
            metric_order += [m for m in m_order if m not in metric_order]
            pair_order += [p for p in p_order if p not in pair_order]
        option_metrics = [m for _, m in options]
        ranked = [m for m in metric_order if m in option_metrics] + option_metrics
        chosen_metric = ranked[0]
        filters = [f for f, m in options if m == chosen_metric]
        preferred = [f for m, f in pair_order if m == chosen_metric and f in filters]
        chosen_filter = (preferred or filters)[0]
        choices.append(
            Choice(task, chosen_filter, chosen_metric, _lower_is_better(chosen_metric, task_infos))
        )
    if isinstance(metric, str) and not matched_any:
        raise InvalidArgumentError(f"metric: no task has a testable metric {metric!r}")
    return choices, skipped


__all__ = ["Choice", "MetricSpec", "check_metric_spec", "choose_metrics"]
