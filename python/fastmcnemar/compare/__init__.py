"""Reference vs candidates: :func:`compare`, :func:`audit` and their parts.

The package splits one comparison into stages that data flows through once:

- :mod:`~fastmcnemar.compare.loading`: a path or frame becomes a loaded run;
- :mod:`~fastmcnemar.compare.metrics`: which (filter, metric) each task tests;
- :mod:`~fastmcnemar.compare.engine`: the reference indexed once
  (:func:`index_reference`), each candidate reduced to :class:`TaskStats`
  (:func:`candidate_stats`);
- :mod:`~fastmcnemar.compare.task_tests` and :mod:`~fastmcnemar.compare.decision`:
  tests, suite rule, adjustments and three-way verdicts, on the driver;
- :mod:`~fastmcnemar.compare.results`: the :class:`Comparison` / :class:`Audit`
  objects and their column schemas, which the renderers read;
- :mod:`~fastmcnemar.compare.pairwise` and :mod:`~fastmcnemar.compare.audit`: the
  public entry points.
"""

from __future__ import annotations

from fastmcnemar.compare.audit import audit
from fastmcnemar.compare.decision import DecisionOptions, decide_audit, decide_comparison
from fastmcnemar.compare.engine import ReferenceIndex, candidate_stats, index_reference
from fastmcnemar.compare.pairwise import compare
from fastmcnemar.compare.results import (
    SKIPPED_COLUMNS,
    SUMMARY_COLUMNS,
    TASK_COLUMNS,
    Audit,
    Comparison,
)
from fastmcnemar.compare.task_stats import TaskStats

__all__ = [
    "SKIPPED_COLUMNS",
    "SUMMARY_COLUMNS",
    "TASK_COLUMNS",
    "Audit",
    "Comparison",
    "DecisionOptions",
    "ReferenceIndex",
    "TaskStats",
    "audit",
    "candidate_stats",
    "compare",
    "decide_audit",
    "decide_comparison",
    "index_reference",
]
