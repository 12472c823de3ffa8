"""Tables from memory as score frames: Polars, pandas, anything with ``__arrow_c_stream__``.

``compare``/``audit``/``pair`` take a run as a path or as a table. A table may be a full
score frame (:data:`~fastmcnemar.ingest.schema.SCORE_SCHEMA`) or just ``task``,
``doc_id``, ``score`` (plus optional ``filter``, ``metric``, ``model``, hashes), the
rest defaulted exactly as for a score file (:func:`~fastmcnemar.read_scores`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from fastmcnemar.exceptions import InputFormatError
from fastmcnemar.ingest.schema import SCORE_SCHEMA, validate_score_frame


def as_polars(obj: Any) -> pl.DataFrame | None:
    """``obj`` as a Polars frame when it is a table (Polars, pandas, Arrow C stream), else
    None.

    Examples
    --------
    >>> import pandas as pd
    >>> as_polars(pd.DataFrame({"task": ["t"], "doc_id": [0], "score": [1.0]})).columns
    ['task', 'doc_id', 'score']
    >>> as_polars("runs/bf16") is None
    True
    """
    if isinstance(obj, pl.DataFrame):
        return obj
    if isinstance(obj, pl.LazyFrame):
        return obj.collect()
    if type(obj).__module__.split(".")[0] == "pandas" and hasattr(obj, "columns"):
        index_names = [n for n in getattr(obj.index, "names", []) if n is not None]
        return pl.from_pandas(obj.reset_index() if index_names else obj)
    if hasattr(obj, "__arrow_c_stream__"):
        try:
            return pl.DataFrame(obj)
        except Exception as err:  # polars raises several types for foreign streams
            raise InputFormatError(
                f"cannot read {type(obj).__name__} through the Arrow C stream: {err}"
            ) from None
    return None


def score_frame(obj: Any, *, what: str, model: str | None = None) -> pl.DataFrame | None:
    """A validated score frame from a table, or None when ``obj`` is not a table.

    A frame with every score-frame column is validated as it is; a smaller one needs
    ``task``, ``doc_id`` (or ``prompt_id``) and ``score`` and gets ``filter="none"``,
    ``metric="score"``, ``model=model or what`` and null hashes where it has none.
    """
    frame = as_polars(obj)
    if frame is None:
        return None
    if set(SCORE_SCHEMA) <= set(frame.columns):
        return validate_score_frame(frame, what=what)
    from fastmcnemar.ingest.scores import _to_score_frame

    if "task" not in frame.columns:
        raise InputFormatError(
            f"{what}: a score table needs a 'task' column (columns: {', '.join(frame.columns)})"
        )
    # ``source`` names the side ("reference"), as a file name would
    return _to_score_frame(frame, Path(what), task=None, model=model or what)


__all__ = ["as_polars", "score_frame"]
