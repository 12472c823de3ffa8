"""Which samples flipped: the paired docs whose score changed.

After a red banner the first question is "which samples broke?". For every tested
(task, filter, metric), :func:`find_flips` keeps the paired docs whose reference and
candidate scores differ: the candidate's losses first (largest drop first), then its
gains. Their prompt, target and responses are added by
:func:`~fastmcnemar.compare.flip_texts.attach_texts`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import polars as pl

from fastmcnemar.compare import frame_ops
from fastmcnemar.compare.flip_texts import attach_texts
from fastmcnemar.ingest.jsonl import LINE_START

#: Columns of ``Comparison.flips`` (``TaskStats.flips`` adds ``candidate`` first).
FLIP_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "doc_id": pl.Utf8(),
    "reference_score": pl.Float64(),
    "candidate_score": pl.Float64(),
    "prompt": pl.Utf8(),
    "target": pl.Utf8(),
    "reference_response": pl.Utf8(),
    "candidate_response": pl.Utf8(),
}
STATS_FLIP_COLUMNS: dict[str, pl.DataType] = {"candidate": pl.Utf8(), **FLIP_COLUMNS}
_TEXT = ("prompt", "target", "reference_response", "candidate_response")
_KEYS = ["task", "filter", "metric", "doc_id"]


def empty_flips(*, with_candidate: bool = False) -> pl.DataFrame:
    """A flips frame with no rows."""
    return pl.DataFrame(schema=STATS_FLIP_COLUMNS if with_candidate else FLIP_COLUMNS)


def find_flips(paired: pl.DataFrame, *, lower_is_better: Iterable[tuple[str, str, str]] = ()) -> (
    pl.DataFrame
):  # fmt: skip
    """The paired rows (task, filter, metric, doc_id, reference, candidate) whose scores
    differ, as a flips frame without texts: losses first, the largest drop first.

    ``lower_is_better`` names the (task, filter, metric) whose metric is better when lower;
    their drop is ``candidate - reference``.
    """
    lower_keys = list(lower_is_better)
    changed = paired.filter(pl.col("reference") != pl.col("candidate"))
    if changed.height == 0:
        return empty_flips()
    drop = pl.col("reference") - pl.col("candidate")
    if lower_keys:
        lower = pl.DataFrame(
            lower_keys,
            schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
            orient="row",
        ).with_columns(pl.lit(True).alias("_lower"))
        changed = changed.join(
            lower, on=["task", "filter", "metric"], how="left", maintain_order="left"
        )
        drop = (
            pl.when(pl.col("_lower").fill_null(False))
            .then(pl.col("candidate") - pl.col("reference"))
            .otherwise(drop)
        )
    ordered = changed.with_columns(drop.alias("_drop")).sort(
        ["task", "filter", "metric", "_drop"], descending=[False, False, False, True],
        maintain_order=True,
    )  # fmt: skip
    return ordered.select(
        "task", "filter", "metric", "doc_id",
        pl.col("reference").alias("reference_score"),
        pl.col("candidate").alias("candidate_score"),
        *(pl.lit(None, dtype=pl.Utf8).alias(c) for c in _TEXT),
    )  # fmt: skip


def flips_of(
    index: Any, candidate: pl.DataFrame | None, choices: Iterable[Any], rows: pl.DataFrame
) -> pl.DataFrame:
    """The flips of one candidate against the indexed reference, texts attached.

    ``candidate`` is its score frame (None: no per-doc scores were kept); ``choices``
    the tested (task, filter, metric); ``rows`` its TaskStats rows (tasks without any
    discordant pair are skipped without a join)."""
    if candidate is None or candidate.height == 0:
        return empty_flips()
    changed = _tasks_with_flips(rows)
    chosen = [c for c in choices if c.task in changed]
    if not chosen:
        return empty_flips()
    keys = pl.DataFrame(
        [(c.task, c.filter, c.metric) for c in chosen],
        schema={"task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
        orient="row",
    )
    ref = index.run.scores.join(keys, on=["task", "filter", "metric"], how="semi")
    cand = candidate.join(keys, on=["task", "filter", "metric"], how="semi")
    paired = ref.select(*_KEYS, pl.col("score").alias("reference")).join(
        cand.select(*_KEYS, pl.col("score").alias("candidate")), on=_KEYS, how="inner"
    )
    flips = find_flips(paired, lower_is_better=_lower_is_better(chosen))
    if not index.flip_texts:
        return flips
    return attach_texts(flips, index.run.scores, candidate, index.run.line_starts)


def flips_from_pairs(index: Any, paired: Any, choices: Iterable[Any]) -> pl.DataFrame:
    """The flips frame (without texts) of the changed pairs the aligned pass found
    (:class:`~fastmcnemar.compare.columnar.Paired`), ordered as :func:`find_flips`
    orders them, by array operations: the pairs come in (key, doc) order, so a stable
    sort on (the key's rank by task, filter, metric; the drop, descending) is that
    order, and the names, doc ids and empty texts are gathered, never joined."""
    if paired.changed_key.size == 0:
        return empty_flips()
    key_of = index.coded.key_of()
    by_key = {key_of[(c.task, c.filter, c.metric)]: c for c in choices}
    # Each changed pair's slot among the chosen keys, by a lookup table (every changed
    # key is a chosen one); slots are numbered in (task, filter, metric) order.
    ranked = sorted(by_key.items(), key=lambda kc: (kc[1].task, kc[1].filter, kc[1].metric))
    slot_of = np.full(max(by_key) + 1, -1, dtype=np.int64)
    slot_of[[k for k, _ in ranked]] = np.arange(len(ranked))
    slot = slot_of[paired.changed_key.astype(np.int64)]
    lower = np.asarray([c.lower_is_better for _, c in ranked], dtype=bool)[slot]
    ref, cand = paired.changed_reference, paired.changed_candidate
    drop = np.where(lower, cand - ref, ref - cand)
    order = np.lexsort((-drop, slot))  # stable: equal drops keep their doc order
    # Frame indexing gathers every column at once (Series.gather costs ~60 us a call):
    # the names from the reference's keys (row k holds key code k's names).
    names = frame_ops.columns(index.coded.keys, _KEYS[:3])[paired.changed_key[order]]
    doc_ids = index.doc_ids.to_frame("doc_id")[paired.changed_doc[order].astype(np.int64)]
    no_text = frame_ops.typed_series("", [None] * order.size, pl.Utf8())
    return pl.DataFrame(
        [
            *names.get_columns(),
            doc_ids.to_series(),
            frame_ops.typed_series("reference_score", ref[order], pl.Float64()),
            frame_ops.typed_series("candidate_score", cand[order], pl.Float64()),
            *(no_text.alias(column) for column in _TEXT),
        ]
    )


def chosen_scores(
    found: Any,
    choices: Iterable[Any],
    rows: pl.DataFrame,
    coded: Any,
    key_of: Mapping[tuple[str, str, str], int],
    reference_ids: pl.Series,
) -> pl.DataFrame | None:
    """The per-doc scores of an lm-eval candidate read lean (see
    :mod:`fastmcnemar.compare.candidate_read`), as a score frame, for the tasks with a
    discordant pair only: taken from the rows the lean reader already holds (``coded``,
    a :class:`~fastmcnemar.compare.columnar.CodedCandidate` whose doc codes index
    ``reference_ids``), never read again."""
    changed = _tasks_with_flips(rows)
    wanted = {
        key_of[(c.task, c.filter, c.metric)]: c
        for c in choices
        if c.task in changed and c.task in found.files
    }
    if not wanted:
        return None
    mask = np.isin(coded.key, np.fromiter(wanted, dtype=np.int64))
    if not mask.any():
        return None
    sources = pl.Series("source", [str(found.files[c.task].path) for c in wanted.values()])
    frame = pl.DataFrame(
        {
            "_key": coded.key[mask].astype(np.int64),
            "doc_id": coded.doc_ids(reference_ids).filter(pl.Series(mask)),
            "score": coded.scores[mask],
        }
    )
    starts = [] if coded.starts is None else [pl.Series(LINE_START, coded.starts[mask])]
    names = _key_names(wanted).with_columns(sources)
    return frame.with_columns(starts).join(names, on="_key", how="left", maintain_order="left")[
        ["task", "filter", "metric", "doc_id", "score", "source", *(s.name for s in starts)]
    ]


def _tasks_with_flips(rows: pl.DataFrame) -> set[str]:
    """The tasks of TaskStats ``rows`` with at least one discordant pair."""
    return {str(t) for t, b, c in frame_ops.rows(rows, "task", "b", "c") if b + c}


def _lower_is_better(choices: Iterable[Any]) -> list[tuple[str, str, str]]:
    return [(c.task, c.filter, c.metric) for c in choices if c.lower_is_better]


def _key_names(by_key: dict[int, Any]) -> pl.DataFrame:
    """Key codes with the (task, filter, metric) of their choices."""
    return pl.DataFrame(
        {
            "_key": list(by_key),
            "task": [c.task for c in by_key.values()],
            "filter": [c.filter for c in by_key.values()],
            "metric": [c.metric for c in by_key.values()],
        },
        schema={"_key": pl.Int64, "task": pl.Utf8, "filter": pl.Utf8, "metric": pl.Utf8},
    )


__all__ = [
    "FLIP_COLUMNS",
    "STATS_FLIP_COLUMNS",
    "chosen_scores",
    "empty_flips",
    "find_flips",
    "flips_of",
]
