"""Power, sample size and minimum detectable drop of the exact McNemar test.

All three are computed exactly from the binomial distribution: given N paired
samples with flip rate p (share of samples where the two models disagree) and
accuracy drop delta, the number of flips m is Binomial(N, p), each flip is a
degradation with probability q = (p + delta) / (2 p), and the exact one-sided
test rejects when b reaches the exact critical value for m. The power sums the
conditional power over m. The rule of thumb N ~ p (z_{1-alpha} + z_{power})^2 /
delta^2 is available with ``method="normal"`` for comparison.

Clustered samples (several questions per passage, epochs of one sample): every
function takes ``design_effect=`` or ``icc=`` with ``cluster_size=`` (DEFF =
1 + (m - 1) ICC). N clustered samples are worth N / DEFF independent ones, so
``power`` and ``minimum_detectable_delta`` use the effective sample size
floor(N / DEFF) and ``sample_size`` returns ceil(DEFF x) the independent-sample
answer (see ``docs/clusters.md``).

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


def _design_effect(
    design_effect: float | None, icc: float | None, cluster_size: float | None
) -> float:
    """The design effect from ``design_effect`` or ``icc`` + ``cluster_size`` (1 when neither)."""
    if design_effect is not None:
        if icc is not None or cluster_size is not None:
            raise InvalidArgumentError(
                "give either design_effect or icc with cluster_size, not both"
            )
        deff = _args.real("design_effect", design_effect)
        if not math.isfinite(deff) or deff < 1.0:
            raise InvalidArgumentError(
                f"design_effect must be a finite number >= 1, got {design_effect!r} "
                "(a design effect below 1 would promise more than independent samples)"
            )
        return deff
    if icc is None and cluster_size is None:
        return 1.0
    if icc is None or cluster_size is None:
        raise InvalidArgumentError("icc and cluster_size go together: give both")
    rho = _args.real("icc", icc)
    m = _args.real("cluster_size", cluster_size)
    if not 0.0 <= rho <= 1.0:
        raise InvalidArgumentError(f"icc must lie in [0, 1], got {icc!r}")
    if not (math.isfinite(m) and m >= 1.0):
        raise InvalidArgumentError(
            "cluster_size (mean samples per cluster) must be a finite number >= 1, "
            f"got {cluster_size!r}"
        )
    return 1.0 + (m - 1.0) * rho


def effective_sample_size(
    n: int,
    /,
    *,
    design_effect: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
) -> int:
    """The number of independent samples N clustered samples are worth: floor(N / DEFF).

    Parameters
    ----------
    n : int
        Paired samples.
    design_effect : float, optional
        Variance inflation of the mean difference from clustering (>= 1).
    icc, cluster_size : float, optional
        Intra-cluster correlation and mean cluster size: DEFF = 1 + (m - 1) ICC.

    Returns
    -------
    int
        At least 1.

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> fm.effective_sample_size(1000, icc=0.1, cluster_size=10)
    526
    """
    n = _check_n(n)
    deff = _design_effect(design_effect, icc, cluster_size)
    return max(1, math.floor(n / deff + 1e-9))


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
    design_effect: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
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
    design_effect : float, optional
        Clustered samples: the power is that of floor(n / design_effect)
        independent samples.
    icc, cluster_size : float, optional
        Instead of ``design_effect``: DEFF = 1 + (cluster_size - 1) icc.

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
    >>> round(fm.power(2000, 0.05, 0.01, icc=0.05, cluster_size=5), 4)
    0.5291
    """
    n = effective_sample_size(n, design_effect=design_effect, icc=icc, cluster_size=cluster_size)
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
    design_effect: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
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
    design_effect : float, optional
        Clustered samples: the independent-sample answer times the design
        effect, rounded up.
    icc, cluster_size : float, optional
        Instead of ``design_effect``: DEFF = 1 + (cluster_size - 1) icc.

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
    >>> fm.sample_size(0.05, 0.01, icc=0.05, cluster_size=5)
    3910
    """
    deff = _design_effect(design_effect, icc, cluster_size)
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
        n_independent = math.ceil(needed)
    else:
        n_independent = _core.exact_sample_size(flip_rate, delta, alpha, power, alternative).n
    # Smallest N with floor(N / DEFF) >= the independent answer (1e-9 absorbs
    # rounding in products like 3258 * 1.2).
    return math.ceil(n_independent * deff - 1e-9)


def minimum_detectable_delta(
    n: int,
    flip_rate: float,
    /,
    *,
    alpha: float = 0.05,
    power: float = 0.8,
    alternative: Alternative = "greater",
    method: PowerMethod = "exact",
    design_effect: float | None = None,
    icc: float | None = None,
    cluster_size: float | None = None,
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
    design_effect : float, optional
        Clustered samples: the drop detectable with floor(n / design_effect)
        independent samples.
    icc, cluster_size : float, optional
        Instead of ``design_effect``: DEFF = 1 + (cluster_size - 1) icc.

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
    >>> round(fm.minimum_detectable_delta(10_000, 0.05, design_effect=2), 5)
    0.00804
    """
    n = effective_sample_size(n, design_effect=design_effect, icc=icc, cluster_size=cluster_size)
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
    "effective_sample_size",
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
