"""One level-alpha suite decision from shared sign-flip resamples.

For suites that :func:`fastmcnemar.aggregate` cannot take: tasks with
continuous scores next to binary ones, and tasks whose samples come in
clusters. Every task's paired differences ``reference - candidate`` (or, with
clusters, its cluster sums) are sign-flipped together in one set of seeded
resamples, and the combined rule is computed from them:

``pooled``
    The mean difference over every sample of every task, tested by the best
    sign-flip path. With only binary tasks and no clusters it is exactly the
    pooled exact McNemar test of :func:`fastmcnemar.aggregate`.
``max_drop``
    The largest per-task z_g = T_g / sqrt(sum d^2) (T_g the task's sum of
    differences, the denominator its sign-flip null standard deviation).
``fisher``
    -2 sum ln p_g with rank-based per-task p-values among the resamples
    (Pesarin's non-parametric combination: no independence assumed).

Binary tasks' flips are +-1, so their null is exactly McNemar's (and their
per-task p-values are exact McNemar p-values). The suite rejects when
``rule="bonferroni"`` (default) finds a component p-value <= alpha / 3, level
alpha; ``rule="any"`` (the original "any of three at alpha") has level at most
3 alpha, stated in ``result.level``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from fastmcnemar import _args, _core
from fastmcnemar._args import SeedLike
from fastmcnemar._result_base import UnpacksAsStatisticPvalue
from fastmcnemar.clustered import cluster_codes, warn_few_clusters
from fastmcnemar.exceptions import EmptyInputError, InvalidArgumentError, LengthMismatchError
from fastmcnemar.suite import ComponentResult

Rule = Literal["bonferroni", "any"]
RULES = ("bonferroni", "any")
#: The components of the combined rule, in report order.
COMPONENTS = ("pooled", "max_drop", "fisher")


@dataclass(frozen=True)
class SuiteSignFlipResult(UnpacksAsStatisticPvalue):
    """Result of :func:`suite_sign_flip`; unpacks as ``(statistic, pvalue)``.

    Attributes
    ----------
    statistic : float
        The smallest component p-value.
    pvalue : float
        ``min(1, 3 min p)`` for ``rule="bonferroni"``, ``min p`` for ``"any"``.
    rejected : bool
        The suite verdict: degradation at the rule's level.
    alpha : float
    level : float
        The false-alarm rate the decision guarantees: ``alpha``
        (``"bonferroni"``) or ``min(1, 3 alpha)`` (``"any"``).
    rule : str
    decided_by : str
        The component with the smallest p-value (the one that decided, when
        the suite rejects).
    components : dict of str to ComponentResult
        ``"pooled"``, ``"max_drop"``, ``"fisher"``.
    tasks : tuple of str
    task_kinds : tuple of str
        ``"binary"`` or ``"continuous"`` per task.
    task_statistics, task_pvalues : numpy.ndarray
        Per-task mean difference and p-value (exact McNemar for binary tasks
        without clusters; the task's own best sign-flip path otherwise).
    task_n, task_n_clusters : numpy.ndarray
        Samples and clusters per task (clusters = samples without clusters).
    clustered : bool
    alternative : str
    n_resamples : int
        Shared resamples behind Max-Drop and Fisher.
    method : str
        ``"combined sign-flip"`` (the name reports print).
    """

    statistic: float
    pvalue: float
    rejected: bool
    alpha: float
    level: float
    rule: str
    decided_by: str
    components: dict[str, ComponentResult]
    tasks: tuple[str, ...]
    task_kinds: tuple[str, ...]
    task_statistics: npt.NDArray[np.float64] = field(compare=False, repr=False)
    task_pvalues: npt.NDArray[np.float64] = field(compare=False, repr=False)
    task_n: npt.NDArray[np.int64] = field(compare=False, repr=False)
    task_n_clusters: npt.NDArray[np.int64] = field(compare=False, repr=False)
    clustered: bool = False
    alternative: str = "greater"
    n_resamples: int = 0
    method: str = "combined sign-flip"


def _log(p: float) -> float:
    return math.log(p) if p > 0 else -math.inf


def suite_sign_flip(
    references: Sequence[Any],
    candidates: Sequence[Any],
    /,
    *,
    tasks: Sequence[str] | None = None,
    clusters: Sequence[Any] | None = None,
    alpha: float = 0.05,
    rule: Rule = "bonferroni",
    alternative: str = "greater",
    n_resamples: int = 9999,
    rng: SeedLike = None,
    n_threads: int | None = None,
) -> SuiteSignFlipResult:
    """The combined Pooled / Max-Drop / Fisher suite rule from shared sign-flip resamples.

    Parameters
    ----------
    references, candidates : sequence of array_like
        Per task, the paired per-sample scores (higher is better; flip
        lower-is-better metrics first). 0/1 tasks are binary, the rest continuous.
    tasks : sequence of str, optional
        Task names (default ``task0``, ``task1``, ...).
    clusters : sequence of (array_like or None), optional
        Per task, one cluster label per sample (None: every sample its own
        cluster). Labels are local to a task: signs flip per (task, cluster).
    alpha : float, default 0.05
    rule : {"bonferroni", "any"}, default "bonferroni"
        Each component at alpha/3 (level alpha), or each at alpha (level <= 3 alpha).
    alternative : {"greater", "less", "two-sided"}, default "greater"
    n_resamples : int, default 9999
        Shared Monte Carlo resamples (Max-Drop and Fisher p-values are at least
        1 / (n_resamples + 1)).
    rng : int, numpy.random.Generator or None
    n_threads : int, optional

    Returns
    -------
    SuiteSignFlipResult

    Examples
    --------
    >>> import numpy as np, fastmcnemar as fm
    >>> def task(b, c, n):  # b flips against the candidate, c for it
    ...     ref = np.r_[np.ones(b), np.zeros(c), np.ones(n - b - c)]
    ...     cand = np.r_[np.zeros(b), np.ones(c), np.ones(n - b - c)]
    ...     return ref, cand
    >>> (r1, c1), (r2, c2) = task(60, 40, 1000), task(55, 38, 1000)
    >>> res = fm.suite_sign_flip([r1, r2], [c1, c2], rng=1)
    >>> res.rejected, res.decided_by, round(res.components["pooled"].pvalue, 5)
    (True, 'pooled', 0.00469)
    """
    if isinstance(references, np.ndarray) or isinstance(candidates, np.ndarray):
        raise InvalidArgumentError(
            "references and candidates are sequences with one score array per task"
        )
    n_tasks = len(references)
    if n_tasks == 0:
        raise EmptyInputError("references is empty: at least one task is needed")
    if len(candidates) != n_tasks:
        raise LengthMismatchError(
            f"length mismatch: {n_tasks} reference tasks but {len(candidates)} candidate tasks"
        )
    names = tuple(f"task{i}" for i in range(n_tasks)) if tasks is None else tuple(tasks)
    if len(names) != n_tasks:
        raise LengthMismatchError(f"length mismatch: {len(names)} task names for {n_tasks} tasks")
    if clusters is not None and len(clusters) != n_tasks:
        raise LengthMismatchError(
            f"length mismatch: {len(clusters)} cluster arrays for {n_tasks} tasks"
        )
    _args.choice("rule", rule, RULES)
    _args.alternative(alternative)
    units: list[npt.NDArray[np.float64]] = []
    sizes: list[npt.NDArray[np.uint64]] = []
    kinds: list[str] = []
    for i, (r, c) in enumerate(zip(references, candidates, strict=True)):
        try:
            ref, cand = _args.paired_scores(r, c)
            if ref.shape[0] != cand.shape[0]:  # paired_scores leaves this to the core
                raise LengthMismatchError(
                    f"length mismatch: reference has {ref.shape[0]} samples but candidate has "
                    f"{cand.shape[0]}; they must be paired sample by sample"
                )
        except (EmptyInputError, LengthMismatchError, InvalidArgumentError) as exc:
            raise type(exc)(f"task {names[i]!r}: {exc}") from None
        n = int(ref.shape[0])
        binary = bool(np.all((ref == 0.0) | (ref == 1.0)) and np.all((cand == 0.0) | (cand == 1.0)))
        kinds.append("binary" if binary else "continuous")
        d = ref - cand
        labels = None if clusters is None else clusters[i]
        if labels is None:
            units.append(d)
            sizes.append(np.ones(n, dtype=np.uint64))
        else:
            codes, k = cluster_codes(labels, n, f"clusters of task {names[i]!r}")
            warn_few_clusters(k, f"task {names[i]!r}", stacklevel=3)
            units.append(np.bincount(codes, weights=d, minlength=k).astype(np.float64))
            sizes.append(np.bincount(codes, minlength=k).astype(np.uint64))
    return suite_from_units(
        units, sizes, tasks=names, kinds=kinds, clustered=clusters is not None,
        alpha=alpha, rule=rule, alternative=alternative, n_resamples=n_resamples,
        rng=rng, n_threads=n_threads,
    )  # fmt: skip


def suite_from_units(
    units: Sequence[npt.NDArray[np.float64]],
    sizes: Sequence[npt.NDArray[np.uint64]],
    *,
    tasks: Sequence[str],
    kinds: Sequence[str],
    clustered: bool,
    alpha: float = 0.05,
    rule: Rule = "bonferroni",
    alternative: str = "greater",
    n_resamples: int = 9999,
    rng: SeedLike = None,
    n_threads: int | None = None,
) -> SuiteSignFlipResult:
    """:func:`suite_sign_flip` on units already formed, for the compare engine.

    ``units[g]`` are task g's flipped quantities (its per-sample differences
    reference - candidate, higher is better, or its cluster sums), ``sizes[g]``
    how many samples each holds. A binary task without clusters known only by
    its counts is ``b`` ones, ``c`` minus ones and ``n - b - c`` zeros.
    """
    _args.choice("rule", rule, RULES)
    _args.alternative(alternative)
    level_alpha = _args.level("alpha", alpha)
    if not units or len(units) != len(sizes) or len(units) != len(tasks):
        raise LengthMismatchError(
            f"suite: {len(units)} unit arrays, {len(sizes)} size arrays, {len(tasks)} tasks"
        )
    for name, u in zip(tasks, units, strict=True):
        if len(u) == 0:
            raise EmptyInputError(f"task {name!r} has no samples")
    groups = np.concatenate([np.full(len(u), g, dtype=np.uint32) for g, u in enumerate(units)])
    out = _core.grouped_units_test(
        np.ascontiguousarray(np.concatenate(units), dtype=np.float64),
        np.ascontiguousarray(np.concatenate(sizes), dtype=np.uint64),
        groups, len(units), alternative, _args.resamples(n_resamples), _args.seed(rng),
        _args.threads(n_threads),
    )  # fmt: skip
    components = {
        name: ComponentResult(
            method=name,
            statistic=float(getattr(out, f"{key}_statistic")),
            pvalue=float(getattr(out, f"{key}_pvalue")),
            log_pvalue=_log(float(getattr(out, f"{key}_pvalue"))),
        )
        for name, key in (("pooled", "micro"), ("max_drop", "max_drop"), ("fisher", "fisher"))
    }
    decided_by = min(COMPONENTS, key=lambda name: components[name].pvalue)
    min_p = components[decided_by].pvalue
    decision = _core.combined_rule(min_p, level_alpha, rule)
    pvalue, level, rejected = decision.pvalue, decision.level, decision.rejected
    return SuiteSignFlipResult(
        statistic=min_p,
        pvalue=pvalue,
        rejected=rejected,
        alpha=level_alpha,
        level=level,
        rule=rule,
        decided_by=decided_by,
        components=components,
        tasks=tuple(tasks),
        task_kinds=tuple(kinds),
        task_statistics=np.asarray(out.group_statistic, dtype=np.float64),
        task_pvalues=np.asarray(out.group_pvalue, dtype=np.float64),
        task_n=np.asarray([int(np.sum(s)) for s in sizes], dtype=np.int64),
        task_n_clusters=np.asarray([len(u) for u in units], dtype=np.int64),
        clustered=clustered,
        alternative=alternative,
        n_resamples=int(out.n_resamples),
    )


__all__ = ["COMPONENTS", "RULES", "SuiteSignFlipResult", "suite_from_units", "suite_sign_flip"]
