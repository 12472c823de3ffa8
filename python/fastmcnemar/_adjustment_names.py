"""The multiplicity adjustments :func:`fastmcnemar.adjust_pvalues` offers, by
name, with their display names and what they control. A module of its own so
that the command line can list them without loading NumPy."""

from __future__ import annotations

ADJUSTMENTS: dict[str, tuple[str, str]] = {
    "holm": ("Holm", "family-wise"),
    "hochberg": ("Hochberg", "family-wise"),
    "hommel": ("Hommel", "family-wise"),
    "bonferroni": ("Bonferroni", "family-wise"),
    "sidak": ("Šidák", "family-wise"),
    "holm-sidak": ("Holm-Šidák", "family-wise"),
    "bh": ("Benjamini-Hochberg", "false discovery rate"),
    "by": ("Benjamini-Yekutieli", "false discovery rate"),
}

__all__ = ["ADJUSTMENTS"]
