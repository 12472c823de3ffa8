"""JSON reports (stable keys, NaN written as null)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from fastmcnemar.compare.results import Audit, Comparison
from fastmcnemar.render._format import aggregate_dict, plain
from fastmcnemar.render._json_text import Records, dumps, plain_default


def comparison_dict(comp: Comparison) -> dict[str, Any]:
    """Keys: reference, candidate, alpha, tasks, skipped, aggregate, degraded, verdict,
    margin, metadata, flips (every flipped sample, with texts when the logs carry them)."""
    doc = _comparison_doc(comp)
    return {key: value.rows() if type(value) is Records else value for key, value in doc.items()}


def audit_dict(audit: Audit) -> dict[str, Any]:
    """The whole audit report as Python values (keys: reference, degraded, complete,
    failed, summary, comparisons); :func:`audit_json_chunks` writes its ``json.dumps``."""
    doc = _audit_head(audit)
    doc["summary"] = Records(audit.summary).rows()
    doc["comparisons"] = {label: comparison_dict(c) for label, c in audit.comparisons.items()}
    return doc


def _audit_head(audit: Audit) -> dict[str, Any]:
    """The audit document with its summary left as :class:`Records` and no comparisons
    yet: what :func:`audit_json_chunks` writes around them and :func:`audit_dict` fills."""
    return {
        "reference": audit.reference,
        "degraded": audit.degraded,
        "complete": audit.complete,
        "failed": dict(audit.failed),
        "summary": Records(audit.summary),
        "comparisons": {},
    }


def _comparison_doc(comp: Comparison) -> dict[str, Any]:
    """:func:`comparison_dict` with its tables left as :class:`Records` for the writer."""
    return {
        "reference": comp.reference,
        "candidate": comp.candidate,
        "alpha": comp.alpha,
        "tasks": Records(comp.tasks),
        "skipped": Records(comp.skipped),
        "aggregate": aggregate_dict(comp.aggregate),
        "degraded": comp.degraded,
        "verdict": comp.verdict,
        "margin": comp.margin,
        "metadata": plain(comp.metadata),
        "flips": Records(comp.flips),
    }


def _text(doc: dict[str, Any], indent: int | None, level: int = 0) -> str:
    """``json.dumps(doc, indent=indent, allow_nan=False)`` of a document that may hold
    :class:`Records` (indented: the fast writer)."""
    if indent is None:
        return json.dumps(doc, allow_nan=False, default=plain_default)
    return dumps(doc, indent, level)


def comparison_to_json(comp: Comparison, *, indent: int | None = 2) -> str:
    return _text(_comparison_doc(comp), indent)


def audit_to_json(audit: Audit, *, indent: int | None = 2) -> str:
    return "".join(audit_json_chunks(audit, indent=indent))


def audit_json_chunks(audit: Audit, *, indent: int | None = 2) -> Iterator[str]:
    """The text of :func:`audit_to_json` in pieces, one comparison at a time, so that a
    large audit's report is written without holding its whole document (or text) in
    memory: the pieces joined are ``json.dumps`` of the whole document, byte for byte."""
    text = _text(_audit_head(audit), indent)
    if not audit.comparisons:
        yield text
        return
    # The document with no comparisons ends in "{}" and the closing brace: the
    # comparisons go in between, each encoded where it sits (depth 2).
    closing = "}" if indent is None else "\n}"
    assert text.endswith("{}" + closing)
    yield text[: -len(closing) - 1]
    for i, (label, comp) in enumerate(audit.comparisons.items()):
        key, value = json.dumps(label), _comparison_doc(comp)
        if indent is None:
            yield (", " if i else "") + key + ": " + _text(value, None)
        else:
            pad = "\n" + " " * (2 * indent)
            yield ("," if i else "") + pad + key + ": " + _text(value, indent, 2)
    yield ("" if indent is None else "\n" + " " * indent) + "}" + closing
