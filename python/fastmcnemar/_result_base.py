"""Pieces every result object shares.

Results are frozen dataclasses that unpack as ``(statistic, pvalue)`` like
scipy's, while carrying more fields; intervals are ``ConfidenceInterval``
named tuples as in :mod:`scipy.stats`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple


class ConfidenceInterval(NamedTuple):
    """A two-sided interval ``(low, high)``."""

    low: float
    high: float


class UnpacksAsStatisticPvalue:
    """Mixin: ``statistic, pvalue = result`` works, as for scipy results."""

    statistic: Any
    pvalue: Any

    def __iter__(self) -> Iterator[Any]:
        yield self.statistic
        yield self.pvalue

    def __len__(self) -> int:
        return 2

    def __getitem__(self, index: int) -> Any:
        return (self.statistic, self.pvalue)[index]


__all__ = ["ConfidenceInterval", "UnpacksAsStatisticPvalue"]
