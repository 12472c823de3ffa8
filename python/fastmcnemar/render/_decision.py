"""The decision in words: one vocabulary (degraded / equivalent / inconclusive) and one
headline per report, shared by every renderer so text, Markdown, JSON, CSV and HTML never
describe one state in different words.

- ``degraded``: the test rejects: the candidate is significantly worse;
- ``equivalent``: not degraded, and every task's drop is shown to be below the margin;
- ``inconclusive``: not degraded, but the data cannot show the drop is below the margin
  (too few samples or too many flips): "no significant drop" is not "no drop".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

DEGRADED, EQUIVALENT, INCONCLUSIVE = "degraded", "equivalent", "inconclusive"
VERDICTS = (DEGRADED, EQUIVALENT, INCONCLUSIVE)


@dataclass(frozen=True)
class Overall:
    """Sample-weighted mean score of the tested tasks, reference and candidate."""

    reference: float
    candidate: float
    n: int


def overall(tasks: Any) -> Overall | None:
    """Reference and candidate accuracy (mean score) over every tested sample."""
    rows = [
        r
        for r in tasks.iter_rows(named=True)
        if r.get("n") and r.get("reference_accuracy") is not None
        and r.get("candidate_accuracy") is not None
    ]  # fmt: skip
    n = sum(int(r["n"]) for r in rows)
    if not n:
        return None
    ref = sum(float(r["reference_accuracy"]) * int(r["n"]) for r in rows) / n
    cand = sum(float(r["candidate_accuracy"]) * int(r["n"]) for r in rows) / n
    return Overall(ref, cand, n)


def suite_verdict(comp: Any) -> str:
    """The comparison's verdict, in the shared vocabulary."""
    if comp.degraded:
        return DEGRADED
    # Equivalence must be shown; anything else that is not degraded is inconclusive.
    return (
        EQUIVALENT
        if getattr(comp, "verdict", None) == EQUIVALENT and comp.tasks.height
        else (INCONCLUSIVE)
    )


def _count(tasks: Any, verdict: str) -> int:
    if "verdict" not in tasks.columns:
        return 0
    return int((tasks.get_column("verdict") == verdict).sum())


def headline(comp: Any, *, names: bool = True) -> str:
    """One line that is the decision: ``DEGRADED: ...``, ``EQUIVALENT: ...`` or
    ``INCONCLUSIVE: ...``, with the count of tasks behind it."""
    verdict = suite_verdict(comp)
    n = comp.tasks.height
    cand = f"{comp.candidate} " if names else "the candidate "
    ref = f" {comp.reference}" if names else " the reference"
    margin = f"{100 * float(getattr(comp, 'margin', 0.01)):g} pt"
    if verdict == DEGRADED:
        k = _count(comp.tasks, DEGRADED)
        detail = f"{k} of {n} tasks degraded" if k else "on the suite as a whole"
        return f"DEGRADED: {cand}is significantly worse than{ref} ({detail})"
    if verdict == EQUIVALENT:
        return f"EQUIVALENT: {cand}is within {margin} of{ref} on all {n} tasks"
    if n == 0:
        return f"INCONCLUSIVE: no task could be tested ({cand.strip()} vs{ref})"
    k = _count(comp.tasks, INCONCLUSIVE)
    return (
        f"INCONCLUSIVE: {cand}is not significantly worse than{ref}, but {k} of {n} tasks "
        f"are not shown within {margin} (more samples needed)"
    )


def accuracy_line(comp: Any) -> str | None:
    """``accuracy 85.71% -> 75.00% (delta +10.71 pt) over 440 samples``, or None without tasks."""
    total = overall(comp.tasks)
    if total is None:
        return None
    delta = 100 * (total.reference - total.candidate)
    return (
        f"accuracy {100 * total.reference:.2f}% -> {100 * total.candidate:.2f}% "
        f"(delta {delta:+.2f} pt) over {total.n:,} samples"
    )


def notice_lines(comp: Any) -> list[str]:
    """What must be seen beside the decision: incomplete samples files, the gate outcome."""
    from fastmcnemar.compare.completeness import describe

    meta = comp.metadata or {}
    lines = [
        f"WARNING incomplete samples: {describe(gap)} (--strict: an error)"
        for gap in meta.get("incomplete") or []
    ]
    gate = meta.get("gate")
    if gate:
        name = str(gate.get("policy", "policy")).rsplit("/", 1)[-1]
        state = "passed" if gate.get("passed") else str(gate.get("summary", "gate failed"))
        lines.append(f"gate ({name}): {state.replace('gate failed: ', 'FAILED: ')}")
    return lines


def audit_headline(audit: Any) -> str:
    """One line for an audit: how many candidates are in each state."""
    verdicts = [str(v) for v in audit.summary.get_column("verdict").to_list()]
    n = len(verdicts)
    bad = verdicts.count(DEGRADED)
    counts = ", ".join(f"{verdicts.count(v)} {v}" for v in VERDICTS if verdicts.count(v))
    if bad:
        return f"DEGRADED: {bad} of {n} candidates significantly worse than {audit.reference}" + (
            f" ({counts})" if counts else ""
        )
    if n and verdicts.count(EQUIVALENT) == n:
        return f"EQUIVALENT: all {n} candidates within the margin of {audit.reference}"
    return f"INCONCLUSIVE: no candidate significantly worse than {audit.reference} ({counts})"


__all__ = [
    "DEGRADED",
    "EQUIVALENT",
    "INCONCLUSIVE",
    "VERDICTS",
    "Overall",
    "accuracy_line",
    "audit_headline",
    "headline",
    "notice_lines",
    "overall",
    "suite_verdict",
]
