"""read_inspect on a real log from the Inspect repository and on logs inspect_ai writes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from inspect_mock import CANDIDATE_WRONG, EPOCHS, EXPECTED_B, EXPECTED_C, N_SAMPLES, InspectRuns

import fastmcnemar
from fastmcnemar import (
    InputFormatError,
    InputWarning,
    InvalidArgumentError,
    PairingError,
    read_inspect,
)
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.inspect_values import score_to_float
from fastmcnemar.ingest.schema import SCORE_SCHEMA, validate_score_frame

POPULARITY = "realdata/inspect-json-log/2025-05-12T20-28-13-04-00_popularity.json"


def _bc(reference: pl.DataFrame, candidate: pl.DataFrame) -> tuple[int, int]:
    paired = fastmcnemar.pair(reference, candidate)
    b = paired.filter((pl.col("reference") == 1) & (pl.col("candidate") == 0)).height
    c = paired.filter((pl.col("reference") == 0) & (pl.col("candidate") == 1)).height
    return b, c


# ----------------------------------------------------------------------------- real files


def test_real_json_log_from_the_inspect_repository(shared_dir: Path) -> None:
    frame = read_inspect(shared_dir / POPULARITY)
    validate_score_frame(frame)
    assert frame.schema == pl.Schema(SCORE_SCHEMA)
    assert frame.select("model", "task", "filter", "metric").unique().rows() == [
        ("openai/gpt-4o-mini", "popularity", "none", "match")
    ]
    # samples 1 and 2 "C", sample 3 "I": accuracy 0.667 as the log's results say
    assert frame.select("doc_id", "score").rows() == [("1", 1.0), ("2", 1.0), ("3", 0.0)]
    log = json.loads((shared_dir / POPULARITY).read_text())
    accuracy = log["results"]["scores"][0]["metrics"]["accuracy"]["value"]
    assert frame["score"].mean() == pytest.approx(accuracy, abs=1e-15)
    assert frame["doc_hash"].null_count() == frame.height
    assert detect_format(shared_dir / POPULARITY) == "inspect"


def test_real_json_log_epoch_pairing_encodes_epoch_in_doc_id(shared_dir: Path) -> None:
    frame = read_inspect(shared_dir / POPULARITY, pairing="epoch")
    assert frame["doc_id"].to_list() == ["1#1", "2#1", "3#1"]


# ----------------------------------------------------------------------------- inspect_ai


def test_inspect_ai_logs_recover_known_b_and_c(inspect_runs: InspectRuns) -> None:
    reference = read_inspect(inspect_runs.reference_eval)
    candidate = read_inspect(inspect_runs.candidate_json)
    assert reference.height == candidate.height == N_SAMPLES
    assert set(reference["model"]) == {"mockllm/reference"}
    assert set(candidate["model"]) == {"mockllm/candidate"}
    assert _bc(reference, candidate) == (EXPECTED_B, EXPECTED_C)
    wrong = candidate.filter(pl.col("score") == 0)["doc_id"].to_list()
    assert sorted(wrong, key=int) == [str(i) for i in sorted(CANDIDATE_WRONG)]


def test_inspect_ai_epoch_pairing_doubles_the_pairs(inspect_runs: InspectRuns) -> None:
    reference = read_inspect(inspect_runs.reference_eval, pairing="epoch")
    candidate = read_inspect(inspect_runs.candidate_json, pairing="epoch")
    assert reference.height == N_SAMPLES * EPOCHS
    assert {"1#1", "1#2", "12#2"} <= set(reference["doc_id"])
    assert _bc(reference, candidate) == (EPOCHS * EXPECTED_B, EPOCHS * EXPECTED_C)


def test_eval_zip_and_json_of_one_run_read_the_same(inspect_runs: InspectRuns) -> None:
    from_zip = read_inspect(inspect_runs.reference_eval, pairing="epoch").drop("source")
    from_json = read_inspect(inspect_runs.reference_json, pairing="epoch").drop("source")
    assert from_zip.equals(from_json)
    with zipfile.ZipFile(inspect_runs.reference_eval) as archive:
        methods = {info.compress_type for info in archive.infolist()}
    assert 93 in methods  # inspect_ai writes Zstandard members: the path we must handle


def test_compare_accepts_inspect_logs_and_a_directory(inspect_runs: InspectRuns) -> None:
    directory = inspect_runs.candidate_json.parent.parent  # holds both runs
    assert detect_format(directory) == "inspect"
    both = read_inspect(directory / "reference")
    assert set(both["model"]) == {"mockllm/reference"}
    with pytest.warns(fastmcnemar.ClusterWarning):  # 12 samples: 12 clusters
        result = fastmcnemar.compare(inspect_runs.reference_eval, inspect_runs.candidate_json)
    row = result.tasks.row(0, named=True)
    # Every (sample, epoch) is tested, the epochs of a sample forming one cluster.
    assert (row["task"], row["metric"], row["b"], row["c"]) == (
        "arith",
        "match",
        EPOCHS * EXPECTED_B,
        EPOCHS * EXPECTED_C,
    )
    assert result.metadata["clusters"]["tasks"][0]["n_clusters"] == N_SAMPLES
    mean = fastmcnemar.compare(
        inspect_runs.reference_eval, inspect_runs.candidate_json, epochs="mean"
    )
    row = mean.tasks.row(0, named=True)
    assert (row["b"], row["c"]) == (EXPECTED_B, EXPECTED_C)
    meta = result.metadata["reference"]
    assert meta["format"] == "inspect"
    assert meta["harness_version"].startswith("inspect_ai ")


# ----------------------------------------------------------------------------- hand-made logs


def _log(samples: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"eval": {"task": "t", "model": "m"}, "samples": samples, **extra}


def _sample(sid: Any, value: Any, epoch: int = 1, scorer: str = "s") -> dict[str, Any]:
    return {"id": sid, "epoch": epoch, "scores": {scorer: {"value": value}}}


def _write(tmp_path: Path, log: dict[str, Any], name: str = "log.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(log))
    return path


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("C", 1.0),
        ("I", 0.0),
        ("P", 0.5),
        ("N", 0.0),
        ("yes", 1.0),
        ("False", 0.0),
        ("0.25", 0.25),
        (True, 1.0),
        (3, 3.0),
        (0.75, 0.75),
        (None, None),
        (float("nan"), None),
        ("NaN", None),
    ],
)
def test_value_mapping_follows_inspect(value: Any, expected: float | None) -> None:
    assert score_to_float(value, where="x") == expected


@pytest.mark.parametrize("value", ["maybe", float("inf"), "inf", {1, 2}])
def test_value_that_is_not_a_score_is_an_error(value: Any) -> None:
    with pytest.raises(InputFormatError, match=r"^where: score value"):
        score_to_float(value, where="where")


def test_unscored_samples_are_kept_null_and_announced(tmp_path: Path) -> None:
    path = _write(tmp_path, _log([_sample(1, "C"), _sample(2, None), _sample(3, "NaN")]))
    with pytest.warns(InputWarning, match=r"2 of 3 samples unscored .*ids 2, 3"):
        frame = read_inspect(path)
    assert frame["score"].to_list() == [1.0, None, None]
    # pairing refuses them by id instead of dropping them silently
    with pytest.warns(InputWarning), pytest.raises(PairingError, match=r"doc ids 2, 3"):
        fastmcnemar.pair(frame, read_inspect(path).with_columns(pl.lit("other").alias("model")))


def test_errored_sample_without_scores_is_unscored(tmp_path: Path) -> None:
    errored = {"id": 2, "epoch": 1, "error": {"message": "boom"}}
    path = _write(tmp_path, _log([_sample(1, "C"), errored]))
    with pytest.warns(InputWarning, match=r"1 of 2 samples unscored"):
        frame = read_inspect(path)
    assert frame.select("doc_id", "score").rows() == [("1", 1.0), ("2", None)]


def test_dict_valued_scores_become_one_metric_per_key(tmp_path: Path) -> None:
    path = _write(
        tmp_path, _log([_sample(1, {"a": "C", "b": 0.5}), _sample(2, {"a": "I", "b": 1})])
    )
    frame = read_inspect(path)
    assert frame.select("metric", "doc_id", "score").rows() == [
        ("s/a", "1", 1.0),
        ("s/a", "2", 0.0),
        ("s/b", "1", 0.5),
        ("s/b", "2", 1.0),
    ]


def test_list_valued_scorer_is_left_out_with_a_warning(tmp_path: Path) -> None:
    samples = [
        {"id": 1, "epoch": 1, "scores": {"ok": {"value": "C"}, "many": {"value": [1, 0]}}},
        {"id": 2, "epoch": 1, "scores": {"ok": {"value": "I"}, "many": {"value": [0, 0]}}},
    ]
    with pytest.warns(InputWarning, match=r"left out: many \(value is a list"):
        frame = read_inspect(_write(tmp_path, _log(samples)))
    assert set(frame["metric"]) == {"ok"}


def test_reduced_pairing_uses_the_logged_reductions(tmp_path: Path) -> None:
    samples = [_sample(1, "C", 1), _sample(1, "I", 2), _sample(2, "C", 1), _sample(2, "C", 2)]
    reductions = [
        {"scorer": "s", "reducer": "max", "samples": [
            {"sample_id": 1, "value": 1.0}, {"sample_id": 2, "value": 1.0}]},
    ]  # fmt: skip
    with_reductions = read_inspect(_write(tmp_path, _log(samples, reductions=reductions), "a.json"))
    assert with_reductions["score"].to_list() == [1.0, 1.0]
    # Without reductions the mean over epochs, Inspect's default reducer.
    without = read_inspect(_write(tmp_path, _log(samples), "b.json"))
    assert without["score"].to_list() == [0.5, 1.0]
    by_epoch = read_inspect(tmp_path / "b.json", pairing="epoch")
    assert by_epoch.select("doc_id", "score").rows() == [
        ("1#1", 1.0),
        ("1#2", 0.0),
        ("2#1", 1.0),
        ("2#2", 1.0),
    ]


def test_scorers_option_selects(tmp_path: Path) -> None:
    sample = {"id": 1, "epoch": 1, "scores": {"x": {"value": "C"}, "y": {"value": "I"}}}
    path = _write(tmp_path, _log([sample]))
    assert read_inspect(path, scorers=["y"])["metric"].to_list() == ["y"]
    with pytest.raises(InvalidArgumentError, match=r"scorers: 'z' not in .*scorers there: x, y"):
        read_inspect(path, scorers=["z"])
    with pytest.raises(InvalidArgumentError, match=r"scorers: expected a list"):
        read_inspect(path, scorers="x")


def test_model_label_override(tmp_path: Path) -> None:
    path = _write(tmp_path, _log([_sample(1, "C")]))
    assert read_inspect(path, model="quantized")["model"].to_list() == ["quantized"]


def test_directory_skips_other_json_and_rejects_duplicates(tmp_path: Path) -> None:
    _write(tmp_path, _log([_sample(1, "C")]), "run1.json")
    _write(tmp_path, {"not": "a log"}, "listing.json")
    assert read_inspect(tmp_path).height == 1
    _write(tmp_path, _log([_sample(1, "I")]), "run2.json")
    with pytest.raises(InputFormatError, match=r"sample '1' appears in more than one log"):
        read_inspect(tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"eval": {"task": "t", "model": "m"}}, r"the log holds no samples"),
        ({"eval": {"model": "m"}, "samples": [{}]}, r"field 'eval.task' is missing"),
        ({"eval": {"task": "t", "model": "m"}, "samples": [{"epoch": 1}]}, r"samples\[0\]: .*'id'"),
        (_log([_sample(1, "C"), _sample(1, "I")]), r"sample 1 epoch 1 appears twice"),
        (_log([_sample(1, "huh")]), r"sample 1 epoch 1, scorer 's': score value 'huh'"),
        ({"results": {}}, r"not an Inspect log \(no 'eval' object"),
    ],
)
def test_malformed_json_logs_are_named(tmp_path: Path, content: Any, message: str) -> None:
    path = _write(tmp_path, content)
    with pytest.raises(InputFormatError, match=message) as info:
        read_inspect(path)
    assert str(path) in str(info.value)


def test_unreadable_files(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"no such file or directory"):
        read_inspect(tmp_path / "missing.eval")
    bad_zip = tmp_path / "broken.eval"
    bad_zip.write_bytes(b"not a zip")
    with pytest.raises(InputFormatError, match=r"broken.eval: not a readable .eval log"):
        read_inspect(bad_zip)
    empty_zip = tmp_path / "empty.eval"
    with zipfile.ZipFile(empty_zip, "w") as archive:
        archive.writestr("other.txt", "x")
    with pytest.raises(InputFormatError, match=r"no header.json or _journal/start.json"):
        read_inspect(empty_zip)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text("{")
    with pytest.raises(InputFormatError, match=r"bad.json: not valid JSON"):
        read_inspect(bad_json)
    empty_dir = tmp_path / "nothing_here"
    empty_dir.mkdir()
    with pytest.raises(InputFormatError, match=r"no Inspect logs"):
        read_inspect(empty_dir)
    with pytest.raises(InvalidArgumentError, match=r"pairing: expected 'reduced' or 'epoch'"):
        read_inspect(bad_json, pairing="both")  # type: ignore[arg-type]


def test_deflate_eval_zip_reads_without_zstandard(tmp_path: Path) -> None:
    """A .eval written with ordinary deflate (older Inspect) needs only the stdlib."""
    path = tmp_path / "old.eval"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/1_epoch_1.json", json.dumps(_sample(1, "C")))
        archive.writestr("samples/2_epoch_1.json", json.dumps(_sample(2, "I")))
    assert read_inspect(path)["score"].to_list() == [1.0, 0.0]


def test_zstd_log_without_zstandard_says_what_to_install(
    inspect_runs: InspectRuns, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    from fastmcnemar.ingest import zip_zstd

    if zip_zstd.zstd_supported_by_zipfile():
        pytest.skip("this Python reads Zstandard zip members itself")
    real = importlib.import_module

    def no_zstandard(name: str, *args: Any) -> Any:
        if name == "zstandard":
            raise ImportError(name)
        return real(name, *args)

    monkeypatch.setattr(zip_zstd.importlib, "import_module", no_zstandard)
    with pytest.raises(InputFormatError, match=r"Zstandard-compressed.*fastmcnemar\[inspect\]"):
        read_inspect(inspect_runs.reference_eval)


def test_corrupt_zstd_member_is_named(inspect_runs: InspectRuns, tmp_path: Path) -> None:
    data = bytearray(inspect_runs.reference_eval.read_bytes())
    with zipfile.ZipFile(inspect_runs.reference_eval) as archive:
        info = archive.getinfo("header.json")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 4, start + min(info.compress_size, 40)):
        data[k] ^= 0xFF
    broken = tmp_path / "corrupt.eval"
    broken.write_bytes(bytes(data))
    with pytest.raises(InputFormatError, match=r"corrupt.eval: member header.json"):
        read_inspect(broken)


def test_summaries_used_only_when_they_list_every_stored_sample(tmp_path: Path) -> None:
    path = tmp_path / "partial.eval"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/1_epoch_1.json", json.dumps(_sample(1, "C")))
        archive.writestr("samples/2_epoch_1.json", json.dumps(_sample(2, "I")))
        # a stale summary (one sample, wrong value): must not be trusted
        archive.writestr("summaries.json", json.dumps([_sample(1, "I")]))
    assert read_inspect(path)["score"].to_list() == [1.0, 0.0]
    complete = tmp_path / "complete.eval"
    with zipfile.ZipFile(complete, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/a_b_epoch_1.json", json.dumps(_sample("a_b", "C")))
        archive.writestr("summaries.json", json.dumps([_sample("a_b", "P")]))
    # summaries cover every stored sample: they are read (value from the summary)
    assert read_inspect(complete).select("doc_id", "score").rows() == [("a_b", 0.5)]
