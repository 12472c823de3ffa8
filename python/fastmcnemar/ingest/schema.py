"""The per-sample score frame every reader returns, and its validation.

One row per (model, task, filter, metric, doc_id). Readers of other harnesses
(inspect_ai, lighteval) produce exactly this schema, so pairing and testing
never look at where the scores came from.
"""

from __future__ import annotations

import polars as pl

from fastmcnemar._lm_eval_names import HASH_COLUMNS
from fastmcnemar.exceptions import InputFormatError

#: Column name -> dtype of a score frame, in this order.
SCORE_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.Utf8(),
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "doc_id": pl.Utf8(),
    "score": pl.Float64(),
    "doc_hash": pl.Utf8(),
    "prompt_hash": pl.Utf8(),
    "target_hash": pl.Utf8(),
    "source": pl.Utf8(),
}


#: The columns that identify one sample of one model.
KEY_COLUMNS: tuple[str, ...] = ("task", "filter", "metric", "doc_id")

#: Columns that may be null; every other column must be filled.
NULLABLE_COLUMNS: frozenset[str] = frozenset({*HASH_COLUMNS, "score"})

#: The filter name used when a harness has no filters.
NO_FILTER = "none"


def empty_score_frame() -> pl.DataFrame:
    """A score frame with no rows."""
    return pl.DataFrame(schema=SCORE_SCHEMA)


def conform(frame: pl.DataFrame) -> pl.DataFrame:
    """Cast a frame that already has every column to the schema, in order.

    Missing nullable hash columns are added as nulls; ``filter`` defaults to
    ``"none"``; ``doc_id`` is cast to text. Raises :class:`InputFormatError` if
    a required column is missing.
    """
    exprs: list[pl.Expr] = []
    for name, dtype in SCORE_SCHEMA.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype))
        elif name in NULLABLE_COLUMNS and name != "score":
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
        elif name == "filter":
            exprs.append(pl.lit(NO_FILTER, dtype=dtype).alias(name))
        else:
            raise InputFormatError(f"score frame has no column {name!r}")
    return frame.select(exprs)


def validate_score_frame(frame: pl.DataFrame, *, what: str = "score frame") -> pl.DataFrame:
    """Check that ``frame`` follows :data:`SCORE_SCHEMA` and return it.

    Raises :class:`InputFormatError` naming ``what`` and the offending column
    when a column is missing, has the wrong dtype, or holds nulls where the
    schema forbids them.

    Examples
    --------
    >>> from fastmcnemar.ingest.schema import empty_score_frame, validate_score_frame
    >>> validate_score_frame(empty_score_frame()).columns[:3]
    ['model', 'task', 'filter']
    """
    if not isinstance(frame, pl.DataFrame):
        raise InputFormatError(f"{what}: expected a polars DataFrame, got {type(frame).__name__}")
    schema = frame.schema  # built once: each access makes a new Schema
    missing = [c for c in SCORE_SCHEMA if c not in schema]
    if missing:
        raise InputFormatError(f"{what}: missing column(s) {', '.join(missing)}")
    for name, dtype in SCORE_SCHEMA.items():
        actual = schema[name]
        if actual != dtype:
            raise InputFormatError(f"{what}: column {name!r} has dtype {actual}, expected {dtype}")
    for name in SCORE_SCHEMA:
        if name in NULLABLE_COLUMNS:
            continue
        nulls = frame.get_column(name).null_count()
        if nulls:
            raise InputFormatError(f"{what}: column {name!r} has {nulls} null value(s)")
    if list(schema) == list(SCORE_SCHEMA):
        return frame  # already the schema's columns in its order
    return frame.select(list(SCORE_SCHEMA))


__all__ = [
    "HASH_COLUMNS",
    "KEY_COLUMNS",
    "NO_FILTER",
    "NULLABLE_COLUMNS",
    "SCORE_SCHEMA",
    "conform",
    "empty_score_frame",
    "validate_score_frame",
]
