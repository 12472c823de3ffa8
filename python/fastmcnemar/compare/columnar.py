"""The columnar pass: one coded join and one group-by turn a candidate into TaskStats rows.

The reference is coded once (:func:`code_reference`): its (task, filter, metric)
triples and doc ids become integer codes, its rows are kept sorted by
(key, doc) beside their hashes. A candidate is then paired by joining on the
two integer codes, checked column-wise (duplicates, missing docs, non-finite
scores, scores outside [0, 1] against a 0/1 side, differing hashes) and
reduced per task in one group-by.

Every check here only *detects*: when anything is off, :func:`paired_stats`
returns None and the caller runs the row-by-row pairing
(:func:`fastmcnemar.pair_report`), which raises or warns with the exact message
that names the task, the doc ids and the files. Clean runs, the usual case,
never pay for the explanations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare.metrics import Choice
from fastmcnemar.compare.task_stats import STATS_COLUMNS

_TRIPLES = ["task", "filter", "metric"]
_HASHES = ("doc_hash", "prompt_hash", "target_hash")


@dataclass(frozen=True, eq=False)
class CodedReference:
    """The reference's rows under integer codes (picklable).

    ``keys``: task, filter, metric, key (UInt32) in order of appearance;
    ``docs``: doc_id, doc (UInt32) in the harness's order (numeric ids by value,
    then text), so a doc's code orders docs as :func:`fastmcnemar.pair` does;
    ``rows``: key, doc, reference (score), the three hashes, sorted by (key, doc);
    ``clean``: one model and no duplicate (key, doc), so the fast pairing applies.
    """

    keys: pl.DataFrame
    docs: pl.DataFrame
    rows: pl.DataFrame
    clean: bool


def doc_order(doc_ids: pl.Series) -> pl.Series:
    """Distinct doc ids in the order pairing sorts them: numeric ids by value, then text."""
    frame = pl.DataFrame({"doc_id": doc_ids.unique()}).with_columns(
        pl.col("doc_id").str.to_integer(strict=False).alias("_num")
    )
    return frame.sort(["_num", "doc_id"], nulls_last=True).get_column("doc_id")


def code_reference(scores: pl.DataFrame) -> CodedReference:
    """Code the reference's score frame once (see :class:`CodedReference`)."""
    keys = (
        scores.select(_TRIPLES)
        .unique(maintain_order=True)
        .with_row_index("key")
        .select(*_TRIPLES, pl.col("key").cast(pl.UInt32))
    )
    order = doc_order(scores.get_column("doc_id"))
    docs = pl.DataFrame({"doc_id": order, "doc": pl.arange(0, order.len(), eager=True)}).cast(
        {"doc": pl.UInt32}
    )
    rows = (
        scores.join(keys, on=_TRIPLES, how="left")
        .join(docs, on="doc_id", how="left")
        .select("key", "doc", pl.col("score").alias("reference"), *_HASHES)
        .sort("key", "doc")
    )
    models = scores.get_column("model").n_unique()
    duplicated = rows.select(pl.struct("key", "doc").is_duplicated().any()).item()
    return CodedReference(keys, docs, rows, clean=models <= 1 and not duplicated)


def paired_stats(
    coded: CodedReference, candidate: pl.DataFrame, choices: Sequence[Choice], label: str
) -> tuple[pl.DataFrame, int] | None:
    """The TaskStats rows of ``candidate`` for ``choices`` and the number of pairs whose
    doc hashes were compared; None when any pairing check fails (see the module notes)."""
    if not coded.clean or candidate.height == 0:
        return None
    chosen = pl.DataFrame(
        {
            "task": [c.task for c in choices],
            "filter": [c.filter for c in choices],
            "metric": [c.metric for c in choices],
            "lower_is_better": [c.lower_is_better for c in choices],
            "order": list(range(len(choices))),
        },
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8,
                "lower_is_better": pl.Boolean, "order": pl.UInt32},
    ).join(coded.keys, on=_TRIPLES, how="inner")  # fmt: skip
    if chosen.height != len(choices):
        return None
    cand = (
        candidate.select(*_TRIPLES, "doc_id", "model", "score", *_HASHES)
        .join(chosen.select(*_TRIPLES, "key"), on=_TRIPLES, how="inner")
        .join(coded.docs, on="doc_id", how="left")
    )
    checks = cand.select(
        pl.col("model").n_unique().alias("models"),
        pl.col("doc").null_count().alias("unknown_docs"),
        pl.struct("key", "doc").is_duplicated().any().alias("duplicated"),
    ).row(0, named=True)
    if checks["models"] > 1 or checks["unknown_docs"] or checks["duplicated"]:
        return None
    ref = coded.rows.join(chosen.select("key"), on="key", how="semi")
    joined = ref.join(
        cand.select("key", "doc", pl.col("score").alias("candidate"), *_HASHES),
        on=["key", "doc"],
        how="inner",
        suffix="_candidate",
    )
    if joined.height != ref.height or joined.height != cand.height:
        return None  # docs on one side only: the row-by-row pairing names them
    if _hashes_differ(joined) or not _scores_clean(joined):
        return None
    hashes_checked = int(
        joined.select(
            (pl.col("doc_hash").is_not_null() & pl.col("doc_hash_candidate").is_not_null()).sum()
        ).item()
    )
    return _reduce(joined, chosen, label), hashes_checked


def _hashes_differ(joined: pl.DataFrame) -> bool:
    differ = [
        (pl.col(h).is_not_null() & pl.col(f"{h}_candidate").is_not_null()
         & (pl.col(h) != pl.col(f"{h}_candidate"))).any()
        for h in _HASHES
    ]  # fmt: skip
    return bool(any(joined.select(differ).row(0)))


def _scores_clean(joined: pl.DataFrame) -> bool:
    """Finite scores on both sides, and no side outside [0, 1] where the other is 0/1."""
    finite = joined.select(
        pl.col("reference").is_finite().all() & pl.col("candidate").is_finite().all()
    ).item()
    # is_finite is null for null scores: a null makes the `all` false or null.
    if finite is not True:
        return False
    ranges = joined.group_by("key").agg(
        pl.col("reference").is_in([0.0, 1.0]).all().alias("ref_binary"),
        pl.col("candidate").is_in([0.0, 1.0]).all().alias("cand_binary"),
        ((pl.col("reference") < 0) | (pl.col("reference") > 1)).any().alias("ref_out"),
        ((pl.col("candidate") < 0) | (pl.col("candidate") > 1)).any().alias("cand_out"),
    )
    bad = ranges.select(
        (
            (pl.col("ref_binary") & pl.col("cand_out"))
            | (pl.col("cand_binary") & pl.col("ref_out"))
        ).any()
    ).item()
    return not bad


def _reduce(joined: pl.DataFrame, chosen: pl.DataFrame, label: str) -> pl.DataFrame:
    """One group-by: n, b, c and sums per task, oriented so that higher is better."""
    ref, cand = pl.col("reference"), pl.col("candidate")
    kinds = joined.group_by("key").agg(
        (ref.is_in([0.0, 1.0]).all() & cand.is_in([0.0, 1.0]).all()).alias("binary")
    )
    frame = joined.join(kinds, on="key").join(chosen.select("key", "lower_is_better"), on="key")
    # 1 - x keeps binary scores binary; -x flips continuous ones.
    flip = pl.col("lower_is_better")
    binary = pl.col("binary")
    oriented = frame.select(
        "key",
        "doc",
        "binary",
        pl.when(flip & binary).then(1.0 - ref).when(flip).then(-ref).otherwise(ref)
        .alias("reference"),
        pl.when(flip & binary).then(1.0 - cand).when(flip).then(-cand).otherwise(cand)
        .alias("candidate"),
    )  # fmt: skip
    stats = oriented.group_by("key").agg(
        pl.col("binary").first(),
        pl.len().cast(pl.Int64).alias("n"),
        (ref > cand).sum().cast(pl.Int64).alias("b"),
        (cand > ref).sum().cast(pl.Int64).alias("c"),
        ref.sum().alias("reference_sum"),
        cand.sum().alias("candidate_sum"),
    )
    continuous = (
        oriented.filter(~pl.col("binary"))
        .sort("key", "doc")
        .group_by("key", maintain_order=True)
        .agg(
            pl.col("doc").cast(pl.Int64).alias("doc_codes"),
            ref.alias("reference_scores"),
            cand.alias("candidate_scores"),
        )
    )
    out = (
        chosen.join(stats, on="key", how="left")
        .join(continuous, on="key", how="left")
        .sort("order")
        .with_columns(
            pl.lit(label, dtype=pl.Utf8).alias("candidate"),
            pl.when(pl.col("binary"))
            .then(pl.lit("binary"))
            .otherwise(pl.lit("continuous"))
            .alias("kind"),
            pl.lit(None, dtype=STATS_COLUMNS["clusters"]).alias("clusters"),
        )
        .select(list(STATS_COLUMNS))
    )
    return _exact_continuous_sums(out)


def _exact_continuous_sums(rows: pl.DataFrame) -> pl.DataFrame:
    """Sums of continuous rows as numpy adds them (pairwise, over the doc-ordered scores),
    so every engine reports the same bits."""
    mask = rows.get_column("kind") == "continuous"
    if not mask.any():
        return rows
    ref_sums = rows.get_column("reference_sum").to_list()
    cand_sums = rows.get_column("candidate_sum").to_list()
    refs = rows.get_column("reference_scores").to_list()
    cands = rows.get_column("candidate_scores").to_list()
    for i, is_cont in enumerate(mask.to_list()):
        if is_cont:
            ref_sums[i] = float(np.asarray(refs[i], dtype=np.float64).sum())
            cand_sums[i] = float(np.asarray(cands[i], dtype=np.float64).sum())
    return rows.with_columns(
        pl.Series("reference_sum", ref_sums, dtype=pl.Float64),
        pl.Series("candidate_sum", cand_sums, dtype=pl.Float64),
    )


def stats_rows(rows: list[dict[str, Any]]) -> pl.DataFrame:
    """TaskStats rows from Python dicts (the row-by-row path)."""
    return pl.DataFrame(rows, schema=STATS_COLUMNS)


__all__ = ["CodedReference", "code_reference", "doc_order", "paired_stats", "stats_rows"]
