"""One decision for a whole suite of tasks, and which tasks degraded.

Inputs are per-task discordant counts: ``b[i]`` samples only the reference got
right on task ``i``, ``c[i]`` samples only the candidate got right. Under "no
degradation", given ``n_i = b_i + c_i``, the ``b_i`` are independent
Binomial(n_i, 1/2). Tasks without flips carry no information and are left out
of every global test (their per-task p-value is 1).

Global tests (``aggregate``, ``aggregate_many``):

``"pooled"``
    One exact test on ``sum(b)`` vs ``sum(c)``; strongest when degradation is
    spread evenly. Statistic ``(B - C) / sqrt(B + C)``.
``"max_drop"``
    ``T = max_i (b_i - c_i) / sqrt(b_i + c_i)``; strongest when one task
    breaks. Exact null ``P(T >= t) = 1 - prod_i P(z_i < t)`` (default) or
    seeded Monte Carlo (``max_drop_null="monte_carlo"``).
``"fisher"``
    ``-2 sum ln p_i`` against chi-square with ``2K`` degrees of freedom
    (conservative for discrete p-values), or its exact discrete null by seeded
    Monte Carlo (``fisher_null="monte_carlo"``).
``"stouffer"``, ``"cauchy"``, ``"hmp"``
    Weighted Stouffer, the Cauchy combination (ACAT) and the harmonic mean
    p-value; Cauchy and HMP stay valid (for small alpha) under dependence.
``"combined"`` (default)
    Degradation if any of pooled / max-drop / Fisher rejects. Default
    ``rule="bonferroni"`` runs each at ``alpha/3`` and guarantees level alpha;
    ``rule="any"`` reproduces the original "any at alpha" rule, whose level is
    only guaranteed to be at most ``3 alpha`` (stated in ``result.level``).

``adjust_pvalues`` gives Holm, Hochberg, Bonferroni, BH and BY adjusted
per-task p-values ("which task degraded?").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from fastmcnemar import _args, _core

# Re-exported: each adjustment's name in reports, and the error rate it controls.
from fastmcnemar._adjustment_names import ADJUSTMENTS as ADJUSTMENTS
from fastmcnemar._args import Alternative, SeedLike
from fastmcnemar._result_base import UnpacksAsStatisticPvalue
from fastmcnemar.exceptions import (
    InvalidArgumentError,
    LengthMismatchError,
    NonFiniteValueError,
)

Method = Literal["pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp", "combined"]
AdjustMethod = Literal[
    "holm", "hochberg", "hommel", "bonferroni", "sidak", "holm-sidak", "bh", "by"
]
CombineMethod = Literal["fisher", "stouffer", "cauchy", "hmp"]
Rule = Literal["bonferroni", "any"]

_WEIGHTED = ("stouffer", "cauchy", "hmp")
METHODS: tuple[Method, ...] = (
    "pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp", "combined"
)  # fmt: skip
COMBINE_METHODS: tuple[CombineMethod, ...] = ("fisher", "stouffer", "cauchy", "hmp")
ADJUST_METHODS: tuple[AdjustMethod, ...] = (
    "holm", "hochberg", "hommel", "bonferroni", "sidak", "holm-sidak", "bh", "by"
)  # fmt: skip
RULES: tuple[Rule, ...] = ("bonferroni", "any")


def _suite_options(
    method: object, alternative: object, rule: object
) -> tuple[Method, Alternative, Rule]:
    return (
        _args.choice("method", method, METHODS),
        _args.alternative(alternative),
        _args.choice("rule", rule, RULES),
    )


@dataclass(frozen=True)
class ComponentResult(UnpacksAsStatisticPvalue):
    """One component test of the combined rule."""

    method: str
    statistic: float
    pvalue: float
    log_pvalue: float


@dataclass(frozen=True)
class AggregateResult(UnpacksAsStatisticPvalue):
    """A suite verdict from :func:`aggregate`.

    Attributes
    ----------
    method : str
        The global test.
    statistic : float
        Pooled: ``(B - C)/sqrt(B + C)``; max_drop: ``max z_i`` (``-inf`` when no
        task has flips); fisher: ``-2 sum ln p_i``; stouffer: the combined z;
        cauchy: the Cauchy statistic; hmp: the harmonic mean p-value;
        combined: the smallest component p-value.
    pvalue, log_pvalue : float
        The p-value and its natural log (finite even where the p-value
        underflows to 0). For ``rule="any"`` the combined "p-value" is the
        unadjusted smallest component p-value.
    alpha : float
        The significance level asked for.
    rejected : bool
        Whether the test flags degradation at ``alpha``.
    level : float
        The false-alarm rate the decision guarantees: ``alpha``, or
        ``min(1, 3 alpha)`` for ``rule="any"``.
    alternative : str
        The direction tested.
    components : dict of str to ComponentResult or None
        ``"pooled"``, ``"max_drop"``, ``"fisher"`` for ``method="combined"``.
    task_pvalues, task_log_pvalues : numpy.ndarray
        Exact per-task p-values in the alternative's direction (1 for tasks
        without flips).
    tasks : tuple of str or None
        Task names, when given.
    rule : str or None
        The combined rule (``method="combined"`` only).
    n_resamples : int or None
        Monte Carlo replicates, when a Monte Carlo null was used.
    """

    method: str
    statistic: float
    pvalue: float
    log_pvalue: float
    alpha: float
    rejected: bool
    level: float
    alternative: str
    components: dict[str, ComponentResult] | None
    task_pvalues: npt.NDArray[np.float64] = field(compare=False, repr=False)
    task_log_pvalues: npt.NDArray[np.float64] = field(compare=False, repr=False)
    tasks: tuple[str, ...] | None = None
    rule: str | None = None
    n_resamples: int | None = None


@dataclass(frozen=True)
class AggregateManyResult:
    """Suite verdicts for many candidates from :func:`aggregate_many`.

    Arrays are indexed by candidate (rows of the input); ``task_pvalues`` is
    ``(n_candidates, n_tasks)``; ``components`` maps ``"pooled"``,
    ``"max_drop"``, ``"fisher"`` to ``(statistic, pvalue, log_pvalue)``
    arrays for ``method="combined"``.
    """

    method: str
    statistic: npt.NDArray[np.float64] = field(compare=False)
    pvalue: npt.NDArray[np.float64] = field(compare=False)
    log_pvalue: npt.NDArray[np.float64] = field(compare=False)
    rejected: npt.NDArray[np.bool_] = field(compare=False)
    alpha: float
    level: float
    alternative: str
    components: (
        dict[
            str,
            tuple[
                npt.NDArray[np.float64],
                npt.NDArray[np.float64],
                npt.NDArray[np.float64],
            ],
        ]
        | None
    ) = field(compare=False)
    task_pvalues: npt.NDArray[np.float64] = field(compare=False, repr=False)
    task_log_pvalues: npt.NDArray[np.float64] = field(compare=False, repr=False)
    tasks: tuple[str, ...] | None = None
    candidates: tuple[str, ...] | None = None
    rule: str | None = None
    n_resamples: int | None = None


@dataclass(frozen=True)
class CombinedPvalue(UnpacksAsStatisticPvalue):
    """Result of :func:`combine_pvalues`."""

    method: str
    statistic: float
    pvalue: float
    log_pvalue: float


def _as_counts(values: npt.ArrayLike, name: str, ndim: int) -> npt.NDArray[np.int64]:
    """Integer counts as a C-contiguous int64 array, or a clear error."""
    array = np.asarray(values)
    if array.ndim != ndim:
        raise InvalidArgumentError(
            f"{name} must be a {ndim}-dimensional array of counts, got {array.ndim} dimensions"
        )
    if array.dtype == np.bool_ or not (
        np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)
    ):
        raise InvalidArgumentError(f"{name} must hold integer counts, got dtype {array.dtype}")
    if np.issubdtype(array.dtype, np.floating):
        bad = ~np.isfinite(array)
        if bad.any():
            index = int(np.flatnonzero(bad)[0])
            raise NonFiniteValueError(
                f"non-finite value in {name} at index {index}: {array.ravel()[index]}"
            )
        fractional = array != np.round(array)
        if fractional.any():
            index = int(np.flatnonzero(fractional)[0])
            raise InvalidArgumentError(
                f"{name} must hold whole counts; {name} at index {index} is {array.ravel()[index]}"
            )
    return np.ascontiguousarray(array, dtype=np.int64)


def _weights(weights: npt.ArrayLike | None, method: str) -> npt.NDArray[np.float64] | None:
    if weights is None:
        return None
    if method not in _WEIGHTED:
        raise InvalidArgumentError(
            f"weights apply to methods 'stouffer', 'cauchy' and 'hmp', not to {method!r}"
        )
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if w.ndim != 1:
        raise InvalidArgumentError("weights must be one-dimensional, one weight per task")
    return w


MaxDropNull = Literal["exact", "monte_carlo"]
FisherNull = Literal["chi2", "monte_carlo"]


def _nulls(
    max_drop_null: object, fisher_null: object, n_resamples: object
) -> tuple[MaxDropNull, FisherNull, int | None]:
    max_drop: MaxDropNull = _args.choice("max_drop_null", max_drop_null, ("exact", "monte_carlo"))
    fisher: FisherNull = _args.choice("fisher_null", fisher_null, ("chi2", "monte_carlo"))
    uses_mc = "monte_carlo" in (max_drop, fisher)
    count: int | None = None
    if n_resamples is not None:
        if not uses_mc:
            raise InvalidArgumentError(
                "n_resamples only applies with max_drop_null='monte_carlo' or "
                "fisher_null='monte_carlo'"
            )
        count = _args.resamples(n_resamples)
    elif uses_mc:
        count = 9999
    return max_drop, fisher, count


def aggregate(
    b: npt.ArrayLike,
    c: npt.ArrayLike,
    /,
    *,
    method: Method = "combined",
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    tasks: Sequence[str] | None = None,
    rng: SeedLike = None,
    n_resamples: int | None = None,
    rule: Rule = "bonferroni",
    max_drop_null: MaxDropNull = "exact",
    fisher_null: FisherNull = "chi2",
    weights: npt.ArrayLike | None = None,
) -> AggregateResult:
    """Test a whole suite of tasks for degradation with one decision.

    Parameters
    ----------
    b, c : array_like of int
        Per-task discordant counts: ``b[i]`` samples only the reference got
        right on task ``i``, ``c[i]`` samples only the candidate got right.
    method : {"combined", "pooled", "max_drop", "fisher", "stouffer", "cauchy", "hmp"}
        The global test (see the module documentation).
    alpha : float
        Significance level, strictly between 0 and 1.
    alternative : {"greater", "less", "two-sided"}
        ``"greater"``: is the candidate worse (b > c)? ``"less"``: is it
        better? (every method with b and c swapped). ``"two-sided"``: per-task
        p-values are two-sided (twice the smaller tail), the pooled test is
        two-sided on the sums, Max-Drop uses ``max |z_i|``, and Fisher,
        Stouffer, Cauchy and HMP combine the two-sided per-task p-values, so a
        change in either direction on any task counts.
    tasks : sequence of str, optional
        Task names, kept in the result.
    rng : int or numpy.random.Generator, optional
        Seed for the Monte Carlo nulls (a Generator gives one seed by drawing
        from it). Unused when every null is exact.
    n_resamples : int, optional
        Monte Carlo replicates (default 9999); only with a Monte Carlo null.
        The Monte Carlo p-value is ``(1 + #{T* >= T}) / (1 + n_resamples)``.
    rule : {"bonferroni", "any"}
        For ``method="combined"``: each component at ``alpha/3`` (level
        alpha, default) or each at ``alpha`` (the original rule; level at most
        ``3 alpha``).
    max_drop_null : {"exact", "monte_carlo"}
        Max-Drop null: exact product formula, or seeded Monte Carlo.
    fisher_null : {"chi2", "monte_carlo"}
        Fisher null: chi-square with ``2K`` dof (conservative for discrete
        p-values) or the exact discrete null by seeded Monte Carlo.
    weights : array_like of float, optional
        Per-task weights (>= 0) for ``"stouffer"``, ``"cauchy"`` and
        ``"hmp"``; equal by default. Stouffer uses them as given, Cauchy and
        HMP normalise them to sum to 1.

    Returns
    -------
    AggregateResult
        Unpacks as ``(statistic, pvalue)``.

    Notes
    -----
    Stouffer and Cauchy transform each p-value through an unbounded quantile,
    which sends an exact p-value of 1 (any task with ``b_i = 0``) to minus
    infinity; they therefore use per-task mid-p values. Pooled, Max-Drop
    (exact) and Fisher's Monte Carlo null are exact given the flip counts;
    Fisher with the chi-square reference is conservative; Stouffer, Cauchy and
    HMP are asymptotic.

    Examples
    --------
    >>> from fastmcnemar import aggregate
    >>> b = [30, 12, 41, 25]   # degradation flips per task
    >>> c = [22, 13, 18, 24]   # improvement flips per task
    >>> res = aggregate(b, c, tasks=["bbh", "gpqa", "ifeval", "math"])
    >>> res.rejected, round(res.components["max_drop"].pvalue, 5)
    (True, 0.00741)
    >>> round(aggregate(b, c, method="pooled").pvalue, 5)
    0.01357
    """
    method, alternative, rule = _suite_options(method, alternative, rule)
    b_arr = _as_counts(b, "b", 1)
    c_arr = _as_counts(c, "c", 1)
    names = _args.names(tasks, len(b_arr), "tasks") if len(b_arr) == len(c_arr) else None
    w = _weights(weights, method)
    md, fi, n_res = _nulls(max_drop_null, fisher_null, n_resamples)
    # Checked even when no null is simulated, so a bad rng is never silent.
    seed = _args.seed(rng) if n_res is not None else (_args.seed(rng) and 0)
    out = _core.suite_aggregate(
        b_arr, c_arr, method, alternative, _args.level("alpha", alpha), rule, md, fi, n_res, seed, w
    )
    components = (
        {
            c.name: ComponentResult(c.name, c.statistic, c.pvalue, c.log_pvalue)
            for c in out.components
        }
        if method == "combined"
        else None
    )
    return AggregateResult(
        method=method,
        statistic=out.statistic,
        pvalue=out.pvalue,
        log_pvalue=out.log_pvalue,
        alpha=_args.level("alpha", alpha),
        rejected=out.rejected,
        level=out.level,
        alternative=alternative,
        components=components,
        task_pvalues=out.task_pvalues,
        task_log_pvalues=out.task_log_pvalues,
        tasks=names,
        rule=rule if method == "combined" else None,
        n_resamples=n_res,
    )


def aggregate_many(
    b: npt.ArrayLike,
    c: npt.ArrayLike,
    /,
    *,
    method: Method = "combined",
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    tasks: Sequence[str] | None = None,
    candidates: Sequence[str] | None = None,
    rng: SeedLike = None,
    n_resamples: int | None = None,
    rule: Rule = "bonferroni",
    max_drop_null: MaxDropNull = "exact",
    fisher_null: FisherNull = "chi2",
    weights: npt.ArrayLike | None = None,
) -> AggregateManyResult:
    """:func:`aggregate` for many candidates at once, in parallel.

    ``b`` and ``c`` are ``(n_candidates, n_tasks)`` count matrices, one row per
    candidate compared with the same reference. Every option means what it
    means in :func:`aggregate`; Monte Carlo seeds are derived per row from
    ``rng``, so each row's answer does not depend on the thread count.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmcnemar import aggregate_many
    >>> b = np.array([[30, 12, 41], [20, 12, 19]])
    >>> c = np.array([[22, 13, 18], [21, 13, 18]])
    >>> res = aggregate_many(b, c, candidates=["int4", "fp8"])
    >>> res.rejected.tolist()
    [True, False]
    """
    method, alternative, rule = _suite_options(method, alternative, rule)
    b_arr = _as_counts(b, "b", 2)
    c_arr = _as_counts(c, "c", 2)
    if b_arr.shape != c_arr.shape:
        raise LengthMismatchError(
            f"shape mismatch: b has shape {b_arr.shape} but c has shape {c_arr.shape}"
        )
    n_rows, n_tasks = b_arr.shape
    task_names = _args.names(tasks, n_tasks, "tasks")
    cand_names = _args.names(candidates, n_rows, "candidates")
    w = _weights(weights, method)
    md, fi, n_res = _nulls(max_drop_null, fisher_null, n_resamples)
    # Checked even when no null is simulated, so a bad rng is never silent.
    seed = _args.seed(rng) if n_res is not None else (_args.seed(rng) and 0)
    out = _core.suite_aggregate_many(
        b_arr.ravel(),
        c_arr.ravel(),
        n_tasks,
        method,
        alternative,
        _args.level("alpha", alpha),
        rule,
        md,
        fi,
        n_res,
        seed,
        w,
    )
    components = (
        {c.name: (c.statistic, c.pvalue, c.log_pvalue) for c in out.components}
        if method == "combined"
        else None
    )
    return AggregateManyResult(
        method=method,
        statistic=out.statistic,
        pvalue=out.pvalue,
        log_pvalue=out.log_pvalue,
        rejected=out.rejected,
        alpha=_args.level("alpha", alpha),
        level=out.level,
        alternative=alternative,
        components=components,
        task_pvalues=out.task_pvalues.reshape(n_rows, n_tasks),
        task_log_pvalues=out.task_log_pvalues.reshape(n_rows, n_tasks),
        tasks=task_names,
        candidates=cand_names,
        rule=rule if method == "combined" else None,
        n_resamples=n_res,
    )


def combine_pvalues(
    pvalues: npt.ArrayLike,
    /,
    *,
    method: CombineMethod = "fisher",
    weights: npt.ArrayLike | None = None,
    log: bool = False,
) -> CombinedPvalue:
    """Combine independent (or, for Cauchy/HMP, dependent) p-values.

    Parameters
    ----------
    pvalues : array_like of float
        The p-values, or their natural logs when ``log=True`` (which lets
        p-values below 1e-308 count).
    method : {"fisher", "stouffer", "cauchy", "hmp"}
        Fisher (``-2 sum ln p`` vs chi-square), weighted Stouffer, the Cauchy
        combination (ACAT) or the harmonic mean p-value (R
        ``harmonicmeanp::p.hmp`` with ``L`` the number of p-values).
    weights : array_like of float, optional
        For Stouffer, Cauchy and HMP.
    log : bool
        Whether ``pvalues`` holds natural logs.

    Examples
    --------
    >>> from fastmcnemar import combine_pvalues
    >>> round(combine_pvalues([0.01, 0.2, 0.3]).pvalue, 8)
    0.02156175
    >>> round(combine_pvalues([0.01, 0.2, 0.3], method="cauchy").pvalue, 8)
    0.02807651
    """
    method = _args.choice("method", method, COMBINE_METHODS)
    values = np.ascontiguousarray(pvalues, dtype=np.float64)
    if values.ndim != 1:
        raise InvalidArgumentError("pvalues must be one-dimensional")
    if not log:
        bad = np.flatnonzero(np.isnan(values))
        if bad.size:
            raise NonFiniteValueError(f"non-finite value in pvalues at index {int(bad[0])}: nan")
        out = np.flatnonzero((values < 0) | (values > 1))
        if out.size:
            i = int(out[0])
            raise InvalidArgumentError(f"pvalues[{i}] = {values[i]} lies outside [0, 1]")
        with np.errstate(divide="ignore"):
            values = np.log(values)
    w = None if weights is None else np.ascontiguousarray(weights, dtype=np.float64)
    combined = _core.suite_combine_pvalues(values, method, w)
    return CombinedPvalue(
        method=method,
        statistic=combined.statistic,
        pvalue=combined.pvalue,
        log_pvalue=combined.log_pvalue,
    )


def adjust_pvalues(
    pvalues: npt.ArrayLike, /, *, method: AdjustMethod = "holm"
) -> npt.NDArray[np.float64]:
    """Multiplicity-adjusted p-values, in the input order.

    Parameters
    ----------
    pvalues : array_like of float
        One p-value per task, each in [0, 1].
    method : {"holm", "hochberg", "hommel", "bonferroni", "sidak", "holm-sidak", "bh", "by"}
        ``"holm"`` and ``"bonferroni"`` control the family-wise error under
        any dependence; ``"sidak"`` and ``"holm-sidak"`` (their slightly
        less conservative forms) under independence or positive orthant
        dependence; ``"hochberg"`` and ``"hommel"`` (closed Simes tests, never
        less powerful than Hochberg) under independence or positive
        dependence; ``"bh"`` (Benjamini-Hochberg) the false discovery rate
        under independence or positive dependence; ``"by"``
        (Benjamini-Yekutieli) the false discovery rate under any dependence.

    Returns
    -------
    numpy.ndarray
        Adjusted p-values, monotone in the order of the raw ones, capped at 1
        (the definitions of R ``p.adjust``).

    Examples
    --------
    >>> from fastmcnemar import adjust_pvalues
    >>> adjust_pvalues([0.01, 0.2, 0.3]).tolist()
    [0.03, 0.4, 0.4]
    >>> adjust_pvalues([0.01, 0.2, 0.3], method="bh").tolist()
    [0.03, 0.3, 0.3]
    >>> adjust_pvalues([1e-20, 0.5, 0.9, 0.04], method="hommel").tolist()
    [4e-20, 0.9, 0.9, 0.12]
    """
    method = _args.choice("method", method, ADJUST_METHODS)
    values = np.ascontiguousarray(pvalues, dtype=np.float64)
    if values.ndim != 1:
        raise InvalidArgumentError("pvalues must be one-dimensional")
    return _core.suite_adjust_pvalues(values, method)


__all__ = [
    "AggregateManyResult",
    "AggregateResult",
    "CombinedPvalue",
    "ComponentResult",
    "adjust_pvalues",
    "aggregate",
    "aggregate_many",
    "combine_pvalues",
]
