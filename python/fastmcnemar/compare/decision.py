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
the exact McNemar null; with clusters the cluster sums are the units). A single
task is decided by its own test. A task is flagged degraded only when the suite
is and its adjusted p-value is at most alpha.

With clusters each task is tested at the cluster level (the exact cluster
sign-flip test by default, or Obuchowski's / Durkalski's statistic), its
interval is the cluster-robust one (equivalence rests on it for binary tasks
too), and the planning columns count N / DEFF effective samples.

"Not significantly worse" is split in two. Per task:

- ``degraded``: the degradation test rejects (the ``degraded`` column);
- ``equivalent``: otherwise, when the candidate is shown to be at most ``margin``
  worse: Tango's non-inferiority test at ``alpha`` for binary scores; for
  continuous scores the upper limit of the task's interval on delta is at most
  ``margin`` (an interval at confidence >= 1 - 2 alpha makes that a valid,
  conservative level-alpha test);
- ``inconclusive``: neither. ``n_needed`` says how many samples would give 80%
  power against a drop of ``margin`` at the observed flip rate (2^31 + 1 for
  "more than 2^31", where the exact search stops: a margin of a thousandth of a
  point),
  ``flip_rate_needed`` the largest flip rate at which this run's N would have,
  and ``detectable_drop`` what the run could detect.

The suite is ``degraded`` when the comparison is, ``equivalent`` when every task
is (an intersection-union test: each at ``alpha`` gives the suite level
``alpha`` with no correction), otherwise ``inconclusive``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import polars as pl

from fastmcnemar import _args, _core
from fastmcnemar._cluster_methods import CLUSTERED_METHODS
from fastmcnemar.compare import frame_ops
from fastmcnemar.compare.results import (
    SKIPPED_COLUMNS,
    SUMMARY_COLUMNS,
    TASK_COLUMNS,
    TEST_COLUMNS,
    VERDICT_COLUMNS,
    Audit,
    Comparison,
)
from fastmcnemar.compare.task_stats import STATS_COLUMNS, TaskStats
from fastmcnemar.compare.task_tests import clustered_outcome_of, suite_units, test_columns
from fastmcnemar.exceptions import InvalidArgumentError
from fastmcnemar.paired_test import Alternative
from fastmcnemar.planning import verdict_columns
from fastmcnemar.suite import (
    ADJUSTMENTS,
    AdjustMethod,
    AggregateResult,
    ComponentResult,
    aggregate_many,
)

DEGRADED = "degraded"
EQUIVALENT = "equivalent"
INCONCLUSIVE = "inconclusive"

#: Power the planning columns refer to.
PLANNING_POWER = 0.8

if TYPE_CHECKING:
    from fastmcnemar.compare.engine import ReferenceIndex
    from fastmcnemar.rerun_noise import NoiseFloor
    from fastmcnemar.suite_resampling import SuiteSignFlipResult

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
    #: Per-task margins overriding ``margin`` (a gate policy's ``[tasks.NAME] margin``).
    margins: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        _args.level("alpha", self.alpha)
        _args.alternative(self.alternative)
        _args.level("confidence_level", self.confidence_level)
        _args.choice("adjust", self.adjust, tuple(ADJUSTMENTS))
        _args.resamples(self.n_resamples)
        _args.seed(self.seed)
        _args.margin(self.margin)
        for value in (self.margins or {}).values():
            _args.margin(value)
        # method: the per-task McNemar p-value; rule: each suite test at alpha/3
        # ("bonferroni", level alpha) or at alpha ("any", level at most 3 alpha).
        _args.choice("method", self.method, ("exact", "midp"))
        _args.choice("rule", self.rule, ("bonferroni", "any"))
        _args.choice("cluster_method", self.cluster_method, CLUSTERED_METHODS)

    def margin_of(self, task: str) -> float:
        """The margin of ``task``: its own under a policy, else ``margin``."""
        return float(self.margins.get(task, self.margin)) if self.margins else self.margin


def add_verdicts(
    tasks: pl.DataFrame,
    *,
    margin: float,
    alpha: float,
    confidence_level: float = 0.95,
    margins: Mapping[str, float] | None = None,
) -> pl.DataFrame:
    """``tasks`` (a ``Comparison.tasks`` frame) with the three-way ``verdict`` and
    the columns of :data:`VERDICT_COLUMNS`. ``confidence_level`` is the level of
    the ``ci_low``/``ci_high`` columns; continuous tasks can only be declared
    equivalent when it is at least 1 - 2 alpha."""
    margin = _args.margin(margin)
    per_task = margins or {}
    columns = _verdicts(
        tasks.get_column("kind").to_numpy(),
        tasks.get_column("n").to_numpy(),
        tasks.get_column("b").to_numpy(),
        tasks.get_column("c").to_numpy(),
        tasks.get_column("flip_rate").to_numpy(),
        tasks.get_column("ci_high").to_numpy(),
        tasks.get_column("degraded").to_numpy(),
        margin=np.asarray(
            [per_task.get(t, margin) for t in tasks.get_column("task").to_list()], dtype=np.float64
        ),
        alpha=alpha,
        confidence_level=confidence_level,
    )
    # The verdict replaces the existing column in place; the planning columns follow.
    kept = tasks.drop([c for c in VERDICT_COLUMNS if c in tasks.columns])
    verdict = columns.get_column("verdict")
    kept = kept.with_columns(verdict) if "verdict" in kept.columns else kept.hstack([verdict])
    return pl.concat([kept, columns.drop("verdict")], how="horizontal")


def _verdicts(
    kind: np.ndarray[Any, Any],
    n: np.ndarray[Any, Any],
    b: np.ndarray[Any, Any],
    c: np.ndarray[Any, Any],
    flip_rate: np.ndarray[Any, Any],
    ci_high: np.ndarray[Any, Any],
    degraded: np.ndarray[Any, Any],
    *,
    margin: float | np.ndarray[Any, Any],
    alpha: float,
    confidence_level: float,
) -> pl.DataFrame:
    """``verdict`` and the planning columns of every task, in one core call
    (:func:`fastmcnemar.planning.verdict_columns`) per distinct margin."""
    if kind.size == 0:
        return pl.DataFrame(schema={"verdict": pl.Utf8(), **VERDICT_COLUMNS})
    if isinstance(margin, np.ndarray):
        margins = np.asarray(margin, dtype=np.float64)
        values = np.unique(margins)
        if values.size == 1:
            margin = float(values[0])
        else:
            # per-task margins (a gate policy): one call per margin, rows put back in order
            order = np.concatenate([np.flatnonzero(margins == v) for v in values])
            parts = [
                _verdicts(
                    kind[w], n[w], b[w], c[w], flip_rate[w], ci_high[w], degraded[w],
                    margin=float(v), alpha=alpha, confidence_level=confidence_level,
                )
                for v in values
                for w in [np.flatnonzero(margins == v)]
            ]  # fmt: skip
            return pl.concat(parts)[np.argsort(order, kind="stable")]
    columns = verdict_columns(
        n.astype(np.int64),
        b.astype(np.int64),
        c.astype(np.int64),
        np.asarray(flip_rate, dtype=np.float64),
        binary=np.asarray(kind == "binary", dtype=bool),
        degraded=degraded.astype(bool),
        ci_high=np.asarray(ci_high, dtype=np.float64),
        margin=margin,
        alpha=alpha,
        power=PLANNING_POWER,
        confidence_level=confidence_level,
    )
    return columns.to_polars()


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


def _suite_rule(
    tasks: list[str],
    kinds: list[str],
    pvalues: list[float],
    units: list[np.ndarray[Any, Any]],
    sizes: list[np.ndarray[Any, Any]],
    aggregate_result: AggregateResult | None,
    clustered: bool,
    options: DecisionOptions,
) -> tuple[bool, str, AggregateResult | SuiteSignFlipResult | None]:
    """The suite verdict (one level-alpha test), the rule that gave it, and its result."""
    alpha = options.alpha
    if len(kinds) == 1:
        what = "its own clustered test" if clustered else "its own test"
        return pvalues[0] <= alpha, f"single task: {what} at level alpha", None
    if aggregate_result is not None:
        rule = _rule_text(
            "combined suite test (Pooled, Max-Drop, Fisher) over the tasks", options.rule
        )
        return bool(aggregate_result.rejected), rule, aggregate_result
    from fastmcnemar.suite_resampling import suite_from_units  # mixed or clustered suites only

    suite = suite_from_units(
        units, sizes, tasks=tasks, kinds=kinds, clustered=clustered, alpha=alpha,
        rule=options.rule,  # type: ignore[arg-type]
        alternative=options.alternative, n_resamples=options.n_resamples, rng=options.seed,
    )  # fmt: skip
    unit = "clusters" if clustered else "samples"
    rule = _rule_text(
        "combined suite test (Pooled, Max-Drop, Fisher) from shared sign-flip resamples "
        f"of the {unit} of every task",
        options.rule,
    )
    return bool(suite.rejected), rule, suite


def _aggregates(
    groups: list[tuple[str, int, int]], tests: dict[str, Any], options: DecisionOptions
) -> dict[str, AggregateResult]:
    """The combined suite test of every candidate with two or more binary tasks, through
    one :func:`aggregate_many` call per number of binary tasks."""
    by_size: dict[int, list[tuple[str, np.ndarray[Any, Any]]]] = {}
    for label, start, stop in groups:
        kinds = tests["kind"][start:stop]
        where = start + np.flatnonzero(np.asarray(kinds, dtype=object) == "binary")
        # The count-based aggregate decides only suites of binary tasks alone.
        if where.size >= 2 and where.size == stop - start:
            by_size.setdefault(int(where.size), []).append((label, where))
    out: dict[str, AggregateResult] = {}
    for members in by_size.values():
        b = np.stack([tests["b"][w] for _, w in members]).astype(np.int64)
        c = np.stack([tests["c"][w] for _, w in members]).astype(np.int64)
        many = aggregate_many(
            b, c, method="combined", alpha=options.alpha, alternative=options.alternative,
            rule=options.rule,  # type: ignore[arg-type]
        )  # fmt: skip
        components = many.components or {}
        for row, (label, where) in enumerate(members):
            out[label] = AggregateResult(
                method=many.method,
                statistic=float(many.statistic[row]),
                pvalue=float(many.pvalue[row]),
                log_pvalue=float(many.log_pvalue[row]),
                alpha=many.alpha,
                rejected=bool(many.rejected[row]),
                level=many.level,
                alternative=many.alternative,
                components={
                    name: ComponentResult(
                        name, float(stat[row]), float(pvalue[row]), float(log_p[row])
                    )
                    for name, (stat, pvalue, log_p) in components.items()
                },
                task_pvalues=np.array(many.task_pvalues[row]),
                task_log_pvalues=np.array(many.task_log_pvalues[row]),
                tasks=tuple(tests["task"][i] for i in where.tolist()),
                rule=many.rule,
                n_resamples=many.n_resamples,
            )
    return out


def decide_comparison(
    index: ReferenceIndex, stats: TaskStats, *, label: str, options: DecisionOptions
) -> Comparison:
    """The :class:`Comparison` of candidate ``label`` from its statistics."""
    return decide_audit(index, {label: stats}, options).comparisons[label]


def decide_audit(
    index: ReferenceIndex,
    stats: Mapping[str, TaskStats] | TaskStats,
    options: DecisionOptions,
    *,
    failed: Mapping[str, str] | None = None,
) -> Audit:
    """The :class:`Audit` of every candidate in ``stats`` (``{label: TaskStats}``, in
    the order given, or one merged :class:`TaskStats`) against the indexed reference.

    ``failed`` lists candidates that could not be read (label -> error); the
    audit then reports itself incomplete (:attr:`Audit.failed`).

    Every test is batched over all (candidate, task) rows: one
    :func:`~fastmcnemar.mcnemar_counts` call for the binary p-values, one
    :func:`~fastmcnemar.planning.tango_interval_many` call for the intervals, one
    :func:`~fastmcnemar.aggregate_many` call per suite size, every candidate's
    adjustment (each on its own tasks) in one core call, the verdicts and planning
    columns in one ``verdict_columns`` call.

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
    parts: list[pl.DataFrame] = []
    groups: list[tuple[str, int, int]] = []
    offset = 0
    for label, part in stats.items():
        if part.index_key and part.index_key != index.key:
            raise InvalidArgumentError(
                f"candidate {label}: its TaskStats were computed against another reference index"
            )
        rows = _rows_of(part.rows, label)
        parts.append(rows)
        groups.append((label, offset, offset + rows.height))
        offset += rows.height
    every = pl.concat(parts) if parts else pl.DataFrame(schema=STATS_COLUMNS)
    tests = test_columns(
        every,
        alternative=options.alternative,
        confidence_level=options.confidence_level,
        n_resamples=options.n_resamples,
        seed=options.seed,
        method=options.method,  # type: ignore[arg-type]
    )
    clustered = index.clusters is not None
    units, sizes, cluster_info = _units(index, every, tests, options)
    aggregates = {} if clustered else _aggregates(groups, tests, options)
    alpha = options.alpha
    # Every candidate's tasks adjusted as one family each, in one core call.
    adjusted_all = _adjust_families(tests["pvalue"], groups, options.adjust)
    degraded_all = np.zeros(every.height, dtype=bool)
    suites: dict[str, tuple[bool, str, AggregateResult | SuiteSignFlipResult | None]] = {}
    for label, start, stop in groups:
        pvalues = tests["pvalue"][start:stop].tolist()
        kinds = tests["kind"][start:stop]
        adjusted = adjusted_all[start:stop].tolist()
        if clustered:
            task_units, task_sizes = units[start:stop], sizes[start:stop]
        elif label not in aggregates and stop - start > 1:
            task_units = [suite_units(every.row(i, named=True)) for i in range(start, stop)]
            task_sizes = [np.ones(len(u), dtype=np.uint64) for u in task_units]
        else:
            task_units, task_sizes = [], []
        suite = _suite_rule(
            list(tests["task"][start:stop]), list(kinds), pvalues, task_units,
            task_sizes, aggregates.get(label), clustered, options,
        )  # fmt: skip
        if len(pvalues) == 1:
            adjusted = pvalues
        adjusted_all[start:stop] = adjusted
        degraded_all[start:stop] = [suite[0] and p <= alpha for p in adjusted]
        suites[label] = suite
    kinds_all = np.asarray(tests["kind"], dtype=object)
    n_plan = np.asarray(tests["n"], dtype=np.int64)
    deff = np.ones(every.height)
    if clustered:
        # Equivalence from the cluster-robust interval (as for continuous tasks) and
        # planning at N / DEFF effective samples (DEFF < 1 is not trusted).
        kinds_all = np.full(every.height, "continuous", dtype=object)
        deff = np.asarray([max(1.0, d) if d == d else 1.0 for d in cluster_info["deff"]])
        n_plan = np.maximum(1, np.floor(n_plan / deff + 1e-9)).astype(np.int64)
    columns = _verdicts(
        kinds_all, n_plan, tests["b"], tests["c"],
        tests["flip_rate"], tests["ci_high"], degraded_all,
        margin=np.asarray([options.margin_of(t) for t in tests["task"]], dtype=np.float64),
        alpha=alpha, confidence_level=options.confidence_level,
    )  # fmt: skip
    if clustered:
        needed = columns.get_column("n_needed").to_numpy()
        columns = columns.with_columns(
            pl.Series("n_needed", [None if v != v else int(np.ceil(v * d - 1e-9))
                                   for v, d in zip(needed, deff, strict=True)], dtype=pl.Int64)
        )  # fmt: skip
    table = frame_ops.typed_frame(
        {
            "candidate": [label for label, start, stop in groups for _ in range(stop - start)],
            **{name: tests[name] for name in TEST_COLUMNS if name in tests},
            "pvalue_adjusted": adjusted_all,
            "degraded": degraded_all,
            "verdict": columns.get_column("verdict"),
            **{name: columns.get_column(name) for name in VERDICT_COLUMNS},
        },
        {"candidate": pl.Utf8(), **TASK_COLUMNS},
    )
    if options.noise is not None:
        keys = ["task", "filter", "metric"]
        table = table.join(
            options.noise.tasks.select(*keys, *NOISE_JOIN), on=keys, how="left",
            maintain_order="left",
        )  # fmt: skip
    comparisons: dict[str, Comparison] = {}
    body = pl.DataFrame(table.get_columns()[1:])  # every column but "candidate"
    for label, start, stop in groups:
        tasks = body.slice(start, stop - start)
        degraded, rule, suite_result = suites[label]
        meta = _metadata(index, stats[label], label, every, start, stop, rule, options)
        if clustered:
            meta["clusters"] = {
                "key": index.clusters.key if index.clusters is not None else "",
                "method": options.cluster_method,
                "tasks": cluster_info["rows"][start:stop],
            }
        comparisons[label] = Comparison(
            reference=index.label,
            candidate=_candidate_label(stats[label], label),
            alpha=float(alpha),
            tasks=tasks,
            skipped=frame_ops.columns(_rows_of(stats[label].skipped, label), SKIPPED_COLUMNS),
            aggregate=suite_result,
            degraded=bool(degraded),
            metadata=meta,
            margin=options.margin,
            verdict=suite_verdict(tasks, degraded=bool(degraded)),
            flips=frame_ops.columns(
                _rows_of(stats[label].flips, label),
                [c for c in stats[label].flips.columns if c != "candidate"],
            ),
        )
    return build_audit(index.label, comparisons, table=table, failed=failed)


def _units(
    index: ReferenceIndex, every: pl.DataFrame, tests: dict[str, Any], options: DecisionOptions
) -> tuple[list[np.ndarray[Any, Any]], list[np.ndarray[Any, Any]], dict[str, list[Any]]]:
    """Per row: its sign-flip units and their sizes for the suite rule; with clusters,
    each row's clustered test replaces its columns in ``tests`` (and its cluster
    summary is returned)."""
    units: list[np.ndarray[Any, Any]] = []
    sizes: list[np.ndarray[Any, Any]] = []
    info: dict[str, list[Any]] = {"rows": [], "deff": []}
    if index.clusters is None:
        return units, sizes, info  # formed per suite, only where a suite needs them
    for i, row in enumerate(every.iter_rows(named=True)):
        if row["kind"] == "binary" and row["clusters"] is None:
            raise InvalidArgumentError(
                f"task {row['task']!r}: its TaskStats carry no cluster counts; compute them "
                "with a clustered reference index"
            )
        codes = (
            None
            if row["kind"] == "binary"
            else index.clusters.of(row["task"], np.asarray(row["doc_codes"]), index.doc_ids)
        )
        outcome, res, task_units, task_sizes = clustered_outcome_of(
            row, codes, cluster_method=options.cluster_method,
            alternative=options.alternative, confidence_level=options.confidence_level,
            n_resamples=options.n_resamples, seed=options.seed,
        )  # fmt: skip
        for name in ("method", "reference_accuracy", "candidate_accuracy", "delta", "ci_low",
                     "ci_high", "flip_rate", "pvalue"):  # fmt: skip
            tests[name][i] = getattr(outcome, name)
        units.append(task_units)
        sizes.append(task_sizes)
        info["deff"].append(res.design_effect)
        info["rows"].append(
            {
                "task": row["task"], "filter": row["filter"], "metric": row["metric"],
                "n": res.n, "n_clusters": res.n_clusters,
                "design_effect": res.design_effect, "effective_n": res.effective_n,
                "icc": res.icc, "standard_error": res.standard_error,
            }
        )  # fmt: skip
    return units, sizes, info


def _adjust_families(
    pvalues: np.ndarray[Any, Any], groups: list[tuple[str, int, int]], method: AdjustMethod
) -> np.ndarray[Any, Any]:
    """Each candidate's p-values adjusted as its own family (as
    :func:`~fastmcnemar.adjust_pvalues` would, one call per candidate), in one call."""
    values: np.ndarray[Any, Any] = np.ascontiguousarray(pvalues, dtype=np.float64)
    if values.size == 0:
        return values
    offsets = np.asarray([start for _, start, _ in groups] + [groups[-1][2]], dtype=np.int64)
    adjusted: np.ndarray[Any, Any] = _core.suite_adjust_pvalues_grouped(values, offsets, method)
    return adjusted


def _rows_of(frame: pl.DataFrame, label: str) -> pl.DataFrame:
    """The rows of candidate ``label``: the frame itself when it holds no other (a
    compare's), else a filter (a merged audit's: its first row tells at once)."""
    column = frame.get_column("candidate")
    if column.len() == 0 or (column[0] == label and frame_ops.one_value(column)):
        return frame
    return frame.filter(pl.col("candidate") == label)


def _candidate_label(stats: TaskStats, label: str) -> str:
    found = stats.metadata.get(label, {}).get("candidate", {})
    return str(found.get("label", label))


def _metadata(
    index: ReferenceIndex,
    stats: TaskStats,
    label: str,
    every: pl.DataFrame,
    start: int,
    stop: int,
    rule: str,
    options: DecisionOptions,
) -> dict[str, Any]:
    found = stats.metadata.get(label, {})
    tasks = every.get_column("task").slice(start, stop - start).to_list()
    lower = every.get_column("lower_is_better").slice(start, stop - start).to_list()
    return {
        "reference": found.get("reference", {"label": index.label}),
        "candidate": found.get("candidate", {"label": label}),
        "hash_checks": found.get("hash_checks", {}),
        "notes": list(found.get("notes", [])),
        "incomplete": list(found.get("incomplete", [])),
        "margins": {t: options.margin_of(t) for t in tasks},
        "verdict_rule": rule,
        "lower_is_better": [t for t, flag in zip(tasks, lower, strict=True) if flag],
        "adjustment": options.adjust,
        "alternative": options.alternative,
        "confidence_level": options.confidence_level,
        "method": options.method,
        "rule": options.rule,
    }


def build_audit(
    reference: str,
    comparisons: dict[str, Comparison],
    *,
    table: pl.DataFrame | None = None,
    failed: Mapping[str, str] | None = None,
) -> Audit:
    """The :class:`Audit` of ``comparisons`` (one per candidate label); ``table``, when
    given, is their long table already built."""
    if table is None:
        parts = [
            comp.tasks.select(pl.lit(label, dtype=pl.Utf8).alias("candidate"), pl.all())
            for label, comp in comparisons.items()
        ]
        table = (
            pl.concat(parts)
            if parts
            else pl.DataFrame(schema={"candidate": pl.Utf8, **TASK_COLUMNS})
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
        failed=dict(failed or {}),
    )


__all__ = [
    "DEGRADED",
    "EQUIVALENT",
    "INCONCLUSIVE",
    "PLANNING_POWER",
    "DecisionOptions",
    "add_verdicts",
    "build_audit",
    "decide_audit",
    "decide_comparison",
    "suite_verdict",
]
