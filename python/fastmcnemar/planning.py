"""Power, sample size and minimum detectable drop of the exact McNemar test.

All three are computed exactly from the binomial distribution: given N paired
samples with flip rate p (share of samples where the two models disagree) and
accuracy drop delta, the number of flips m is Binomial(N, p), each flip is a
degradation with probability q = (p + delta) / (2 p), and the exact one-sided
test rejects when b reaches the exact critical value for m. The power sums the
conditional power over m. The rule of thumb N ~ p (z_{1-alpha} + z_{power})^2 /
delta^2 is available with ``method="normal"`` for comparison.

Non-inferiority ("the candidate is at most ``margin`` worse") lives in
:mod:`fastmcnemar.non_inferiority`. The ``*_many`` functions and
:func:`verdict_columns` answer the same questions for arrays of inputs in one
call (:mod:`fastmcnemar._batched_planning`).
"""

from __future__ import annotations

import math
from typing import Literal

from fastmcnemar import _args, _core
from fastmcnemar._args import Alternative
from fastmcnemar._batched_planning import (
    VERDICT_NAMES,
    NonInferiorityColumns,
    VerdictColumns,
    maximum_flip_rate_many,
    minimum_detectable_delta_many,
    noninferiority_counts_many,
    sample_size_many,
    tango_interval_many,
    verdict_columns,
)
from fastmcnemar._limits import MAX_SAMPLES, check_sample_count
from fastmcnemar.exceptions import InvalidArgumentError

PowerMethod = Literal["exact", "normal"]
_POWER_METHODS: tuple[PowerMethod, ...] = ("exact", "normal")


def _check_n(n: object) -> int:
    # 1 <= n <= 2^53, as mcnemar_counts: the work of the exact sums grows with n.
    return check_sample_count(_args.whole("n", n, minimum=1))


def _options(alternative: object, method: object) -> tuple[Alternative, PowerMethod]:
    return _args.alternative(alternative), _args.choice("method", method, _POWER_METHODS)


def power(
    n: int,
    flip_rate: float,
    delta: float,
    /,
    *,
    alpha: float = 0.05,
    alternative: Alternative = "greater",
    method: PowerMethod = "exact",
) -> float:
    """Power of the exact McNemar test to detect an accuracy drop.

    Parameters
    ----------
    n : int
        Number of paired samples (both models scored on each).
    flip_rate : float
        Expected share of samples where the two models disagree, in (0, 1].
    delta : float
        Accuracy of the reference minus accuracy of the candidate (positive =
        the candidate is worse); ``|delta| <= flip_rate``.
    alpha : float, default 0.05
        Level of the test.
    alternative : {"greater", "less", "two-sided"}, default "greater"
        The test's alternative, as in :func:`fastmcnemar.mcnemar`; "two-sided" is
        the central test (each tail at ``alpha / 2``).
    method : {"exact", "normal"}, default "exact"
        "exact" sums over the binomial number of flips; "normal" is the textbook
        approximation Phi(|delta| sqrt(n / p) - z_{1-alpha}).

    Returns
    -------
    float
        Probability that the test rejects.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> round(fm.power(2000, 0.05, 0.01), 4)
    0.6026
    >>> round(fm.power(2000, 0.05, 0.01, method="normal"), 4)
    0.6388
    """
    n = _check_n(n)
    flip_rate = _args.real("flip_rate", flip_rate)
    delta = _args.real("delta", delta)
    alpha = _args.level("alpha", alpha)
    alternative, method = _options(alternative, method)
    if method == "normal":
        return _core.normal_approx_power(n, flip_rate, delta, alpha, alternative)
    return _core.exact_power(n, flip_rate, delta, alpha, alternative)


def sample_size(
    flip_rate: float,
    delta: float,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "greater",
    method: PowerMethod = "exact",
) -> int:
    """Smallest number of paired samples whose exact power reaches ``power``.

    Exact power is a saw-tooth in N (the critical value moves in whole counts),
    so "reaches" is not monotone: the answer is the plain smallest N whose power
    is at least ``power``; every smaller N falls short. A few larger N may fall
    short again by a hair (see ``docs/planning.md``).

    Parameters
    ----------
    flip_rate : float
        Expected share of samples where the two models disagree, in (0, 1].
    delta : float
        Drop to detect (reference minus candidate accuracy): > 0 for "greater",
        < 0 for "less", nonzero for "two-sided"; ``|delta| <= flip_rate``.
    alpha : float, default 0.05
        Level of the test.
    power : float, default 0.8
        Required power, in (0, 1).
    alternative : {"greater", "less", "two-sided"}, default "greater"
        The test's alternative.
    method : {"exact", "normal"}, default "exact"
        "normal" returns the rule of thumb ceil(p (z_{1-alpha} + z_{power})^2 / delta^2).

    Returns
    -------
    int
        Number of paired samples.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> fm.sample_size(0.05, 0.01)
    3258
    >>> fm.sample_size(0.05, 0.01, method="normal")
    3092
    """
    flip_rate = _args.real("flip_rate", flip_rate)
    delta = _args.real("delta", delta)
    alpha = _args.level("alpha", alpha)
    power = _args.level("power", power)
    alternative, method = _options(alternative, method)
    needed = _core.normal_approx_sample_size(flip_rate, delta, alpha, power, alternative)
    if not needed <= MAX_SAMPLES:  # inf (a vanishing drop) or beyond any real suite
        # Bounded work: the exact search would walk towards 2^53 first.
        raise InvalidArgumentError(
            f"detecting delta = {delta:g} at flip rate {flip_rate:g} needs more than "
            f"2^53 paired samples (normal approximation: {needed:.3g})"
        )
    if method == "normal":
        return math.ceil(needed)
    return _core.exact_sample_size(flip_rate, delta, alpha, power, alternative).n


def minimum_detectable_delta(
    n: int,
    flip_rate: float,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "greater",
    method: PowerMethod = "exact",
) -> float:
    """Smallest accuracy drop the exact McNemar test detects with ``power``.

    Parameters
    ----------
    n : int
        Number of paired samples.
    flip_rate : float
        Expected share of samples where the two models disagree, in (0, 1].
    alpha : float, default 0.05
        Level of the test.
    power : float, default 0.8
        Required power, in (0, 1).
    alternative : {"greater", "less", "two-sided"}, default "greater"
        "greater" and "two-sided" return the drop as a positive number, "less"
        returns the (negative) improvement.
    method : {"exact", "normal"}, default "exact"
        "normal" returns sqrt(p / n) (z_{1-alpha} + z_{power}).

    Returns
    -------
    float
        The drop, accurate to ~1e-12 * flip_rate; ``inf`` (``-inf`` for "less")
        when no drop up to the flip rate reaches the power at this ``n``.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> round(fm.minimum_detectable_delta(10_000, 0.05), 5)
    0.00565
    >>> fm.minimum_detectable_delta(3, 0.5)
    inf
    """
    n = _check_n(n)
    flip_rate = _args.real("flip_rate", flip_rate)
    alpha = _args.level("alpha", alpha)
    power = _args.level("power", power)
    alternative, method = _options(alternative, method)
    sign = -1.0 if alternative == "less" else 1.0
    if method == "normal":
        found = _core.normal_approx_minimum_detectable_delta(
            n, flip_rate, alpha, power, alternative
        )
        return sign * math.inf if found is None else found
    found = _core.exact_minimum_detectable_delta(n, flip_rate, alpha, power, alternative)
    return sign * math.inf if found is None else found


__all__ = [
    "VERDICT_NAMES",
    "NonInferiorityColumns",
    "VerdictColumns",
    "maximum_flip_rate_many",
    "minimum_detectable_delta",
    "minimum_detectable_delta_many",
    "noninferiority_counts_many",
    "power",
    "sample_size",
    "sample_size_many",
    "tango_interval_many",
    "verdict_columns",
]
