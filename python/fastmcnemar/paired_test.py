"""The exact McNemar test: is the candidate model worse than the reference?

Both models are scored 0/1 on the same samples. With ``b`` = samples only the
reference got right and ``c`` = samples only the candidate got right, under
"no difference" ``b ~ Binomial(b + c, 1/2)``; the one-sided exact p-value for
"the candidate degraded" is ``P(X >= b)``. The tails are computed in Rust to a
relative 1e-12 (and in log space far below the double range).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from fastmcnemar import _args, _core
from fastmcnemar._args import (
    Alternative as Alternative,
)
from fastmcnemar._args import (
    as_count_array,
    as_outcome_pair,
    check_same_shape,
)
from fastmcnemar._result_base import ConfidenceInterval, UnpacksAsStatisticPvalue
from fastmcnemar.exceptions import EmptyInputError, InvalidArgumentError

Method = Literal["exact", "midp", "asymptotic"]
IntervalMethod = Literal["tango", "newcombe", "bonett-price", "wald"]
FloatOrArray = float | NDArray[np.float64]
IntOrArray = int | NDArray[np.int64]

METHODS: tuple[Method, ...] = ("exact", "midp", "asymptotic")
INTERVAL_METHODS: tuple[IntervalMethod, ...] = ("tango", "newcombe", "bonett-price", "wald")


def _check_test_options(alternative: object, method: object) -> tuple[Alternative, Method]:
    """Validate the ``alternative`` and ``method`` every McNemar entry point takes."""
    return _args.alternative(alternative), _args.choice("method", method, METHODS)


@dataclass(frozen=True)
class McNemarResult(UnpacksAsStatisticPvalue):
    """Result of :func:`mcnemar`; unpacks as ``(statistic, pvalue)``.

    Attributes
    ----------
    statistic : float
        q = b / (b + c), the share of discordant samples that went the
        reference's way (NaN when b + c = 0). 0.5 means no difference.
    pvalue : float
        p-value for ``alternative`` computed by ``method`` (1 when b + c = 0).
    log_pvalue : float
        Natural log of the p-value, finite even where ``pvalue`` underflows to 0.
    b : int
        Samples only the reference got right (n12).
    c : int
        Samples only the candidate got right (n21).
    n : int
        Paired samples N.
    n_discordant : int
        b + c.
    delta : float
        Reference accuracy minus candidate accuracy, (b - c) / N.
    flip_rate : float
        Share of samples whose outcome differs between the models, (b + c) / N.
    alternative : str
        ``"greater"`` (the candidate degraded), ``"less"`` or ``"two-sided"``.
    method : str
        ``"exact"``, ``"midp"`` or ``"asymptotic"``.
    both_correct : int
        Samples both models got right (n11).
    both_wrong : int
        Samples both models got wrong (n22).
    """

    statistic: float
    pvalue: float
    log_pvalue: float
    b: int
    c: int
    n: int
    n_discordant: int
    delta: float
    flip_rate: float
    alternative: str
    method: str
    both_correct: int
    both_wrong: int

    def confidence_interval(
        self, confidence_level: float = 0.95, method: IntervalMethod = "tango"
    ) -> ConfidenceInterval:
        """Two-sided confidence interval for ``delta`` (accuracy difference).

        Parameters
        ----------
        confidence_level : float, default 0.95
            Coverage, strictly between 0 and 1.
        method : {"tango", "newcombe", "bonett-price", "wald"}, default "tango"
            ``"tango"``: Tango's (1998) score interval, which at delta = 0
            inverts the same z = (b - c)/sqrt(b + c) as the asymptotic test;
            ``"newcombe"``: Newcombe's (1998) hybrid score interval (method 10);
            ``"bonett-price"``: Bonett & Price (2012) adjusted Wald;
            ``"wald"``: plain Wald (a reference only: it collapses to [0, 0]
            when b = c = 0).

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``, within [-1, 1].

        Raises
        ------
        InvalidLevelError
            If ``confidence_level`` is not strictly between 0 and 1.
        InvalidArgumentError
            If ``method`` is unknown.

        Examples
        --------
        >>> from fastmcnemar import mcnemar_table
        >>> res = mcnemar_table([[794, 150], [86, 570]])
        >>> low, high = res.confidence_interval()
        >>> round(low, 6), round(high, 6)
        (0.021362, 0.058998)
        """
        low, high = _core.paired_difference_interval(
            self.both_correct,
            self.b,
            self.c,
            self.both_wrong,
            _args.level("confidence_level", confidence_level),
            _args.choice("method", method, INTERVAL_METHODS),
        )
        return ConfidenceInterval(low, high)

    def statistic_confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Exact Clopper-Pearson interval for ``statistic`` q = b / (b + c).

        q is the probability that a discordant sample favours the reference;
        q = 1/2 is "no difference". ``q / (1 - q)`` is the conditional odds
        ratio, so mapping the limits through ``x / (1 - x)`` gives the exact
        interval for it (as R's ``exact2x2::mcnemar.exact``).

        Parameters
        ----------
        confidence_level : float, default 0.95
            Coverage, strictly between 0 and 1.

        Returns
        -------
        ConfidenceInterval
            ``(low, high)`` within [0, 1]; ``(0, 1)`` when b + c = 0.

        Examples
        --------
        >>> from fastmcnemar import mcnemar_table
        >>> res = mcnemar_table([[10, 12], [3, 10]])
        >>> low, high = res.statistic_confidence_interval()
        >>> round(low, 6), round(high, 6)
        (0.519109, 0.956688)
        """
        low, high = _core.clopper_pearson_interval(
            self.b, self.c, _args.level("confidence_level", confidence_level)
        )
        return ConfidenceInterval(low, high)


@dataclass(frozen=True, eq=False)
class McNemarCountsResult(UnpacksAsStatisticPvalue):
    """Result of :func:`mcnemar_counts`; unpacks as ``(statistic, pvalue)``.

    Every numeric field is a float / int for scalar inputs and a NumPy array
    of the inputs' shape otherwise.

    Attributes
    ----------
    statistic : float or ndarray
        q = b / (b + c) (NaN where b + c = 0).
    pvalue : float or ndarray
        p-values (1 where b + c = 0).
    log_pvalue : float or ndarray
        Natural logs of the p-values, finite where ``pvalue`` underflows.
    b, c : int or ndarray
        The discordant counts, as int64.
    n_discordant : int or ndarray
        b + c.
    alternative : str
        ``"greater"``, ``"less"`` or ``"two-sided"``.
    method : str
        ``"exact"``, ``"midp"`` or ``"asymptotic"``.
    """

    statistic: FloatOrArray
    pvalue: FloatOrArray
    log_pvalue: FloatOrArray
    b: IntOrArray
    c: IntOrArray
    n_discordant: IntOrArray
    alternative: str
    method: str

    def statistic_confidence_interval(self, confidence_level: float = 0.95) -> ConfidenceInterval:
        """Exact Clopper-Pearson interval for q = b / (b + c), element-wise.

        Parameters
        ----------
        confidence_level : float, default 0.95
            Coverage, strictly between 0 and 1.

        Returns
        -------
        ConfidenceInterval
            ``(low, high)``: floats for scalar counts, else arrays of their
            shape; ``(0, 1)`` where b + c = 0.

        Examples
        --------
        >>> import numpy as np
        >>> from fastmcnemar import mcnemar_counts
        >>> low, high = mcnemar_counts([12, 0], [3, 10]).statistic_confidence_interval()
        >>> np.round(low, 6).tolist(), np.round(high, 6).tolist()
        ([0.519109, 0.0], [0.956688, 0.308497])
        """
        level = _args.level("confidence_level", confidence_level)
        if isinstance(self.b, np.ndarray) and isinstance(self.c, np.ndarray):
            low, high = _core.clopper_pearson_intervals(
                self.b.reshape(-1), self.c.reshape(-1), level
            )
            # ConfidenceInterval is typed for floats; here its fields hold arrays.
            low_arr: Any = low.reshape(self.b.shape)
            high_arr: Any = high.reshape(self.b.shape)
            return ConfidenceInterval(low_arr, high_arr)
        lo, hi = _core.clopper_pearson_interval(int(self.b), int(self.c), level)
        return ConfidenceInterval(lo, hi)


def mcnemar(
    reference: Any,
    candidate: Any,
    /,
    *,
    alternative: Alternative = "greater",
    method: Method = "exact",
) -> McNemarResult:
    """McNemar's test on per-sample binary outcomes of two models.

    Parameters
    ----------
    reference, candidate : array_like
        1-D, equal length, paired by position: 1 (or True) where the model got
        the sample right, 0 (False) where not. Booleans, integers, and floats
        that are exactly 0 or 1 are accepted (lists, NumPy arrays, pandas or
        Polars Series).
    alternative : {"greater", "less", "two-sided"}, default "greater"
        ``"greater"``: the reference is better, i.e. the candidate degraded
        (p = P(X >= b)); ``"less"``: the candidate is better (P(X <= b));
        ``"two-sided"``: min(1, 2 x the smaller tail).
    method : {"exact", "midp", "asymptotic"}, default "exact"
        ``"exact"``: the binomial tail; ``"midp"``: P(X > b) + P(X = b)/2 per
        side; ``"asymptotic"``: normal approximation to
        z = (b - c)/sqrt(b + c), without continuity correction.

    Returns
    -------
    McNemarResult
        With ``statistic`` q = b/(b + c), ``pvalue``, ``log_pvalue``, the
        table counts, ``delta`` and ``flip_rate``, and interval methods.

    Raises
    ------
    EmptyInputError
        If the inputs are empty.
    LengthMismatchError
        If their lengths differ.
    NonBinaryValueError
        If a value is not exactly 0 or 1 (NaN, 0.5, 2, ...); names the index.
    InvalidArgumentError
        For an unknown ``alternative`` or ``method``, or inputs that are not
        1-D sequences of numbers.

    See Also
    --------
    mcnemar_counts : the test on discordant counts, vectorized.
    mcnemar_table : the test on a 2x2 table of counts.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmcnemar import mcnemar
    >>> reference = np.array([1, 1, 1, 1, 1, 1, 1, 0, 1, 0, 1, 1])
    >>> candidate = np.array([1, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 1])
    >>> res = mcnemar(reference, candidate)
    >>> res.b, res.c, round(res.pvalue, 6)
    (6, 1, 0.0625)
    >>> statistic, pvalue = res
    >>> round(res.delta, 6), round(res.flip_rate, 6)
    (0.416667, 0.583333)
    """
    alternative, method = _check_test_options(alternative, method)
    ref, cand = as_outcome_pair(reference, candidate)
    t = _core.mcnemar_paired_counts(ref, cand)
    return _result_from_table(
        t.both_correct, t.b, t.c, t.both_wrong, alternative=alternative, method=method
    )


def mcnemar_table(
    table: Any,
    /,
    *,
    alternative: Alternative = "greater",
    method: Method = "exact",
) -> McNemarResult:
    """McNemar's test on a paired 2x2 table of counts.

    Parameters
    ----------
    table : array_like, shape (2, 2)
        ``[[both_correct, b], [c, both_wrong]]``: rows are the reference
        (right, wrong), columns the candidate (right, wrong), as in
        statsmodels' ``mcnemar``. Whole, non-negative counts.
    alternative, method
        As for :func:`mcnemar`.

    Returns
    -------
    McNemarResult

    Raises
    ------
    InvalidArgumentError
        If the table is not 2x2 of whole numbers, or a choice is unknown.
    NegativeCountError
        If a count is negative.
    EmptyInputError
        If every count is zero.

    Examples
    --------
    >>> from fastmcnemar import mcnemar_table
    >>> res = mcnemar_table([[101, 121], [59, 33]], alternative="two-sided")
    >>> float(f"{res.pvalue:.6e}")
    4.434449e-06
    """
    alternative, method = _check_test_options(alternative, method)
    counts = as_count_array(table, "table")
    if counts.shape != (2, 2):
        raise InvalidArgumentError(
            f"table must be 2x2 [[both_correct, b], [c, both_wrong]], got shape {counts.shape}"
        )
    (n11, n12), (n21, n22) = counts.tolist()
    if n11 + n12 + n21 + n22 == 0:
        raise EmptyInputError("table is empty: every count is zero")
    return _result_from_table(n11, n12, n21, n22, alternative=alternative, method=method)


def _result_from_table(
    both_correct: int, b: int, c: int, both_wrong: int, *, alternative: Alternative, method: Method
) -> McNemarResult:
    pvalue, log_pvalue = _core.mcnemar_pvalue(b, c, alternative, method)
    n = both_correct + b + c + both_wrong
    n_discordant = b + c
    return McNemarResult(
        statistic=b / n_discordant if n_discordant else float("nan"),
        pvalue=pvalue,
        log_pvalue=log_pvalue,
        b=b,
        c=c,
        n=n,
        n_discordant=n_discordant,
        delta=(b - c) / n,
        flip_rate=n_discordant / n,
        alternative=alternative,
        method=method,
        both_correct=both_correct,
        both_wrong=both_wrong,
    )


def mcnemar_counts(
    b: Any,
    c: Any,
    /,
    *,
    alternative: Alternative = "greater",
    method: Method = "exact",
) -> McNemarCountsResult:
    """McNemar's test on discordant counts, for one pair or millions at once.

    Parameters
    ----------
    b, c : int or array_like of int
        Samples only the reference got right (b) and only the candidate got
        right (c). Scalars, or arrays of one shape (any number of dimensions);
        whole non-negative numbers (integer, boolean, or integral float
        dtypes). All pairs are computed in one call, in parallel.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        As for :func:`mcnemar`: ``"greater"`` is P(X >= b), the candidate
        degraded.
    method : {"exact", "midp", "asymptotic"}, default "exact"
        As for :func:`mcnemar`.

    Returns
    -------
    McNemarCountsResult
        ``statistic``, ``pvalue`` and ``log_pvalue`` are floats for scalar
        inputs, else arrays of the inputs' shape (empty for empty inputs).

    Raises
    ------
    NegativeCountError
        If a count is negative (names the index).
    NonFiniteValueError
        If a float count is NaN or infinite.
    LengthMismatchError
        If ``b`` and ``c`` have different shapes.
    InvalidArgumentError
        For non-whole counts, counts with b + c > 2^53, or an unknown
        ``alternative`` or ``method``.

    Examples
    --------
    >>> import numpy as np
    >>> from fastmcnemar import mcnemar_counts
    >>> round(mcnemar_counts(12, 3).pvalue, 6)
    0.017578
    >>> res = mcnemar_counts(np.array([[12, 3], [0, 50]]), np.array([[3, 12], [0, 30]]))
    >>> res.pvalue.shape
    (2, 2)
    >>> np.round(res.pvalue, 6).tolist()
    [[0.017578, 0.996307], [1.0, 0.016496]]
    >>> huge = mcnemar_counts(10**9 + 10**6, 10**9 - 10**6)
    >>> huge.pvalue, round(huge.log_pvalue, 3)
    (0.0, -1004.719)
    """
    alternative, method = _check_test_options(alternative, method)
    b_arr = as_count_array(b, "b")
    c_arr = as_count_array(c, "c")
    check_same_shape(b_arr, c_arr)
    if b_arr.ndim == 0:
        bi, ci = int(b_arr), int(c_arr)
        pvalue, log_pvalue = _core.mcnemar_pvalue(bi, ci, alternative, method)
        n = bi + ci
        return McNemarCountsResult(
            statistic=bi / n if n else float("nan"),
            pvalue=pvalue,
            log_pvalue=log_pvalue,
            b=bi,
            c=ci,
            n_discordant=n,
            alternative=alternative,
            method=method,
        )
    shape = b_arr.shape
    # p, ln p, q = b / (b + c) (NaN where b + c = 0) and b + c in one parallel call.
    out = _core.mcnemar_counts_arrays(b_arr.reshape(-1), c_arr.reshape(-1), alternative, method)
    return McNemarCountsResult(
        statistic=out.statistic.reshape(shape),
        pvalue=out.pvalue.reshape(shape),
        log_pvalue=out.log_pvalue.reshape(shape),
        b=b_arr,
        c=c_arr,
        n_discordant=out.n.reshape(shape),
        alternative=alternative,
        method=method,
    )


__all__ = [
    "McNemarCountsResult",
    "McNemarResult",
    "mcnemar",
    "mcnemar_counts",
    "mcnemar_table",
]
