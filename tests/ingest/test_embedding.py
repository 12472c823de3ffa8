"""The in-process entry points give what reading the same run's files gives."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from inspect_mock import EXPECTED_B, EXPECTED_C, InspectRuns

import fastmcnemar
from fastmcnemar import (
    InputFormatError,
    InputWarning,
    InvalidArgumentError,
    from_inspect_logs,
    from_lm_eval_results,
    read_inspect,
    read_lm_eval,
)

KEY = ["model", "task", "filter", "metric", "doc_id"]


def _same_rows(a: pl.DataFrame, b: pl.DataFrame) -> bool:
    return a.drop("source").sort(KEY).equals(b.drop("source").sort(KEY))


# ----------------------------------------------------------------------------- lm-eval


@pytest.fixture(scope="module")
def lm_eval_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """One real lm-eval run (local tasks, deterministic model): the dict
    simple_evaluate returned, and the directory EvaluationTracker wrote."""
    pytest.importorskip("lm_eval", reason="the 'harness' extra (lm-eval) is not installed")
    import lm_eval_demo as demo

    root = tmp_path_factory.mktemp("lm_eval_embedding")
    demo.offline_env(root / "hf-datasets-cache")
    from lm_eval import simple_evaluate
    from lm_eval.loggers import EvaluationTracker
    from lm_eval.tasks import TaskManager

    tasks_dir = demo.write_tasks(root / "tasks")
    demo._register()
    tracker = EvaluationTracker(output_path=str(root / "out"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # lm-eval's own deprecation chatter
        results = simple_evaluate(
            model="fastmcnemar-demo",
            model_args="pretrained=degraded",
            tasks=["demo_mc", "demo_arith", "demo_partial"],
            task_manager=TaskManager(include_path=str(tasks_dir), include_defaults=False),
            log_samples=True,
            evaluation_tracker=tracker,
            bootstrap_iters=0,
            random_seed=0,
        )
        assert results is not None
        in_memory = copy.deepcopy(results)  # the tracker rewrites samples while saving
        samples = results.pop("samples")
        tracker.save_results_aggregated(results=results, samples=samples)
        for task_name in results["configs"]:
            tracker.save_results_samples(task_name=task_name, samples=samples[task_name])
    return in_memory, root / "out" / "degraded"


def test_lm_eval_results_dict_equals_the_files(lm_eval_run: tuple[dict[str, Any], Path]) -> None:
    results, directory = lm_eval_run
    with pytest.warns(InputWarning, match=r"left out \(demo_mc:mcc, demo_partial:digit_match\)"):
        in_memory = from_lm_eval_results(results)
    with pytest.warns(InputWarning):
        from_files = read_lm_eval(directory)
    assert in_memory.height == from_files.height > 0
    assert _same_rows(in_memory, from_files)
    # two filters of the generate task, hashes carried over
    arith = in_memory.filter(pl.col("task") == "demo_arith")
    assert set(arith["filter"]) == {"strict-match", "flexible-extract"}
    assert in_memory["doc_hash"].null_count() == 0
    assert set(in_memory["source"]) == {"<lm_eval.simple_evaluate result>"}


def test_lm_eval_results_dict_compares_like_the_files(
    lm_eval_run: tuple[dict[str, Any], Path],
) -> None:
    results, directory = lm_eval_run
    with pytest.warns(InputWarning):
        frame = from_lm_eval_results(results)
    reference = frame.with_columns(pl.lit("reference").alias("model"))
    via_frame = fastmcnemar.compare(reference, frame, metric="acc", tasks=["demo_mc"])
    via_path = fastmcnemar.compare(reference, directory, metric="acc", tasks=["demo_mc"])
    assert via_frame.tasks.equals(via_path.tasks)


def test_lm_eval_results_errors() -> None:
    with pytest.raises(InvalidArgumentError, match=r"results: expected the dict"):
        from_lm_eval_results([])  # type: ignore[arg-type]
    with pytest.raises(InputFormatError, match=r"no 'samples' .*log_samples=True"):
        from_lm_eval_results({"results": {}})
    with pytest.raises(InputFormatError, match=r"no model name"):
        from_lm_eval_results({"samples": {"t": [{"doc_id": 0, "acc": 1}]}})
    bad = {"config": {"model": "m"}, "samples": {"t": [{"doc_id": 0, "acc": 1}, {"acc": 0}]}}
    with pytest.raises(InputFormatError, match=r"samples'\]\['t'\]\[1\]: no 'doc_id'"):
        from_lm_eval_results(bad)
    text = {
        "config": {"model": "m"},
        "samples": {"t": [{"doc_id": 0, "acc": 1}, {"doc_id": 1, "acc": "x"}]},
    }
    with pytest.raises(InputFormatError, match=r"doc 1, metric 'acc': value 'x' is not a number"):
        from_lm_eval_results(text)


# ----------------------------------------------------------------------------- Inspect


def test_inspect_eval_logs_equal_the_files(inspect_runs: InspectRuns) -> None:
    logs = [inspect_runs.reference_log, inspect_runs.candidate_log]
    for pairing in ("reduced", "epoch"):
        in_memory = from_inspect_logs(logs, pairing=pairing)  # type: ignore[arg-type]
        from_files = pl.concat(
            [
                read_inspect(inspect_runs.reference_eval, pairing=pairing),  # type: ignore[arg-type]
                read_inspect(inspect_runs.candidate_json, pairing=pairing),  # type: ignore[arg-type]
            ]
        )
        assert _same_rows(in_memory, from_files), pairing
    one = from_inspect_logs(inspect_runs.reference_log)
    assert set(one["source"]) == {str(inspect_runs.reference_eval)}


def test_inspect_header_only_log_is_read_from_its_location(inspect_runs: InspectRuns) -> None:
    from inspect_ai.log import read_eval_log

    header = read_eval_log(str(inspect_runs.candidate_json), header_only=True)
    assert not header.samples
    frame = from_inspect_logs(header)
    assert _same_rows(frame, read_inspect(inspect_runs.candidate_json))


def test_inspect_logs_pair_in_process(inspect_runs: InspectRuns) -> None:
    frame = from_inspect_logs([inspect_runs.reference_log, inspect_runs.candidate_log])
    reference = frame.filter(pl.col("model") == "mockllm/reference")
    candidate = frame.filter(pl.col("model") == "mockllm/candidate")
    paired = fastmcnemar.pair(reference, candidate)
    b = paired.filter((pl.col("reference") == 1) & (pl.col("candidate") == 0)).height
    c = paired.filter((pl.col("reference") == 0) & (pl.col("candidate") == 1)).height
    assert (b, c) == (EXPECTED_B, EXPECTED_C)


def test_inspect_logs_errors() -> None:
    with pytest.raises(InvalidArgumentError, match=r"logs: no EvalLog given"):
        from_inspect_logs([])
    with pytest.raises(InvalidArgumentError, match=r"logs\[0\]: expected an inspect_ai EvalLog"):
        from_inspect_logs([42])


def test_lm_eval_metric_of_the_last_filter_only_is_kept() -> None:
    """lm-eval logs one filter after another; a metric only the last filter has counts."""
    records = [
        {"doc_id": 0, "filter": "a", "metrics": ["x"], "x": 1.0},
        {"doc_id": 1, "filter": "a", "metrics": ["x"], "x": 0.0},
        {"doc_id": 0, "filter": "b", "metrics": ["y"], "y": 1.0},
        {"doc_id": 1, "filter": "b", "metrics": ["y"], "y": 1.0},
    ]
    frame = from_lm_eval_results({"config": {"model": "m"}, "samples": {"t": records}})
    assert frame.select("filter", "metric", "doc_id", "score").rows() == [
        ("a", "x", "0", 1.0),
        ("a", "x", "1", 0.0),
        ("b", "y", "0", 1.0),
        ("b", "y", "1", 1.0),
    ]
