"""Tables from memory (pandas, Arrow, minimal frames) and how an audit names candidates."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import fastmcnemar as fm
from fastmcnemar.data import example_path

REF, RERUN, DEGRADED = (example_path(n) for n in ("reference", "rerun", "degraded"))


@pytest.fixture(scope="module")
def frames() -> tuple[pl.DataFrame, pl.DataFrame]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fm.InputWarning)  # corpus-level metrics left out
        ref = fm.read_lm_eval(REF).filter(pl.col("metric") == "acc")
        cand = fm.read_lm_eval(DEGRADED).filter(pl.col("metric") == "acc")
    return ref, cand


def test_pandas_and_arrow_equal_polars(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cand = frames
    expected = fm.compare(ref, cand)
    for convert in (lambda f: f.to_pandas(), lambda f: f.to_arrow(), lambda f: f.lazy()):
        got = fm.compare(convert(ref), convert(cand))
        assert got.tasks.equals(expected.tasks)
        assert got.degraded == expected.degraded


def test_a_plain_task_doc_score_frame_is_enough(frames: tuple[pl.DataFrame, pl.DataFrame]) -> None:
    ref, cand = frames
    full = fm.compare(ref, cand)
    small = [f.select("task", pl.col("doc_id").cast(pl.Int64), "score").to_pandas() for f in frames]
    got = fm.compare(*small)
    cols = ["task", "n", "b", "c", "pvalue", "verdict"]
    assert got.tasks.select(cols).equals(full.tasks.select(cols))
    assert got.reference == "reference"  # the side names when no model column
    named = [f.select("task", "doc_id", "score", "model") for f in frames]
    assert fm.compare(*named).candidate == "degraded"


def test_an_object_with_only_the_arrow_c_stream() -> None:
    class Stream:
        def __init__(self, table: pa.Table) -> None:
            self.table = table

        def __arrow_c_stream__(self, requested_schema: object = None) -> object:
            return self.table.__arrow_c_stream__(requested_schema)

    ref = pa.table({"task": ["t"] * 4, "doc_id": ["0", "1", "2", "3"], "score": [1.0] * 4})
    cand = pa.table({"task": ["t"] * 4, "doc_id": ["0", "1", "2", "3"], "score": [1.0, 0, 0, 1]})
    res = fm.compare(Stream(ref), Stream(cand))
    assert res.tasks.row(0, named=True)["b"] == 2
    assert fm.pair(pd.DataFrame(ref.to_pandas()), Stream(cand)).height == 4


def test_not_a_table_is_one_clear_error() -> None:
    with pytest.raises(fm.InputFormatError, match=r"reference: expected a path or a table"):
        fm.compare(42, REF)
    with pytest.raises(fm.InputFormatError, match="a score table needs a 'task' column"):
        fm.compare(pd.DataFrame({"doc_id": [0], "score": [1.0]}), REF)


def test_audit_labels_are_model_names_else_shortest_suffixes(tmp_path: Path) -> None:
    res = fm.audit(REF, [RERUN, DEGRADED], progress=False)
    assert list(res.comparisons) == ["rerun", "degraded"]  # the models the runs record

    # two runs of one model: the model name does not tell them apart -> path suffixes
    for ckpt in ("a", "b"):
        shutil.copytree(DEGRADED, tmp_path / ckpt / "step-100")
    res = fm.audit(REF, [tmp_path / "a" / "step-100", tmp_path / "b" / "step-100"], progress=False)
    assert list(res.comparisons) == ["a/step-100", "b/step-100"]
    html = res.to_html()
    assert str(tmp_path) not in html.split('id="heatmap"')[1].split("</section>")[0]


def test_the_reference_is_never_its_own_candidate(tmp_path: Path) -> None:
    with pytest.warns(fm.InputWarning, match="is the reference itself"):
        res = fm.audit(REF, [REF, DEGRADED], progress=False)
    assert list(res.comparisons) == ["degraded"]
    with (
        pytest.raises(fm.InvalidArgumentError, match="no candidate given"),
        pytest.warns(fm.InputWarning),
    ):
        fm.audit(REF, [REF], progress=False)


def test_model_option_picks_one_model_of_a_score_file(tmp_path: Path) -> None:
    rows = ["model,task,doc_id,score"]
    rows += [f"a,t,{i},{int(i % 3 != 0)}" for i in range(30)]
    rows += [f"b,t,{i},{int(i % 4 != 0)}" for i in range(30)]
    both = tmp_path / "both.csv"
    both.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = fm.compare(both, both, reference_model="a", candidate_model="b")
    assert (res.reference, res.candidate) == ("a", "b")
    assert res.tasks.row(0, named=True)["n"] == 30
