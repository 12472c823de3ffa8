"""read_lighteval on details files written the way lighteval writes them.

lighteval itself needs torch (too heavy for CI), so tests/harness/lighteval_details.py
re-declares its v0.13 per-sample dataclasses and saves them exactly as
``EvaluationTracker.save`` does, through the ``datasets`` library lighteval uses.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

import fastmcnemar
from fastmcnemar import InputFormatError, InputWarning, PairingError, read_lighteval
from fastmcnemar.ingest.detect import detect_format
from fastmcnemar.ingest.schema import validate_score_frame

pytest.importorskip("datasets", reason="the 'harness' extra (datasets) is not installed")
from lighteval_details import write_legacy_run, write_run

DATE_A = "2025-11-05T14-43-47.148527"
DATE_B = "2025-11-06T09-00-00.000001"
TASK = "arc:easy|0"
N = 40
REF_WRONG = {3, 7, 11, 30}
CAND_WRONG = {3, 5, 6, 8, 12, 13, 21, 33, 39}
B = len(CAND_WRONG - REF_WRONG)  # 8
C = len(REF_WRONG - CAND_WRONG)  # 3


def _correct(wrong: set[int]) -> list[bool]:
    return [i not in wrong for i in range(N)]


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    ref = tmp_path / "ref_out"
    cand = tmp_path / "cand_out"
    write_run(ref, "org/base-model", DATE_A, TASK, _correct(REF_WRONG))
    # the candidate's rows are stored in another order: pairing must use doc.id
    write_run(cand, "org/base-model-int4", DATE_B, TASK, _correct(CAND_WRONG), shuffle_ids=True)
    return ref, cand


def test_v011_details_pair_on_doc_id(runs: tuple[Path, Path]) -> None:
    ref_dir, cand_dir = runs
    ref = read_lighteval(ref_dir)
    cand = read_lighteval(cand_dir)
    validate_score_frame(ref)
    assert set(ref["model"]) == {"org/base-model"}  # from the results JSON
    assert set(cand["model"]) == {"org/base-model-int4"}
    assert set(ref["task"]) == {TASK}
    assert sorted(set(ref["metric"])) == ["acc", "logprob_margin"]
    assert cand.filter(pl.col("metric") == "acc")["doc_id"].head(2).to_list() == ["39", "38"]
    paired = fastmcnemar.pair(
        ref.filter(pl.col("metric") == "acc"), cand.filter(pl.col("metric") == "acc")
    )
    b = paired.filter((pl.col("reference") == 1) & (pl.col("candidate") == 0)).height
    c = paired.filter((pl.col("reference") == 0) & (pl.col("candidate") == 1)).height
    assert (b, c) == (B, C)


def test_detected_and_compared_through_paths(runs: tuple[Path, Path]) -> None:
    ref_dir, cand_dir = runs
    assert detect_format(ref_dir) == "lighteval"
    details = next(ref_dir.rglob("details_*.parquet"))
    assert detect_format(details) == "lighteval"
    result = fastmcnemar.compare(ref_dir, cand_dir, metric="acc")
    row = result.tasks.row(0, named=True)
    assert (row["task"], row["b"], row["c"], row["n"]) == (TASK, B, C, N)
    meta = result.metadata["reference"]
    assert meta["format"] == "lighteval"
    assert meta["harness_version"].startswith("lighteval ")
    assert meta["tasks"][TASK]["n_shot"] == 0


def test_model_name_from_path_without_results_file(tmp_path: Path) -> None:
    details = write_run(tmp_path, "org/m", DATE_A, TASK, [True, False])
    (tmp_path / "results" / "org" / "m" / f"results_{DATE_A}.json").unlink()
    assert set(read_lighteval(details)["model"]) == {"org/m"}
    assert set(read_lighteval(details, model="label")["model"]) == {"label"}


def test_unscored_samples_kept_null_and_announced(tmp_path: Path) -> None:
    details = write_run(tmp_path, "org/m", DATE_A, TASK, [True] * 5, unscored=frozenset({1, 4}))
    with pytest.warns(InputWarning, match=r"metric 'acc': 2 of 5 samples unscored"):
        frame = read_lighteval(details)
    acc = frame.filter(pl.col("metric") == "acc").sort("doc_id")
    assert acc["score"].to_list() == [1.0, None, 1.0, 1.0, None]


def test_legacy_files_need_explicit_positional_pairing(tmp_path: Path) -> None:
    details = write_legacy_run(tmp_path, "org/m", DATE_A, f"lighteval|{TASK}", [True, False, True])
    with pytest.raises(
        PairingError, match=r"before v0.11 have no sample id.*allow_positional=True"
    ):
        read_lighteval(details)
    frame = read_lighteval(details, allow_positional=True)
    assert frame.select("task", "doc_id", "score").rows() == [
        (f"lighteval|{TASK}", "0", 1.0),
        (f"lighteval|{TASK}", "1", 0.0),
        (f"lighteval|{TASK}", "2", 1.0),
    ]


def test_non_numeric_metric_left_out(tmp_path: Path) -> None:
    path = tmp_path / "details" / "m" / DATE_A / f"details_t|0_{DATE_A}.parquet"
    path.parent.mkdir(parents=True)
    pl.DataFrame(
        {
            "doc": [{"id": "0"}, {"id": "1"}],
            "metric": [{"acc": 1.0, "tags": ["a"]}, {"acc": 0.0, "tags": ["b"]}],
        }
    ).write_parquet(path)
    with pytest.warns(InputWarning, match=r"metric 'tags' holds .* not one number"):
        frame = read_lighteval(path)
    assert set(frame["metric"]) == {"acc"}


def test_bad_inputs_are_named(tmp_path: Path) -> None:
    with pytest.raises(InputFormatError, match=r"no such file or directory"):
        read_lighteval(tmp_path / "nope.parquet")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFormatError, match=r"empty: no lighteval details files"):
        read_lighteval(empty)
    junk = tmp_path / "details_x|0_2025-01-01T00-00-00.parquet"
    junk.write_bytes(b"not parquet")
    with pytest.raises(InputFormatError, match=r"not a readable parquet file"):
        read_lighteval(junk)
    other = tmp_path / "other.parquet"
    pl.DataFrame({"a": [1]}).write_parquet(other)
    with pytest.raises(InputFormatError, match=r"other.parquet: not a lighteval details file"):
        read_lighteval(other)
    dup = tmp_path / "dup.parquet"
    pl.DataFrame(
        {"doc": [{"id": "0"}, {"id": "0"}], "metric": [{"a": 1.0}, {"a": 0.0}]}
    ).write_parquet(dup)
    with pytest.raises(InputFormatError, match=r"dup.parquet: doc.id '0' appears more than once"):
        read_lighteval(dup)
    no_id = tmp_path / "noid.parquet"
    pl.DataFrame({"doc": [{"query": "q"}], "metric": [{"a": 1.0}]}).write_parquet(no_id)
    with pytest.raises(InputFormatError, match=r"noid.parquet: column 'doc' has no field 'id'"):
        read_lighteval(no_id)


def test_two_runs_of_one_model_in_a_directory_are_refused(tmp_path: Path) -> None:
    write_run(tmp_path, "org/m", DATE_A, TASK, [True, False])
    write_run(tmp_path, "org/m", DATE_B, TASK, [True, True])
    with pytest.raises(InputFormatError, match=r"is in more than one details file"):
        read_lighteval(tmp_path)


def test_generic_parquet_scores_are_not_taken_for_lighteval(tmp_path: Path) -> None:
    path = tmp_path / "scores.parquet"
    pl.DataFrame(
        {"model": ["m"], "task": ["t"], "metric": ["acc"], "doc_id": ["0"], "score": [1.0]}
    ).write_parquet(path)
    assert detect_format(path) == "scores"
