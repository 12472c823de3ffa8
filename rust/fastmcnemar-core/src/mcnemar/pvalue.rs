//! McNemar p-values for one pair of discordant counts (b, c).
//!
//! Under the null b ~ Bin(n, 1/2) with n = b + c, which is symmetric, so the
//! lower tail at b is the upper tail at c: every alternative reduces to the
//! upper tail of [`upper`]. Two-sided p-values are min(1, 2 x the smaller
//! tail), the exact "minlike" value for p = 1/2 (no 1e-7 tolerance).
//!
//! The log p-value is `ln(p)` while p is comfortably inside the double range
//! (absolute error ~1e-16, relative ~1e-12 / |ln p|), and otherwise comes from
//! the log-space tails, so it stays finite where p underflows to 0.

use std::f64::consts::LN_2;

use super::{Alternative, Method};
use crate::binomial::{ln_pmf_half, ln_sf_half, pmf_half, sf_half};
use crate::error::{Error, Result};
use crate::special::normal::{ln_norm_sf, norm_sf};

/// Below this the plain p-value may be subnormal or zero, so its log is taken
/// from the log-space tail instead.
const PLAIN_LOG_MIN: f64 = 1e-280;

/// Largest b + c accepted: counts stay exact in a double.
pub const MAX_DISCORDANT: u64 = 1 << 53;

/// A p-value with its natural logarithm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PValue {
    /// The p-value, in [0, 1].
    pub pvalue: f64,
    /// ln of the p-value, in [-inf, 0]; finite whenever the true p is > 0.
    pub ln_pvalue: f64,
}

impl PValue {
    const ONE: PValue = PValue {
        pvalue: 1.0,
        ln_pvalue: 0.0,
    };
}

/// ln(e^x + e^y), exact at -inf.
fn ln_add_exp(x: f64, y: f64) -> f64 {
    let (hi, lo) = if x >= y { (x, y) } else { (y, x) };
    if hi == f64::NEG_INFINITY {
        return hi;
    }
    hi + (lo - hi).exp().ln_1p()
}

/// Keeps the plain value and takes its log directly while that is accurate.
fn with_log(pvalue: f64, ln_deep: impl FnOnce() -> f64) -> PValue {
    let ln_pvalue = if pvalue >= PLAIN_LOG_MIN {
        pvalue.ln()
    } else {
        ln_deep()
    };
    PValue { pvalue, ln_pvalue }
}

/// One-sided p-value in the direction "k is large", where k is one of the
/// discordant counts and `other` the other one (n = k + other >= 1).
fn upper(k: u64, other: u64, method: Method) -> PValue {
    let n = k + other;
    match method {
        // P(X >= k).
        Method::Exact => with_log(sf_half(n, k), || ln_sf_half(n, k)),
        // P(X > k) + P(X = k)/2: a sum of two non-negative terms, no cancellation.
        Method::MidP => {
            let p = sf_half(n, k + 1) + 0.5 * pmf_half(n, k);
            with_log(p, || {
                ln_add_exp(ln_sf_half(n, k + 1), ln_pmf_half(n, k) - LN_2)
            })
        }
        // P(Z >= z), z = (k - other)/sqrt(n).
        Method::Asymptotic => {
            let z = (k as f64 - other as f64) / (n as f64).sqrt();
            with_log(norm_sf(z), || ln_norm_sf(z))
        }
    }
}

/// The p-value of McNemar's test for discordant counts `b` (only the
/// reference right) and `c` (only the candidate right). b + c = 0 gives p = 1.
/// Errors only when b + c exceeds [`MAX_DISCORDANT`].
pub fn pvalue(b: u64, c: u64, alternative: Alternative, method: Method) -> Result<PValue> {
    match b.checked_add(c) {
        Some(n) if n <= MAX_DISCORDANT => Ok(pvalue_unchecked(b, c, alternative, method)),
        _ => Err(Error::InvalidArgument(format!(
            "b + c = {b} + {c} exceeds the largest supported number of discordant pairs, 2^53"
        ))),
    }
}

/// [`pvalue`] for counts already known to satisfy b + c <= [`MAX_DISCORDANT`].
pub(crate) fn pvalue_unchecked(b: u64, c: u64, alternative: Alternative, method: Method) -> PValue {
    if b + c == 0 {
        return PValue::ONE;
    }
    match alternative {
        Alternative::Greater => upper(b, c, method),
        // Bin(n, 1/2) is symmetric: P(X <= b) = P(X >= n - b) = P(X >= c).
        Alternative::Less => upper(c, b, method),
        Alternative::TwoSided => {
            // The smaller tail is the upper tail at the larger count.
            let tail = if b >= c {
                upper(b, c, method)
            } else {
                upper(c, b, method)
            };
            PValue {
                pvalue: (2.0 * tail.pvalue).min(1.0),
                ln_pvalue: (LN_2 + tail.ln_pvalue).min(0.0),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(x: f64, y: f64, rtol: f64) -> bool {
        (x - y).abs() <= rtol * y.abs()
    }

    #[test]
    fn no_discordant_pairs_give_p_one() {
        for alt in [
            Alternative::Greater,
            Alternative::Less,
            Alternative::TwoSided,
        ] {
            for m in [Method::Exact, Method::MidP, Method::Asymptotic] {
                assert_eq!(pvalue(0, 0, alt, m), Ok(PValue::ONE));
            }
        }
    }

    #[test]
    fn small_exact_values_match_hand_computation() {
        // n = 5, b = 5: P(X >= 5) = 1/32, P(X <= 5) = 1.
        let p = pvalue(5, 0, Alternative::Greater, Method::Exact).unwrap();
        assert!(close(p.pvalue, 1.0 / 32.0, 1e-15));
        assert!(close(p.ln_pvalue, -(32f64).ln(), 1e-15));
        let p = pvalue(5, 0, Alternative::Less, Method::Exact).unwrap();
        assert_eq!(p.pvalue, 1.0);
        let p = pvalue(5, 0, Alternative::TwoSided, Method::Exact).unwrap();
        assert!(close(p.pvalue, 1.0 / 16.0, 1e-15));
        // n = 3, b = 2: P(X >= 2) = 4/8, mid-p = P(X = 3) + P(X = 2)/2 = 1/8 + 3/16.
        let p = pvalue(2, 1, Alternative::Greater, Method::MidP).unwrap();
        assert!(close(p.pvalue, 5.0 / 16.0, 1e-15));
        let p = pvalue(1, 2, Alternative::Greater, Method::MidP).unwrap();
        assert!(close(p.pvalue, 11.0 / 16.0, 1e-15));
        // Mid-p with b = c is exactly 1/2 per side, so two-sided 1.
        let p = pvalue(4, 4, Alternative::TwoSided, Method::MidP).unwrap();
        assert_eq!(p.pvalue, 1.0);
    }

    #[test]
    fn asymptotic_is_the_normal_tail_of_z() {
        // b = 30, c = 10: z = 20/sqrt(40) = sqrt(10); P(Z >= sqrt 10) = 7.827011290012e-4.
        let p = pvalue(30, 10, Alternative::Greater, Method::Asymptotic).unwrap();
        assert!(
            close(p.pvalue, 7.827_011_290_012_509e-4, 1e-12),
            "{}",
            p.pvalue
        );
        let two = pvalue(30, 10, Alternative::TwoSided, Method::Asymptotic).unwrap();
        assert!(close(two.pvalue, 2.0 * p.pvalue, 1e-15));
    }

    #[test]
    fn deep_tails_keep_a_finite_log() {
        // n = 2000, b = 2000: p = 2^-2000 underflows, ln p = -2000 ln 2.
        let p = pvalue(2000, 0, Alternative::Greater, Method::Exact).unwrap();
        assert_eq!(p.pvalue, 0.0);
        assert!(close(p.ln_pvalue, -2000.0 * LN_2, 1e-12), "{}", p.ln_pvalue);
        let two = pvalue(0, 2000, Alternative::TwoSided, Method::Exact).unwrap();
        assert!(close(two.ln_pvalue, -1999.0 * LN_2, 1e-12));
        let mid = pvalue(2000, 0, Alternative::Greater, Method::MidP).unwrap();
        assert!(close(mid.ln_pvalue, -2001.0 * LN_2, 1e-12));
    }

    #[test]
    fn huge_counts_are_refused_not_wrapped() {
        let err = pvalue(u64::MAX, 1, Alternative::Greater, Method::Exact).unwrap_err();
        assert!(err.to_string().contains("2^53"), "{err}");
        assert!(pvalue(1 << 52, 1 << 52, Alternative::Greater, Method::Asymptotic).is_ok());
    }
}
