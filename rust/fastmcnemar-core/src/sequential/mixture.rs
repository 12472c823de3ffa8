//! The exact e-process for "no degradation" on the stream of discordant pairs.
//!
//! Given that a pair is discordant, it is a loss (only the reference right)
//! with probability q; "no degradation" is the composite H0: q <= 1/2. The
//! e-process is Robbins' beta-binomial mixture of likelihood ratios (the
//! construction of Howard, Ramdas, McAuliffe and Sekhon 2021, "Time-uniform,
//! nonparametric, nonasymptotic confidence sequences", section on
//! sub-Bernoulli mixtures), with the prior restricted to the alternative:
//!
//! ```text
//! M(b, c) = ∫_{1/2}^{1} (q / ½)^b ((1 - q) / ½)^c  π(q) dq,
//! π(q)    = 2 q^{a-1} (1 - q)^{a-1} / B(a, a)   on [1/2, 1]  (Beta(a, a) folded onto q >= 1/2).
//! ```
//!
//! Why it is valid for the *composite* null: one step of the q-component
//! multiplies by 2q on a loss and 2(1 - q) on a win, so under any conditional
//! loss probability q0 <= 1/2 its expectation is 2[(1 - q) + q0 (2q - 1)]
//! <= 2[(1 - q) + (2q - 1)/2] = 1 whenever q >= 1/2. Every component is a
//! nonnegative supermartingale under every q0 <= 1/2 (even one changing from
//! pair to pair), hence so is the mixture (Fubini), and Ville's inequality
//! gives P(sup_n M_n >= 1/alpha) <= alpha. Ties move nothing.
//!
//! Closed form, for an integer prior parameter a >= 1 (then every Beta tail
//! below is a binomial tail, which the crate computes exactly in log space):
//!
//! ```text
//! M = 2^{n+1} B(a+b, a+c) / B(a, a) · P(Beta(a+b, a+c) >= 1/2),   n = b + c
//!   = 2^{n+1} B(a+b, a+c) / B(a, a) · P(Bin(n+2a-1, ½) <= a+b-1)
//! ```
//!
//! With Y ~ Bin(n+2a-1, ½), k = a+b-1 and R = P(Y <= k) / P(Y = k), the
//! Beta functions cancel against the binomial coefficients and
//!
//! ```text
//! ln M = ln(2a-1) + ln P(Bin(2a-2, ½) = a-1) - ln(a+c) + ln R,
//! ```
//!
//! so nothing large cancels. R is summed term by term (ratios of
//! neighbouring pmf values, each < 0.9) when k lies well below the middle,
//! which is where ln P(Y <= k) and ln P(Y = k) would both be huge and
//! nearly equal; elsewhere it is the difference of the crate's exact
//! log-space tail and pmf, whose relative error is about 1e-13. The log
//! e-value is therefore accurate to about 1e-13 relative
//! at any n up to 2^53. The prior parameter sets where the power goes: a
//! larger a concentrates the prior near q = 1/2 (small drops, many flips);
//! `DEFAULT_PRIOR` is tuned for q around 0.6 over a few hundred flips.

use crate::binomial::{ln_cdf_half, ln_pmf_half};
use crate::error::{Error, Result};

/// Default Beta(a, a) prior parameter (see the module header).
pub const DEFAULT_PRIOR: u32 = 8;

/// Checks the prior parameter: an integer from 1 to 10^6.
pub fn check_prior(a: u32) -> Result<u32> {
    if (1..=1_000_000).contains(&a) {
        Ok(a)
    } else {
        Err(Error::InvalidArgument(format!(
            "prior must be an integer from 1 to 1000000, got {a}"
        )))
    }
}

/// Largest ratio of neighbouring pmf terms for which R is summed directly.
const SERIES_MAX_RATIO: f64 = 0.9;

/// ln [P(Y <= k) / P(Y = k)], Y ~ Bin(m, ½), k <= m.
fn ln_tail_ratio(m: u64, k: u64) -> f64 {
    let ratio = k as f64 / (m - k + 1) as f64;
    if ratio > SERIES_MAX_RATIO {
        return ln_cdf_half(m, k) - ln_pmf_half(m, k);
    }
    // P(Y = j-1) / P(Y = j) = j / (m - j + 1) <= ratio: a fast geometric tail.
    let mut sum = 1.0;
    let mut term = 1.0;
    for l in 0..k {
        term *= (k - l) as f64 / (m - k + l + 1) as f64;
        sum += term;
        if term < 1e-17 * sum {
            break;
        }
    }
    sum.ln()
}

/// Natural log of the mixture e-value after `losses` (b) and `wins` (c)
/// discordant pairs, with the Beta(a, a) prior folded onto q >= 1/2.
pub fn ln_evalue(losses: u64, wins: u64, a: u32) -> f64 {
    let a = u64::from(a);
    let n = losses + wins;
    let prior = ((2 * a - 1) as f64).ln() + ln_pmf_half(2 * a - 2, a - 1);
    prior - ((a + wins) as f64).ln() + ln_tail_ratio(n + 2 * a - 1, a + losses - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binomial::ln_pmf;

    /// E_{q0}[M_n] after n discordant pairs, summed exactly over the binomial.
    fn expected_evalue(n: u64, q0: f64, a: u32) -> f64 {
        (0..=n)
            .map(|k| (ln_pmf(n, k, q0) + ln_evalue(k, n - k, a)).exp())
            .sum()
    }

    #[test]
    fn starts_at_one() {
        for a in [1, 2, 8, 50] {
            assert!(ln_evalue(0, 0, a).abs() < 1e-13, "a = {a}");
        }
    }

    #[test]
    fn is_a_martingale_at_one_half_and_a_supermartingale_below() {
        for a in [1, 3, 8] {
            for n in [1, 2, 7, 40, 300] {
                let at_half = expected_evalue(n, 0.5, a);
                assert!((at_half - 1.0).abs() < 1e-11, "a {a} n {n}: {at_half}");
                for q0 in [0.49, 0.4, 0.2, 0.0] {
                    let e = expected_evalue(n, q0, a);
                    assert!(e <= 1.0 + 1e-12, "a {a} n {n} q0 {q0}: {e}");
                }
            }
        }
    }

    #[test]
    fn uniform_prior_matches_the_direct_integral() {
        // a = 1: M = 2^{n+1} ∫_{1/2}^1 q^b (1-q)^c dq; b = 3, c = 1 by hand:
        // ∫ q^3 (1-q) = [q^4/4 - q^5/5]_{1/2}^1 = 1/20 - (1/64 - 1/160) = 13/320.
        let direct: f64 = 2f64.powi(5) * 13.0 / 320.0;
        assert!((ln_evalue(3, 1, 1) - direct.ln()).abs() < 1e-14);
    }

    #[test]
    fn grows_with_losses_and_shrinks_with_wins() {
        assert!(ln_evalue(10, 0, 8) > ln_evalue(9, 0, 8));
        assert!(ln_evalue(10, 5, 8) < ln_evalue(10, 4, 8));
    }

    #[test]
    fn huge_counts_stay_finite() {
        // 2.8 standard deviations at n = 2^41 is not enough evidence against
        // a prior spread over q in [1/2, 1]: the e-value stays below 1.
        let v = ln_evalue(1 << 40, (1 << 40) - (1 << 22), 8);
        assert!(v.is_finite() && v < 0.0);
        let v = ln_evalue(1 << 40, (1 << 40) - (1 << 32), 8);
        assert!(v.is_finite() && v > 1e6);
        // All wins: M = 2^c ∫ (1-q)^c π(q) dq ≈ π(1/2) / (2c) (Laplace),
        // π(1/2) = 2^{3-2a} / B(a, a).
        let c = 1u64 << 45;
        let w = ln_evalue(0, c, 8);
        let pi_half = (2f64.powi(-13) / beta_8_8()).ln();
        assert!((w - (pi_half - (2.0 * c as f64).ln())).abs() < 1e-9, "{w}");
    }

    fn beta_8_8() -> f64 {
        // B(8, 8) = 7! 7! / 15!
        let f = |k: u32| (1..=k).map(f64::from).product::<f64>();
        f(7) * f(7) / f(15)
    }

    #[test]
    fn both_routes_for_the_tail_ratio_agree_where_they_meet() {
        for (m, k) in [(101u64, 45u64), (1000, 470), (5000, 2360)] {
            let direct = ln_cdf_half(m, k) - ln_pmf_half(m, k);
            let ratio = k as f64 / (m - k + 1) as f64;
            assert!(ratio <= SERIES_MAX_RATIO);
            assert!((ln_tail_ratio(m, k) - direct).abs() < 1e-12, "{m} {k}");
        }
    }
}
