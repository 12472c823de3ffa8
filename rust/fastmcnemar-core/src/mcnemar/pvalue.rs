//! McNemar p-values for one pair of discordant counts (b, c).
//!
//! Under the null b ~ Bin(n, 1/2) with n = b + c, which is symmetric, so the
//! lower tail at b is the upper tail at c: every one-sided case reduces to
//! the upper tail of `upper`. Two-sided p-values are min(1, 2 x the smaller
//! tail), the exact "minlike" value for p = 1/2 (no 1e-7 tolerance).
//!
//! The log p-value is taken where it is accurate:
//! - exact one-sided p-values: p and ln p from one tail evaluation of the
//!   binomial module, which computes the small tail in log space and the
//!   large one as `ln_1p` of its small complement (the rules below, with the
//!   log taken before exponentiating);
//! - otherwise, p <= 1/2 inside the double range: `ln(p)` of the accurate p;
//! - p > 1/2: `ln_1p(-q)` of the complement q computed directly as a small
//!   tail (for two-sided p near 1, q is the probability of the centre,
//!   summed term by term), so ln p keeps its relative accuracy near 0;
//! - p below ~1e-280 (subnormal or underflowing): the log-space tails, so it
//!   stays finite where p underflows to 0.

use std::f64::consts::{LN_2, SQRT_2};

use super::{Alternative, Method};
use crate::binomial::{ln_pmf_half, ln_sf_half, pmf_half, sf_half, sf_half_with_ln};
use crate::error::{Error, Result};
use crate::special::log_space::ln_add_exp;
use crate::special::normal::{erf_small, ln_norm_sf, norm_sf};

/// Below this the plain p-value may be subnormal or zero, so its log is taken
/// from the log-space tail instead.
const PLAIN_LOG_MIN: f64 = 1e-280;

/// Two-sided p-values >= 1/2 whose centre has at most this many outcomes get
/// 1 - p by direct summation (further out, 1 - p is large enough that
/// 1 - 2 x tail loses nothing that matters).
const CENTRAL_TERMS_MAX: u64 = 2000;

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

    /// p and its log, choosing the accurate route for the log (see the module notes).
    pub(crate) fn new(
        pvalue: f64,
        complement: impl FnOnce() -> f64,
        ln_deep: impl FnOnce() -> f64,
    ) -> Self {
        let ln_pvalue = if pvalue > 0.5 {
            (-complement()).ln_1p()
        } else if pvalue >= PLAIN_LOG_MIN {
            pvalue.ln()
        } else {
            ln_deep()
        };
        PValue { pvalue, ln_pvalue }
    }
}

/// Where the plain tails of Bin(n, 1/2) come from: the binomial module one
/// at a time ([`Direct`]), or rows shared by a bulk call (`super::rows`).
pub(crate) trait HalfTails {
    /// P(X >= k).
    fn sf(&self, n: u64, k: u64) -> f64;
    /// P(X = k).
    fn pmf(&self, n: u64, k: u64) -> f64;
    /// P(X < k) = P(X >= n - k + 1) by symmetry (0 for k = 0, 1 for k > n).
    fn below(&self, n: u64, k: u64) -> f64 {
        match k {
            0 => 0.0,
            k if k > n => 1.0,
            k => self.sf(n, n - k + 1),
        }
    }
    /// P(X >= k) with its log (1 <= k <= n), the log taken as in [`PValue::new`].
    fn sf_with_ln(&self, n: u64, k: u64) -> PValue {
        PValue::new(self.sf(n, k), || self.below(n, k), || ln_sf_half(n, k))
    }
}

/// Each tail computed on its own by [`crate::binomial`].
pub(crate) struct Direct;

impl HalfTails for Direct {
    fn sf(&self, n: u64, k: u64) -> f64 {
        sf_half(n, k)
    }
    fn pmf(&self, n: u64, k: u64) -> f64 {
        pmf_half(n, k)
    }
    /// Both forms from one tail evaluation: the binomial module already keeps
    /// the log in log space and, above 1/2, as `ln_1p` of the small complement.
    fn sf_with_ln(&self, n: u64, k: u64) -> PValue {
        let (pvalue, ln_pvalue) = sf_half_with_ln(n, k);
        PValue { pvalue, ln_pvalue }
    }
}

/// The exact P(X >= k), n = k + other, with its log, from one tail
/// evaluation: what [`pvalue_from`] gives with [`Direct`] tails for an exact
/// one-sided test, without its dispatch (for tight bulk loops).
pub(crate) fn exact_upper_direct(k: u64, other: u64) -> PValue {
    if k == 0 {
        return PValue::ONE;
    }
    Direct.sf_with_ln(k + other, k)
}

/// One-sided p-value in the direction "k is large", where k is one of the
/// discordant counts and `other` the other one (n = k + other >= 1).
fn upper(tails: &impl HalfTails, k: u64, other: u64, method: Method) -> PValue {
    let n = k + other;
    match method {
        // P(X >= k); complement P(X < k).
        Method::Exact => {
            if k == 0 {
                return PValue::ONE;
            }
            tails.sf_with_ln(n, k)
        }
        // P(X > k) + P(X = k)/2: a sum of two non-negative terms, no cancellation;
        // complement P(X < k) + P(X = k)/2.
        Method::MidP => {
            let half = 0.5 * tails.pmf(n, k);
            PValue::new(
                tails.sf(n, k + 1) + half,
                || tails.below(n, k) + half,
                || ln_add_exp(ln_sf_half(n, k + 1), ln_pmf_half(n, k) - LN_2),
            )
        }
        // P(Z >= z), z = (k - other)/sqrt(n); the log-space normal tail is
        // accurate on both sides of 0.
        Method::Asymptotic => {
            let z = (k as f64 - other as f64) / (n as f64).sqrt();
            let pvalue = norm_sf(z);
            let ln_pvalue = if (PLAIN_LOG_MIN..=0.5).contains(&pvalue) {
                pvalue.ln()
            } else {
                ln_norm_sf(z)
            };
            PValue { pvalue, ln_pvalue }
        }
    }
}

/// Sum of P(X = j) for lo < j < hi (plus P(X = hi) for mid-p): 1 minus the
/// two-sided p-value when hi > lo. Few terms, by the pmf ratio recurrence.
fn central_mass(n: u64, lo: u64, hi: u64, method: Method) -> f64 {
    let mut total = 0.0;
    let mut j = lo + 1;
    if j < hi || method == Method::MidP {
        let mut term = pmf_half(n, j);
        while j < hi {
            total += term;
            term *= (n - j) as f64 / (j + 1) as f64;
            j += 1;
        }
        if method == Method::MidP {
            total += term;
        }
    }
    total
}

/// min(1, 2 x the smaller one-sided p-value).
fn two_sided(tails: &impl HalfTails, b: u64, c: u64, method: Method) -> PValue {
    let (hi, lo) = if b >= c { (b, c) } else { (c, b) };
    if hi == lo {
        // Exact: 2 P(X >= n/2) >= 1; mid-p: exactly 1.
        return PValue::ONE;
    }
    let tail = upper(tails, hi, lo, method);
    let doubled = 2.0 * tail.pvalue;
    if doubled >= 0.5 {
        // Near 1: compute the (small) complement directly instead of 1 - 2 x tail.
        let rest = match method {
            Method::Asymptotic => {
                let z = (hi - lo) as f64 / ((hi + lo) as f64).sqrt();
                (z <= 0.5 * SQRT_2).then(|| erf_small(z / SQRT_2))
            }
            _ => (hi - lo <= CENTRAL_TERMS_MAX).then(|| central_mass(hi + lo, lo, hi, method)),
        };
        if let Some(rest) = rest {
            return PValue {
                pvalue: 1.0 - rest,
                ln_pvalue: (-rest).ln_1p(),
            };
        }
    }
    PValue {
        pvalue: doubled.min(1.0),
        ln_pvalue: (LN_2 + tail.ln_pvalue).min(0.0),
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
    pvalue_from(&Direct, b, c, alternative, method)
}

/// [`pvalue_unchecked`] with the plain tails taken from `tails`.
pub(crate) fn pvalue_from(
    tails: &impl HalfTails,
    b: u64,
    c: u64,
    alternative: Alternative,
    method: Method,
) -> PValue {
    if b + c == 0 {
        return PValue::ONE;
    }
    match alternative {
        Alternative::Greater => upper(tails, b, c, method),
        // Bin(n, 1/2) is symmetric: P(X <= b) = P(X >= n - b) = P(X >= c).
        Alternative::Less => upper(tails, c, b, method),
        Alternative::TwoSided => two_sided(tails, b, c, method),
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
            close(p.pvalue, 7.827_011_290_012_748e-4, 1e-12),
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
    fn two_sided_p_near_one_keeps_a_relative_log() {
        // n = 11, b = 6: P(X >= 6) = 1/2 exactly, so p = 1 and ln p = 0.
        let p = pvalue(6, 5, Alternative::TwoSided, Method::Exact).unwrap();
        assert_eq!((p.pvalue, p.ln_pvalue), (1.0, 0.0));
        // n = 12, b = 7: 1 - p = P(X = 6) = 924/4096.
        let p = pvalue(7, 5, Alternative::TwoSided, Method::Exact).unwrap();
        let rest = 924.0 / 4096.0;
        assert!(close(p.pvalue, 1.0 - rest, 1e-15));
        assert!(close(p.ln_pvalue, (-rest).ln_1p(), 1e-14));
        // Mid-p, n = 12, b = 7: 1 - p = P(X = 6) + P(X = 7) = (924 + 792)/4096.
        let p = pvalue(5, 7, Alternative::TwoSided, Method::MidP).unwrap();
        assert!(close(p.ln_pvalue, (-(1716.0 / 4096.0f64)).ln_1p(), 1e-14));
        // Asymptotic: 1 - p = erf(z / sqrt 2), z = 2/sqrt(12).
        let p = pvalue(7, 5, Alternative::TwoSided, Method::Asymptotic).unwrap();
        assert!(
            close(1.0 - p.pvalue, 0.436_297_138_349_227, 1e-12),
            "{}",
            p.pvalue
        );
    }

    #[test]
    fn one_sided_p_near_one_keeps_a_relative_log() {
        // n = 60, b = 1: P(X >= 1) = 1 - 2^-60, ln p = ln(1 - 2^-60) ~ -2^-60.
        let p = pvalue(1, 59, Alternative::Greater, Method::Exact).unwrap();
        assert!(
            close(p.ln_pvalue, -(2f64.powi(-60)), 1e-14),
            "{}",
            p.ln_pvalue
        );
        let p = pvalue(0, 60, Alternative::Greater, Method::MidP).unwrap();
        assert!(
            close(p.ln_pvalue, -(2f64.powi(-61)), 1e-14),
            "{}",
            p.ln_pvalue
        );
    }

    #[test]
    fn huge_counts_are_refused_not_wrapped() {
        let err = pvalue(u64::MAX, 1, Alternative::Greater, Method::Exact).unwrap_err();
        assert!(err.to_string().contains("2^53"), "{err}");
        assert!(pvalue(1 << 52, 1 << 52, Alternative::Greater, Method::Asymptotic).is_ok());
    }
}
