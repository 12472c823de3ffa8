"""read_lm_eval on every 0.4.x layout, its warnings, and its errors."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fastmcnemar import InputFormatError, InputWarning, lm_eval_metrics, read_lm_eval
from fastmcnemar.ingest.lm_eval import load_lm_eval
from fastmcnemar.ingest.schema import SCORE_SCHEMA, validate_score_frame

GSM = {
    "strict-match": {"exact_match": [1.0, 0.0, 1.0, 0.0]},
    "flexible-extract": {"exact_match": [1.0, 1.0, 1.0, 0.0]},
}
MC = {"none": {"acc": [1, 0, 1], "acc_norm": [1, 1, 0]}}


def _scores(frame: pl.DataFrame, task: str, filt: str, metric: str) -> list[float]:
    rows = frame.filter(
        (pl.col("task") == task) & (pl.col("filter") == filt) & (pl.col("metric") == metric)
    ).sort(pl.col("doc_id").cast(pl.Int64))
    return rows.get_column("score").to_list()


def test_output_dir_with_model_subdirs(lm_eval_writer: Any, task_spec: Any) -> None:
    tasks = [task_spec("gsm8k", GSM), task_spec("arc_easy", MC)]
    lm_eval_writer.run("org/model-a", tasks)
    lm_eval_writer.run("org/model-b", tasks)
    frame = read_lm_eval(lm_eval_writer.root / "out")
    validate_score_frame(frame)
    assert list(frame.schema) == list(SCORE_SCHEMA)
    assert sorted(frame["model"].unique()) == ["org/model-a", "org/model-b"]
    one = frame.filter(pl.col("model") == "org/model-a")
    assert _scores(one, "gsm8k", "strict-match", "exact_match") == [1.0, 0.0, 1.0, 0.0]
    assert _scores(one, "gsm8k", "flexible-extract", "exact_match") == [1.0, 1.0, 1.0, 0.0]
    assert _scores(one, "arc_easy", "none", "acc_norm") == [1.0, 1.0, 0.0]
    assert one.height == 4 * 2 + 3 * 2
    assert one["doc_hash"].null_count() == 0
    assert one["source"].str.ends_with(".jsonl").all()


def test_one_model_dir_single_files_and_results_file(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("gsm8k", GSM), task_spec("arc_easy", MC)])
    assert read_lm_eval(model_dir).height == 14
    samples = next(model_dir.glob("samples_arc_easy_*.jsonl"))
    single = read_lm_eval(samples)
    assert set(single["task"]) == {"arc_easy"}
    assert set(single["model"]) == {"m"}  # from the results file of the same run
    results = next(model_dir.glob("results_*.json"))
    assert read_lm_eval(results).height == 14
    assert read_lm_eval(model_dir, tasks=["gsm8k"], metrics=["exact_match"]).height == 8


def test_json_output_path_variant(lm_eval_writer: Any, task_spec: Any) -> None:
    # lm-eval >= 0.4.9 with --output_path out/run.json: no model sub-directory.
    out = lm_eval_writer.run("m", [task_spec("arc_easy", MC)], subdir=False, json_output_name="run")
    frame = read_lm_eval(out / "run_2025-01-24T19-02-29.392595.json")
    assert set(frame["model"]) == {"m"}
    assert frame.height == 6
    assert read_lm_eval(out).height == 6


def test_before_047_filters_are_assigned_by_repeat_order(
    lm_eval_writer: Any, task_spec: Any
) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("gsm8k", GSM)], version="0.4.5")
    line = json.loads(next(model_dir.glob("samples_*.jsonl")).read_text().splitlines()[0])
    assert "filter" not in line
    frame = read_lm_eval(model_dir)
    assert _scores(frame, "gsm8k", "strict-match", "exact_match") == [1.0, 0.0, 1.0, 0.0]
    assert _scores(frame, "gsm8k", "flexible-extract", "exact_match") == [1.0, 1.0, 1.0, 0.0]


def test_legacy_json_array_files(lm_eval_writer: Any, task_spec: Any) -> None:
    out = lm_eval_writer.legacy_run(
        "EleutherAI/pythia-70m", [task_spec("gsm8k", GSM), task_spec("arc_easy", MC)]
    )
    names = sorted(p.name for p in out.iterdir())
    assert "pretrained__EleutherAI__pythia-70m,dtype__float32_gsm8k.jsonl" in names
    assert (out / names[0]).read_text().startswith("[")
    frame = read_lm_eval(out)
    assert set(frame["model"]) == {"EleutherAI/pythia-70m"}
    assert frame["doc_hash"].null_count() == frame.height
    assert _scores(frame, "gsm8k", "strict-match", "exact_match") == [1.0, 0.0, 1.0, 0.0]
    assert _scores(frame, "gsm8k", "flexible-extract", "exact_match") == [1.0, 1.0, 1.0, 0.0]
    assert _scores(frame, "arc_easy", "none", "acc") == [1.0, 0.0, 1.0]
    single = read_lm_eval(out / "pretrained__EleutherAI__pythia-70m,dtype__float32_arc_easy.jsonl")
    assert set(single["task"]) == {"arc_easy"}


def test_legacy_file_without_results_json_is_an_error(lm_eval_writer: Any, task_spec: Any) -> None:
    out = lm_eval_writer.legacy_run("m", [task_spec("arc_easy", MC)])
    (out / "results.json").unlink()
    with pytest.raises(InputFormatError, match="no lm-eval samples files"):
        read_lm_eval(out)


def test_several_timestamps_newest_wins_with_warning(lm_eval_writer: Any, task_spec: Any) -> None:
    old = {"none": {"acc": [0, 0, 0]}}
    new = {"none": {"acc": [1, 1, 1]}}
    lm_eval_writer.run("m", [task_spec("arc_easy", old)], date_id="2025-01-01T10-00-00.000001")
    lm_eval_writer.run("m", [task_spec("arc_easy", new)], date_id="2025-02-01T10-00-00.000001")
    path = lm_eval_writer.root / "out"
    with pytest.warns(InputWarning, match=r"older runs passed over.*2025-01-01T10-00-00"):
        frame = read_lm_eval(path)
    assert frame["score"].to_list() == [1.0, 1.0, 1.0]
    chosen = read_lm_eval(path, timestamp="2025-01-01")
    assert chosen["score"].to_list() == [0.0, 0.0, 0.0]
    with pytest.raises(InputFormatError, match="no run with timestamp '2024'"):
        read_lm_eval(path, timestamp="2024")


def test_model_selection(lm_eval_writer: Any, task_spec: Any) -> None:
    lm_eval_writer.run("org/a", [task_spec("arc_easy", MC)], subdir=False)
    lm_eval_writer.run(
        "org/b", [task_spec("arc_easy", MC)], subdir=False, date_id="2025-03-01T00-00-00.1"
    )
    path = lm_eval_writer.root / "out"
    assert set(read_lm_eval(path)["model"]) == {"org/a", "org/b"}
    assert set(read_lm_eval(path, model="org/b")["model"]) == {"org/b"}
    assert set(read_lm_eval(path, model="org__b")["model"]) == {"org/b"}
    with pytest.raises(InputFormatError, match=r"no run of model 'c' \(models: org/a, org/b\)"):
        read_lm_eval(path, model="c")


def test_boolean_continuous_and_not_testable_metrics(lm_eval_writer: Any, task_spec: Any) -> None:
    scores = {
        "none": {
            "prompt_level_strict_acc": [True, False, True],
            "acc": [0.25, 0.9, 0.5],
            "inst_level_strict_acc": [[True, False], [True], [False, False, True]],
            "f1": [[1, 0], [0, 0], [1, 1]],
        }
    }
    model_dir = lm_eval_writer.run("m", [task_spec("ifeval_like", scores)])
    with pytest.warns(InputWarning, match="ifeval_like:f1, ifeval_like:inst_level_strict_acc"):
        frame = read_lm_eval(model_dir)
    assert _scores(frame, "ifeval_like", "none", "prompt_level_strict_acc") == [1.0, 0.0, 1.0]
    assert _scores(frame, "ifeval_like", "none", "acc") == [0.25, 0.9, 0.5]
    assert set(frame["metric"]) == {"prompt_level_strict_acc", "acc"}
    table = lm_eval_metrics(model_dir)
    kinds = dict(zip(table["metric"], table["kind"], strict=True))
    assert kinds == {
        "acc": "continuous",
        "f1": "not testable",
        "inst_level_strict_acc": "not testable",
        "prompt_level_strict_acc": "binary",
    }
    reasons = dict(zip(table["metric"], table["reason"], strict=True))
    assert "[gold, prediction] pair" in reasons["f1"]
    assert "list" in reasons["inst_level_strict_acc"]


def test_metric_of_the_last_filter_only(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("gsm8k", GSM)])
    path = next(model_dir.glob("samples_*.jsonl"))
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    for record in lines:
        if record["filter"] == "flexible-extract":
            record["metrics"].append("maj_at_4")
            record["maj_at_4"] = 0.5
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n")
    frame = read_lm_eval(model_dir)
    assert _scores(frame, "gsm8k", "flexible-extract", "maj_at_4") == [0.5] * 4
    assert frame.filter(pl.col("metric") == "maj_at_4")["filter"].unique().to_list() == [
        "flexible-extract"
    ]


def test_metric_of_a_middle_filter_only(lm_eval_writer: Any, task_spec: Any) -> None:
    three = {
        "strict-match": {"exact_match": [1.0, 0.0, 1.0]},
        "flexible-extract": {"exact_match": [1.0, 1.0, 1.0], "maj_at_4": [0.0, 1.0, 1.0]},
        "lenient": {"exact_match": [1.0, 1.0, 0.0], "pairs": [[1, 2]] * 3},
    }
    model_dir = lm_eval_writer.run("m", [task_spec("gsm8k", three)])
    # The middle filter's metric is on neither the first nor the last line.
    with pytest.warns(InputWarning, match="gsm8k:pairs"):
        frame = read_lm_eval(model_dir)
    assert _scores(frame, "gsm8k", "flexible-extract", "maj_at_4") == [0.0, 1.0, 1.0]
    assert _scores(frame, "gsm8k", "lenient", "exact_match") == [1.0, 1.0, 0.0]
    assert frame.filter(pl.col("metric") == "maj_at_4")["filter"].unique().to_list() == [
        "flexible-extract"
    ]
    kinds = dict(lm_eval_metrics(model_dir).select("metric", "kind").iter_rows())
    assert kinds == {"exact_match": "binary", "maj_at_4": "binary", "pairs": "not testable"}


def test_nan_literal_is_read_not_dropped(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("t", {"none": {"acc": [1.0, 0.0]}})])
    path = next(model_dir.glob("samples_*.jsonl"))
    path.write_text(path.read_text().replace('"acc": 0.0', '"acc": NaN'))
    frame = read_lm_eval(model_dir)
    values = _scores(frame, "t", "none", "acc")
    assert values[0] == 1.0
    assert values[1] != values[1]  # NaN kept for pairing to report


def test_corrupt_line_names_file_and_line(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("t", {"none": {"acc": [1, 0, 1]}})])
    path = next(model_dir.glob("samples_*.jsonl"))
    lines = path.read_text().splitlines()
    lines[2] = lines[2][: len(lines[2]) // 2]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(InputFormatError, match=rf"{path.name}: line 3: not valid JSON"):
        read_lm_eval(model_dir)


def test_wrong_value_type_names_line_and_key(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("t", {"none": {"acc": [1, 0, 1]}})])
    path = next(model_dir.glob("samples_*.jsonl"))
    lines = path.read_text().splitlines()
    lines[1] = lines[1].replace('"acc": 0', '"acc": "zero"')
    path.write_text("\n".join(lines) + "\n")
    expected = r"line 2 \(doc_id 1\): 'acc' is str \"zero\", expected a number"
    with pytest.raises(InputFormatError, match=expected):
        read_lm_eval(model_dir)


def test_empty_samples_file(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("t", {"none": {"acc": [1, 0]}})])
    path = next(model_dir.glob("samples_*.jsonl"))
    path.write_text("")
    with pytest.raises(InputFormatError, match=rf"{path.name}: no samples \(the file is empty\)"):
        read_lm_eval(model_dir)


def test_missing_doc_id_and_missing_paths(tmp_path: Path) -> None:
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "samples_t_2025-01-01T00-00-00.1.jsonl").write_text('{"acc": 1}\n')
    with pytest.raises(InputFormatError, match="line 1 has no 'doc_id'"):
        read_lm_eval(folder)
    with pytest.raises(InputFormatError, match="no such file or directory"):
        read_lm_eval(tmp_path / "nope")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFormatError, match="no lm-eval samples files found"):
        read_lm_eval(empty)


def test_unknown_task_is_an_error(lm_eval_writer: Any, task_spec: Any) -> None:
    model_dir = lm_eval_writer.run("m", [task_spec("arc_easy", MC)])
    with pytest.raises(InputFormatError, match=r"none of the tasks mmlu .*tasks: arc_easy"):
        read_lm_eval(model_dir, tasks=["mmlu"])


def test_pyfade_real_files(shared_dir: Path) -> None:
    root = shared_dir / "realdata" / "pyfade-gemma3"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        frame = read_lm_eval(root)
    # Two gsm8k runs of two models in one folder, plus the mmlu_pro_plus runs below it.
    assert sorted(frame["model"].unique()) == [
        "/workspace/gemma-3-12b-it-base",
        "/workspace/gemma3_12b_u2",
        "gemma3:12b-it-q4_K_M",
        "gemma3:12b-u1",
    ]
    gsm = read_lm_eval(root / "results_2025-09-09T13-42-42.857006.json")
    assert set(gsm["model"]) == {"gemma3:12b-it-q4_K_M"}
    assert gsm.select("task", "filter", "metric").unique().rows() == [
        ("gsm8k", "strict-match", "exact_match")
    ]
    assert _scores(gsm, "gsm8k", "strict-match", "exact_match") == [1.0, 0.0, 1.0]
    assert sorted(gsm["doc_id"]) == ["16", "17", "18"]
    u2 = read_lm_eval(root / "eval_mmlu_pro_plus", model="/workspace/gemma3_12b_u2")
    assert sorted(u2["task"].unique()) == [
        "mmlu_pro_plus_chemistry",
        "mmlu_pro_plus_health",
        "mmlu_pro_plus_psychology",
    ]
    by_group = read_lm_eval(
        root / "eval_mmlu_pro_plus", tasks=["mmlu_pro_plus"], timestamp="2025-10-14T14"
    )
    assert by_group.height == 9


def test_a_run_reads_as_its_files_read_one_at_a_time(lm_eval_writer: Any, task_spec: Any) -> None:
    # The long frame is laid out for all files at once; it must be the files' own frames
    # one after another, rows in each file's order, metric by metric.
    middle = {
        "strict": {"exact_match": [1.0, 0.0, 1.0]},
        "flex": {"exact_match": [1.0, 1.0, 1.0], "maj_at_4": [0.0, 1.0, 1.0]},
        "lenient": {"exact_match": [1.0, 1.0, 0.0]},
    }
    tasks = [
        task_spec("mc_a", MC),
        task_spec("gsm_a", GSM),
        task_spec("mc_b", {"none": {"acc": [0, 0, 1], "acc_norm": [1, 0, 0]}}),
        task_spec("flags", {"none": {"passed": [True, False, True], "acc": [0.5, 0.25, 1.0]}}),
        task_spec("gsm_b", GSM, doc_ids=[7, 3, 11, 5]),
        task_spec("middle", middle),
        task_spec("mc_c", {"none": {"acc_norm": [1, 1, 0], "acc": [0, 1, 1]}}),
        # The same metric columns as "middle", with maj_at_4 on a filter where "middle"
        # has none: that filter's empty rows are dropped per file, not across files.
        task_spec(
            "middle_b",
            {
                "strict": {"exact_match": [0.0, 0.0, 1.0], "maj_at_4": [1.0, 1.0, 0.0]},
                "flex": {"exact_match": [1.0, 0.0, 1.0], "maj_at_4": [0.0, 0.0, 1.0]},
                "lenient": {"exact_match": [0.0, 1.0, 0.0]},
            },
        ),
    ]
    model_dir = lm_eval_writer.run("m", tasks)
    whole = load_lm_eval(model_dir, line_starts=True)
    files = sorted(model_dir.glob("samples_*.jsonl"))
    alone = [load_lm_eval(path, line_starts=True) for path in files]
    sources = whole.scores.get_column("source").unique(maintain_order=True).to_list()
    alone.sort(key=lambda data: sources.index(data.scores.get_column("source")[0]))
    assert whole.scores.equals(pl.concat([data.scores for data in alone]))
    starts = [data.line_starts for data in alone if data.line_starts is not None]
    assert whole.line_starts is not None
    assert len(starts) == len(alone)
    assert whole.line_starts.equals(pl.concat(starts))
    middles = (3 * 3 + 3) + (3 * 3 + 2 * 3)
    assert whole.scores.height == 2 * 3 + 2 * 4 + 2 * 3 + 2 * 3 + 2 * 4 + 2 * 3 + middles
