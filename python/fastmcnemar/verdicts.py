"""Three-way verdicts for a comparison: degraded, equivalent or inconclusive.

"Not significantly worse" is split in two. Per task:

- ``degraded``: the degradation test rejects (the ``degraded`` column);
- ``equivalent``: otherwise, when the candidate is shown to be at most ``margin``
  worse: Tango's non-inferiority test at ``alpha`` for binary scores; for
  continuous scores the upper limit of the task's interval on delta is at most
  ``margin`` (an interval at confidence >= 1 - 2 alpha makes that a valid,
  conservative level-alpha test);
- ``inconclusive``: neither. ``n_needed`` says how many samples would give 80%
  power against a drop of ``margin`` at the observed flip rate,
  ``flip_rate_needed`` the largest flip rate at which this run's N would have,
  and ``detectable_drop`` what the run could detect.

The suite is ``degraded`` when the comparison is, ``equivalent`` when every task
is (an intersection-union test: each at ``alpha`` gives the suite level
``alpha`` with no correction), otherwise ``inconclusive``.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING, Any, TypeVar

import polars as pl

from fastmcnemar import _core
from fastmcnemar.exceptions import InvalidArgumentError
from fastmcnemar.non_inferiority import noninferiority_counts
from fastmcnemar.planning import minimum_detectable_delta, sample_size

DEGRADED = "degraded"
EQUIVALENT = "equivalent"
INCONCLUSIVE = "inconclusive"

#: Columns :func:`add_verdicts` adds (the ``verdict`` column is replaced).
VERDICT_COLUMNS: dict[str, pl.DataType] = {
    "noninferiority_pvalue": pl.Float64(),
    "detectable_drop": pl.Float64(),
    "n_needed": pl.Int64(),
    "flip_rate_needed": pl.Float64(),
}

#: Power the planning columns refer to.
PLANNING_POWER = 0.8

if TYPE_CHECKING:
    from fastmcnemar.rerun_noise import NoiseFloor

_C = TypeVar("_C")

#: Noise-floor columns joined onto the tasks when reruns of the reference are given.
NOISE_JOIN = ("noise_flip_rate", "noise_flip_rate_max")


def check_margin(margin: object) -> float:
    """The non-inferiority margin as a float in (0, 1), or a named error."""
    if isinstance(margin, bool) or not isinstance(margin, (int, float)):
        raise InvalidArgumentError(f"margin must be a number in (0, 1), got {margin!r}")
    if not 0.0 < margin < 1.0:
        raise InvalidArgumentError(
            f"margin must lie in (0, 1) (an accuracy drop, 0.01 = one point), got {margin!r}"
        )
    return float(margin)


def _task_verdict(
    row: dict[str, Any], margin: float, alpha: float, interval_usable: bool
) -> dict[str, Any]:
    n = int(row["n"])
    flip_rate = float(row["flip_rate"]) if row["flip_rate"] is not None else 0.0
    out: dict[str, Any] = dict.fromkeys(VERDICT_COLUMNS)
    if row["kind"] == "binary" and n > 0:
        test = noninferiority_counts(int(row["b"]), int(row["c"]), n, margin=margin, alpha=alpha)
        out["noninferiority_pvalue"] = test.pvalue
        equivalent = test.noninferior
    else:
        high = row.get("ci_high")
        equivalent = (
            interval_usable and high is not None and not math.isnan(high) and high <= margin
        )
    if row["degraded"]:
        verdict = DEGRADED
    elif equivalent:
        verdict = EQUIVALENT
    else:
        verdict = INCONCLUSIVE
    if n > 0 and 0.0 < flip_rate <= 1.0:
        drop = minimum_detectable_delta(n, flip_rate, alpha=alpha, power=PLANNING_POWER)
        out["detectable_drop"] = None if math.isinf(drop) else drop
    if verdict == INCONCLUSIVE:
        # A drop of `margin` needs at least that share of flips.
        plan_rate = min(1.0, max(flip_rate, margin))
        out["n_needed"] = sample_size(plan_rate, margin, alpha=alpha, power=PLANNING_POWER)
        if n > 0:
            out["flip_rate_needed"] = _core.exact_maximum_flip_rate(
                n, margin, alpha, PLANNING_POWER
            )
    out["verdict"] = verdict
    return out


def add_verdicts(
    tasks: pl.DataFrame, *, margin: float, alpha: float, confidence_level: float = 0.95
) -> pl.DataFrame:
    """``tasks`` (a ``Comparison.tasks`` frame) with the three-way ``verdict`` and
    the columns of :data:`VERDICT_COLUMNS`. ``confidence_level`` is the level of
    the ``ci_low``/``ci_high`` columns; continuous tasks can only be declared
    equivalent when it is at least 1 - 2 alpha."""
    margin = check_margin(margin)
    usable = (1.0 - confidence_level) / 2.0 <= alpha + 1e-12
    extra = [_task_verdict(row, margin, alpha, usable) for row in tasks.iter_rows(named=True)]
    schema = {**VERDICT_COLUMNS, "verdict": pl.Utf8()}
    added = pl.DataFrame(extra, schema=schema) if extra else pl.DataFrame(schema=schema)
    kept = tasks.drop([c for c in schema if c in tasks.columns])
    return pl.concat([kept, added], how="horizontal")


def suite_verdict(tasks: pl.DataFrame, *, degraded: bool) -> str:
    """The suite's verdict from the per-task verdicts (see the module docstring)."""
    if degraded:
        return DEGRADED
    verdicts = tasks.get_column("verdict").to_list() if tasks.height else []
    if verdicts and all(v == EQUIVALENT for v in verdicts):
        return EQUIVALENT
    return INCONCLUSIVE


def with_verdicts(comparison: _C, *, margin: float, noise: NoiseFloor | None = None) -> _C:
    """A ``Comparison`` with the three-way verdicts (tasks and suite) and, when
    ``noise`` (the noise floor of reference reruns) is given, its mean and
    largest pairwise flip rate beside each task's flip rate."""
    comp: Any = comparison
    tasks = add_verdicts(
        comp.tasks,
        margin=margin,
        alpha=comp.alpha,
        confidence_level=float(comp.metadata.get("confidence_level", 0.95)),
    )
    if noise is not None:
        keys = ["task", "filter", "metric"]
        tasks = tasks.join(noise.tasks.select(*keys, *NOISE_JOIN), on=keys, how="left")
    verdict = suite_verdict(tasks, degraded=comp.degraded)
    out: _C = dataclasses.replace(comp, tasks=tasks, margin=margin, verdict=verdict)
    return out


__all__ = [
    "DEGRADED",
    "EQUIVALENT",
    "INCONCLUSIVE",
    "VERDICT_COLUMNS",
    "add_verdicts",
    "check_margin",
    "suite_verdict",
    "with_verdicts",
]
