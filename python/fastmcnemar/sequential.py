"""Anytime-valid sequential tests: look after every batch, stop early, keep the level.

A fixed-N test checked after every batch inflates its false alarms many
times over. The tests here are e-processes and confidence sequences: they
may be checked after every sample and stopped at any time, and each
decision still holds its level ``alpha`` (Ville's inequality).

- 0/1 outcomes, "degraded": an exact beta-binomial mixture e-process on the
  discordant pairs (Howard et al. 2021), valid for the composite null
  "the candidate is not worse" (q <= 1/2).
- Scores in [0, 1], margins and the confidence sequence for the accuracy
  drop: betting capitals (Waudby-Smith and Ramdas 2023), or their
  without-replacement version when the benchmark size N is known
  (Waudby-Smith and Ramdas 2020).
- Suites: the average of task e-values (any dependence) or their product
  (independent tasks), and e-BH (Wang and Ramdas 2022) to name tasks.

Every guarantee assumes the samples arrive in an order that does not depend
on their outcomes: evaluate the benchmark in a random order. The methods and
their cost are described in ``docs/sequential.md``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from fastmcnemar import _args, _core
from fastmcnemar._result_base import ConfidenceInterval
from fastmcnemar.exceptions import InvalidArgumentError, InvalidLevelError

Alternative = Literal["greater", "less"]
Method = Literal["auto", "mixture", "betting"]
Combine = Literal["average", "product"]
Decision = Literal["degraded", "improved", "equivalent", "continue"]

#: Beta(a, a) prior parameter of the mixture e-process (see docs/sequential.md).
DEFAULT_PRIOR = 8
#: Grid points of the confidence sequence on [-1, 1] (resolution 0.001).
DEFAULT_GRID_POINTS = 2001

_ALTERNATIVES: tuple[Alternative, ...] = ("greater", "less")
_METHODS: tuple[Method, ...] = ("auto", "mixture", "betting")
_COMBINE: tuple[Combine, ...] = ("average", "product")
_DECISION_CODES = ("continue", "degraded", "equivalent")


def _margin(margin: object) -> float | None:
    return None if margin is None else _args.real("margin", margin)


def _scores(values: Any, name: str) -> NDArray[np.float64]:
    """A 1-D float64 array of per-sample outcomes or scores."""
    array = np.asarray(values)
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise InvalidArgumentError(
            f"{name} must be a 1-D sequence of per-sample scores, got shape {array.shape}"
        )
    if array.dtype.kind == "O":
        try:
            array = array.astype(np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"{name} must hold numbers in [0, 1], got values of non-numeric type"
            ) from None
    elif array.dtype.kind not in "biuf":
        raise InvalidArgumentError(
            f"{name} has dtype {array.dtype}: expected booleans or numbers in [0, 1]"
        )
    return np.ascontiguousarray(array, dtype=np.float64)


def _decision_name(code: str, alternative: str) -> Decision:
    if code == "degraded" and alternative == "less":
        return "improved"
    return cast(Decision, code)


class SequentialTest:
    """An anytime-valid test of "the candidate is worse than the reference".

    Feed it paired outcomes as they arrive (:meth:`update`) or their counts
    (:meth:`update_counts`) and read :attr:`decision` whenever you like:
    ``"degraded"`` once the e-process for "no degradation" reaches
    ``1/alpha``; ``"equivalent"`` once the confidence sequence for the drop
    lies below ``margin``; ``"continue"`` otherwise. Each decision is wrong
    with probability at most ``alpha`` however often it is looked at,
    provided the samples come in a random order.

    Parameters
    ----------
    alpha : float, default 0.05
        Level of each decision.
    alternative : {"greater", "less"}, default "greater"
        ``"greater"``: look for a candidate worse than the reference
        (decision ``"degraded"``); ``"less"``: for a better one
        (``"improved"``; ``margin`` then bounds how much better).
    margin : float or None, default None
        Equivalence margin on delta = accuracy(reference) - accuracy(candidate),
        as a fraction (0.01 = one point). Without it the test never says
        ``"equivalent"``.
    method : {"auto", "mixture", "betting"}, default "auto"
        The e-process behind ``"degraded"``: the exact beta-binomial
        mixture on discordant pairs (0/1 outcomes) or the betting capital
        on the paired differences (any scores in [0, 1]). ``"auto"`` picks
        the mixture when the first update is all 0/1, else betting.
    population : int or None, default None
        The benchmark size N when the samples are a random-order pass over a
        fixed benchmark: the confidence sequence and the betting tests then
        use the without-replacement versions (tighter near the end, exact
        at N) and cover the benchmark's own delta.
    prior : int, default 8
        Beta(prior, prior) mixing parameter of the mixture e-process.
    grid_points : int, default 2001
        Points of the confidence-sequence grid on [-1, 1]; 0 keeps no
        confidence sequence (faster updates).

    Examples
    --------
    >>> import numpy as np
    >>> import fastmcnemar as fm
    >>> rng = np.random.default_rng(0)
    >>> test = fm.SequentialTest(alpha=0.05, margin=0.02)
    >>> for _ in range(40):                       # one harness batch of 100 at a time
    ...     reference = rng.random(100) < 0.70
    ...     candidate = reference ^ (rng.random(100) < 0.10)   # 10% of answers flip
    ...     _ = test.update(reference, candidate)
    ...     if test.decision != "continue":
    ...         break
    >>> test.decision
    'degraded'
    >>> test.pvalue < 0.05
    True
    """

    __slots__ = ("_alpha", "_alternative", "_margin", "_population", "_prior", "_state")

    def __init__(
        self,
        *,
        alpha: float = 0.05,
        alternative: Alternative = "greater",
        margin: float | None = None,
        method: Method = "auto",
        population: int | None = None,
        prior: int = DEFAULT_PRIOR,
        grid_points: int = DEFAULT_GRID_POINTS,
    ) -> None:
        self._alpha = _args.level("alpha", alpha)
        self._alternative = _args.choice("alternative", alternative, _ALTERNATIVES)
        self._margin = _margin(margin)
        self._population = None if population is None else _args.whole("population", population, 1)
        self._prior = _args.whole("prior", prior, 1)
        self._state = _core.SequentialState(
            self._alpha,
            self._margin,
            self._alternative,
            _args.choice("method", method, _METHODS),
            self._population,
            self._prior,
            _args.whole("grid_points", grid_points, 0),
        )

    # -- feeding -----------------------------------------------------------

    def update(self, reference: Any, candidate: Any) -> SequentialTest:
        """Add paired outcomes (0/1, booleans) or scores in [0, 1].

        Parameters
        ----------
        reference, candidate : array_like
            1-D, paired by position (a scalar counts as one sample).

        Returns
        -------
        SequentialTest
            ``self``, so calls chain. Nothing changes if an argument is
            refused.
        """
        ref = _scores(reference, "reference")
        cand = _scores(candidate, "candidate")
        self._state.update(ref, cand)
        return self

    def update_counts(self, b: int, c: int, n: int) -> SequentialTest:
        """Add a batch of 0/1 pairs given as counts.

        Parameters
        ----------
        b : int
            Pairs only the reference got right.
        c : int
            Pairs only the candidate got right.
        n : int
            All pairs in the batch (``n >= b + c``).

        Returns
        -------
        SequentialTest
            ``self``.

        Examples
        --------
        >>> import fastmcnemar as fm
        >>> t = fm.SequentialTest().update_counts(60, 20, 800)
        >>> t.n, t.b, t.c, t.decision
        (800, 60, 20, 'degraded')
        """
        counts = [int(_args.as_count_array(v, name)) for v, name in ((b, "b"), (c, "c"), (n, "n"))]
        self._state.update_counts(*counts)
        return self

    def merge(self, other: SequentialTest) -> SequentialTest:
        """Append the samples of another shard's test (same options).

        Counts add up and the betting capitals multiply, which is exactly
        the state of one stream holding this shard's samples then the
        other's. Not available with ``population`` (the without-replacement
        bets depend on each sample's position).

        Returns
        -------
        SequentialTest
            ``self``.
        """
        if not isinstance(other, SequentialTest):
            raise InvalidArgumentError(
                f"can only merge another SequentialTest, got {type(other).__name__}"
            )
        theirs = other._state.copy() if other is self else other._state
        self._state.merge(theirs)
        return self

    def copy(self) -> SequentialTest:
        """An independent copy of this test."""
        new = object.__new__(SequentialTest)
        for name in ("_alpha", "_alternative", "_margin", "_population", "_prior"):
            object.__setattr__(new, name, getattr(self, name))
        new._state = self._state.copy()
        return new

    # -- reading -----------------------------------------------------------

    @property
    def alpha(self) -> float:
        """Level of each decision."""
        return self._alpha

    @property
    def alternative(self) -> Alternative:
        """``"greater"`` or ``"less"``."""
        return self._alternative

    @property
    def margin(self) -> float | None:
        """Equivalence margin (None: no equivalence decision)."""
        return self._margin

    @property
    def population(self) -> int | None:
        """Benchmark size N, when given."""
        return self._population

    @property
    def method(self) -> str:
        """The e-process in force (``"auto"`` until the first update)."""
        return str(self._state.method)

    @property
    def n(self) -> int:
        """Paired samples seen."""
        return int(self._state.n)

    @property
    def b(self) -> int:
        """Samples where the reference scored higher."""
        return int(self._state.b)

    @property
    def c(self) -> int:
        """Samples where the candidate scored higher."""
        return int(self._state.c)

    @property
    def delta(self) -> float:
        """Mean of reference - candidate (the accuracy drop; NaN before data)."""
        return float(self._state.delta)

    @property
    def log_evalue(self) -> float:
        """Natural log of :attr:`evalue`."""
        return float(self._state.ln_evalue)

    @property
    def evalue(self) -> float:
        """The current e-value against "no degradation" (valid at any stopping time)."""
        return math.exp(min(self._state.ln_evalue, 709.0))

    @property
    def pvalue(self) -> float:
        """Anytime-valid p-value: ``min(1, 1 / max e-value so far)``."""
        return float(self._state.pvalue)

    @property
    def equivalence_pvalue(self) -> float | None:
        """Anytime-valid p-value against "delta >= margin" (None without a margin)."""
        p = self._state.equivalence_pvalue
        return None if p is None else float(p)

    @property
    def decision(self) -> Decision:
        """``"degraded"`` (``"improved"`` for ``alternative="less"``),
        ``"equivalent"`` or ``"continue"``."""
        return _decision_name(self._state.decision, self._alternative)

    def confidence_sequence(self, level: float | None = None) -> ConfidenceInterval:
        """Anytime-valid interval for delta = accuracy(reference) - accuracy(candidate).

        Parameters
        ----------
        level : float, optional
            Two-sided coverage, holding at all times at once. The default
            ``1 - 2 * alpha`` matches the one-sided decisions, as a 90%
            interval matches a 5% equivalence test (TOST).

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``, the running intersection, rounded outwards to the
            grid (0.001 by default); with ``population``, also cut to what the
            items not yet seen could still do, so it closes at ``n = N``. An
            empty interval (``low > high``) means the data contradict the
            assumptions, typically samples that did not come in random order.

        Examples
        --------
        >>> import numpy as np
        >>> import fastmcnemar as fm
        >>> order = np.random.default_rng(1).permutation(1000)   # a random order
        >>> candidate = (np.arange(1000) >= 50)[order]             # 50 of 1,000 lost
        >>> t = fm.SequentialTest(population=1000)
        >>> _ = t.update(np.ones(1000), candidate)                 # the whole benchmark
        >>> low, high = t.confidence_sequence()
        >>> round(low, 12), round(high, 12)
        (0.05, 0.05)
        """
        if level is None:
            level = 1.0 - 2.0 * self._alpha
        if isinstance(level, bool) or not isinstance(level, (int, float)):
            raise InvalidLevelError(f"level must be a number in (0, 1), got {level!r}")
        bounds = self._state.confidence_sequence(float(level))
        if bounds is None:
            raise InvalidArgumentError("this test keeps no confidence sequence (grid_points=0)")
        return ConfidenceInterval(float(bounds[0]), float(bounds[1]))

    def status(self) -> dict[str, Any]:
        """Everything a log line needs, as plain Python values."""
        out: dict[str, Any] = {
            "n": self.n,
            "b": self.b,
            "c": self.c,
            "delta": None if self.n == 0 else self.delta,
            "evalue": self.evalue,
            "pvalue": self.pvalue,
            "decision": self.decision,
        }
        if self._margin is not None:
            out["equivalence_pvalue"] = self.equivalence_pvalue
        if self._state.confidence_sequence(0.5) is not None:
            low, high = self.confidence_sequence()
            out["cs_low"], out["cs_high"] = low, high
        return out

    # -- pickling ----------------------------------------------------------

    def __getstate__(self) -> dict[str, Any]:
        scalars, grid_since, grid = self._state.to_parts()
        return {
            "alpha": self._alpha,
            "alternative": self._alternative,
            "margin": self._margin,
            "population": self._population,
            "prior": self._prior,
            "grid_points": 0 if grid is None else (len(grid) // 8),
            "scalars": scalars,
            "grid_since": grid_since,
            "grid": grid,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._alpha = state["alpha"]
        self._alternative = state["alternative"]
        self._margin = state["margin"]
        self._population = state["population"]
        self._prior = state["prior"]
        self._state = _core.SequentialState(
            self._alpha,
            self._margin,
            self._alternative,
            "auto",
            self._population,
            self._prior,
            state["grid_points"],
        )
        self._state.set_parts(state["scalars"], state["grid_since"], state["grid"])

    def __repr__(self) -> str:
        delta = "nan" if self.n == 0 else f"{self.delta:.4f}"
        return (
            f"SequentialTest(n={self.n}, b={self.b}, c={self.c}, delta={delta}, "
            f"evalue={self.evalue:.4g}, pvalue={self.pvalue:.4g}, decision={self.decision!r})"
        )


class SequentialSuite:
    """Anytime-valid decision over a suite of tasks, naming the degraded ones.

    One :class:`SequentialTest` per task. The suite e-process is the average
    of the task e-values (``combine="average"``: valid under any dependence
    between tasks) or their product (``"product"``: valid only when the
    tasks' evidence is independent, much stronger when many tasks degrade a
    little); the suite says ``"degraded"`` when its running maximum reaches
    ``1/alpha``, and ``"equivalent"`` when every task is equivalent
    (intersection-union, no correction needed). :meth:`degraded_tasks`
    applies e-BH to the current task e-values: the expected share of wrongly
    named tasks stays below ``alpha`` under any dependence.

    Parameters
    ----------
    tasks : sequence of str
        Task names.
    alpha, alternative, margin, method, prior, grid_points
        As for :class:`SequentialTest`, shared by every task.
    combine : {"average", "product"}, default "average"
    populations : mapping of str to int, optional
        Benchmark size per task, for the without-replacement versions.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> suite = fm.SequentialSuite(["arc", "gsm8k", "mmlu"])
    >>> _ = suite.update_counts("arc", 3, 4, 500)
    >>> _ = suite.update_counts("gsm8k", 70, 20, 600)
    >>> _ = suite.update_counts("mmlu", 5, 6, 900)
    >>> suite.decision, suite.degraded_tasks()
    ('degraded', ['gsm8k'])
    """

    def __init__(
        self,
        tasks: Sequence[str],
        *,
        alpha: float = 0.05,
        alternative: Alternative = "greater",
        margin: float | None = None,
        method: Method = "auto",
        combine: Combine = "average",
        populations: Mapping[str, int] | None = None,
        prior: int = DEFAULT_PRIOR,
        grid_points: int = 0,
    ) -> None:
        names = list(tasks)
        if not names:
            raise InvalidArgumentError("a suite needs at least one task")
        if len(set(names)) != len(names):
            raise InvalidArgumentError("task names must be unique")
        populations = dict(populations or {})
        unknown = sorted(set(populations) - set(names))
        if unknown:
            raise InvalidArgumentError(f"populations name unknown tasks: {unknown}")
        self._alpha = _args.level("alpha", alpha)
        self._combine = _args.choice("combine", combine, _COMBINE)
        self.tests: dict[str, SequentialTest] = {
            name: SequentialTest(
                alpha=alpha,
                alternative=alternative,
                margin=margin,
                method=method,
                population=populations.get(name),
                prior=prior,
                grid_points=grid_points,
            )
            for name in names
        }
        self._log_max = 0.0

    def _task(self, task: str) -> SequentialTest:
        try:
            return self.tests[task]
        except KeyError:
            raise InvalidArgumentError(
                f"unknown task {task!r}; the suite has {sorted(self.tests)}"
            ) from None

    def _after_update(self) -> None:
        self._log_max = max(self._log_max, self.log_evalue)

    def update(self, task: str, reference: Any, candidate: Any) -> SequentialSuite:
        """Add paired outcomes or scores of one task; returns ``self``."""
        self._task(task).update(reference, candidate)
        self._after_update()
        return self

    def update_counts(self, task: str, b: int, c: int, n: int) -> SequentialSuite:
        """Add a batch of one task's 0/1 pairs as counts; returns ``self``."""
        self._task(task).update_counts(b, c, n)
        self._after_update()
        return self

    @property
    def alpha(self) -> float:
        """Level of the suite decision and the e-BH false discovery rate."""
        return self._alpha

    @property
    def log_evalue(self) -> float:
        """ln of the current suite e-value."""
        logs = np.array([t.log_evalue for t in self.tests.values()], dtype=np.float64)
        return float(_core.sequential_ln_combine(logs, self._combine == "product"))

    @property
    def evalue(self) -> float:
        """The current suite e-value (average or product of the task e-values)."""
        return math.exp(min(self.log_evalue, 709.0))

    @property
    def pvalue(self) -> float:
        """Anytime-valid suite p-value: ``min(1, 1 / max suite e-value so far)``."""
        return min(1.0, math.exp(-self._log_max))

    @property
    def decision(self) -> Decision:
        """``"degraded"``, ``"equivalent"`` (every task) or ``"continue"``."""
        if self._log_max >= -math.log(self._alpha):
            first = next(iter(self.tests.values()))
            return _decision_name("degraded", first.alternative)
        if all(t.decision == "equivalent" for t in self.tests.values()):
            return "equivalent"
        return "continue"

    def degraded_tasks(self, alpha: float | None = None) -> list[str]:
        """Tasks e-BH names at false discovery rate ``alpha`` (default: the suite's)."""
        level = self._alpha if alpha is None else _args.level("alpha", alpha)
        names = list(self.tests)
        logs = np.array([self.tests[n].log_evalue for n in names], dtype=np.float64)
        rejected = _core.sequential_e_bh(logs, level)
        return [name for name, r in zip(names, rejected, strict=True) if r]

    def __repr__(self) -> str:
        return (
            f"SequentialSuite(tasks={len(self.tests)}, evalue={self.evalue:.4g}, "
            f"pvalue={self.pvalue:.4g}, decision={self.decision!r})"
        )


class SequentialBatch:
    """Many candidates x tasks sequential tests, updated from counts in one call.

    Meant for watching hundreds of checkpoints at once: each call adds a
    batch of (b, c, n) counts to every stream, in parallel in Rust. Each
    stream behaves as :class:`SequentialTest` fed with :meth:`~SequentialTest.update_counts`
    (no confidence sequence, no population); per candidate the suite
    e-process is the average of its task e-values.

    Parameters
    ----------
    n_candidates, n_tasks : int
        Shape of the matrix of streams.
    alpha, alternative, margin, method, prior
        As for :class:`SequentialTest`.

    Examples
    --------
    >>> import numpy as np
    >>> import fastmcnemar as fm
    >>> batch = fm.SequentialBatch(2, 3, margin=0.05)
    >>> b = np.array([[2, 3, 1], [40, 2, 3]])
    >>> c = np.array([[2, 2, 1], [5, 3, 2]])
    >>> batch.update_counts(b, c, np.full((2, 3), 300))
    >>> str(batch.decision()[1, 0]), batch.suite_decision()
    ('degraded', ['equivalent', 'degraded'])
    """

    def __init__(
        self,
        n_candidates: int,
        n_tasks: int,
        *,
        alpha: float = 0.05,
        alternative: Alternative = "greater",
        margin: float | None = None,
        method: Method = "auto",
        prior: int = DEFAULT_PRIOR,
    ) -> None:
        self._alpha = _args.level("alpha", alpha)
        self._alternative = _args.choice("alternative", alternative, _ALTERNATIVES)
        rows = _args.whole("n_candidates", n_candidates, 1)
        cols = _args.whole("n_tasks", n_tasks, 1)
        self._shape = (rows, cols)
        self._options = (
            _margin(margin),
            _args.choice("method", method, _METHODS),
            _args.whole("prior", prior, 1),
        )
        self._batch = self._new_core()

    def _new_core(self) -> _core.StreamBatch:
        margin, method, prior = self._options
        return _core.StreamBatch(
            *self._shape, self._alpha, margin, self._alternative, method, prior
        )

    def __getstate__(self) -> dict[str, Any]:
        flat, suite = self._batch.to_parts()
        return {
            "alpha": self._alpha,
            "alternative": self._alternative,
            "shape": self._shape,
            "options": self._options,
            "flat": flat,
            "suite": suite,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._alpha = state["alpha"]
        self._alternative = state["alternative"]
        self._shape = tuple(state["shape"])
        self._options = tuple(state["options"])
        self._batch = self._new_core()
        self._batch.set_parts(state["flat"], state["suite"])

    @property
    def shape(self) -> tuple[int, int]:
        """(candidates, tasks)."""
        return self._shape

    def update_counts(self, b: Any, c: Any, n: Any, *, n_threads: int | None = None) -> None:
        """Add one batch of counts per stream (arrays of shape (candidates, tasks))."""
        arrays = [_args.as_count_array(v, name) for v, name in ((b, "b"), (c, "c"), (n, "n"))]
        _args.check_same_shape(arrays[0], arrays[1])
        for array, name in zip(arrays, ("b", "c", "n"), strict=True):
            if array.shape != self._shape:
                raise InvalidArgumentError(
                    f"{name} has shape {array.shape}, expected {self._shape} (candidates, tasks)"
                )
        flat = [np.ascontiguousarray(a.reshape(-1)) for a in arrays]
        self._batch.update_counts(flat[0], flat[1], flat[2], _args.threads(n_threads))

    def _matrix(self, values: NDArray[Any]) -> NDArray[Any]:
        return np.asarray(values).reshape(self._shape)

    @property
    def n(self) -> NDArray[np.int64]:
        """Samples per stream."""
        return self._matrix(self._batch.n()).astype(np.int64)

    @property
    def b(self) -> NDArray[np.int64]:
        """Reference-only-right samples per stream."""
        return self._matrix(self._batch.b()).astype(np.int64)

    @property
    def c(self) -> NDArray[np.int64]:
        """Candidate-only-right samples per stream."""
        return self._matrix(self._batch.c()).astype(np.int64)

    @property
    def delta(self) -> NDArray[np.float64]:
        """Accuracy drop per stream."""
        return self._matrix(self._batch.delta())

    @property
    def log_evalue(self) -> NDArray[np.float64]:
        """ln of each stream's current e-value."""
        return self._matrix(self._batch.ln_evalue())

    @property
    def pvalue(self) -> NDArray[np.float64]:
        """Anytime-valid p-value per stream."""
        return self._matrix(self._batch.pvalue())

    def decision(self) -> NDArray[np.str_]:
        """Decision per stream, as strings."""
        names = np.array([_decision_name(code, self._alternative) for code in _DECISION_CODES])
        return self._matrix(names[self._batch.decision_codes()])

    @property
    def suite_pvalue(self) -> NDArray[np.float64]:
        """Per candidate: anytime-valid p-value of the averaged suite e-process."""
        return np.minimum(1.0, np.exp(-np.asarray(self._batch.suite_ln_evalue_max())))

    def suite_decision(self) -> list[str]:
        """Per candidate: ``"degraded"`` (suite), ``"equivalent"`` (all tasks) or ``"continue"``."""
        degraded = _decision_name("degraded", self._alternative)
        codes = self._matrix(self._batch.decision_codes())
        out: list[str] = []
        for p, row in zip(self.suite_pvalue, codes, strict=True):
            if p <= self._alpha:
                out.append(degraded)
            elif bool(np.all(row == 2)):
                out.append("equivalent")
            else:
                out.append("continue")
        return out

    def degraded_tasks(self, alpha: float | None = None) -> NDArray[np.bool_]:
        """e-BH per candidate on the current task e-values: a (candidates, tasks) mask."""
        level = self._alpha if alpha is None else _args.level("alpha", alpha)
        logs = self.log_evalue
        return np.vstack([_core.sequential_e_bh(np.ascontiguousarray(row), level) for row in logs])


__all__ = [
    "DEFAULT_GRID_POINTS",
    "DEFAULT_PRIOR",
    "SequentialBatch",
    "SequentialSuite",
    "SequentialTest",
]
