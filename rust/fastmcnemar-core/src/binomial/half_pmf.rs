//! Deep small tails of Bin(n, 1/2) in the value domain, not as exp(ln p).
//!
//! Why: a tail taken as exp(ln pmf(k) + ln S) inherits the rounding of its
//! log, whose terms (Loader's deviances, of the size of ln p) each round to
//! an ulp of hundreds: 2.1e-13 of the value against the 80-digit oracle at
//! n = 1000, k = 1; 1.2e-13 at n = 2000, k = 534 against exact fractions.
//!
//! Region and method:
//! - the half table's rows (n <= 1024, every k): pmf(k) = C(n, k) 2^-n is an
//!   integer times an exact power of two, so it is built as such: C(n, j),
//!   j = n - k, by the recurrence C(n, i) = C(n, i - 1) / i (n - i + 1) carried
//!   as an unevaluated sum hi + lo (each step's rounding found exactly by FMA:
//!   within ~1e-28 of exact after a thousand steps), with the binary exponent
//!   kept apart so nothing overflows, then scaled by 2^-n exactly;
//! - the direct sum beyond n = 1024 where ln p < -40 (`super::far_tail`), and
//!   [`super::pmf_half`] where ln P(X = k) < -40 (it anchors the bulk rows):
//!   for |n - 2k| <= 0.6 n, the deviance E = bd0(k, n/2) + bd0(n - k, n/2) by
//!   its closed series as hi + lo, so p = e^{-E_hi} e^{rest} with a rest of
//!   order 10 (O(1)); further out the recurrence, O(j) for j <= 0.2 n (a tail
//!   that far out is below 1e-300 once n > 3,600, where it is not needed).
//!
//! Result: within 3e-14 at every k (the test suite's
//! `test_mcnemar_exact_fractions.py` checks every count of 17 rows, n up to
//! 6,000, against exact fractions; worst 2.3e-14, where ln p is just above
//! -40 and the log route serves).

use super::pmf::{HALF_DEVIANCE_SERIES, LN_2PI, half_deviance_leading, two_sum};
use crate::special::gamma::stirlerr;

/// 2^e for -1022 <= e <= 1023, exactly.
fn pow2(e: i64) -> f64 {
    debug_assert!((-1022..=1023).contains(&e));
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// x 2^e, exact whenever the result is a normal double (the factors are
/// applied in steps that keep every intermediate normal when the result is).
/// Any finite x is below 2^1024, so e beyond +-2,200 only over- or
/// underflows: clamped there, the loops stay short at any n.
pub(crate) fn scale_by_pow2(mut x: f64, e: i64) -> f64 {
    let mut e = e.clamp(-2200, 2200);
    while e < -1000 {
        x *= pow2(-1000);
        e += 1000;
    }
    while e > 1000 {
        x *= pow2(1000);
        e -= 1000;
    }
    x * pow2(e)
}

/// -n as a binary exponent (any n beyond i64 only underflows, as i64::MIN does).
fn neg_exponent(n: u64) -> i64 {
    i64::try_from(n).map_or(i64::MIN, |n| -n)
}

/// 2^-n exactly (0 once it underflows): P(X = 0) = P(X = n).
pub(crate) fn half_pow(n: u64) -> f64 {
    scale_by_pow2(1.0, neg_exponent(n))
}

/// C(n, j) for j = 0, 1, ... as (hi + lo) 2^exponent, |lo| <= ulp(hi) / 2.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Choose {
    hi: f64,
    lo: f64,
    exponent: i64,
}

impl Choose {
    /// C(n, 0) = 1.
    pub(crate) fn new() -> Self {
        Self {
            hi: 1.0,
            lo: 0.0,
            exponent: 0,
        }
    }

    /// From C(n, i - 1) to C(n, i): divided by i, then times n - i + 1 (in
    /// that order, so the pair never exceeds the larger of the two binomials).
    pub(crate) fn step(&mut self, n: u64, i: u64) {
        let (d, m) = (i as f64, (n - i + 1) as f64);
        let quotient = self.hi / d;
        // hi - quotient d exactly, then what the quotient misses of hi + lo.
        let rest = (-quotient).mul_add(d, self.hi);
        let (q_hi, q_lo) = two_sum(quotient, (rest + self.lo) / d);
        let product = q_hi * m;
        let product_err = q_hi.mul_add(m, -product);
        (self.hi, self.lo) = two_sum(product, q_lo.mul_add(m, product_err));
        // Keep the pair near 1 (the exponent of a power of two is exact).
        if self.hi > 1e150 {
            self.hi *= pow2(-500);
            self.lo *= pow2(-500);
            self.exponent += 500;
        }
    }

    /// C(n, i) s 2^-n, rounded once more than the factors.
    pub(crate) fn times_half_pow(&self, s: f64, n: u64) -> f64 {
        scale_by_pow2(
            self.hi.mul_add(s, self.lo * s),
            self.exponent.saturating_add(neg_exponent(n)),
        )
    }
}

/// Largest n served (counts are exact doubles up to 2^53).
const MAX_N: u64 = 1 << 53;
/// Below this log a tail or pmf is built here: above it, e^ln keeps ~2e-14
/// (the log's error is a few ulps of |ln p|).
const DEEP_LN: f64 = -40.0;
/// Most recurrence steps spent (only |n - 2k| > 0.6 n takes the recurrence,
/// and there the tail is below 1e-300 once n > 3,600).
const MAX_J: u64 = 1024;
/// Largest v^2 = ((n - 2k) / n)^2 served by the deviance series ([`deviance`]);
/// its 40 terms leave t^40 / (2 41^2) < 2e-21 there.
const SERIES_T_MAX: f64 = 0.36;

/// Loader's bd0(k, n/2) + bd0(n - k, n/2), the part of -ln P(X = k) that
/// grows with the distance from the mean, by its closed series
/// (d^2 / 2n) (1 + sum_{j>=2} t^{j-1} / (j (2j - 1))), d = n - 2k, t = (d/n)^2,
/// as hi + lo: d^2 / 2n carried with its rounding (FMA), the series (at most
/// 8% of the whole for t <= 0.36) in plain doubles. Within ~0.2 ulp of the
/// exact value; None beyond [`SERIES_T_MAX`].
fn deviance(n: f64, k: f64) -> Option<(f64, f64)> {
    let d = n - 2.0 * k;
    let rho = 1.0 / n;
    let v = d * rho;
    let t = v * v;
    if t > SERIES_T_MAX {
        return None;
    }
    let (q, q_lo) = half_deviance_leading(d, n, 0.5 * rho);
    let series = HALF_DEVIANCE_SERIES
        .iter()
        .rev()
        .fold(0.0, |acc, &c| acc * t + c);
    Some((q, q_lo + q * (t * series)))
}

/// P(X = k) s for X ~ Bin(n, 1/2), 0 < k < n, in the value domain (with `s`
/// the ratio sum of the direct method, the tail relative to its first term,
/// this is P(X >= k); with s = 1 the pmf).
///
/// Where the deviance series reaches (|n - 2k| <= 0.6 n): e^{-E_hi} times
/// e^{rest + ln s}, the rest of ln P(X = k) (Stirling errors,
/// -1/2 ln(2 pi k (n - k) / n) and E's low part) being of order 10, so it
/// rounds to ~1e-15. Further out: C(n, j) 2^-n s by the recurrence, for j up
/// to `max_j`. None beyond both, and for n > 2^53.
fn pmf_times(n: u64, k: u64, s: f64, max_j: u64) -> Option<f64> {
    if n > MAX_N {
        // Counts beyond 2^53 are rounded to doubles: no exact integers to build on.
        return None;
    }
    let (nf, kf, rest) = (n as f64, k as f64, (n - k) as f64);
    if let Some((e_hi, e_lo)) = deviance(nf, kf) {
        let small = stirlerr(nf)
            - stirlerr(kf)
            - stirlerr(rest)
            - 0.5 * (LN_2PI + (kf * rest / nf).ln())
            - e_lo
            + s.ln();
        return Some((-e_hi).exp() * small.exp());
    }
    let j = k.min(n - k);
    if j > max_j {
        return None;
    }
    let mut choose = Choose::new();
    for i in 1..=j {
        choose.step(n, i);
    }
    Some(choose.times_half_pow(s, n))
}

/// P(X = k) s (see [`pmf_times`]) where the log `ln` of it is below
/// [`DEEP_LN`], for 0 < k < n; None elsewhere (the caller keeps e^ln).
pub(crate) fn deep_value(n: u64, k: u64, s: f64, ln: f64) -> Option<f64> {
    if ln < DEEP_LN && 0 < k && k < n {
        pmf_times(n, k, s, MAX_J)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// C(n, j) against exact integers (u128 holds C(120, j) for every j).
    #[test]
    fn choose_follows_exact_binomials() {
        for n in [1u64, 2, 37, 120] {
            let mut choose = Choose::new();
            let mut exact: u128 = 1;
            for j in 1..=n {
                choose.step(n, j);
                exact = exact * u128::from(n - j + 1) / u128::from(j);
                let want = exact as f64;
                assert_eq!(choose.exponent, 0, "C({n}, {j}) stays unscaled");
                assert_eq!(choose.hi + choose.lo, want, "C({n}, {j})");
                // The lower part holds what the rounded value misses (to ~2^-100).
                let missed = (exact as i128 - choose.hi as u128 as i128) as f64;
                assert!(
                    (missed - choose.lo).abs() <= 2f64.powi(-100) * want,
                    "C({n}, {j}) lo"
                );
            }
        }
    }

    /// Past 1e150 the exponent moves out of the pair; C(2000, 1000) ~ 2^1996.
    #[test]
    fn large_binomials_keep_their_exponent_apart() {
        let n = 2000;
        let mut choose = Choose::new();
        for i in 1..=1000 {
            choose.step(n, i);
        }
        assert!(choose.exponent >= 1000);
        // At the centre Loader's form has no deviance: C(2000, 1000) 2^-2000 =
        // exp(stirlerr(2000) - 2 stirlerr(1000)) / sqrt(2 pi 500), to ~1e-15.
        let ln_want = stirlerr(2000.0) - 2.0 * stirlerr(1000.0) - 0.5 * (LN_2PI + 500f64.ln());
        let got = choose.times_half_pow(1.0, n);
        assert!(
            (got / ln_want.exp() - 1.0).abs() < 3e-15,
            "{got:e} vs {:e}",
            ln_want.exp()
        );
    }

    #[test]
    fn powers_of_two_scale_exactly() {
        assert_eq!(scale_by_pow2(1.0, 0), 1.0);
        assert_eq!(scale_by_pow2(3.0, -1), 1.5);
        assert_eq!(scale_by_pow2(1.0, -1000), 2f64.powi(-1000));
        // (2f64.powi(-1024) may be 1 / 2^1024 = 0 unoptimised: two halves instead.)
        let half = 2f64.powi(-512);
        assert_eq!(scale_by_pow2(1025.0, -1024), 1025.0 * half * half);
        assert_eq!(scale_by_pow2(2f64.powi(900), -1800), 2f64.powi(-900));
        assert_eq!(scale_by_pow2(2f64.powi(-900), 1800), 2f64.powi(900));
        // n near 2^53 or 2^64: no loop over the exponent, only an underflow.
        assert_eq!(scale_by_pow2(f64::MAX, -(1i64 << 53)), 0.0);
        assert_eq!(scale_by_pow2(f64::MIN_POSITIVE, i64::MAX), f64::INFINITY);
    }

    /// The far tails are short sums of integers over 2^n: within two ulps
    /// (the ratio sum's own roundings) of the exact fraction, however deep.
    #[test]
    fn far_tails_are_the_exact_fractions() {
        for n in [60u64, 1000, 1001, 1022, 1025, 1800] {
            let nf = n as f64;
            // k = n, n - 1, n - 2: sums 1, 1 + n, 1 + n + n (n - 1) / 2.
            let sums = [1.0, 1.0 + nf, 1.0 + nf + nf * (nf - 1.0) / 2.0];
            let pmfs = [1.0, nf, nf * (nf - 1.0) / 2.0];
            for j in 0..3 {
                let want = scale_by_pow2(sums[j], -(n as i64));
                let got = pmf_times(n, n - j as u64, sums[j] / pmfs[j], 64).unwrap();
                assert!(
                    (got - want).abs() <= 4.5e-16 * want,
                    "n={n} j={j}: {got:e} vs {want:e}"
                );
            }
        }
    }
}
