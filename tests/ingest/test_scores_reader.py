"""read_scores: CSV / Parquet / JSONL files, folders of per-task CSVs, model_paths.json."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from fastmcnemar import InputFormatError, read_scores
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.schema import validate_score_frame


def test_csv_with_task_column(tmp_path: Path) -> None:
    path = tmp_path / "run.csv"
    path.write_text("task,doc_id,score\narc,0,1\narc,1,0\nmmlu,0,1\n")
    frame = validate_score_frame(read_scores(path))
    assert frame.select("model", "task", "filter", "metric", "doc_id", "score").rows() == [
        ("run", "arc", "none", "score", "0", 1.0),
        ("run", "arc", "none", "score", "1", 0.0),
        ("run", "mmlu", "none", "score", "0", 1.0),
    ]
    assert detect_format(path) == "scores"


def test_parquet_and_jsonl(tmp_path: Path) -> None:
    data = pl.DataFrame({"task": ["a", "a"], "prompt_id": ["p1", "p2"], "score": [0.5, 1.0]})
    data.write_parquet(tmp_path / "run.parquet")
    assert read_scores(tmp_path / "run.parquet", model="m")["doc_id"].to_list() == ["p1", "p2"]
    (tmp_path / "run.jsonl").write_text(
        '{"task": "a", "doc_id": 3, "score": true, "prompt": "long text"}\n'
        '{"task": "a", "doc_id": 4, "score": false}\n'
    )
    frame = read_scores(tmp_path / "run.jsonl")
    assert frame.select("doc_id", "score").rows() == [("3", 1.0), ("4", 0.0)]


def test_folder_of_task_csvs_and_model_paths_json(tmp_path: Path) -> None:
    for model, scores in (("base", "1\n0\n1"), ("quant", "1\n0\n0")):
        folder = tmp_path / model
        folder.mkdir()
        for task in ("arc", "gsm8k"):
            rows = "\n".join(f"{i},{s}" for i, s in enumerate(scores.split("\n")))
            (folder / f"{task}.csv").write_text("prompt_id,score\n" + rows + "\n")
    frame = read_scores(tmp_path / "quant")
    assert sorted(frame["task"].unique()) == ["arc", "gsm8k"]
    assert set(frame["model"]) == {"quant"}
    mapping = {
        "base": {"arc": "base/arc.csv", "gsm8k": "base/gsm8k.csv"},
        "quant": "quant",
    }
    (tmp_path / "model_paths.json").write_text(json.dumps(mapping))
    both = read_scores(tmp_path / "model_paths.json")
    assert sorted(both["model"].unique()) == ["base", "quant"]
    assert both.height == 12
    base = read_scores(tmp_path / "model_paths.json", model="base")
    assert set(base["model"]) == {"base"}
    with pytest.raises(InputFormatError, match=r"no model 'x' \(models: base, quant\)"):
        read_scores(tmp_path / "model_paths.json", model="x")


def test_errors_name_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("task,id,score\na,0,1\n")
    with pytest.raises(InputFormatError, match=r"bad.csv: no 'doc_id' or 'prompt_id' column"):
        read_scores(path)
    path.write_text("task,doc_id,value\na,0,1\n")
    with pytest.raises(InputFormatError, match=r"bad.csv: no 'score' column"):
        read_scores(path)
    path.write_text("task,doc_id,score\na,0,yes\n")
    with pytest.raises(
        InputFormatError, match=r"bad.csv: row 1 \(line 2\), doc_id '0': 'score' is 'yes', not a"
    ):
        read_scores(path)
    path.write_text("doc_id,score\n0,1\n")
    with pytest.raises(InputFormatError, match="no 'task' column"):
        read_scores(path)
    assert read_scores(path, task="arc")["task"].to_list() == ["arc"]
    path.write_text("task,doc_id,score\n")
    with pytest.raises(InputFormatError, match=r"bad.csv: no samples"):
        read_scores(path)
    jsonl = tmp_path / "bad.jsonl"
    jsonl.write_text('{"task": "a", "doc_id": 0, "score": 1}\n{"task": "a", "doc_id": 1, "sc\n')
    with pytest.raises(InputFormatError, match=r"bad.jsonl: line 2: not valid JSON"):
        read_scores(jsonl)
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(InputFormatError, match=r"unknown score file type '\.txt'"):
        read_scores(tmp_path / "x.txt")
    with pytest.raises(InputFormatError, match="not a recognised evaluation output"):
        detect_format(tmp_path / "x.txt")
