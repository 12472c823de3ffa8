"""What a comparison or an audit hands to its reader: result objects and column schemas.

:class:`Comparison` (one candidate against its reference) and :class:`Audit`
(many candidates) are frozen; the renderers in :mod:`fastmcnemar.render`
import this module at their top. It imports nothing from ``render/`` when it
is imported: each ``to_*`` method reaches its renderer only when called, so
results never depend on renderers being loaded and either side can be
imported first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import polars as pl

from fastmcnemar.compare.flips import FLIP_COLUMNS

if TYPE_CHECKING:
    from fastmcnemar.suite import AggregateResult
    from fastmcnemar.suite_resampling import SuiteSignFlipResult

#: Columns of the per-task test in :attr:`Comparison.tasks`, in order.
TEST_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "kind": pl.Utf8(),
    "method": pl.Utf8(),
    "n": pl.Int64(),
    "b": pl.Int64(),
    "c": pl.Int64(),
    "reference_accuracy": pl.Float64(),
    "candidate_accuracy": pl.Float64(),
    "delta": pl.Float64(),
    "ci_low": pl.Float64(),
    "ci_high": pl.Float64(),
    "flip_rate": pl.Float64(),
    "pvalue": pl.Float64(),
    "pvalue_adjusted": pl.Float64(),
    "degraded": pl.Boolean(),
    "verdict": pl.Utf8(),
}

#: Planning columns the three-way verdict adds after the test's
#: (:mod:`fastmcnemar.compare.decision`).
VERDICT_COLUMNS: dict[str, pl.DataType] = {
    "noninferiority_pvalue": pl.Float64(),
    "detectable_drop": pl.Float64(),
    "n_needed": pl.Int64(),
    "flip_rate_needed": pl.Float64(),
}

#: Columns of :attr:`Comparison.tasks`, in order: the test's, then the planning
#: columns of the three-way verdict.
TASK_COLUMNS: dict[str, pl.DataType] = {**TEST_COLUMNS, **VERDICT_COLUMNS}

#: Columns of :attr:`Comparison.skipped`.
SKIPPED_COLUMNS: dict[str, pl.DataType] = {
    "task": pl.Utf8(),
    "filter": pl.Utf8(),
    "metric": pl.Utf8(),
    "reason": pl.Utf8(),
}

#: Columns of :attr:`Audit.summary`.
SUMMARY_COLUMNS: dict[str, pl.DataType] = {
    "candidate": pl.Utf8(),
    "degraded": pl.Boolean(),
    "aggregate_pvalue": pl.Float64(),
    "n_tasks": pl.Int64(),
    "n_degraded": pl.Int64(),
    "verdict": pl.Utf8(),
}


@dataclass(frozen=True)
class Comparison:
    """The outcome of comparing one candidate with its reference.

    Attributes
    ----------
    reference, candidate : str
        Labels of the two runs (model names, else paths).
    alpha : float
        Significance level of every decision.
    tasks : polars.DataFrame
        One row per tested (task, filter, metric); see :data:`TASK_COLUMNS`.
        For continuous scores ``b``/``c`` count the pairs where the reference
        / the candidate scored higher.
    skipped : polars.DataFrame
        What could not be tested and why (columns task, filter, metric, reason).
    aggregate : AggregateResult, SuiteSignFlipResult or None
        The suite-level test (``aggregate(..., method="combined")``) over the
        binary tasks, None when it could not be computed.
    degraded : bool
        True when the suite-level test or any adjusted (Holm by default) task rejects.
    metadata : dict
        Models, harness version, task versions, n-shot, sample counts, hash checks.
    margin : float
        Non-inferiority margin of the verdicts (0.01 = one point).
    verdict : str
        The suite's verdict: "degraded", "equivalent" (every task shown to be at
        most ``margin`` worse) or "inconclusive"; per task in ``tasks["verdict"]``
        with ``noninferiority_pvalue``, ``detectable_drop``, ``n_needed`` and
        ``flip_rate_needed`` (see :mod:`fastmcnemar.compare.decision`).
    flips : polars.DataFrame
        The tested samples whose score changed (:data:`FLIP_COLUMNS`): task, filter,
        metric, doc_id, reference_score, candidate_score, and prompt, target,
        reference_response and candidate_response when the logs carry them (lm-eval
        samples files), else null. Per task, the candidate's losses come first.
    """

    reference: str
    candidate: str
    alpha: float
    tasks: pl.DataFrame
    skipped: pl.DataFrame
    aggregate: AggregateResult | SuiteSignFlipResult | None
    degraded: bool
    metadata: dict[str, Any] = field(default_factory=dict)
    margin: float = 0.01
    verdict: str = "inconclusive"
    flips: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=FLIP_COLUMNS))

    def __repr__(self) -> str:
        from fastmcnemar.render._decision import suite_verdict

        return (
            f"<Comparison {self.candidate!r} vs {self.reference!r}: {suite_verdict(self)}, "
            f"{self.tasks.height} tasks, {self.skipped.height} not tested>"
        )

    def to_text(self, *, width: int | None = 100, wide: bool = False, show_flips: int = 0) -> str:
        """A plain-text report for a terminal: the decision on the first line, a table
        at most ``width`` characters wide (``wide=True``: every column, no limit), and
        with ``show_flips=N`` the first N flipped samples of each task."""
        from fastmcnemar.render.text import comparison_to_text

        return comparison_to_text(self, width=width, wide=wide, show_flips=show_flips)

    def to_markdown(self, *, show_flips: int = 0) -> str:
        """A Markdown report (tables) to paste into a pull request or issue; with
        ``show_flips=N`` a collapsible list of the first N flipped samples per task."""
        from fastmcnemar.render.markdown import comparison_to_markdown

        return comparison_to_markdown(self, show_flips=show_flips)

    def to_json(self, *, indent: int | None = 2) -> str:
        """A JSON document: reference, candidate, alpha, tasks, skipped, aggregate, degraded,
        metadata."""
        from fastmcnemar.render.json import comparison_to_json

        return comparison_to_json(self, indent=indent)

    def to_csv(self) -> str:
        """The per-task table as CSV."""
        from fastmcnemar.render.csv import comparison_to_csv

        return comparison_to_csv(self)

    def to_html(self) -> str:
        """A self-contained HTML page (inline CSS and SVG, no network, no JS needed):
        verdict, suite-level test, forest plot, per-task table, run metadata."""
        from fastmcnemar.render.html import comparison_html

        return comparison_html(self)

    def _repr_html_(self) -> str:
        from fastmcnemar.render.html import comparison_fragment

        return comparison_fragment(self)

    def plot(self, *, ax: Any = None) -> Any:
        """Forest plot of the per-task accuracy drop as a matplotlib Figure
        (needs matplotlib; draws into ``ax`` when given)."""
        from fastmcnemar.render.plot import forest_figure

        return forest_figure(self, ax=ax)


@dataclass(frozen=True)
class Audit:
    """Many candidates compared with one reference.

    Attributes
    ----------
    reference : str
        Label of the reference run.
    comparisons : dict[str, Comparison]
        One :class:`Comparison` per candidate, by candidate label.
    table : polars.DataFrame
        Long table: column ``candidate`` followed by every ``Comparison.tasks`` column.
    summary : polars.DataFrame
        One row per candidate: candidate, degraded, aggregate_pvalue, n_tasks, n_degraded,
        verdict.
    degraded : bool
        True when any candidate is degraded.
    failed : dict[str, str]
        Candidates that could not be read or paired (``keep_going=True``), by
        label, with the error; every report lists them and says the audit is
        incomplete. Empty for a complete audit.
    """

    reference: str
    comparisons: dict[str, Comparison]
    table: pl.DataFrame
    summary: pl.DataFrame
    degraded: bool
    failed: dict[str, str] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """True when every candidate was read and tested (``failed`` is empty)."""
        return not self.failed

    def __repr__(self) -> str:
        from collections import Counter

        counts = Counter(self.summary.get_column("verdict").to_list())
        states = ", ".join(f"{n} {v}" for v, n in sorted(counts.items()))
        return (
            f"<Audit of {len(self.comparisons)} candidates against {self.reference!r}: "
            f"{states or 'nothing tested'}>"
        )

    def to_text(self, *, width: int | None = 100, wide: bool = False) -> str:
        """A plain-text report for a terminal (see :meth:`Comparison.to_text`)."""
        from fastmcnemar.render.text import audit_to_text

        return audit_to_text(self, width=width, wide=wide)

    def to_markdown(self) -> str:
        """A Markdown report."""
        from fastmcnemar.render.markdown import audit_to_markdown

        return audit_to_markdown(self)

    def to_json(self, *, indent: int | None = 2) -> str:
        """A JSON document (keys reference, degraded, summary, comparisons)."""
        from fastmcnemar.render.json import audit_to_json

        return audit_to_json(self, indent=indent)

    def to_csv(self) -> str:
        """The long candidate x task table as CSV."""
        from fastmcnemar.render.csv import audit_to_csv

        return audit_to_csv(self)

    def to_html(self) -> str:
        """A self-contained HTML page: verdict, per-candidate summary, candidate x task
        heatmap, and each candidate's report."""
        from fastmcnemar.render.html import audit_html

        return audit_html(self)

    def _repr_html_(self) -> str:
        from fastmcnemar.render.html import audit_fragment

        return audit_fragment(self)


__all__ = [
    "SKIPPED_COLUMNS",
    "SUMMARY_COLUMNS",
    "TASK_COLUMNS",
    "TEST_COLUMNS",
    "VERDICT_COLUMNS",
    "Audit",
    "Comparison",
]
