"""pair(): every mismatch is an error or a warning naming task, doc ids and files."""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from fastmcnemar import PairingError, PairingWarning, pair, read_lm_eval
from fastmcnemar.ingest.schema import conform


def frame(
    model: str,
    scores: list[float],
    *,
    task: str = "t",
    ids: list[str] | None = None,
    metric: str = "acc",
    doc_hash: list[str] | None = None,
    prompt_hash: list[str] | None = None,
    target_hash: list[str] | None = None,
    source: str | None = None,
) -> pl.DataFrame:
    n = len(scores)
    data: dict[str, Any] = {
        "model": model,
        "task": task,
        "metric": metric,
        "doc_id": ids if ids is not None else [str(i) for i in range(n)],
        "score": scores,
        "source": source or f"{model}/samples_{task}.jsonl",
    }
    for key, value in (
        ("doc_hash", doc_hash),
        ("prompt_hash", prompt_hash),
        ("target_hash", target_hash),
    ):
        if value is not None:
            data[key] = value
    return conform(pl.DataFrame(data))


def test_pairs_by_key_whatever_the_order() -> None:
    ref = frame("a", [1.0, 0.0, 1.0], ids=["2", "0", "10"])
    cand = frame("b", [0.0, 1.0, 0.0], ids=["10", "2", "0"])
    out = pair(ref, cand)
    assert out.columns == ["task", "filter", "metric", "doc_id", "reference", "candidate"]
    assert out["doc_id"].to_list() == ["0", "2", "10"]
    assert out["reference"].to_list() == [0.0, 1.0, 1.0]
    assert out["candidate"].to_list() == [0.0, 1.0, 0.0]


def test_mismatched_doc_sets() -> None:
    ref = frame("a", [1.0, 0.0, 1.0, 1.0])
    cand = frame("b", [1.0, 0.0])
    with pytest.raises(
        PairingError,
        match=r"task 't' \(filter 'none', metric 'acc'\): 2 doc id\(s\) only in reference "
        r"\(a/samples_t.jsonl\): 2, 3",
    ):
        pair(ref, cand)
    with pytest.warns(PairingWarning, match="only in reference"):
        out = pair(ref, cand, allow_missing=True)
    assert out.height == 2


def test_duplicate_doc_ids() -> None:
    ref = frame("a", [1.0, 0.0, 1.0], ids=["0", "1", "1"])
    with pytest.raises(
        PairingError, match=r"reference task 't' .*duplicate doc ids 1 in a/samples_t.jsonl"
    ):
        pair(ref, frame("b", [1.0, 0.0, 1.0]))


@pytest.mark.parametrize("bad", [math.nan, math.inf, None])
def test_nan_infinite_or_missing_scores(bad: float | None) -> None:
    cand = frame("b", [1.0, 0.0, 1.0]).with_columns(
        pl.when(pl.col("doc_id") == "1").then(bad).otherwise(pl.col("score")).alias("score")
    )
    with pytest.raises(
        PairingError, match=r"candidate task 't' .*missing, NaN or infinite score for doc ids 1"
    ):
        pair(frame("a", [1.0, 0.0, 1.0]), cand)


def test_out_of_range_against_binary_side() -> None:
    with pytest.raises(PairingError, match=r"candidate task 't' .*outside \[0, 1\].*doc ids 2"):
        pair(frame("a", [1.0, 0.0, 1.0]), frame("b", [1.0, 0.0, 7.0]))
    # Two continuous sides are fine.
    assert pair(frame("a", [0.5, 3.0]), frame("b", [0.25, 2.0])).height == 2


def test_doc_and_target_hash_mismatch_is_an_error_unless_allowed() -> None:
    ref = frame("a", [1.0, 0.0], doc_hash=["x", "y"], target_hash=["p", "q"])
    cand = frame("b", [1.0, 0.0], doc_hash=["x", "z"], target_hash=["p", "q"])
    with pytest.raises(
        PairingError, match=r"task 't': doc_hash differs for 1 doc id\(s\) \(1\).*different data"
    ):
        pair(ref, cand)
    with pytest.warns(PairingWarning, match="doc_hash differs"):
        assert pair(ref, cand, allow_hash_mismatch=True).height == 2
    cand_target = frame("b", [1.0, 0.0], doc_hash=["x", "y"], target_hash=["p", "r"])
    with pytest.raises(PairingError, match=r"target_hash differs.*different targets"):
        pair(ref, cand_target)


def test_prompt_hash_mismatch_is_a_warning() -> None:
    ref = frame("a", [1.0, 0.0], prompt_hash=["p0", "p1"])
    cand = frame("b", [1.0, 0.0], prompt_hash=["p0", "other"])
    with pytest.warns(PairingWarning, match=r"prompt_hash differs for 1 doc id\(s\) \(1\)"):
        assert pair(ref, cand).height == 2


def test_task_on_one_side_is_warned_and_left_out() -> None:
    ref = pl.concat([frame("a", [1.0, 0.0]), frame("a", [1.0], task="only_ref")])
    with pytest.warns(PairingWarning, match=r"task 'only_ref' .*task only in reference, left out"):
        out = pair(ref, frame("b", [0.0, 0.0]))
    assert set(out["task"]) == {"t"}


def test_no_common_task_and_empty_sides() -> None:
    with pytest.raises(PairingError, match="no task in common"):
        pair(frame("a", [1.0]), frame("b", [1.0], task="u"))
    with pytest.raises(PairingError, match="candidate has no samples"):
        pair(frame("a", [1.0]), frame("b", [1.0]).head(0))


def test_several_models_on_one_side() -> None:
    ref = pl.concat([frame("a", [1.0]), frame("z", [1.0])])
    with pytest.raises(PairingError, match=r"reference holds 2 models \(a, z\): choose one"):
        pair(ref, frame("b", [1.0]))


def test_wrong_schema() -> None:
    from fastmcnemar import InputFormatError

    with pytest.raises(InputFormatError, match="reference: no 'doc_id' or 'prompt_id' column"):
        pair(pl.DataFrame({"task": ["t"]}), frame("b", [1.0]))


def test_pyfade_pairs(shared_dir: Path) -> None:
    root = shared_dir / "realdata" / "pyfade-gemma3"
    pairs = []
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pairs.append(
            pair(
                read_lm_eval(root / "results_2025-09-09T13-42-42.857006.json"),
                read_lm_eval(root / "results_2025-09-09T13-31-53.431753.json"),
            )
        )
        mmlu = root / "eval_mmlu_pro_plus"
        pairs.append(
            pair(
                read_lm_eval(mmlu, model="/workspace/gemma-3-12b-it-base"),
                read_lm_eval(mmlu, model="/workspace/gemma3_12b_u2"),
            )
        )
    both = pl.concat(pairs)
    assert both.height == 12
    b = both.filter((pl.col("reference") == 1) & (pl.col("candidate") == 0)).height
    c = both.filter((pl.col("reference") == 0) & (pl.col("candidate") == 1)).height
    assert (b, c) == (4, 0)
    per_task = both.group_by("task").len().sort("task").rows()
    assert per_task == [
        ("gsm8k", 3),
        ("mmlu_pro_plus_chemistry", 3),
        ("mmlu_pro_plus_health", 3),
        ("mmlu_pro_plus_psychology", 3),
    ]
