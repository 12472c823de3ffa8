"""JSON reports (stable keys, NaN written as null)."""

from __future__ import annotations

import json
from typing import Any

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import aggregate_dict, plain


def comparison_dict(comp: Comparison) -> dict[str, Any]:
    """Keys: reference, candidate, alpha, tasks, skipped, aggregate, degraded, verdict,
    margin, metadata, flips (every flipped sample, with texts when the logs carry them)."""
    return {
        "reference": comp.reference,
        "candidate": comp.candidate,
        "alpha": comp.alpha,
        "tasks": [plain(r) for r in comp.tasks.iter_rows(named=True)],
        "skipped": [plain(r) for r in comp.skipped.iter_rows(named=True)],
        "aggregate": aggregate_dict(comp.aggregate),
        "degraded": comp.degraded,
        "verdict": comp.verdict,
        "margin": comp.margin,
        "metadata": plain(comp.metadata),
        "flips": [plain(r) for r in comp.flips.iter_rows(named=True)],
    }


def comparison_to_json(comp: Comparison, *, indent: int | None = 2) -> str:
    return json.dumps(comparison_dict(comp), indent=indent, allow_nan=False)


def audit_to_json(audit: Audit, *, indent: int | None = 2) -> str:
    doc = {
        "reference": audit.reference,
        "degraded": audit.degraded,
        "summary": [plain(r) for r in audit.summary.iter_rows(named=True)],
        "comparisons": {label: comparison_dict(c) for label, c in audit.comparisons.items()},
    }
    return json.dumps(doc, indent=indent, allow_nan=False)
