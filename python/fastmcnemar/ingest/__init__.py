"""Reading per-sample scores from evaluation harness outputs into one schema.

Every reader returns a Polars DataFrame with the columns of
:data:`~fastmcnemar.ingest.schema.SCORE_SCHEMA`; :func:`~.detect.detect_format`
picks the reader for a path.
"""

from __future__ import annotations

from fastmcnemar.ingest.detect import detect_format, read_any
from fastmcnemar.ingest.lm_eval import lm_eval_metrics, load_lm_eval, read_lm_eval
from fastmcnemar.ingest.schema import SCORE_SCHEMA, validate_score_frame
from fastmcnemar.ingest.scores import read_scores

__all__ = [
    "SCORE_SCHEMA",
    "detect_format",
    "lm_eval_metrics",
    "load_lm_eval",
    "read_any",
    "read_lm_eval",
    "read_scores",
    "validate_score_frame",
]
