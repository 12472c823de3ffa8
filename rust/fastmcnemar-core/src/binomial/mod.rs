//! Binomial tails: the heart of the exact McNemar test.
//!
//! The `*_half` functions are for X ~ Binomial(n, 1/2), the null of the
//! McNemar test; the general ones take any success probability `p` (needed
//! for power). Every tail comes in a plain and a natural-log form: the plain
//! one is accurate to a relative 1e-12 wherever it is >= 1e-300, the log one
//! stays finite and accurate (relative 1e-10) far below the double range.
//! Counts are `u64`; they are exact as `f64` up to 2^53, far beyond 2^40.
//!
//! Methods, by region (see the submodules for details):
//! - pmf: Loader's saddle-point form in log space ([`pmf`]).
//! - the tail on the far side of the mean from k (the smaller one): the pmf
//!   at k times a monotone sum of term ratios (`tail_sum`);
//! - the tail containing the mean: 1 minus the smaller, complementary tail.
//! - both incomplete-beta parameters >= 1,000 and k near the mean, where
//!   the sum would need more than 150 (up to O(sqrt n)) terms: Temme's
//!   uniform asymptotic expansion of I_x(a, b) (`temme`); for p = 1/2 from
//!   a, b >= 400, |a - b| <= 0.24 (a + b) and more than 60 terms, with its
//!   coefficient functions taken from piecewise polynomial tables built once
//!   and the log carried as hi + lo (`temme_half`).
//! - p = 1/2 and n <= 1024: a lazily built per-n table of whole rows, made by
//!   the same direct method (`half_table`).
//! - p = 1/2 deep in the tail (the table's values; the direct sum and the
//!   pmf where ln p < -40): the value is built from exact integers over 2^n
//!   or a deviance carried as hi + lo, not as e^(ln p) (`half_pmf`).
//!
//! So every call costs O(1) in n (a few hundred operations at most).
//! Beyond 2^53 counts are rounded to doubles: results stay finite, in [0, 1].
//!
//! An argument `p` outside [0, 1] (or NaN) gives NaN.

mod half_pmf;
mod half_table;
mod pmf;
mod tail_sum;
mod temme;
mod temme_half;

use pmf::Trials;
use tail_sum::{Direction, ratio_sum};

/// A tail probability in both forms.
#[derive(Clone, Copy, Debug)]
struct Tail {
    value: f64,
    ln: f64,
}

impl Tail {
    const ONE: Tail = Tail {
        value: 1.0,
        ln: 0.0,
    };
    const ZERO: Tail = Tail {
        value: 0.0,
        ln: f64::NEG_INFINITY,
    };
    const NAN: Tail = Tail {
        value: f64::NAN,
        ln: f64::NAN,
    };

    fn from_ln(ln: f64) -> Tail {
        Tail {
            value: ln.exp(),
            ln,
        }
    }

    /// From ln = hi + lo with |lo| <= ulp(hi): the value keeps the digits
    /// of lo that rounding hi + lo would lose (about |ln| / 2 ulps deep in
    /// the tail).
    fn from_ln_parts(hi: f64, lo: f64) -> Tail {
        let value = hi.exp();
        Tail {
            value: value + value * lo,
            ln: hi + lo,
        }
    }

    /// 1 - self, keeping the log accurate when self is tiny.
    fn complement(self) -> Tail {
        Tail {
            value: 1.0 - self.value,
            ln: (-self.value).ln_1p(),
        }
    }
}

fn valid_p(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

/// ln P(X = k) for X ~ Bin(n, p), p in [0, 1].
fn ln_pmf_any(n: u64, k: u64, p: f64) -> f64 {
    if !valid_p(p) {
        return f64::NAN;
    }
    if k > n {
        return f64::NEG_INFINITY;
    }
    if p == 0.0 {
        return if k == 0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if p == 1.0 {
        return if k == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if k == 0 {
        return n as f64 * (-p).ln_1p();
    }
    if k == n {
        return n as f64 * p.ln();
    }
    Trials::new(n, p).ln_pmf_split(k as f64, (n - k) as f64)
}

/// P(X >= k) and P(X <= k) share this: the tail from k away from the mean.
/// `upper` selects P(X >= k) (else P(X <= k)). Requires 0 < p < 1, 0 < k < n.
fn far_tail(t: &Trials, k: u64, dir: Direction) -> Tail {
    let ln_pk = t.ln_pmf_split(k as f64, (t.n_int - k) as f64);
    let s = ratio_sum(t, k, ln_pk, dir);
    let ln = ln_pk + s.ln();
    // The McNemar null deep in the tail: not through the rounded log.
    let deep = if t.p == 0.5 {
        half_pmf::deep_value(t.n_int, k, s, ln)
    } else {
        None
    };
    match deep {
        Some(value) => Tail { value, ln },
        None => Tail::from_ln(ln),
    }
}

/// Smallest n for which Temme's expansion may replace the summation.
const TEMME_MIN_N: u64 = 800;
/// Temme is used only where the direct sum would need more terms than this.
const TEMME_MIN_TERMS: f64 = 150.0;
/// The same for the tabulated p = 1/2 path, which costs ~60 summation terms.
const TEMME_HALF_MIN_TERMS: f64 = 60.0;

/// [`temme_split`] for p = 1/2 by the tabulated expansion, for
/// `TEMME_MIN_N` <= n and 1 <= k <= n; None outside its region.
fn temme_half_split(n: u64, k: u64) -> Option<(Tail, bool)> {
    let a = k as f64;
    let b = (n - k + 1) as f64;
    // With sd^2 = n/4, sum_terms >= T <=> |a - n/2| <= (19.5 n - T^2) / 2T
    // (see temme_split).
    let nf = n as f64;
    let t = TEMME_HALF_MIN_TERMS;
    if (a - 0.5 * nf).abs() > (19.5 * nf - t * t) / (2.0 * t) {
        return None;
    }
    let (hi, lo, upper) = if a >= b {
        let (hi, lo) = temme_half::ln_ibeta_half_small_side(a, b)?;
        (hi, lo, true)
    } else {
        let (hi, lo) = temme_half::ln_ibeta_half_small_side(b, a)?;
        (hi, lo, false)
    };
    Some((Tail::from_ln_parts(hi, lo), upper))
}

/// The smaller of P(X >= k) and P(X <= k - 1) by Temme's expansion, as
/// (that tail, whether it is the upper one), for 1 <= k <= n; None outside
/// the expansion's region. Uses P(X >= k) = I_p(k, n - k + 1).
fn temme_split(n: u64, k: u64, p: f64) -> Option<(Tail, bool)> {
    if n < TEMME_MIN_N || k == 0 || k > n {
        return None;
    }
    if p == 0.5 {
        if let Some(fast) = temme_half_split(n, k) {
            return Some(fast);
        }
    }
    let a = k as f64;
    let b = (n - k + 1) as f64;
    // Terms the direct sum would need from z standard deviations out:
    // sd (sqrt(z^2 + 78) - z), sd = sqrt(n p q), z = |a - n p| / sd.
    let sd = (n as f64 * p * (1.0 - p)).sqrt();
    let z = (a - n as f64 * p).abs() / sd;
    let sum_terms = sd * ((z * z + 78.0).sqrt() - z);
    if sum_terms < TEMME_MIN_TERMS {
        return None;
    }
    // (n + 1) p and (n + 1) q, i.e. x r and (1 - x) r with r = a + b.
    let t = Trials::new(n.saturating_add(1), p);
    let xr = (t.np_hi, t.np_lo);
    let yr = (t.nq_hi, t.nq_lo);
    if (xr.0 - a) + xr.1 <= 0.0 {
        temme::ln_ibeta_small_side(a, b, xr, yr).map(|ln| (Tail::from_ln(ln), true))
    } else {
        // I_p(a, b) = 1 - I_q(b, a): the small side is P(X <= k - 1).
        temme::ln_ibeta_small_side(b, a, yr, xr).map(|ln| (Tail::from_ln(ln), false))
    }
}

/// P(X >= k), X ~ Bin(n, p), both forms.
fn upper_tail(n: u64, k: u64, p: f64) -> Tail {
    if !valid_p(p) {
        return Tail::NAN;
    }
    if k == 0 {
        return Tail::ONE;
    }
    if k > n {
        return Tail::ZERO;
    }
    if p == 0.0 {
        return Tail::ZERO;
    }
    if p == 1.0 {
        return Tail::ONE;
    }
    if k == n {
        return Tail::from_ln(n as f64 * p.ln());
    }
    if let Some((small, small_is_upper)) = temme_split(n, k, p) {
        return if small_is_upper {
            small
        } else {
            small.complement()
        };
    }
    let t = Trials::new(n, p);
    if k as f64 >= t.mean() {
        far_tail(&t, k, Direction::Up)
    } else {
        lower_tail_inner(&t, k - 1).complement()
    }
}

/// P(X <= k) for 0 <= k < n, 0 < p < 1.
fn lower_tail_inner(t: &Trials, k: u64) -> Tail {
    if k == 0 {
        return Tail::from_ln(t.n * (-t.p).ln_1p());
    }
    if k as f64 <= t.mean() {
        far_tail(t, k, Direction::Down)
    } else {
        let n = t.n_int;
        if k + 1 == n {
            return Tail::from_ln(t.n * t.p.ln()).complement();
        }
        far_tail(t, k + 1, Direction::Up).complement()
    }
}

/// P(X <= k), X ~ Bin(n, p), both forms.
fn lower_tail(n: u64, k: u64, p: f64) -> Tail {
    if !valid_p(p) {
        return Tail::NAN;
    }
    if k >= n {
        return Tail::ONE;
    }
    if p == 0.0 {
        return Tail::ONE;
    }
    if p == 1.0 {
        return Tail::ZERO;
    }
    // P(X <= k) = 1 - P(X >= k + 1).
    if let Some((small, small_is_upper)) = temme_split(n, k + 1, p) {
        return if small_is_upper {
            small.complement()
        } else {
            small
        };
    }
    lower_tail_inner(&Trials::new(n, p), k)
}

/// P(X = k), X ~ Bin(n, 1/2).
pub fn pmf_half(n: u64, k: u64) -> f64 {
    if k == 0 || k == n {
        // 2^-n, exactly (e^(-n ln 2) would carry n ulps of ln 2).
        return half_pmf::half_pow(n);
    }
    let ln = ln_pmf_any(n, k, 0.5);
    // Deep in the tail: not through the rounded log (see `half_pmf`).
    half_pmf::deep_value(n, k, 1.0, ln).unwrap_or_else(|| ln.exp())
}

/// ln P(X = k), X ~ Bin(n, 1/2); `-inf` when k > n.
pub fn ln_pmf_half(n: u64, k: u64) -> f64 {
    ln_pmf(n, k, 0.5)
}

/// P(X >= k), X ~ Bin(n, 1/2), both forms.
fn upper_tail_half(n: u64, k: u64) -> Tail {
    if k == 0 {
        Tail::ONE
    } else if k > n {
        Tail::ZERO
    } else if n <= half_table::TABLE_MAX_N {
        half_table::upper(n, k)
    } else if let Some((small, small_is_upper)) = temme_half_split(n, k) {
        // The common large-n case, without the general path's checks.
        if small_is_upper {
            small
        } else {
            small.complement()
        }
    } else {
        upper_tail(n, k, 0.5)
    }
}

/// Upper tail P(X >= k), X ~ Bin(n, 1/2) (1 when k = 0, 0 when k > n).
pub fn sf_half(n: u64, k: u64) -> f64 {
    upper_tail_half(n, k).value
}

/// ln P(X >= k), X ~ Bin(n, 1/2).
pub fn ln_sf_half(n: u64, k: u64) -> f64 {
    upper_tail_half(n, k).ln
}

/// P(X >= k) and its natural log together, X ~ Bin(n, 1/2): the cost of
/// one of them (for n <= 1024 one table lookup). The log is computed in log
/// space (finite where the value underflows) and, above 1/2, as
/// `ln_1p(-(1 - value))` of the directly computed complement.
pub fn sf_half_with_ln(n: u64, k: u64) -> (f64, f64) {
    let tail = upper_tail_half(n, k);
    (tail.value, tail.ln)
}

/// Lower tail P(X <= k), X ~ Bin(n, 1/2) (1 when k >= n).
pub fn cdf_half(n: u64, k: u64) -> f64 {
    // Symmetry of Bin(n, 1/2): P(X <= k) = P(X >= n - k).
    if k >= n { 1.0 } else { sf_half(n, n - k) }
}

/// ln P(X <= k), X ~ Bin(n, 1/2).
pub fn ln_cdf_half(n: u64, k: u64) -> f64 {
    if k >= n { 0.0 } else { ln_sf_half(n, n - k) }
}

/// P(X = k), X ~ Bin(n, p).
pub fn pmf(n: u64, k: u64, p: f64) -> f64 {
    ln_pmf_any(n, k, p).exp()
}

/// ln P(X = k), X ~ Bin(n, p).
pub fn ln_pmf(n: u64, k: u64, p: f64) -> f64 {
    ln_pmf_any(n, k, p)
}

/// P(X >= k), X ~ Bin(n, p).
pub fn sf(n: u64, k: u64, p: f64) -> f64 {
    upper_tail(n, k, p).value
}

/// ln P(X >= k), X ~ Bin(n, p).
pub fn ln_sf(n: u64, k: u64, p: f64) -> f64 {
    upper_tail(n, k, p).ln
}

/// P(X <= k), X ~ Bin(n, p).
pub fn cdf(n: u64, k: u64, p: f64) -> f64 {
    lower_tail(n, k, p).value
}

/// ln P(X <= k), X ~ Bin(n, p).
pub fn ln_cdf(n: u64, k: u64, p: f64) -> f64 {
    lower_tail(n, k, p).ln
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smaller tail by direct summation (the method Temme replaces).
    fn small_by_sum(n: u64, k: u64, p: f64, upper: bool) -> f64 {
        let t = Trials::new(n, p);
        if upper {
            far_tail(&t, k, Direction::Up).ln
        } else {
            far_tail(&t, k - 1, Direction::Down).ln
        }
    }

    /// Temme's expansion and the direct sum agree across its whole region.
    #[test]
    fn temme_agrees_with_summation() {
        let mut worst = 0.0f64;
        let mut used = 0;
        for &n in &[
            800u64, 1_025, 1_500, 2_000, 5_001, 20_000, 200_001, 1_000_000, 5_000_000,
        ] {
            for &p in &[0.5, 0.3, 0.77, 0.2] {
                let mean = n as f64 * p;
                let sd = (mean * (1.0 - p)).sqrt();
                for i in -400..=400 {
                    let k = (mean + f64::from(i) * sd / 20.0).round() as u64;
                    if k == 0 || k > n {
                        continue;
                    }
                    let Some((tail, upper)) = temme_split(n, k, p) else {
                        continue;
                    };
                    let ln = tail.ln;
                    used += 1;
                    let want = small_by_sum(n, k, p, upper);
                    let err = ((ln - want) / want.abs().max(1.0)).abs();
                    assert!(err < 1e-13, "n={n} k={k} p={p}: {ln} vs {want}");
                    worst = worst.max(err);
                }
            }
        }
        assert!(used > 5000, "Temme region hit only {used} times");
        println!("Temme vs summation: max ln error {worst:e} over {used} points");
    }
}
