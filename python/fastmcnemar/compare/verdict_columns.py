"""The three-way verdict and its planning columns for many tasks at once.

Per task (see :mod:`fastmcnemar.compare.decision` for the rule): Tango's
non-inferiority test for binary tasks, the drop the run could detect at its
flip rate, and for inconclusive tasks the N and the flip rate a drop of
``margin`` would need. The planning answers depend only on (n, flip rate,
margin, alpha), which repeat across the tasks and candidates of an audit: each
distinct input is computed once per call.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from fastmcnemar import _core
from fastmcnemar.non_inferiority import noninferiority_counts
from fastmcnemar.planning import minimum_detectable_delta, sample_size

DEGRADED = "degraded"
EQUIVALENT = "equivalent"
INCONCLUSIVE = "inconclusive"

#: Power the planning columns refer to.
PLANNING_POWER = 0.8


class _Planner:
    """The planning answers of one audit, each distinct input computed once."""

    def __init__(self, margin: float, alpha: float) -> None:
        self.margin = margin
        self.alpha = alpha
        self._ni: dict[tuple[int, int, int], tuple[float, bool]] = {}
        self._drop: dict[tuple[int, float], float | None] = {}
        self._needed: dict[float, int] = {}
        self._rate: dict[int, float | None] = {}

    def noninferiority(self, b: int, c: int, n: int) -> tuple[float, bool]:
        key = (b, c, n)
        if key not in self._ni:
            test = noninferiority_counts(b, c, n, margin=self.margin, alpha=self.alpha)
            self._ni[key] = (test.pvalue, bool(test.noninferior))
        return self._ni[key]

    def detectable_drop(self, n: int, flip_rate: float) -> float | None:
        key = (n, flip_rate)
        if key not in self._drop:
            drop = minimum_detectable_delta(n, flip_rate, alpha=self.alpha, power=PLANNING_POWER)
            self._drop[key] = None if math.isinf(drop) else drop
        return self._drop[key]

    def n_needed(self, plan_rate: float) -> int:
        if plan_rate not in self._needed:
            self._needed[plan_rate] = sample_size(
                plan_rate, self.margin, alpha=self.alpha, power=PLANNING_POWER
            )
        return self._needed[plan_rate]

    def flip_rate_needed(self, n: int) -> float | None:
        if n not in self._rate:
            self._rate[n] = _core.exact_maximum_flip_rate(
                n, self.margin, self.alpha, PLANNING_POWER
            )
        return self._rate[n]


def verdict_columns(
    kind: Sequence[str],
    n: Sequence[int],
    b: Sequence[int],
    c: Sequence[int],
    flip_rate: Sequence[float | None],
    ci_high: Sequence[float | None],
    degraded: Sequence[bool],
    *,
    margin: float,
    alpha: float,
    interval_usable: bool,
) -> dict[str, list[Any]]:
    """Columns ``verdict``, ``noninferiority_pvalue``, ``detectable_drop``, ``n_needed``
    and ``flip_rate_needed`` for the tasks given column-wise.

    ``interval_usable``: the ``ci_high`` column is at confidence >= 1 - 2 alpha, so a
    continuous task whose upper limit is at most ``margin`` is equivalent.
    """
    planner = _Planner(margin, alpha)
    out: dict[str, list[Any]] = {
        "verdict": [],
        "noninferiority_pvalue": [],
        "detectable_drop": [],
        "n_needed": [],
        "flip_rate_needed": [],
    }
    for i, task_kind in enumerate(kind):
        size = int(n[i])
        given = flip_rate[i]
        rate = float(given) if given is not None else 0.0
        ni_pvalue = None
        if task_kind == "binary" and size > 0:
            ni_pvalue, equivalent = planner.noninferiority(int(b[i]), int(c[i]), size)
        else:
            high = ci_high[i]
            equivalent = (
                interval_usable and high is not None and not math.isnan(high) and high <= margin
            )
        verdict = DEGRADED if degraded[i] else EQUIVALENT if equivalent else INCONCLUSIVE
        drop = None
        if size > 0 and 0.0 < rate <= 1.0:
            drop = planner.detectable_drop(size, rate)
        needed = rate_needed = None
        if verdict == INCONCLUSIVE:
            # A drop of `margin` needs at least that share of flips.
            needed = planner.n_needed(min(1.0, max(rate, margin)))
            if size > 0:
                rate_needed = planner.flip_rate_needed(size)
        out["verdict"].append(verdict)
        out["noninferiority_pvalue"].append(ni_pvalue)
        out["detectable_drop"].append(drop)
        out["n_needed"].append(needed)
        out["flip_rate_needed"].append(rate_needed)
    return out


__all__ = [
    "DEGRADED",
    "EQUIVALENT",
    "INCONCLUSIVE",
    "PLANNING_POWER",
    "verdict_columns",
]
