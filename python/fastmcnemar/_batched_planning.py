"""Planning and non-inferiority for arrays of inputs, in one call each.

An audit asks the same questions for every (candidate, task): the sample
size, the minimum detectable drop, the largest tolerable flip rate, Tango's
non-inferiority test and interval. These functions take arrays (broadcast
against each other) and return arrays whose every element equals the scalar
function's answer exactly; the core computes each distinct input once, in
parallel, with the interpreter released (``verdict_columns`` and
``tango_interval_many`` below 64 elements, a compare's tasks, serially on the
calling thread: less than waking the threads costs). :func:`verdict_columns` gives the
three-way verdicts of :mod:`fastmcnemar.compare.decision` and their planning columns
for a whole audit. Re-exported by :mod:`fastmcnemar.planning`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from fastmcnemar import _args, _core
from fastmcnemar._args import Alternative, as_count_array
from fastmcnemar._result_base import ConfidenceInterval
from fastmcnemar.exceptions import InvalidArgumentError

if TYPE_CHECKING:
    import polars as pl

#: Names of the verdict codes of :class:`VerdictColumns` (code = position).
VERDICT_NAMES = ("degraded", "equivalent", "inconclusive")


def _rates(values: Any, name: str) -> NDArray[np.float64]:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name} must hold real numbers") from None


def _flags(values: Any, name: str) -> NDArray[np.bool_]:
    array = np.asarray(values)
    if array.size == 0:
        return array.astype(np.bool_)
    if array.dtype.kind not in "bui" or (
        array.dtype.kind != "b" and not np.isin(array, (0, 1)).all()
    ):
        raise InvalidArgumentError(f"{name} must hold booleans (or 0/1), got dtype {array.dtype}")
    return array.astype(np.bool_)


def _columns(*arrays: NDArray[Any]) -> tuple[tuple[int, ...], list[NDArray[Any]]]:
    """Broadcast to one shape; flat C-contiguous copies for the core."""
    try:
        shaped = np.broadcast_arrays(*arrays)
    except ValueError:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise InvalidArgumentError(
            f"the inputs do not broadcast together: shapes {shapes}"
        ) from None
    shape = shaped[0].shape
    return shape, [np.ascontiguousarray(a.reshape(-1)) for a in shaped]


def sample_size_many(
    flip_rate: Any,
    delta: Any,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "greater",
) -> NDArray[np.int64]:
    """:func:`fastmcnemar.sample_size` (exact) for arrays of flip rates and drops.

    Parameters
    ----------
    flip_rate, delta : array_like of float
        As for :func:`fastmcnemar.sample_size`, broadcast against each other.
    alpha, power, alternative
        As for :func:`fastmcnemar.sample_size`, shared by every element.

    Returns
    -------
    ndarray of int64
        The smallest N whose exact power reaches ``power``, in the broadcast
        shape; each equal to the scalar function's answer.

    Raises
    ------
    InvalidArgumentError
        Naming the first element whose input is out of range.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> fm.planning.sample_size_many([0.05, 0.1, 0.05], 0.01).tolist()
    [3258, 6368, 3258]
    """
    shape, (p, d) = _columns(_rates(flip_rate, "flip_rate"), _rates(delta, "delta"))
    found = _core.exact_sample_size_many(
        p,
        d,
        _args.level("alpha", alpha),
        _args.level("power", power),
        _args.alternative(alternative),
    )
    return found.n.astype(np.int64).reshape(shape)


def minimum_detectable_delta_many(
    n: Any,
    flip_rate: Any,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "greater",
) -> NDArray[np.float64]:
    """:func:`fastmcnemar.minimum_detectable_delta` (exact) for arrays.

    Parameters
    ----------
    n : array_like of int
        Numbers of paired samples (each at least 1).
    flip_rate : array_like of float
        Expected flip rates, in (0, 1]; broadcast against ``n``.
    alpha, power, alternative
        As for :func:`fastmcnemar.minimum_detectable_delta`.

    Returns
    -------
    ndarray of float64
        The smallest detectable drop per element; ``inf`` (``-inf`` for
        "less") where no drop up to the flip rate reaches the power.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> drops = fm.planning.minimum_detectable_delta_many([10_000, 3], [0.05, 0.5])
    >>> [round(float(d), 5) for d in drops]
    [0.00565, inf]
    """
    alternative = _args.alternative(alternative)
    shape, (ns, p) = _columns(as_count_array(n, "n"), _rates(flip_rate, "flip_rate"))
    found = _core.exact_minimum_detectable_delta_many(
        ns, p, _args.level("alpha", alpha), _args.level("power", power), alternative
    )
    sign = -1.0 if alternative == "less" else 1.0
    found[np.isnan(found)] = sign * np.inf
    return found.reshape(shape)


def maximum_flip_rate_many(
    n: Any,
    delta: Any,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
) -> NDArray[np.float64]:
    """Largest flip rate at which ``n`` samples still detect a drop ``delta``.

    Exact power falls as the flips that are not the drop grow; this inverts it
    in the flip rate ("greater" alternative), to 1e-12.

    Parameters
    ----------
    n : array_like of int
        Numbers of paired samples (each at least 1).
    delta : array_like of float
        Drops to detect, in (0, 1]; broadcast against ``n``.
    alpha : float, default 0.05
        Level of the test.
    power : float, default 0.8
        Required power, in (0, 1).

    Returns
    -------
    ndarray of float64
        The largest such flip rate; NaN where even the smallest possible
        flip rate (every flip a degradation) falls short.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> rates = fm.planning.maximum_flip_rate_many([5000, 100], 0.01)
    >>> [round(float(r), 6) for r in rates]
    [0.077964, nan]
    """
    shape, (ns, d) = _columns(as_count_array(n, "n"), _rates(delta, "delta"))
    found = _core.exact_maximum_flip_rate_many(
        ns, d, _args.level("alpha", alpha), _args.level("power", power)
    )
    return found.reshape(shape)


@dataclass(frozen=True, eq=False)
class NonInferiorityColumns:
    """Tango non-inferiority tests for arrays of counts (see
    :func:`noninferiority_counts_many`); every field is an array of the
    broadcast shape.

    Attributes
    ----------
    statistic : ndarray of float64
        Tango's z at delta = margin.
    pvalue : ndarray of float64
        One-sided p-values of H0: delta >= margin.
    confidence_interval : ConfidenceInterval
        ``(low, high)`` arrays: the two-sided (1 - 2 alpha) Tango intervals.
    noninferior : ndarray of bool
        ``pvalue <= alpha``.
    margin, alpha : float
        As given.
    """

    statistic: NDArray[np.float64]
    pvalue: NDArray[np.float64]
    confidence_interval: ConfidenceInterval
    noninferior: NDArray[np.bool_]
    margin: float
    alpha: float


def noninferiority_counts_many(
    b: Any, c: Any, n: Any, /, *, margin: float, alpha: float = 0.05
) -> NonInferiorityColumns:
    """:func:`fastmcnemar.noninferiority_counts` (Tango's score test) for arrays.

    Parameters
    ----------
    b, c, n : array_like of int
        Discordant counts and numbers of pairs, broadcast together
        (``b + c <= n``, ``n >= 1``).
    margin : float
        Largest acceptable drop, in (0, 1).
    alpha : float, default 0.05
        Level of the test.

    Returns
    -------
    NonInferiorityColumns
        Element by element equal to ``noninferiority_counts(b, c, n, ...)``.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> res = fm.planning.noninferiority_counts_many([30, 45], [25, 10], 3000, margin=0.01)
    >>> res.noninferior.tolist(), [round(float(p), 6) for p in res.pvalue]
    ([True, False], [0.001031, 0.756261])
    """
    shape, (bs, cs, ns) = _columns(
        as_count_array(b, "b"), as_count_array(c, "c"), as_count_array(n, "n")
    )
    margin = _args.margin(margin)
    alpha = _args.level("alpha", alpha)
    found = _core.noninferiority_score_many(bs, cs, ns, margin, alpha)
    statistic, pvalue, ok = found.statistic, found.pvalue, found.noninferior
    low, high = found.low, found.high
    interval: Any = (low.reshape(shape), high.reshape(shape))
    return NonInferiorityColumns(
        statistic=statistic.reshape(shape),
        pvalue=pvalue.reshape(shape),
        confidence_interval=ConfidenceInterval(*interval),
        noninferior=ok.reshape(shape),
        margin=margin,
        alpha=alpha,
    )


def tango_interval_many(
    b: Any, c: Any, n: Any, /, *, confidence_level: float = 0.95
) -> ConfidenceInterval:
    """Tango's score interval on delta = (b - c) / n for arrays of counts.

    The default of :meth:`fastmcnemar.McNemarResult.confidence_interval`, for
    many paired tables at once (each element equals it exactly).

    Parameters
    ----------
    b, c, n : array_like of int
        Discordant counts and numbers of pairs, broadcast together
        (``b + c <= n``, ``n >= 1``).
    confidence_level : float, default 0.95
        Coverage, strictly between 0 and 1.

    Returns
    -------
    ConfidenceInterval
        ``(low, high)`` arrays of the broadcast shape.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> low, high = fm.planning.tango_interval_many([150, 3], [86, 0], [1600, 20])
    >>> [round(float(x), 6) for x in low], [round(float(x), 6) for x in high]
    ([0.021362, -0.035294], [0.058998, 0.360419])
    """
    shape, (bs, cs, ns) = _columns(
        as_count_array(b, "b"), as_count_array(c, "c"), as_count_array(n, "n")
    )
    low, high = _core.tango_intervals(bs, cs, ns, _args.level("confidence_level", confidence_level))
    interval: Any = (low.reshape(shape), high.reshape(shape))
    return ConfidenceInterval(*interval)


@dataclass(frozen=True, eq=False)
class VerdictColumns:
    """The verdicts and planning columns of many tasks (see
    :func:`verdict_columns`); 1-D arrays, one element per task.

    Attributes
    ----------
    noninferiority_pvalue : ndarray of float64
        Tango's p-value; NaN for continuous tasks and tasks with n = 0.
    detectable_drop : ndarray of float64
        Smallest drop with 80% (``power``) power at the task's n and flip
        rate; NaN without flips, or when no drop up to the flip rate is.
    n_needed : ndarray of int64
        Samples needed against a drop of ``margin`` (inconclusive tasks); -1
        elsewhere; 2^31 + 1 for "more than 2^31" (the exact search's limit).
    flip_rate_needed : ndarray of float64
        Largest flip rate at which the task's n would do (inconclusive tasks);
        NaN elsewhere and where none would.
    verdict_code : ndarray of uint8
        Index into :data:`VERDICT_NAMES`.
    """

    noninferiority_pvalue: NDArray[np.float64]
    detectable_drop: NDArray[np.float64]
    n_needed: NDArray[np.int64]
    flip_rate_needed: NDArray[np.float64]
    verdict_code: NDArray[np.uint8]

    @property
    def verdict(self) -> NDArray[np.str_]:
        """The verdicts as strings: "degraded", "equivalent" or "inconclusive"."""
        return np.asarray(VERDICT_NAMES)[self.verdict_code]

    def to_polars(self) -> pl.DataFrame:
        """The columns as a frame, missing values as nulls: ``verdict`` (str),
        then ``noninferiority_pvalue``, ``detectable_drop``, ``n_needed``
        (Int64), ``flip_rate_needed``: the schema of ``Comparison.tasks``."""
        import polars as pl

        def floats(name: str, values: NDArray[np.float64]) -> pl.Series:
            return pl.Series(name, values, dtype=pl.Float64, nan_to_null=True)

        # Nulls and names through Python lists: Series.set (the nulls of n_needed) and
        # a NumPy text array made object each cost more (0.1 ms for a 60-task suite).
        names = [VERDICT_NAMES[code] for code in self.verdict_code.tolist()]
        needed = [n if n >= 0 else None for n in self.n_needed.tolist()]
        return pl.DataFrame(
            [
                pl.Series("verdict", names, dtype=pl.Utf8),
                floats("noninferiority_pvalue", self.noninferiority_pvalue),
                floats("detectable_drop", self.detectable_drop),
                pl.Series("n_needed", needed, dtype=pl.Int64),
                floats("flip_rate_needed", self.flip_rate_needed),
            ]
        )


def verdict_columns(
    n: Any,
    b: Any,
    c: Any,
    flip_rate: Any,
    /,
    *,
    binary: Any,
    degraded: Any,
    ci_high: Any = np.nan,
    margin: float,
    alpha: float = 0.05,
    power: float = 0.8,
    confidence_level: float = 0.95,
) -> VerdictColumns:
    """Three-way verdicts and planning columns for every task of an audit.

    The rule of :mod:`fastmcnemar.compare.decision`, for all tasks in one call:
    ``degraded`` where the degradation test rejected; else ``equivalent``
    where Tango's non-inferiority test at ``alpha`` shows the drop is below
    ``margin`` (binary tasks) or the upper limit ``ci_high`` of the interval
    on delta is at most ``margin`` (continuous tasks, and only when
    ``confidence_level >= 1 - 2 alpha``); else ``inconclusive``. Each planning
    value equals the scalar function's (:func:`fastmcnemar.sample_size`,
    :func:`fastmcnemar.minimum_detectable_delta`,
    :func:`maximum_flip_rate_many`) exactly.

    Parameters
    ----------
    n, b, c : array_like of int
        Paired samples and discordant counts per task (b, c matter for binary
        tasks only; n may be 0).
    flip_rate : array_like of float
        Share of samples whose score changed; NaN where unknown (read as 0).
    binary, degraded : array_like of bool
        Whether the task has 0/1 scores, and whether its degradation test
        rejected.
    ci_high : array_like of float, default NaN
        Upper limit of each continuous task's interval on delta (NaN: none).
    margin : float
        Largest acceptable drop, in (0, 1).
    alpha : float, default 0.05
        Level of the tests.
    power : float, default 0.8
        Power the planning columns refer to.
    confidence_level : float, default 0.95
        Confidence of ``ci_high``.

    Returns
    -------
    VerdictColumns
        1-D arrays, one element per task; ``.to_polars()`` gives the columns
        ``Comparison.tasks`` carries.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> cols = fm.planning.verdict_columns(
    ...     [5000, 20000, 300], [120, 210, 4], [40, 200, 3], [0.032, 0.0205, 7 / 300],
    ...     binary=True, degraded=[True, False, False], margin=0.01,
    ... )
    >>> cols.verdict.tolist()
    ['degraded', 'equivalent', 'inconclusive']
    >>> cols.n_needed.tolist()
    [-1, -1, 1553]
    """
    margin = _args.real("margin", margin)
    alpha = _args.level("alpha", alpha)
    confidence_level = _args.level("confidence_level", confidence_level)
    shape, (ns, bs, cs, rates, binaries, flags, highs) = _columns(
        as_count_array(n, "n"),
        as_count_array(b, "b"),
        as_count_array(c, "c"),
        _rates(flip_rate, "flip_rate"),
        _flags(binary, "binary"),
        _flags(degraded, "degraded"),
        _rates(ci_high, "ci_high"),
    )
    if len(shape) > 1:
        raise InvalidArgumentError(f"the task columns must be 1-D, got shape {shape}")
    usable = (1.0 - confidence_level) / 2.0 <= alpha + 1e-12
    columns = _core.verdict_columns(
        ns,
        bs,
        cs,
        rates,
        binaries,
        flags,
        highs,
        margin,
        alpha,
        _args.level("power", power),
        usable,
    )
    return VerdictColumns(
        noninferiority_pvalue=columns.noninferiority_pvalue,
        detectable_drop=columns.detectable_drop,
        n_needed=columns.n_needed,
        flip_rate_needed=columns.flip_rate_needed,
        verdict_code=columns.verdict,
    )


__all__ = [
    "VERDICT_NAMES",
    "NonInferiorityColumns",
    "VerdictColumns",
    "maximum_flip_rate_many",
    "minimum_detectable_delta_many",
    "noninferiority_counts_many",
    "sample_size_many",
    "tango_interval_many",
    "verdict_columns",
]
