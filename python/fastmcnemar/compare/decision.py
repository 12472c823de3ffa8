"""The decision: tests, suite rule, adjustments and three-way verdicts, from TaskStats.

Everything here runs on the driver, from the candidates'
:class:`~fastmcnemar.compare.task_stats.TaskStats` and the reference index:
:func:`decide_audit` turns ``{label: TaskStats}`` into an :class:`Audit`,
:func:`decide_comparison` one candidate into a :class:`Comparison`, each built
once with its verdicts.

The suite verdict ``degraded`` is one level-alpha test, the combined
Pooled/Max-Drop/Fisher rule (``rule="bonferroni"``: each at alpha/3; ``"any"``:
each at alpha, level at most 3 alpha): the exact count-based aggregate when
every tested task is binary and samples are independent; otherwise the same
rule from shared sign-flip resamples over every tested task (binary tasks give
the exact McNemar null; with ``cluster=`` the clusters are the units). A single
task is decided by its own test. A task is flagged degraded only when the suite
is and its adjusted p-value is at most alpha.

With clusters each task is tested at the cluster level (the exact cluster
sign-flip test by default, or Obuchowski's / Durkalski's statistic), its
interval is the cluster-robust one, and the planning columns use the task's
design effect.

"Not significantly worse" is split in two. Per task:

- ``degraded``: the degradation test rejects (the ``degraded`` column);
- ``equivalent``: otherwise, when the candidate is shown to be at most ``margin``
  worse: Tango's non-inferiority test at ``alpha`` for binary scores; for
  continuous scores the upper limit of the task's interval on delta is at most
  ``margin`` (an interval at confidence >= 1 - 2 alpha makes that a valid,
  conservative level-alpha test);
- ``inconclusive``: neither. ``n_needed`` says how many samples would give 80%
  power against a drop of ``margin`` at the observed flip rate,
  ``flip_rate_needed`` the largest flip rate at which this run's N would have,
  and ``detectable_drop`` what the run could detect.

The suite is ``degraded`` when the comparison is, ``equivalent`` when every task
is (an intersection-union test: each at ``alpha`` gives the suite level
``alpha`` with no correction), otherwise ``inconclusive``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from fastmcnemar import _core
from fastmcnemar.clustered import CLUSTERED_METHODS
from fastmcnemar.compare.results import (
    SKIPPED_COLUMNS,
    SUMMARY_COLUMNS,
    TASK_COLUMNS,
    TEST_COLUMNS,
    VERDICT_COLUMNS,
    Audit,
    Comparison,
)
from fastmcnemar.compare.task_stats import TaskStats
from fastmcnemar.compare.task_tests import (
    TaskOutcome,
    clustered_outcome_of,
    outcome_of,
    suite_units,
)
from fastmcnemar.exceptions import InvalidArgumentError
from fastmcnemar.non_inferiority import noninferiority_counts
from fastmcnemar.paired_test import Alternative
from fastmcnemar.planning import minimum_detectable_delta, sample_size
from fastmcnemar.suite import ADJUSTMENTS, AdjustMethod, AggregateResult, adjust_pvalues, aggregate
from fastmcnemar.suite_resampling import SuiteSignFlipResult, suite_from_units

if TYPE_CHECKING:
    from fastmcnemar.compare.engine import ReferenceIndex
    from fastmcnemar.rerun_noise import NoiseFloor

DEGRADED = "degraded"
EQUIVALENT = "equivalent"
INCONCLUSIVE = "inconclusive"

#: Power the planning columns refer to.
PLANNING_POWER = 0.8

#: Noise-floor columns joined onto the tasks when reruns of the reference are given.
NOISE_JOIN = ("noise_flip_rate", "noise_flip_rate_max")


@dataclass(frozen=True)
class DecisionOptions:
    """How the decision is taken (see :func:`fastmcnemar.compare` for each option)."""

    alpha: float = 0.05
    alternative: Alternative = "greater"
    confidence_level: float = 0.95
    adjust: AdjustMethod = "holm"
    n_resamples: int = 9999
    seed: int = 0
    margin: float = 0.01
    noise: NoiseFloor | None = None
    method: str = "exact"
    rule: str = "bonferroni"
    cluster_method: str = "sign-flip"

    def __post_init__(self) -> None:
        check_options(self.alpha, self.alternative, self.confidence_level, self.adjust)
        check_margin(self.margin)
        if self.method not in ("exact", "midp"):
            raise InvalidArgumentError(
                f"method (the per-task McNemar p-value) must be 'exact' or 'midp', "
                f"got {self.method!r}"
            )
        if self.rule not in ("bonferroni", "any"):
            raise InvalidArgumentError(
                "rule must be 'bonferroni' (each suite test at alpha/3, level alpha) or "
                f"'any' (each at alpha, level <= 3 alpha), got {self.rule!r}"
            )
        if self.cluster_method not in CLUSTERED_METHODS:
            raise InvalidArgumentError(
                f"cluster_method must be one of {', '.join(map(repr, CLUSTERED_METHODS))}, "
                f"got {self.cluster_method!r}"
            )


def check_options(
    alpha: float, alternative: str, confidence_level: float, adjust: str = "holm"
) -> None:
    """Named errors for an out-of-range level or an unknown choice."""
    if not (isinstance(alpha, (int, float)) and 0.0 < alpha < 1.0):
        raise InvalidArgumentError(f"alpha must be in (0, 1), got {alpha!r}")
    if alternative not in ("greater", "less", "two-sided"):
        raise InvalidArgumentError(
            f"alternative must be 'greater', 'less' or 'two-sided', got {alternative!r}"
        )
    if not (0.0 < confidence_level < 1.0):
        raise InvalidArgumentError(f"confidence_level must be in (0, 1), got {confidence_level!r}")
    if adjust not in ADJUSTMENTS:
        raise InvalidArgumentError(
            f"adjust must be one of {', '.join(repr(a) for a in ADJUSTMENTS)}, got {adjust!r}"
        )


def check_margin(margin: object) -> float:
    """The non-inferiority margin as a float in (0, 1), or a named error."""
    if isinstance(margin, bool) or not isinstance(margin, (int, float)):
        raise InvalidArgumentError(f"margin must be a number in (0, 1), got {margin!r}")
    if not 0.0 < margin < 1.0:
        raise InvalidArgumentError(
            f"margin must lie in (0, 1) (an accuracy drop, 0.01 = one point), got {margin!r}"
        )
    return float(margin)


def _task_verdict(
    row: dict[str, Any],
    margin: float,
    alpha: float,
    interval_usable: bool,
    design_effect: float | None = None,
) -> dict[str, Any]:
    n = int(row["n"])
    flip_rate = float(row["flip_rate"]) if row["flip_rate"] is not None else 0.0
    out: dict[str, Any] = dict.fromkeys(VERDICT_COLUMNS)
    # Planning with clusters: N clustered samples are worth N / DEFF (DEFF < 1 is
    # not trusted for planning).
    deff = None if design_effect is None or not design_effect >= 1.0 else design_effect
    if row["kind"] == "binary" and n > 0 and design_effect is None:
        test = noninferiority_counts(int(row["b"]), int(row["c"]), n, margin=margin, alpha=alpha)
        out["noninferiority_pvalue"] = test.pvalue
        equivalent = test.noninferior
    else:
        high = row.get("ci_high")
        equivalent = (
            interval_usable and high is not None and not math.isnan(high) and high <= margin
        )
    if row["degraded"]:
        verdict = DEGRADED
    elif equivalent:
        verdict = EQUIVALENT
    else:
        verdict = INCONCLUSIVE
    if n > 0 and 0.0 < flip_rate <= 1.0:
        drop = minimum_detectable_delta(
            n, flip_rate, alpha=alpha, power=PLANNING_POWER, design_effect=deff
        )
        out["detectable_drop"] = None if math.isinf(drop) else drop
    if verdict == INCONCLUSIVE:
        # A drop of `margin` needs at least that share of flips.
        plan_rate = min(1.0, max(flip_rate, margin))
        out["n_needed"] = sample_size(
            plan_rate, margin, alpha=alpha, power=PLANNING_POWER, design_effect=deff
        )
        if n > 0 and deff is None:
            out["flip_rate_needed"] = _core.exact_maximum_flip_rate(
                n, margin, alpha, PLANNING_POWER
            )
    out["verdict"] = verdict
    return out


def add_verdicts(
    tasks: pl.DataFrame,
    *,
    margin: float,
    alpha: float,
    confidence_level: float = 0.95,
    design_effects: Mapping[tuple[str, str, str], float] | None = None,
) -> pl.DataFrame:
    """``tasks`` (a ``Comparison.tasks`` frame) with the three-way ``verdict`` and
    the columns of :data:`VERDICT_COLUMNS`. ``confidence_level`` is the level of
    the ``ci_low``/``ci_high`` columns; continuous tasks (and, with clusters,
    every task) can only be declared equivalent when it is at least 1 - 2 alpha.
    ``design_effects`` (per (task, filter, metric), clustered comparisons) make
    equivalence rest on the cluster-robust interval and the planning columns
    count N / DEFF effective samples."""
    margin = check_margin(margin)
    usable = (1.0 - confidence_level) / 2.0 <= alpha + 1e-12
    effects = design_effects or {}
    extra = [
        _task_verdict(
            row, margin, alpha, usable,
            effects.get((row["task"], row["filter"], row["metric"])) if effects else None,
        )
        for row in tasks.iter_rows(named=True)
    ]  # fmt: skip
    schema = {**VERDICT_COLUMNS, "verdict": pl.Utf8()}
    added = pl.DataFrame(extra, schema=schema) if extra else pl.DataFrame(schema=schema)
    # The verdict replaces the existing column in place; the planning columns follow.
    kept = tasks.drop([c for c in VERDICT_COLUMNS if c in tasks.columns])
    verdict = added.get_column("verdict")
    kept = kept.with_columns(verdict) if "verdict" in kept.columns else kept.hstack([verdict])
    return pl.concat([kept, added.drop("verdict")], how="horizontal")


def suite_verdict(tasks: pl.DataFrame, *, degraded: bool) -> str:
    """The suite's verdict from the per-task verdicts (see the module docstring)."""
    if degraded:
        return DEGRADED
    verdicts = tasks.get_column("verdict").to_list() if tasks.height else []
    if verdicts and all(v == EQUIVALENT for v in verdicts):
        return EQUIVALENT
    return INCONCLUSIVE


# --------------------------------------------------------------------------- driver


def _rule_text(what: str, rule: str) -> str:
    if rule == "any":
        return f"{what}, each at alpha (rule 'any': level at most 3 alpha)"
    return f"{what}, each at alpha/3 (level alpha)"


def _suite(
    outcomes: list[TaskOutcome],
    units: list[np.ndarray[Any, Any]],
    sizes: list[np.ndarray[Any, Any]],
    clustered: bool,
    options: DecisionOptions,
) -> tuple[bool, str, AggregateResult | SuiteSignFlipResult | None]:
    """The suite verdict (one level-alpha test), the rule that gave it, and its result."""
    alpha = options.alpha
    if len(outcomes) == 1:
        what = "its own clustered test" if clustered else "its own test"
        return outcomes[0].pvalue <= alpha, f"single task: {what} at level alpha", None
    if not clustered and all(o.kind == "binary" for o in outcomes):
        result = aggregate(
            np.asarray([o.b for o in outcomes], dtype=np.int64),
            np.asarray([o.c for o in outcomes], dtype=np.int64),
            method="combined",
            alpha=alpha,
            alternative=options.alternative,
            tasks=[o.task for o in outcomes],
            rule=options.rule,  # type: ignore[arg-type]
        )
        rule = _rule_text(
            "combined suite test (Pooled, Max-Drop, Fisher) over the tasks", options.rule
        )
        return bool(result.rejected), rule, result
    suite = suite_from_units(
        units,
        sizes,
        tasks=[o.task for o in outcomes],
        kinds=[o.kind for o in outcomes],
        clustered=clustered,
        alpha=alpha,
        rule=options.rule,  # type: ignore[arg-type]
        alternative=options.alternative,
        n_resamples=options.n_resamples,
        rng=options.seed,
    )
    unit = "clusters" if clustered else "samples"
    rule = _rule_text(
        "combined suite test (Pooled, Max-Drop, Fisher) from shared sign-flip resamples "
        f"of the {unit} of every task",
        options.rule,
    )
    return bool(suite.rejected), rule, suite


def decide_comparison(
    index: ReferenceIndex, stats: TaskStats, *, label: str, options: DecisionOptions
) -> Comparison:
    """The :class:`Comparison` of candidate ``label`` from its statistics."""
    rows = stats.rows.filter(pl.col("candidate") == label)
    clustered = index.clusters is not None
    outcomes: list[TaskOutcome] = []
    units: list[np.ndarray[Any, Any]] = []
    sizes: list[np.ndarray[Any, Any]] = []
    cluster_rows: list[dict[str, Any]] = []
    for row in rows.iter_rows(named=True):
        if index.clusters is None:
            outcomes.append(
                outcome_of(
                    row,
                    alternative=options.alternative,
                    confidence_level=options.confidence_level,
                    n_resamples=options.n_resamples,
                    seed=options.seed,
                    method=options.method,  # type: ignore[arg-type]
                )
            )
            units.append(suite_units(row))
            sizes.append(np.ones(len(units[-1]), dtype=np.uint64))
            continue
        codes = (
            None
            if row["kind"] == "binary"
            else index.clusters.of(row["task"], np.asarray(row["doc_codes"]), index.doc_ids)
        )
        if row["kind"] == "binary" and row["clusters"] is None:
            raise InvalidArgumentError(
                f"task {row['task']!r}: its TaskStats carry no cluster counts; compute them "
                "with a clustered reference index"
            )
        outcome, res, task_units, task_sizes = clustered_outcome_of(
            row, codes, cluster_method=options.cluster_method,
            alternative=options.alternative, confidence_level=options.confidence_level,
            n_resamples=options.n_resamples, seed=options.seed,
        )  # fmt: skip
        outcomes.append(outcome)
        units.append(task_units)
        sizes.append(task_sizes)
        cluster_rows.append(
            {
                "task": row["task"], "filter": row["filter"], "metric": row["metric"],
                "n": res.n, "n_clusters": res.n_clusters,
                "design_effect": res.design_effect, "effective_n": res.effective_n,
                "icc": res.icc, "standard_error": res.standard_error,
            }
        )  # fmt: skip
    alpha = options.alpha
    adjusted = (
        [float(p) for p in adjust_pvalues(
            np.asarray([o.pvalue for o in outcomes], dtype=np.float64), method=options.adjust
        )]
        if outcomes else []
    )  # fmt: skip
    suite_degraded, rule, aggregate_result = _suite(outcomes, units, sizes, clustered, options)
    if len(outcomes) == 1:
        adjusted = [outcomes[0].pvalue]
    flags = [suite_degraded and (p <= alpha) for p in adjusted]
    tests = pl.DataFrame(
        [
            {**o.__dict__, "pvalue_adjusted": p, "degraded": f,
             "verdict": DEGRADED if f else "not degraded"}
            for o, p, f in zip(outcomes, adjusted, flags, strict=True)
        ],
        schema=TEST_COLUMNS,
    )  # fmt: skip
    tasks = add_verdicts(
        tests, margin=options.margin, alpha=alpha, confidence_level=options.confidence_level,
        design_effects={
            (r["task"], r["filter"], r["metric"]): r["design_effect"] for r in cluster_rows
        } if clustered else None,
    )  # fmt: skip
    if options.noise is not None:
        keys = ["task", "filter", "metric"]
        tasks = tasks.join(options.noise.tasks.select(*keys, *NOISE_JOIN), on=keys, how="left")
    skipped = stats.skipped.filter(pl.col("candidate") == label).drop("candidate")
    found = stats.metadata.get(label, {})
    meta: dict[str, Any] = {
        "reference": found.get("reference", {"label": index.label}),
        "candidate": found.get("candidate", {"label": label}),
        "hash_checks": found.get("hash_checks", {}),
        "notes": list(found.get("notes", [])),
        "verdict_rule": rule,
        "lower_is_better": rows.filter(pl.col("lower_is_better")).get_column("task").to_list(),
        "adjustment": options.adjust,
        "alternative": options.alternative,
        "confidence_level": options.confidence_level,
        "method": options.method,
        "rule": options.rule,
    }
    if index.clusters is not None:
        meta["clusters"] = {
            "key": index.clusters.key,
            "method": options.cluster_method,
            "tasks": cluster_rows,
        }
    return Comparison(
        reference=index.label,
        candidate=str(meta["candidate"].get("label", label)),
        alpha=float(alpha),
        tasks=tasks,
        skipped=skipped.select(list(SKIPPED_COLUMNS)),
        aggregate=aggregate_result,
        degraded=bool(suite_degraded),
        metadata=meta,
        margin=options.margin,
        verdict=suite_verdict(tasks, degraded=bool(suite_degraded)),
    )


def decide_audit(
    index: ReferenceIndex, stats: Mapping[str, TaskStats] | TaskStats, options: DecisionOptions
) -> Audit:
    """The :class:`Audit` of every candidate in ``stats`` (``{label: TaskStats}``, in
    the order given, or one merged :class:`TaskStats`) against the indexed reference.

    Examples
    --------
    >>> from fastmcnemar.compare.decision import DecisionOptions, decide_audit
    >>> from fastmcnemar.compare.engine import candidate_stats, index_reference
    >>> from fastmcnemar.data import example_path
    >>> index = index_reference(example_path("reference"))
    >>> stats = {"int4": candidate_stats(index, example_path("degraded"), label="int4")}
    >>> decide_audit(index, stats, DecisionOptions()).summary.select("candidate", "verdict").rows()
    [('int4', 'degraded')]
    """
    if isinstance(stats, TaskStats):
        stats = {label: stats for label in stats.candidates}
    for label, part in stats.items():
        if part.index_key and part.index_key != index.key:
            raise InvalidArgumentError(
                f"candidate {label}: its TaskStats were computed against another reference index"
            )
    comparisons = {
        label: decide_comparison(index, part, label=label, options=options)
        for label, part in stats.items()
    }
    return build_audit(index.label, comparisons)


def build_audit(reference: str, comparisons: dict[str, Comparison]) -> Audit:
    """The :class:`Audit` of ``comparisons`` (one per candidate label)."""
    parts = [
        comp.tasks.select(pl.lit(label, dtype=pl.Utf8).alias("candidate"), pl.all())
        for label, comp in comparisons.items()
    ]
    table = (
        pl.concat(parts) if parts else pl.DataFrame(schema={"candidate": pl.Utf8, **TASK_COLUMNS})
    )
    summary = pl.DataFrame(
        [
            {
                "candidate": label,
                "degraded": comp.degraded,
                "aggregate_pvalue": (
                    float(comp.aggregate.pvalue) if comp.aggregate is not None
                    else float(comp.tasks["pvalue"][0]) if comp.tasks.height == 1 else None
                ),
                "n_tasks": comp.tasks.height,
                "n_degraded": int(comp.tasks.get_column("degraded").sum()),
                "verdict": comp.verdict,
            }
            for label, comp in comparisons.items()
        ],
        schema=SUMMARY_COLUMNS,
    )  # fmt: skip
    return Audit(
        reference=reference,
        comparisons=comparisons,
        table=table,
        summary=summary,
        degraded=any(c.degraded for c in comparisons.values()),
    )


__all__ = [
    "DEGRADED",
    "EQUIVALENT",
    "INCONCLUSIVE",
    "DecisionOptions",
    "add_verdicts",
    "build_audit",
    "check_margin",
    "check_options",
    "decide_audit",
    "decide_comparison",
    "suite_verdict",
]
