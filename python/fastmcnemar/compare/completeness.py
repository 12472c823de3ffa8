"""Nothing missing silently: what a run's results file promises and its samples lack.

lm-eval's ``results_*.json`` lists every task it ran and, under ``n-samples``, how many
docs each was evaluated on. Two gaps would otherwise pass unnoticed:

- a task listed there with no samples file: it is reported as not tested, with that reason;
- a samples file holding fewer docs than the results file records (a truncated copy, a
  partial upload): the comparison is flagged in every report, and ``strict=True``
  (``--strict``) makes it an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from fastmcnemar.compare.loading import LoadedRun
from fastmcnemar.exceptions import InputFormatError


def _expected(run: LoadedRun) -> dict[str, int]:
    out: dict[str, int] = {}
    for task, info in run.task_results().items():
        entry = info.get("n-samples")
        if isinstance(entry, dict):
            count = entry.get("effective", entry.get("original"))
            if isinstance(count, int) and not isinstance(count, bool):
                out[task] = count
    return out


def gaps(
    run: LoadedRun,
    side: str,
    tasks: Sequence[str] | None,
    *,
    present: set[str] | None = None,
    docs: dict[str, int] | None = None,
) -> dict[str, Any]:
    """``{"missing": [(task, reason)], "short": [{side, task, docs, expected}]}`` of one run.

    ``present`` (the tasks the run holds samples of) and ``docs`` (docs per task) default
    to what ``run.scores`` holds.
    """
    expected = _expected(run)
    if tasks is not None:
        wanted = {tasks} if isinstance(tasks, str) else set(tasks)
        expected = {t: n for t, n in expected.items() if t in wanted}
    if not expected:  # nothing promised (a frame, or no n-samples): nothing to count
        return {"missing": [], "short": []}
    if docs is None:
        docs = {
            str(task): int(n)
            for task, n in run.scores.group_by("task").agg(pl.col("doc_id").n_unique()).iter_rows()
        }
    have = set(docs) if present is None else present
    missing = [
        (task, f"no samples file in the {side} (its results_*.json lists {n:,} docs)")
        for task, n in expected.items()
        if task not in have and n > 0
    ]
    short = [
        {"side": side, "task": task, "docs": docs[task], "expected": n}
        for task, n in expected.items()
        if task in docs and docs[task] < n
    ]
    return {"missing": missing, "short": short}


def describe(short: dict[str, Any]) -> str:
    """One line: ``reference gsm8k has 3 of the 100 docs its results file records``."""
    return (
        f"{short['side']} {short['task']} has {short['docs']:,} of the "
        f"{short['expected']:,} docs its results file records"
    )


def check_strict(short: list[dict[str, Any]], strict: bool) -> None:
    """With ``strict``, an incomplete samples file is an error naming every gap."""
    if strict and short:
        raise InputFormatError(
            "incomplete samples (--strict): " + "; ".join(describe(s) for s in short)
        )


__all__ = ["check_strict", "describe", "gaps"]
