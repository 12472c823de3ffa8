"""High-precision oracle for X ~ Binomial(n, 1/2) tails, independent of the Rust code.

Tails are summed in mpmath (45 digits) from the small side:
- direct summation of the pmf with a strict geometric bound on the rest when
  the terms decay fast enough (always for n <= 10^6, and in the far tails);
- near the centre of huge n (terms decay too slowly to sum one by one), the
  Euler-Maclaurin formula: the integral of the pmf's smooth extension
  (Gauss-Legendre on pieces short against the spread and the decay length) plus
  f(k)/2 and Bernoulli-number corrections with derivatives taken by mpmath.
The larger tail is 1 minus the smaller one, computed at the same precision.
"""

from __future__ import annotations

from functools import cache

import mpmath as mp

DPS = 45
_DIRECT_MAX_TERMS = 5_000


def _ln_pmf(n: int, x: mp.mpf) -> mp.mpf:
    """ln P(X = x) extended to real x via the gamma function."""
    return mp.loggamma(n + 1) - mp.loggamma(x + 1) - mp.loggamma(n - x + 1) - n * mp.log(2)


def _upper_small(n: int, k: int) -> mp.mpf:
    """P(X >= k) for k > n/2 (the smaller tail)."""
    with mp.workdps(DPS):
        if k > n:
            return mp.mpf(0)
        first_ratio = mp.mpf(n - k) / (k + 1)
        terms_needed = (DPS * 2.31 + 10) / max(-mp.log(first_ratio), mp.mpf(1e-300))
        if n <= 10**6 or terms_needed < _DIRECT_MAX_TERMS:
            return _direct(n, k)
        return _euler_maclaurin(n, k)


def _direct(n: int, k: int) -> mp.mpf:
    term = mp.exp(_ln_pmf(n, mp.mpf(k)))
    total = mp.mpf(0)
    j = k
    while True:
        total += term
        if j >= n:
            return total
        ratio = mp.mpf(n - j) / (j + 1)
        term *= ratio
        j += 1
        # Ratios only fall from here on, so the rest is below term / (1 - ratio).
        if ratio < 1 and term / (1 - ratio) < total * mp.mpf(10) ** (-DPS + 5):
            return total + term  # the bound is far below the precision kept


def _euler_maclaurin(n: int, k: int) -> mp.mpf:
    def f(x: mp.mpf) -> mp.mpf:
        return mp.exp(_ln_pmf(n, x))

    sd = mp.sqrt(n) / 2
    ln_f0 = _ln_pmf(n, mp.mpf(k))
    # Integrate until f has fallen by e^-(DPS*2.31+30) relative to f(k).
    span = sd
    while k + span < n and _ln_pmf(n, k + span) - ln_f0 > -(DPS * 2.31 + 30):
        span *= 2
    span = min(span, mp.mpf(n - k))
    # Pieces short against both the spread and the local decay length.
    rate = mp.log(mp.mpf(k + 1) / (n - k))
    step = min(sd / 2, 1 / rate)
    pieces = [mp.mpf(k) + i * step for i in range(int(span / step) + 1)]
    if pieces[-1] < k + span:
        pieces.append(k + span)
    integral = mp.quad(f, pieces, method="gauss-legendre")
    correction = f(mp.mpf(k)) / 2
    for m in range(1, 5):
        deriv = mp.diff(f, mp.mpf(k), 2 * m - 1)
        correction -= mp.bernoulli(2 * m) / mp.factorial(2 * m) * deriv
    return integral + correction


@cache
def sf(n: int, k: int) -> mp.mpf:
    """P(X >= k), X ~ Bin(n, 1/2), to about 60 significant digits."""
    with mp.workdps(DPS):
        if k <= 0:
            return mp.mpf(1)
        if k > n:
            return mp.mpf(0)
        if 2 * k > n:
            return _upper_small(n, k)
        # P(X >= k) = 1 - P(X <= k - 1) = 1 - P(X >= n - k + 1) by symmetry.
        return 1 - _upper_small(n, n - k + 1)


def cdf(n: int, k: int) -> mp.mpf:
    """P(X <= k)."""
    return sf(n, n - k)


def pmf(n: int, k: int) -> mp.mpf:
    """P(X = k)."""
    with mp.workdps(DPS):
        if k < 0 or k > n:
            return mp.mpf(0)
        return mp.exp(_ln_pmf(n, mp.mpf(k)))


def pvalue(b: int, c: int, alternative: str, method: str = "exact") -> mp.mpf:
    """The McNemar p-value from the oracle tails (exact or mid-p)."""
    n = b + c
    with mp.workdps(DPS):
        if n == 0:
            return mp.mpf(1)
        if method == "exact":
            greater, less = sf(n, b), cdf(n, b)
        else:
            half = pmf(n, b) / 2
            greater, less = sf(n, b + 1) + half, cdf(n, b - 1) + half
        if alternative == "greater":
            return greater
        if alternative == "less":
            return less
        return min(mp.mpf(1), 2 * min(greater, less))
