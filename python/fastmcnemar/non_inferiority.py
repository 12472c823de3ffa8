"""Non-inferiority: is the candidate at most ``margin`` worse than the reference?

"Not significantly worse" only says the data could not show a drop. The
non-inferiority test turns the question around: H0: delta >= margin (the
candidate is at least ``margin`` worse) against H1: delta < margin, with
delta = accuracy(reference) - accuracy(candidate). Rejecting H0 is positive
evidence that any drop is smaller than the margin.

Binary outcomes use Tango's score test for paired proportions (the score
statistic with the restricted maximum-likelihood variance, Tango 1998; Nam
1997); its decision agrees exactly with the two-sided (1 - 2 alpha) Tango
interval: non-inferior iff the interval's upper limit is at most ``margin``.
The asymptotic score test can be a little liberal with few samples and many
flips (exact size up to ~0.052 at alpha = 0.05 for N = 50 and flip rate 0.5);
``method="exact"`` refers the same statistic to its exact distribution, the
supremum over the unknown flip rate of P(Z <= z_obs) at delta = margin, which
keeps the level.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from fastmcnemar import _args, _core
from fastmcnemar._args import SeedLike
from fastmcnemar._result_base import ConfidenceInterval, UnpacksAsStatisticPvalue
from fastmcnemar.exceptions import (
    InvalidArgumentError,
    InvalidLevelError,
    NegativeCountError,
)

NonInferiorityMethod = Literal["auto", "score", "exact", "permutation"]


@dataclass(frozen=True)
class NonInferiorityResult(UnpacksAsStatisticPvalue):
    """Outcome of a non-inferiority test; unpacks as ``(statistic, pvalue)``.

    Attributes
    ----------
    statistic : float
        Tango's z at delta = margin, or for "permutation" the mean difference
        minus the margin (negative favours non-inferiority).
    pvalue : float
        One-sided p-value of H0: delta >= margin (asymptotic for "score",
        exact unconditional for "exact").
    margin : float
        The largest acceptable drop.
    alpha : float
        Level of the test.
    confidence_interval : ConfidenceInterval
        Two-sided (1 - 2 alpha) interval for delta; non-inferior iff its upper
        limit is at most ``margin``.
    noninferior : bool
        ``pvalue <= alpha`` (for "score" also: the interval's upper limit
        is at most ``margin``).
    delta : float
        Observed accuracy drop (reference minus candidate).
    n : int
        Number of paired samples.
    b, c : int
        Samples only the reference / only the candidate got right.
    method : str
        "score" (Tango, normal reference), "exact" (Tango statistic, exact
        unconditional p-value; the interval is still Tango's) or "permutation"
        (continuous scores: sign-flip test of the shifted differences, paired
        bootstrap interval).
    """

    statistic: float
    pvalue: float
    margin: float
    alpha: float
    confidence_interval: ConfidenceInterval
    noninferior: bool
    delta: float
    n: int
    b: int
    c: int
    method: str


def _count(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgumentError(f"{name} must be an integer count, got {value!r}")
    if value < 0:
        raise NegativeCountError(f"negative count in {name}: {value}")
    return int(value)


def noninferiority_counts(
    b: int,
    c: int,
    n: int,
    /,
    *,
    margin: float,
    alpha: float = 0.05,
    method: Literal["score", "exact"] = "score",
) -> NonInferiorityResult:
    """Tango non-inferiority test from the paired counts.

    Parameters
    ----------
    b, c : int
        Samples only the reference / only the candidate got right.
    n : int
        Number of paired samples (``b + c <= n``).
    margin : float
        Largest acceptable drop in accuracy, in (0, 1) (0.01 = one point).
    alpha : float, default 0.05
        Level of the test.
    method : {"score", "exact"}, default "score"
        "score": Tango's z against the normal distribution; "exact": the same z
        against its exact distribution, maximised over the unknown flip rate
        (a grid of 200 flip rates refined around the maximum).

    Returns
    -------
    NonInferiorityResult

    Examples
    --------
    >>> import fastmcnemar as fm
    >>> res = fm.noninferiority_counts(30, 25, 3000, margin=0.01)
    >>> res.noninferior, round(res.pvalue, 6)
    (True, 0.001031)
    >>> exact = fm.noninferiority_counts(30, 25, 3000, margin=0.01, method="exact")
    >>> exact.noninferior, round(exact.pvalue, 6)
    (True, 0.001043)
    """
    b = _count(b, "b")
    c = _count(c, "c")
    n = _count(n, "n")
    margin = _args.real("margin", margin)
    alpha = _args.level("alpha", alpha)
    method = _args.choice("method", method, ("score", "exact"))
    score = _core.noninferiority_score(b, c, n, margin, alpha)
    statistic, pvalue, noninferior = score.statistic, score.pvalue, score.noninferior
    low, high = score.low, score.high
    if method == "exact":
        pvalue = _core.noninferiority_exact_pvalue(b, c, n, margin)
        noninferior = pvalue <= alpha
    return NonInferiorityResult(
        statistic=statistic,
        pvalue=pvalue,
        margin=margin,
        alpha=alpha,
        confidence_interval=ConfidenceInterval(low, high),
        noninferior=noninferior,
        delta=(b - c) / n,
        n=n,
        b=b,
        c=c,
        method=method,
    )


def _as_scores(values: npt.ArrayLike, name: str) -> npt.NDArray[np.float64]:
    """Scores as a 1-D float64 array; the core checks emptiness, pairing, finiteness
    and (for the score tests) that every value is 0 or 1, with its own messages."""
    array = np.ascontiguousarray(values, dtype=np.float64)
    if array.ndim != 1:
        raise InvalidArgumentError(f"{name} must be one-dimensional, got shape {array.shape}")
    return array


def _is_binary(array: npt.NDArray[np.float64]) -> bool:
    return bool(np.all((array == 0.0) | (array == 1.0)))


def _permutation_noninferiority(
    ref: npt.NDArray[np.float64],
    cand: npt.NDArray[np.float64],
    margin: float,
    alpha: float,
    n_resamples: int,
    seed: int,
) -> NonInferiorityResult:
    from fastmcnemar.resampling import bootstrap, permutation_test

    if not 0.0 < alpha < 0.5:
        raise InvalidLevelError(f"alpha must lie strictly between 0 and 0.5, got {alpha}")
    # One seed for both, so the test and the interval see the same resamples.
    # H0: mean difference >= margin. Shifting the reference by the margin turns
    # it into "mean of the shifted differences >= 0", tested by sign flips.
    test = permutation_test(
        ref - margin, cand, alternative="less", n_resamples=n_resamples, rng=seed
    )
    interval = bootstrap(
        ref, cand, confidence_level=1.0 - 2.0 * alpha, n_resamples=n_resamples, rng=seed
    ).confidence_interval
    return NonInferiorityResult(
        statistic=float(np.mean(ref - cand)) - margin,
        pvalue=float(test.pvalue),
        margin=margin,
        alpha=alpha,
        confidence_interval=ConfidenceInterval(interval.low, interval.high),
        noninferior=float(test.pvalue) <= alpha,
        delta=float(np.mean(ref - cand)),
        n=int(ref.size),
        b=int(np.count_nonzero(ref > cand)),
        c=int(np.count_nonzero(ref < cand)),
        method="permutation",
    )


def noninferiority(
    reference: npt.ArrayLike,
    candidate: npt.ArrayLike,
    /,
    *,
    margin: float,
    alpha: float = 0.05,
    method: NonInferiorityMethod = "auto",
    n_resamples: int = 9999,
    rng: SeedLike = None,
) -> NonInferiorityResult:
    """Test whether the candidate is at most ``margin`` worse than the reference.

    Parameters
    ----------
    reference, candidate : array_like
        Per-sample scores of the two models on the same samples, in the same
        order: 0/1 outcomes, or continuous scores (F1, partial credit, means
        over reruns) for ``method="permutation"``.
    margin : float
        Largest acceptable drop in the mean score, in (0, 1) (0.01 = one point).
    alpha : float, default 0.05
        Level of the test.
    method : {"auto", "score", "exact", "permutation"}, default "auto"
        "score": Tango's score test (binary outcomes); "exact": its exact
        unconditional p-value (see :func:`noninferiority_counts`);
        "permutation": the paired sign-flip test of the differences shifted by
        the margin (H0: mean difference >= margin; valid when the shifted
        differences are symmetric at the boundary), reported with the paired
        bootstrap (BCa) interval at confidence 1 - 2 alpha. "auto" picks
        "score" for 0/1 data and "permutation" otherwise.
    n_resamples, rng
        Resamples and seed for "permutation" (ignored otherwise).

    Returns
    -------
    NonInferiorityResult
        ``noninferior`` is True when the data show the drop is below ``margin``.
        For continuous scores ``b``/``c`` count the pairs where the reference /
        the candidate scored higher.

    Examples
    --------
    >>> import numpy as np
    >>> import fastmcnemar as fm
    >>> reference = np.array([1] * 900 + [0] * 100)
    >>> candidate = reference.copy()
    >>> candidate[:5] = 0          # 5 samples only the reference got right
    >>> candidate[-3:] = 1         # 3 samples only the candidate got right
    >>> res = fm.noninferiority(reference, candidate, margin=0.02)
    >>> res.noninferior, round(res.confidence_interval.high, 4)
    (True, 0.0076)
    """
    ref = _as_scores(reference, "reference")
    cand = _as_scores(candidate, "candidate")
    method = _args.choice("method", method, ("auto", "score", "exact", "permutation"))
    margin = _args.margin(margin)
    alpha = _args.level("alpha", alpha)
    seed = _args.seed(rng)
    if method == "permutation" or (method == "auto" and not (_is_binary(ref) and _is_binary(cand))):
        return _permutation_noninferiority(ref, cand, margin, alpha, n_resamples, seed)
    table = _core.mcnemar_paired_counts(ref, cand)
    return noninferiority_counts(
        table.b,
        table.c,
        int(ref.size),
        margin=margin,
        alpha=alpha,
        method="exact" if method == "exact" else "score",
    )


__all__ = ["NonInferiorityResult", "noninferiority", "noninferiority_counts"]
