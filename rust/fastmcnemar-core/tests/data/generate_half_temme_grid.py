"""Generate ``binom_half_temme_reference.csv``: P(X >= k), X ~ Bin(n, 1/2), at 50 digits.

Run from anywhere (a few minutes on one core):

    python rust/fastmcnemar-core/tests/data/generate_half_temme_grid.py

The grid covers the region of the tabulated x = 1/2 Temme expansion
(``src/binomial/temme_half.rs``: both incomplete-beta parameters a = k and
b = n - k + 1 at least 400, |u| = |a - b| / (2 (a + b)) <= 0.12) and its
borders with the other methods: the per-n tables (n <= 1024 / 1025), the
parameter floor (b = 399 / 400), the edge |u| = 0.12 (one step either side),
the switch from the direct sum (about 60 summation terms) and the centre;
plus seeded uniform k over |u| <= 0.13 on both sides of n/2. Values come
from ``generate_reference.upper`` (summation, or quadrature where the sum
would be too long), written as ``mantissa e exponent`` with 25 digits.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

import mpmath as mp

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from generate_reference import fmt, upper  # noqa: E402

NS = [
    801, 1000, 1023, 1024, 1025, 1031, 1200, 1500, 2047, 3001, 5000, 10_003,
    33_333, 100_000, 314_159, 1_000_001, 10_000_019,
]  # fmt: skip
RANDOM_PER_N = 40


def ks_for(n: int, rng: random.Random) -> list[int]:
    ks: set[int] = set()
    half = n // 2
    r = n + 1
    for off in (-1, 0, 1, 2, 3, 10):
        ks.add(half + off)
    # The parameter floor b = n - k + 1 = 400 (and its mirror a = 400).
    for b in (398, 399, 400, 401):
        ks.add(n + 1 - b)
        ks.add(b)
    # The edge |u| = 0.12: a - b = 0.24 r, i.e. k = (1.24 r + 1) / 2.
    edge = int((1.24 * r + 1) / 2)
    for off in range(-2, 3):
        ks.add(edge + off)
        ks.add(n - edge - off + 1)
    # About 60 and 150 summation terms from k: sd (sqrt(z^2 + 78) - z) = T.
    sd = n**0.5 / 2
    for terms in (40.0, 60.0, 150.0):
        z = (78 * sd * sd - terms * terms) / (2 * terms * sd)
        if z > 0:
            for sign in (1, -1):
                ks.add(round(n / 2 + sign * z * sd))
    for _ in range(RANDOM_PER_N):
        ks.add(round(n / 2 + rng.uniform(-0.26, 0.26) * r / 2))
    return sorted(k for k in ks if 1 <= k <= n)


def main() -> None:
    rng = random.Random(20260611)
    half = mp.mpf(0.5)
    out = HERE / "binom_half_temme_reference.csv"
    with out.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["n", "k", "upper"])
        for n in NS:
            for k in ks_for(n, rng):
                w.writerow([n, k, fmt(upper(n, k, half))])
            f.flush()
            print(f"n={n} done", file=sys.stderr)


if __name__ == "__main__":
    mp.mp.dps = 50
    main()
