"""In-process entry points: harness result objects -> score frames, no files.

- :func:`from_lm_eval_results` takes the dict ``lm_eval.simple_evaluate(...,
  log_samples=True)`` returns (``"samples"`` {task: [sample dicts]} beside
  ``"results"``, ``"configs"``, ``"higher_is_better"`` ...).
- :func:`from_inspect_logs` takes Inspect ``EvalLog`` objects (what
  ``inspect_ai.eval()`` returns, or ``read_eval_log()``).

Both give the same frame as reading the files those runs write (the tests check
it row by row, apart from the ``source`` column), so ``compare``/``audit`` accept
them like paths.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.exceptions import InputFormatError, InputWarning, InvalidArgumentError
from fastmcnemar.ingest.inspect_logs import (
    InspectPairing,
    combine_frames,
    read_inspect_runs,
    run_from_log_dict,
)
from fastmcnemar.ingest.lm_eval_keys import examples, value_kind
from fastmcnemar.ingest.lm_eval_layout import RunResults
from fastmcnemar.ingest.schema import HASH_COLUMNS, NO_FILTER, SCORE_SCHEMA

_MEMORY_SOURCE = "<lm_eval.simple_evaluate result>"


def from_lm_eval_results(
    results: Mapping[str, Any],
    /,
    *,
    model: str | None = None,
    source: str = _MEMORY_SOURCE,
) -> pl.DataFrame:
    """Score frame from the dict ``lm_eval.simple_evaluate(..., log_samples=True)`` returns.

    Parameters
    ----------
    results : dict
        The returned dict; its ``"samples"`` entry ({task: [sample dicts]}) is read,
        and ``"configs"``/``"config"`` name the filters and the model.
    model : str, optional
        Model label (default: the ``pretrained=``/``model=`` of ``config.model_args``,
        as lm-eval names its output directory).
    source : str
        What the ``source`` column says (default ``"<lm_eval.simple_evaluate result>"``).

    Returns
    -------
    polars.DataFrame
        The common score frame, equal to :func:`~fastmcnemar.read_lm_eval` on the
        files the same run writes (apart from ``source``). Metrics without a
        per-sample number (lists, ``[gold, pred]`` pairs) are left out with an
        :class:`~fastmcnemar.InputWarning`.

    Examples
    --------
    >>> frame = from_lm_eval_results({
    ...     "config": {"model_args": "pretrained=my-model"},
    ...     "samples": {"arc": [{"doc_id": 0, "filter": "none", "metrics": ["acc"], "acc": 1.0},
    ...                         {"doc_id": 1, "filter": "none", "metrics": ["acc"], "acc": 0.0}]}})
    >>> frame.select("model", "task", "doc_id", "score").rows()
    [('my-model', 'arc', '0', 1.0), ('my-model', 'arc', '1', 0.0)]
    """
    if not isinstance(results, Mapping):
        raise InvalidArgumentError(
            f"results: expected the dict simple_evaluate returns, got {type(results).__name__}"
        )
    samples = results.get("samples")
    if not isinstance(samples, Mapping) or not samples:
        raise InputFormatError(
            "results: no 'samples' (call lm_eval.simple_evaluate with log_samples=True, and "
            "pass the dict before EvaluationTracker.save_results_aggregated pops them)"
        )
    run = RunResults(Path(source), None, {k: v for k, v in results.items() if k != "samples"})
    label = model or run.model
    if not label:
        raise InputFormatError("results: no model name in 'config' (pass model=...)")
    frames: list[pl.DataFrame] = []
    left_out: list[str] = []
    for task, records in samples.items():
        frame, skipped = _task_frame(str(task), records, run, label=label, source=source)
        frames.append(frame)
        left_out += [f"{task}:{m}" for m in skipped]
    if left_out:
        warnings.warn(
            f"{source}: metrics without per-sample scores left out ({', '.join(sorted(left_out))})"
            "; see fastmcnemar.lm_eval_metrics() for why",
            InputWarning,
            stacklevel=2,
        )
    return pl.concat(frames) if frames else pl.DataFrame(schema=SCORE_SCHEMA)


def _filter_order(run: RunResults, task: str) -> list[str]:
    config = run.data.get("configs", {}).get(task, {})
    filters = config.get("filter_list") if isinstance(config, dict) else None
    if isinstance(filters, list):
        names = [f.get("name") for f in filters if isinstance(f, dict)]
        if names and all(isinstance(n, str) for n in names):
            return [str(n) for n in names]
    return [NO_FILTER]


def _score(value: Any, *, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if hasattr(value, "item"):  # NumPy scalars
        return _score(value.item(), where=where)
    raise InputFormatError(f"{where}: value {value!r} is not a number")


def _task_frame(
    task: str, records: Any, run: RunResults, *, label: str, source: str
) -> tuple[pl.DataFrame, list[str]]:
    if not isinstance(records, Sequence) or not records or not isinstance(records[0], Mapping):
        raise InputFormatError(f"results['samples'][{task!r}]: expected a non-empty list of dicts")
    first = dict(records[0])
    if "doc_id" not in first:
        raise InputFormatError(f"results['samples'][{task!r}][0]: no 'doc_id'")
    # As the file reader: metric keys from the first and the last sample (lm-eval
    # logs one filter after another; a metric of the last filter only still counts).
    last = dict(records[-1]) if isinstance(records[-1], Mapping) else {}
    found, _ = examples([first, last])
    keep = [k for k, v in found.items() if value_kind(v) is None]
    skipped = [k for k, v in found.items() if value_kind(v) is not None]
    has_filter = [isinstance(r.get("filter"), str) for r in records]
    if any(has_filter) and not all(has_filter):
        raise InputFormatError(f"results['samples'][{task!r}]: some samples have a 'filter'")
    order = _filter_order(run, task)
    seen: dict[Any, int] = {}
    columns: dict[str, list[Any]] = {c: [] for c in SCORE_SCHEMA}
    for index, record in enumerate(records):
        doc_id = record.get("doc_id")
        if doc_id is None:
            raise InputFormatError(f"results['samples'][{task!r}][{index}]: no 'doc_id'")
        if all(has_filter):
            filt = str(record["filter"])
        else:  # before 0.4.7 each doc repeats once per filter, in filter_list order
            occurrence = seen.get(doc_id, 0)
            seen[doc_id] = occurrence + 1
            if occurrence >= len(order):
                if order == [NO_FILTER]:
                    filt = NO_FILTER
                else:
                    raise InputFormatError(
                        f"results['samples'][{task!r}]: doc {doc_id} appears {occurrence + 1} "
                        f"times but the task has {len(order)} filter(s)"
                    )
            else:
                filt = order[occurrence]
        for metric in keep:
            where = f"results['samples'][{task!r}] doc {doc_id}, metric {metric!r}"
            columns["model"].append(label)
            columns["task"].append(task)
            columns["filter"].append(filt)
            columns["metric"].append(metric)
            columns["doc_id"].append(str(doc_id))
            columns["score"].append(_score(record.get(metric), where=where))
            for h in HASH_COLUMNS:
                value = record.get(h)
                columns[h].append(value if isinstance(value, str) else None)
            columns["source"].append(source)
    frame = pl.DataFrame(columns, schema=SCORE_SCHEMA)
    # Reorder like the file reader (metric-major), and drop a metric that a filter
    # never logged (it is absent on that filter's lines).
    frame = (
        frame.with_columns(pl.int_range(pl.len()).alias("_row"))
        .filter(pl.col("score").is_not_null().any().over(["filter", "metric"]))
        .with_columns(
            pl.col("metric")
            .replace_strict({m: i for i, m in enumerate(keep)}, return_dtype=pl.Int64)
            .alias("_metric_rank")
        )
        .sort(["_metric_rank", "_row"])
        .drop("_row", "_metric_rank")
    )
    return frame, skipped


def from_inspect_logs(
    logs: Any,
    /,
    *,
    pairing: InspectPairing = "reduced",
    model: str | None = None,
) -> pl.DataFrame:
    """Score frame from Inspect ``EvalLog`` objects (one, or an iterable of them).

    Parameters
    ----------
    logs : EvalLog or iterable of EvalLog
        What ``inspect_ai.eval()`` returns, or ``inspect_ai.log.read_eval_log()``.
        A log read with ``header_only=True`` (no samples) is read again from its
        ``location``.
    pairing, model : see :func:`~fastmcnemar.read_inspect`
        As for :func:`~fastmcnemar.read_inspect`.

    Returns
    -------
    polars.DataFrame
        The common score frame, equal to :func:`~fastmcnemar.read_inspect` on the
        log files (apart from ``source``, the log's location when it has one).

    Examples
    --------
    >>> log = {"eval": {"task": "demo", "model": "m"},
    ...        "samples": [{"id": "a", "epoch": 1, "scores": {"match": {"value": "C"}}}]}
    >>> from_inspect_logs(log).select("task", "metric", "doc_id", "score").rows()
    [('demo', 'match', 'a', 1.0)]
    """
    items = [logs] if _is_one_log(logs) else list(logs)
    if not items:
        raise InvalidArgumentError("logs: no EvalLog given")
    runs = []
    for index, log in enumerate(items):
        data, location = _log_dict(log, index)
        source = location or f"<EvalLog {index}>"
        if not data.get("samples") and location:
            frame, _ = read_inspect_runs(location, pairing=pairing, model=model)
            runs.append(frame)
            continue
        run = run_from_log_dict(data, source=source, pairing=pairing, model=model)
        runs.append(run.frame)
    return combine_frames(runs)


def _is_one_log(obj: Any) -> bool:
    return isinstance(obj, Mapping) or hasattr(obj, "model_dump")


def _log_dict(log: Any, index: int) -> tuple[dict[str, Any], str | None]:
    """The log in its JSON layout, and where it was written (if anywhere)."""
    if isinstance(log, Mapping):
        return dict(log), None
    dump = getattr(log, "model_dump", None)
    if dump is None:
        raise InvalidArgumentError(
            f"logs[{index}]: expected an inspect_ai EvalLog, got {type(log).__name__}"
        )
    # Python mode: model args may hold callables (a mock model's outputs) that the
    # JSON mode cannot serialise; only these parts of the log are read.
    data = dump(mode="python", include={"status", "eval", "samples", "reductions"})
    if not isinstance(data, dict):
        raise InvalidArgumentError(f"logs[{index}]: EvalLog.model_dump() did not give a dict")
    location = getattr(log, "location", None)
    return data, (str(location) if location else None)


__all__ = ["from_inspect_logs", "from_lm_eval_results"]
