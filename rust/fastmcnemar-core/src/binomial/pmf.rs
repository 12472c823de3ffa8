//! Binomial probability mass in log space, by Loader's saddle-point form
//! (C. Loader, "Fast and accurate computation of binomial probabilities", 2000):
//!
//! ln P(X = k) = stirlerr(n) - stirlerr(k) - stirlerr(n - k)
//!               - bd0(k, n p) - bd0(n - k, n q) - (1/2) ln(2 pi k (n - k) / n),
//!
//! where bd0(x, m) = x ln(x / m) + m - x is evaluated without cancellation.
//! n p and n q are carried as unevaluated double-double sums so that the
//! rounding of the product (relative 1e-16, but times |k - n p| in bd0) does
//! not cost digits at n = 1e12.

use crate::special::gamma::stirlerr;

/// ln(2 pi).
pub(super) const LN_2PI: f64 = 1.837_877_066_409_345_5;

/// A success probability with its complement and the mean pair n p, n q,
/// each as an unevaluated sum hi + lo.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Trials {
    /// The count n, exact.
    pub n_int: u64,
    /// n as f64 (exact up to 2^53).
    pub n: f64,
    pub p: f64,
    /// q = 1 - p rounded (used for odds ratios only).
    pub q: f64,
    pub np_hi: f64,
    pub np_lo: f64,
    pub nq_hi: f64,
    pub nq_lo: f64,
}

/// Error-free sum: a + b = s + e exactly.
pub(super) fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

impl Trials {
    /// For n trials with success probability p in (0, 1).
    pub fn new(n_int: u64, p: f64) -> Self {
        let n = n_int as f64;
        let np_hi = n * p;
        let np_lo = n.mul_add(p, -np_hi);
        // n q = n - n p, exactly up to the final rounding of the pair.
        let (s, e) = two_sum(n, -np_hi);
        let (nq_hi, nq_lo) = two_sum(s, e - np_lo);
        Trials {
            n_int,
            n,
            p,
            q: 1.0 - p,
            np_hi,
            np_lo,
            nq_hi,
            nq_lo,
        }
    }

    /// The mean n p.
    pub fn mean(&self) -> f64 {
        self.np_hi + self.np_lo
    }

    /// ln P(X = k) for 0 < k < n.
    pub fn ln_pmf_inner(&self, k: f64) -> f64 {
        self.ln_pmf_split(k, self.n - k)
    }

    /// ln P(X = k) for 0 < k < n, given k and n - k (from integer counts, so
    /// that both stay exact, or correctly rounded beyond 2^53).
    pub fn ln_pmf_split(&self, k: f64, nk: f64) -> f64 {
        let lc = stirlerr(self.n)
            - stirlerr(k)
            - stirlerr(nk)
            - bd0(k, self.np_hi, self.np_lo)
            - bd0(nk, self.nq_hi, self.nq_lo);
        // ln(2 pi k (n - k) / n): the product is exact or relatively rounded,
        // unlike 1 - k/n, which cancels for k near n.
        let lf = LN_2PI + (k * nk / self.n).ln();
        lc - 0.5 * lf
    }
}

/// 1 / (j (2j - 1)) for j = 2..=41: the series of E / (d^2 / 2r) - 1 in
/// t = (d / r)^2, where E = bd0(a, r/2) + bd0(b, r/2), r = a + b, d = a - b
/// (the p = 1/2 deviance in closed form; `temme_half` keeps 12 terms for
/// t <= 0.0576, `half_pmf` all 40 for t <= 0.36).
pub(super) const HALF_DEVIANCE_SERIES: [f64; 40] = {
    let mut c = [0.0; 40];
    let mut i = 0;
    while i < 40 {
        let j = (i + 2) as f64;
        c[i] = 1.0 / (j * (2.0 * j - 1.0));
        i += 1;
    }
    c
};

/// The leading term d^2 / 2r of that deviance as hi + lo, from `half_rho` =
/// 1 / 2r: d^2 carried with its rounding (FMA), then the exact remainder of
/// hi x 2r, so hi + lo is within about one rounding of the true quotient.
#[inline]
pub(super) fn half_deviance_leading(d: f64, r: f64, half_rho: f64) -> (f64, f64) {
    let d2 = d * d;
    let d2_lo = d.mul_add(d, -d2);
    let q = d2 * half_rho;
    let q_lo = ((-q).mul_add(2.0 * r, d2) + d2_lo) * half_rho;
    (q, q_lo)
}

/// Loader's deviance term bd0(x, m) = x ln(x / m) + m - x >= 0, with
/// m = m_hi + m_lo and x > 0.
pub(crate) fn bd0(x: f64, m_hi: f64, m_lo: f64) -> f64 {
    let m = m_hi + m_lo;
    // Exact when x and m_hi are within a factor 2 (Sterbenz), which holds
    // wherever the series branch is taken.
    let d = (x - m_hi) - m_lo;
    let total = x + m;
    if d.abs() < 0.3 * total {
        // x ln(x/m) = 2 x atanh(v), v = d / (x + m):
        // bd0 = d v + 2 x (v^3/3 + v^5/5 + ...).
        let v = d / total;
        let v2 = v * v;
        let mut ej = 2.0 * x * v;
        let mut s = d * v;
        let mut j = 3.0;
        loop {
            ej *= v2;
            let s1 = s + ej / j;
            if s1 == s {
                return s;
            }
            s = s1;
            j += 2.0;
        }
    }
    x * (x / m).ln() + m - x
}
