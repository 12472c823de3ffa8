"""The shapes the HTML/SVG/plot renderers read (see CONTRACTS.md).

Structural types, so the renderers depend only on the fields of
:class:`fastmcnemar.compare.results.Comparison` / ``Audit`` and not on the module.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import polars as pl


class ComparisonView(Protocol):
    """What a renderer reads from a Comparison."""

    @property
    def reference(self) -> str: ...
    @property
    def candidate(self) -> str: ...
    @property
    def alpha(self) -> float: ...
    @property
    def tasks(self) -> pl.DataFrame: ...
    @property
    def skipped(self) -> pl.DataFrame: ...
    @property
    def aggregate(self) -> Any: ...
    @property
    def degraded(self) -> bool: ...
    @property
    def metadata(self) -> Mapping[str, Any]: ...


class AuditView(Protocol):
    """What a renderer reads from an Audit."""

    @property
    def reference(self) -> str: ...
    @property
    def comparisons(self) -> Mapping[str, ComparisonView]: ...
    @property
    def table(self) -> pl.DataFrame: ...
    @property
    def summary(self) -> pl.DataFrame: ...
    @property
    def degraded(self) -> bool: ...


__all__ = ["AuditView", "ComparisonView"]
