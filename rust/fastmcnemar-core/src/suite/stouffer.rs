//! Weighted Stouffer combination: Z = sum w_i z_i / sqrt(sum w_i^2) with
//! z_i = Phi^-1(1 - p_i), p = P(N(0,1) >= Z).
//!
//! Quantiles are taken from log p-values (Newton on ln P(Z >= z) below the
//! double range), so p_i = 1e-400 gives z_i of about 42.8 rather than
//! infinity. On counts the per-task *mid*-p values are used: the exact
//! p-value is 1 whenever b_i = 0, and its quantile is minus infinity, which
//! would drown every other task.

use super::tasks::{
    Counts, TaskTail, TestOutcome, check_log_pvalues, check_weights, weighted_informative,
};
use crate::error::{Error, Result};
use crate::special::normal::{ln_norm_sf, norm_isf};

/// z with ln P(Z >= z) = ln_p (the upper-tail normal quantile from a log).
pub fn norm_isf_from_log(ln_p: f64) -> f64 {
    if ln_p >= 0.0 {
        return f64::NEG_INFINITY;
    }
    if ln_p == f64::NEG_INFINITY {
        return f64::INFINITY;
    }
    if ln_p > -700.0 {
        return norm_isf(ln_p.exp());
    }
    // Far tail: start from the asymptotic inverse, polish with Newton.
    let a = -2.0 * ln_p;
    let mut z = (a - a.ln() - (2.0 * std::f64::consts::PI).ln()).sqrt();
    for _ in 0..50 {
        let f = ln_norm_sf(z) - ln_p;
        // d/dz ln P(Z >= z) = -phi(z) / P(Z >= z).
        let ln_phi = -0.5 * z * z - 0.5 * (2.0 * std::f64::consts::PI).ln();
        let slope = -(ln_phi - ln_norm_sf(z)).exp();
        let step = f / slope;
        z -= step;
        if step.abs() <= 1e-15 * z.abs() {
            break;
        }
    }
    z
}

/// Weighted Stouffer on p-values given as natural logs; weights default
/// to 1 and must be >= 0.
pub fn stouffer_from_log_p(log_p: &[f64], weights: Option<&[f64]>) -> Result<TestOutcome> {
    check_log_pvalues(log_p)?;
    let w = check_weights(weights, log_p.len())?;
    let mut numerator = 0.0;
    let mut norm = 0.0;
    let (mut plus_inf, mut minus_inf) = (false, false);
    for (&lp, &wi) in log_p.iter().zip(&w) {
        if wi == 0.0 {
            continue;
        }
        let z = norm_isf_from_log(lp);
        plus_inf |= z == f64::INFINITY;
        minus_inf |= z == f64::NEG_INFINITY;
        numerator += wi * z;
        norm += wi * wi;
    }
    if plus_inf && minus_inf {
        return Err(Error::InvalidArgument(
            "Stouffer's statistic is undefined when p-values of exactly 0 and exactly 1 \
             are combined"
                .into(),
        ));
    }
    let statistic = numerator / norm.sqrt();
    Ok(TestOutcome::from_log(statistic, ln_norm_sf(statistic)))
}

/// Stouffer on the per-task mid-p values of the tasks with flips; weights
/// (one per task, including tasks without flips) default to 1.
pub fn stouffer(
    counts: &Counts,
    tails: &[TaskTail],
    weights: Option<&[f64]>,
) -> Result<TestOutcome> {
    let Some((log_p, wu)) = weighted_informative(counts, tails, weights, |t| t.ln_midp)? else {
        return Ok(TestOutcome::from_log(0.0, 0.0));
    };
    stouffer_from_log_p(&log_p, Some(&wu))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_r_metap_sumz() {
        let log_p: Vec<f64> = [0.01f64, 0.2, 0.3].iter().map(|p| p.ln()).collect();
        let out = stouffer_from_log_p(&log_p, None).unwrap();
        assert!((out.statistic - 2.131790594240385).abs() < 1e-12);
        assert!((out.pvalue / 0.01651203260896294 - 1.0).abs() < 1e-12);
        let out = stouffer_from_log_p(&log_p, Some(&[1.0, 4.0, 9.0])).unwrap();
        assert!((out.pvalue / 0.1464422142261314 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn quantile_from_log_below_the_double_range() {
        // ln P(Z >= z) at z = 40 is about -804.6; the inverse must give 40 back.
        for z in [5.0, 20.0, 40.0, 300.0] {
            let back = norm_isf_from_log(ln_norm_sf(z));
            assert!((back - z).abs() < 1e-12 * z, "{z}: {back}");
        }
        assert_eq!(norm_isf_from_log(0.0), f64::NEG_INFINITY);
    }
}
