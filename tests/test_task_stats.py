"""TaskStats: the engine split gives compare/audit's answers; stats merge, pickle and ship."""

from __future__ import annotations

import pickle

import polars as pl
import pytest

import fastmcnemar as fm
from fastmcnemar.compare import (
    DecisionOptions,
    ReferenceIndex,
    TaskStats,
    candidate_stats,
    decide_audit,
    index_reference,
)
from fastmcnemar.data import example_path
from fastmcnemar.exceptions import InvalidArgumentError


@pytest.fixture(scope="module")
def index() -> ReferenceIndex:
    return index_reference(example_path("reference"))


@pytest.fixture(scope="module")
def degraded(index: ReferenceIndex) -> TaskStats:
    return candidate_stats(index, example_path("degraded"), label="int4")


def test_the_split_gives_audits_answer(index: ReferenceIndex, degraded: TaskStats) -> None:
    rerun = candidate_stats(index, example_path("rerun"), label="rerun")
    split = decide_audit(index, {"rerun": rerun, "int4": degraded}, DecisionOptions())
    whole = fm.audit(
        example_path("reference"),
        {"rerun": example_path("rerun"), "int4": example_path("degraded")},
    )
    assert split.table.equals(whole.table)
    assert split.summary.equals(whole.summary)
    assert split.to_json() == whole.to_json()


def test_binary_rows_hold_counts_and_continuous_rows_hold_scores(degraded: TaskStats) -> None:
    rows = degraded.rows
    binary = rows.filter(pl.col("kind") == "binary")
    assert binary.get_column("doc_codes").null_count() == binary.height
    cont = rows.filter(pl.col("kind") == "continuous").row(0, named=True)
    codes = cont["doc_codes"]
    assert codes == sorted(codes)
    assert len(codes) == cont["n"]
    assert len(cont["reference_scores"]) == cont["n"] == len(cont["candidate_scores"])


def test_arrow_and_pickle_round_trips(degraded: TaskStats) -> None:
    for back in (TaskStats.from_arrow(degraded.to_arrow()), pickle.loads(pickle.dumps(degraded))):
        assert back.rows.equals(degraded.rows)
        assert back.skipped.equals(degraded.skipped)
        assert back.metadata == degraded.metadata
        assert back.index_key == degraded.index_key


def _halves(stats: TaskStats) -> tuple[TaskStats, TaskStats]:
    """Split every row's docs in two disjoint parts (evens / odds of the doc codes)."""
    parts: list[list[dict[str, object]]] = [[], []]
    for row in stats.rows.iter_rows(named=True):
        if row["kind"] == "binary":
            half = dict(row, n=row["n"] // 2, b=row["b"] // 2, c=row["c"] // 2,
                        reference_sum=row["reference_sum"] // 2,
                        candidate_sum=row["candidate_sum"] // 2)  # fmt: skip
            rest = {
                **row,
                **{k: row[k] - half[k] for k in ("n", "b", "c", "reference_sum", "candidate_sum")},
            }
            parts[0].append(half)
            parts[1].append(rest)
            continue
        for side in (0, 1):
            keep = [i for i, code in enumerate(row["doc_codes"]) if code % 2 == side]
            ref = [row["reference_scores"][i] for i in keep]
            cand = [row["candidate_scores"][i] for i in keep]
            parts[side].append(dict(
                row, n=len(keep), doc_codes=[row["doc_codes"][i] for i in keep],
                reference_scores=ref, candidate_scores=cand,
                b=sum(r > c for r, c in zip(ref, cand, strict=True)),
                c=sum(c > r for r, c in zip(ref, cand, strict=True)),
            ))  # fmt: skip
    schema = stats.rows.schema
    return (
        TaskStats(pl.DataFrame(parts[1], schema=schema), stats.skipped, stats.metadata,
                  stats.index_key),
        TaskStats(pl.DataFrame(parts[0], schema=schema), stats.skipped, {}, stats.index_key),
    )  # fmt: skip


def test_merging_disjoint_halves_restores_the_whole(degraded: TaskStats) -> None:
    odd, even = _halves(degraded)
    merged = odd + even
    cols = [c for c in degraded.rows.columns if c not in ("reference_sum", "candidate_sum")]
    assert merged.rows.select(cols).equals(degraded.rows.select(cols))
    assert merged.rows.get_column("reference_sum").to_list() == pytest.approx(
        degraded.rows.get_column("reference_sum").to_list()
    )


def test_merging_overlapping_docs_or_other_indexes_refuses(
    index: ReferenceIndex, degraded: TaskStats
) -> None:
    cont = degraded.rows.filter(pl.col("kind") == "continuous")
    part = TaskStats(cont, index_key=degraded.index_key)
    with pytest.raises(InvalidArgumentError, match="disjoint docs"):
        part.merge(part)
    other = TaskStats(cont, index_key="0" * 16)
    with pytest.raises(InvalidArgumentError, match="different reference indexes"):
        part.merge(other)
    flipped = cont.with_columns(pl.lit("binary").alias("kind"))
    with pytest.raises(InvalidArgumentError, match="binary in one part"):
        part.merge(TaskStats(flipped, index_key=degraded.index_key))


def test_different_candidates_concatenate(index: ReferenceIndex, degraded: TaskStats) -> None:
    rerun = candidate_stats(index, example_path("rerun"), label="rerun")
    both = TaskStats.concat([rerun, degraded])
    assert both.candidates == ["rerun", "int4"]
    assert both.select("int4").rows.equals(degraded.rows)
    audit = decide_audit(index, both, DecisionOptions())
    assert audit.summary.get_column("candidate").to_list() == ["rerun", "int4"]


def test_wrong_schema_is_a_named_error() -> None:
    with pytest.raises(InvalidArgumentError, match="TaskStats rows"):
        TaskStats(pl.DataFrame({"task": ["a"]}))
    with pytest.raises(InvalidArgumentError, match="not a TaskStats table"):
        TaskStats.from_arrow(pl.DataFrame({"task": ["a"]}).to_arrow())


def test_the_index_travels(index: ReferenceIndex, degraded: TaskStats) -> None:
    """A pickled index (as shipped to a worker) gives the same stats."""
    shipped = pickle.loads(pickle.dumps(index))
    again = candidate_stats(shipped, example_path("degraded"), label="int4")
    assert again.rows.equals(degraded.rows)
    assert again.index_key == index.key
