"""Key names of an lm-eval samples line that the readers treat specially. A module of its
own so that the reference's early scan (:mod:`fastmcnemar._early_scan`) can read them
without loading Polars."""

from __future__ import annotations

#: The three hashes lm-eval logs per sample (null where a harness logs none).
HASH_COLUMNS: tuple[str, str, str] = ("doc_hash", "prompt_hash", "target_hash")
#: The keys the lm-eval reader reads as text (doc_id too: an integer id keeps its exact
#: token, "16"); every metric is read as a number.
TEXT_KEYS: tuple[str, ...] = ("doc_id", "filter", *HASH_COLUMNS)

#: Top-level keys of a samples line that are not metrics.
NOT_METRICS = frozenset(
    {
        "doc_id",
        "doc",
        "target",
        "arguments",
        "resps",
        "filtered_resps",
        "filter",
        "metrics",
        *HASH_COLUMNS,
        "scores_per_repeat",
    }
)
#: What telling a file's layout never reads: its prompt text and the other
#: non-metric fields (doc_id, filter and the metric list are read).
LAYOUT_SKIP = NOT_METRICS - {"doc_id", "filter", "metrics"}

__all__ = ["HASH_COLUMNS", "LAYOUT_SKIP", "NOT_METRICS", "TEXT_KEYS"]
