//! Non-inferiority of the candidate for paired binary outcomes.
//!
//! H0: delta >= margin (the candidate is at least `margin` worse) against
//! H1: delta < margin, with delta = acc(reference) - acc(candidate)
//! = (b - c)/N. The statistic is Tango's score (Tango 1998, Nam 1997):
//! z(delta0) = (b - c - N delta0) / sqrt(N (2 p21~ + delta0 (1 - delta0))),
//! where p21~ is the maximum-likelihood estimate of the improvement-flip
//! probability under delta = delta0. The p-value is Phi(z(margin)). Because
//! z is decreasing in delta0, "p <= alpha" is exactly "the upper limit of
//! the two-sided (1 - 2 alpha) Tango interval is at most margin".

use crate::error::{Error, Result, check_level};
use crate::interval::tango;
use crate::special::normal::{norm_cdf, norm_isf};

/// Tango's score statistic at delta0 for b degradation flips, c improvement
/// flips among n pairs (positive when the observed drop exceeds delta0); the
/// interval code's statistic, shared so the test and the interval agree.
pub fn tango_score(b: u64, c: u64, n: u64, delta0: f64) -> f64 {
    tango::score(b as f64, c as f64, n as f64, delta0)
}

/// Result of [`noninferiority`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NonInferiority {
    /// Tango's z at delta0 = margin (negative favours non-inferiority).
    pub statistic: f64,
    /// Phi(statistic): the one-sided p-value of H0: delta >= margin.
    pub pvalue: f64,
    /// The two-sided (1 - 2 alpha) Tango interval for delta.
    pub interval: (f64, f64),
    /// pvalue <= alpha (equivalently interval.1 <= margin).
    pub noninferior: bool,
}

/// Validates the counts and the margin.
pub(crate) fn check_inputs(b: u64, c: u64, n: u64, margin: f64) -> Result<()> {
    if n == 0 {
        return Err(Error::InvalidArgument(
            "n must be at least 1 (number of paired samples)".into(),
        ));
    }
    if b.checked_add(c).is_none_or(|d| d > n) {
        return Err(Error::InvalidArgument(format!(
            "b + c = {b} + {c} exceeds n = {n}: discordant pairs are a subset of the pairs"
        )));
    }
    if !(margin > 0.0 && margin < 1.0) {
        return Err(Error::InvalidArgument(format!(
            "margin must lie in (0, 1) (an accuracy difference, e.g. 0.01 = one point), got {margin}"
        )));
    }
    Ok(())
}

/// The two-sided Tango score interval for delta at `confidence`.
pub fn tango_interval(b: u64, c: u64, n: u64, confidence: f64) -> Result<(f64, f64)> {
    let confidence = check_level("confidence_level", confidence)?;
    let interval = tango::interval(b, c, n, norm_isf((1.0 - confidence) / 2.0));
    Ok((interval.low, interval.high))
}

/// Tango score test of H0: delta >= margin vs H1: delta < margin.
pub fn noninferiority(b: u64, c: u64, n: u64, margin: f64, alpha: f64) -> Result<NonInferiority> {
    let (statistic, pvalue) = score_test(b, c, n, margin, alpha)?;
    let interval = tango_interval(b, c, n, 1.0 - 2.0 * alpha.min(0.5 - f64::EPSILON))?;
    Ok(NonInferiority {
        statistic,
        pvalue,
        interval,
        noninferior: pvalue <= alpha,
    })
}

/// The statistic and p-value of [`noninferiority`] without its interval
/// (the verdicts need only the p-value; the interval is most of the cost).
pub fn score_test(b: u64, c: u64, n: u64, margin: f64, alpha: f64) -> Result<(f64, f64)> {
    check_inputs(b, c, n, margin)?;
    check_level("alpha", alpha)?;
    let statistic = tango_score(b, c, n, margin);
    Ok((statistic, norm_cdf(statistic)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_is_zero_at_the_estimate_and_decreasing() {
        let (b, c, n) = (30u64, 12u64, 500u64);
        let hat = (b as f64 - c as f64) / n as f64;
        assert!(tango_score(b, c, n, hat).abs() < 1e-12);
        let mut last = f64::INFINITY;
        for i in -99..100 {
            let z = tango_score(b, c, n, f64::from(i) / 100.0);
            assert!(z < last);
            last = z;
        }
    }

    #[test]
    fn score_test_is_the_full_tests_statistic_and_pvalue() {
        for (b, c, n) in [(30u64, 12u64, 500u64), (0, 0, 10), (5, 40, 200), (4, 3, 7)] {
            let full = noninferiority(b, c, n, 0.02, 0.05).unwrap();
            let (statistic, pvalue) = score_test(b, c, n, 0.02, 0.05).unwrap();
            assert_eq!(
                (statistic.to_bits(), pvalue.to_bits()),
                (full.statistic.to_bits(), full.pvalue.to_bits())
            );
        }
        assert!(score_test(3, 3, 5, 0.02, 0.05).is_err());
    }

    #[test]
    fn at_zero_the_score_is_the_mcnemar_z() {
        let z = tango_score(30, 12, 500, 0.0);
        assert!((z - 18.0 / 42f64.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn decision_matches_the_interval() {
        for (b, c, n, margin) in [
            (5u64, 4u64, 1000u64, 0.01),
            (40, 10, 1000, 0.05),
            (0, 0, 50, 0.1),
        ] {
            let r = noninferiority(b, c, n, margin, 0.05).unwrap();
            assert_eq!(r.noninferior, r.interval.1 <= margin, "b={b} c={c}");
        }
    }

    #[test]
    fn bad_inputs_are_named() {
        assert!(
            noninferiority(1, 1, 0, 0.01, 0.05)
                .unwrap_err()
                .to_string()
                .contains("n must")
        );
        assert!(
            noninferiority(6, 6, 10, 0.01, 0.05)
                .unwrap_err()
                .to_string()
                .contains("b + c")
        );
        assert!(
            noninferiority(1, 1, 10, 0.0, 0.05)
                .unwrap_err()
                .to_string()
                .contains("margin")
        );
        assert!(
            noninferiority(1, 1, 10, 0.01, 0.0)
                .unwrap_err()
                .to_string()
                .contains("alpha")
        );
    }
}
