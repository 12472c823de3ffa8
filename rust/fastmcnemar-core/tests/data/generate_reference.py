"""Generate the mpmath reference vectors used by the Rust numerics tests.

Run from anywhere (takes a few minutes on one core):

    python rust/fastmcnemar-core/tests/data/generate_reference.py

Writes, next to this script:

- ``binom_general_reference.csv``: n,k,p,tail,value for X ~ Bin(n, p),
  tail = ``upper`` (P(X >= k)) or ``lower`` (P(X <= k)); p in
  {1e-6, 0.01, 0.3, 0.5, 0.77, 0.999} over n up to 1e12, plus n = 2^40 and
  2^40 + 1 at p = 1/2 (centre and both deep tails).
- ``normal_reference.csv``: kind,x,value with kind in cdf / sf / ln_sf / ppf,
  plus ln_gamma (the same file, to keep the special-function vectors together).

Values are printed with 25 significant digits as ``mantissa e exponent`` (so
tails far below the double range keep their exponent).

Two independent methods compute the binomial tails, both at 50 digits:

1. summation of the smaller tail from k outward, starting from an exact
   log-gamma pmf and stopping with a strict geometric bound (used when it
   needs at most 200,000 terms);
2. otherwise, tanh-sinh quadrature of the incomplete-beta integral
   I_x(a, b) = int_0^x t^(a-1) (1-t)^(b-1) dt / B(a, b), split into
   subintervals that shrink geometrically towards the integrand's maximum.

``--check`` compares both methods where both are affordable;
``--normal-only`` rewrites just the normal vectors.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import mpmath as mp

mp.mp.dps = 50
HERE = Path(__file__).resolve().parent
SUM_LIMIT = 200_000
DIGITS = 25


def fmt(x: mp.mpf) -> str:
    """25 significant digits, always as mantissa e exponent."""
    if x == 0:
        return "0"
    s = mp.nstr(x, DIGITS, min_fixed=1, max_fixed=0)
    if "e" not in s:
        s += "e+0"
    return s


def ln_pmf(n: mp.mpf, k: mp.mpf, p: mp.mpf) -> mp.mpf:
    q = 1 - p
    out = mp.loggamma(n + 1) - mp.loggamma(k + 1) - mp.loggamma(n - k + 1)
    if k > 0:
        out += k * mp.log(p)
    if n - k > 0:
        out += (n - k) * mp.log(q)
    return out


def sum_upper(n: int, k: int, p: mp.mpf) -> mp.mpf:
    """P(X >= k) by summing up from k (k >= n p, so the terms fall)."""
    q = 1 - p
    odds = p / q
    term = mp.exp(ln_pmf(mp.mpf(n), mp.mpf(k), p))
    total = mp.mpf(0)
    j = k
    while True:
        total += term
        if j >= n:
            return total
        r = mp.mpf(n - j) / (j + 1) * odds
        term *= r
        j += 1
        if r < 1 and term / (1 - r) < total * mp.mpf(10) ** -40:
            return total + term


def est_terms(n: int, k: int, p: float) -> float:
    """Rough count of terms the outward sum from k needs."""
    sd = (n * p * (1 - p)) ** 0.5
    z = abs(k - n * p) / max(sd, 1e-300)
    return sd * ((z * z + 200) ** 0.5 - z) + 10


def beta_integral(a: mp.mpf, b: mp.mpf, x: mp.mpf) -> mp.mpf:
    """I_x(a, b) by quadrature; meant for x at or below the mode of t^(a-1)(1-t)^(b-1)."""

    def lnf(t: mp.mpf) -> mp.mpf:
        return (a - 1) * mp.log(t) + (b - 1) * mp.log(1 - t)

    slope = (a - 1) / x - (b - 1) / (1 - x)
    curv = (a - 1) / x**2 + (b - 1) / (1 - x) ** 2
    w = 1 / mp.sqrt(curv)
    if slope > 0:
        w = min(w, 1 / slope)
    pts = [x]
    step = w / 4
    while x - step > 0 and step < x:
        pts.append(x - step)
        if step > 400 * w and mp.exp(lnf(x - step) - lnf(x)) < mp.mpf(10) ** -60:
            break
        step *= 2
    else:
        pts.append(mp.mpf(0))
    pts.reverse()
    lx = lnf(x)
    integral = mp.quad(lambda t: mp.exp(lnf(t) - lx), pts)
    ln_beta = mp.loggamma(a) + mp.loggamma(b) - mp.loggamma(a + b)
    return integral * mp.exp(lx - ln_beta)


def quad_upper(n: int, k: int, p: mp.mpf) -> mp.mpf:
    """P(X >= k) = I_p(k, n - k + 1), for k >= n p (p below the mode)."""
    return beta_integral(mp.mpf(k), mp.mpf(n - k + 1), p)


def small_upper(n: int, k: int, p: mp.mpf, method: str) -> mp.mpf:
    if method == "sum":
        return sum_upper(n, k, p)
    return quad_upper(n, k, p)


def pick(n: int, k: int, p: float) -> str:
    return "sum" if est_terms(n, k, p) <= SUM_LIMIT else "quad"


def upper(n: int, k: int, p: mp.mpf, method: str | None = None) -> mp.mpf:
    """P(X >= k), X ~ Bin(n, p), exact p (an mpf holding the double)."""
    if k <= 0:
        return mp.mpf(1)
    if k > n:
        return mp.mpf(0)
    if k >= n * p:
        return small_upper(n, k, p, method or pick(n, k, float(p)))
    return 1 - lower(n, k - 1, p, method)


def lower(n: int, k: int, p: mp.mpf, method: str | None = None) -> mp.mpf:
    """P(X <= k) = P(Y >= n - k), Y = n - X ~ Bin(n, 1 - p)."""
    if k >= n:
        return mp.mpf(1)
    if k < 0:
        return mp.mpf(0)
    q = 1 - p
    if k <= n * p:
        return small_upper(n, n - k, q, method or pick(n, n - k, float(q)))
    return 1 - upper(n, k + 1, p, method)


def k_grid(n: int, p: float) -> list[int]:
    m = n * p
    sd = (n * p * (1 - p)) ** 0.5
    ks = {0, 1, 2, 3, n - 2, n - 1, n}
    for c in (-60, -20, -8, -3, -1, -0.5, 0, 0.5, 1, 3, 8, 20, 60):
        ks.add(round(m + c * sd))
    for f in (0.1, 0.5, 2, 10):
        ks.add(round(m * f))
    return sorted(k for k in ks if 0 <= k <= n)


def binom_rows() -> list[tuple[int, int, float, str, str]]:
    rows = []
    ns = [0, 1, 2, 7, 30, 100, 1000, 10_003, 100_000, 1_000_000, 10**8, 10**10, 10**12]
    for p in (1e-6, 0.01, 0.3, 0.5, 0.77, 0.999):
        pm = mp.mpf(p)
        for n in ns:
            for k in k_grid(n, p):
                rows.append((n, k, p, "upper", fmt(upper(n, k, pm))))
                rows.append((n, k, p, "lower", fmt(lower(n, k, pm))))
            print(f"p={p} n={n} done", file=sys.stderr)
    half = mp.mpf(0.5)
    for n in (2**40, 2**40 + 1):
        sd = n**0.5 / 2
        ks = {0, 1, 10, n // 2, n // 2 + 1, n - 10, n - 1, n}
        for c in (0.5, 1, 3, 8, 40, 300, 10_000, 300_000):
            ks.add(n // 2 + round(c * sd))
            ks.add(n // 2 - round(c * sd))
        for k in sorted(ks):
            rows.append((n, k, 0.5, "upper", fmt(upper(n, k, half))))
            rows.append((n, k, 0.5, "lower", fmt(lower(n, k, half))))
        print(f"n={n} done", file=sys.stderr)
    return rows


def normal_rows() -> list[tuple[str, str, str]]:
    rows = []
    xs = [0.0, 1e-300, 1e-20, 1e-8, 0.1, 0.5, 0.7, 0.70710678, 0.75, 1.0, 1.5, 2.0]
    xs += [2.8, 2.9, 3.0, 4.0, 5.0, 5.6568, 5.66, 6.0, 8.0, 10.0, 12.5, 20.0, 26.0]
    xs += [30.0, 35.0, 37.0, 37.5, 38.0, 38.4]
    for x in sorted(set(xs + [-x for x in xs])):
        xm = mp.mpf(x)
        rows.append(("cdf", repr(x), fmt(mp.ncdf(xm))))
        rows.append(("sf", repr(x), fmt(mp.ncdf(-xm))))
        # log1p keeps ln sf ~ -Phi(x) exact where sf is within 1e-50 of 1.
        ln_sf = mp.log(mp.ncdf(-xm)) if x > 0 else mp.log1p(-mp.ncdf(xm))
        rows.append(("ln_sf", repr(x), fmt(ln_sf)))
    for x in (40.0, 100.0, 1e3, 1e5, 1e10, 1e50, 1e100, 1e150):
        xm = mp.mpf(x)
        rows.append(("ln_sf", repr(x), fmt(mp.log(mp.erfc(xm / mp.sqrt(2)) / 2))))
    ps = [0.5, 0.5 + 2**-40, 0.5 - 1e-12, 0.4, 0.6, 0.3, 0.2, 0.1, 0.05, 0.025, 0.0242]
    ps += [0.975, 0.99, 0.999, 1 - 1e-10, 1 - 2**-52, 1e-300, 5e-324, 2.2e-308]
    ps += [10.0**-e for e in (2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 30, 50, 100, 200, 300)]
    for p in ps:
        pm = mp.mpf(p)
        guess = -mp.sqrt(2) * mp.erfinv(1 - 2 * pm) if 1e-15 < p < 1 - 1e-15 else None
        if guess is None:
            lo = pm if p < 0.5 else 1 - pm
            g = mp.sqrt(-2 * mp.log(lo))
            guess = -g if p < 0.5 else g
        if p < 0.5:
            x = mp.findroot(lambda t, pm=pm: mp.log(mp.ncdf(t)) - mp.log(pm), guess)
        else:
            x = mp.findroot(lambda t, pm=pm: mp.log(mp.ncdf(-t)) - mp.log(1 - pm), guess)
        rows.append(("ppf", repr(p), fmt(x)))
    for x in (1e-300, 1e-10, 0.1, 0.5, 0.9, 0.99, 1.0, 1.01, 1.5, 1.99, 2.0, 2.01, 2.5, 3.0):
        rows.append(("ln_gamma", repr(x), fmt(mp.loggamma(mp.mpf(x)))))
    for x in (4.5, 7.3, 9.99, 10.0, 10.01, 15.5, 100.0, 1e3, 1e5, 1e10, 1e15, 1e100, 1e300):
        rows.append(("ln_gamma", repr(x), fmt(mp.loggamma(mp.mpf(x)))))
    return rows


def check() -> None:
    """Summation and quadrature must agree where both are affordable."""
    worst = mp.mpf(0)
    for n, p in ((100_000, 0.5), (1_000_000, 0.3), (1_000_000, 0.01), (300_000, 0.999)):
        pm = mp.mpf(p)
        for k in k_grid(n, p):
            for f in (upper, lower):
                a, b = f(n, k, pm, "sum"), f(n, k, pm, "quad")
                if a != 0:
                    worst = max(worst, abs(a - b) / a)
    print("max relative difference sum vs quad:", mp.nstr(worst, 3))


def main() -> None:
    if "--check" in sys.argv:
        check()
        return
    with open(HERE / "normal_reference.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["kind", "x", "value"])
        w.writerows(normal_rows())
    if "--normal-only" in sys.argv:
        return
    with open(HERE / "binom_general_reference.csv", "w", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["n", "k", "p", "tail", "value"])
        for n, k, p, tail, v in binom_rows():
            w.writerow([n, k, repr(p), tail, v])


if __name__ == "__main__":
    main()
