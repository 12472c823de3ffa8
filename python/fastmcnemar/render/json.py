"""JSON reports (stable keys, NaN written as null)."""

from __future__ import annotations

import json
from typing import Any

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import aggregate_dict, plain
from fastmcnemar.render._json_text import dumps


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


def _text(doc: dict[str, Any], indent: int | None) -> str:
    """``json.dumps(doc, indent=indent, allow_nan=False)`` (indented: the fast writer)."""
    if indent is None:
        return json.dumps(doc, allow_nan=False)
    return dumps(doc, indent)


def comparison_to_json(comp: Comparison, *, indent: int | None = 2) -> str:
    return _text(comparison_dict(comp), indent)


def audit_to_json(audit: Audit, *, indent: int | None = 2) -> str:
    doc = {
        "reference": audit.reference,
        "degraded": audit.degraded,
        "complete": audit.complete,
        "failed": dict(audit.failed),
        "summary": [plain(r) for r in audit.summary.iter_rows(named=True)],
        "comparisons": {label: comparison_dict(c) for label, c in audit.comparisons.items()},
    }
    return _text(doc, indent)
