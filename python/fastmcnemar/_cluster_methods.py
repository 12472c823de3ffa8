"""The clustered tests' methods, by name: a module of its own so that a comparison
validates ``cluster_method`` without loading the clustered tests, which only a clustered
comparison runs."""

from __future__ import annotations

from typing import Literal

ClusteredMethod = Literal["sign-flip", "obuchowski", "durkalski"]
CLUSTERED_METHODS: tuple[ClusteredMethod, ...] = ("sign-flip", "obuchowski", "durkalski")

__all__ = ["CLUSTERED_METHODS", "ClusteredMethod"]
