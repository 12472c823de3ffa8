//! Cauchy combination test (ACAT, Liu & Xie 2020):
//! T = sum w_i tan((1/2 - p_i) pi) with weights summing to 1,
//! p = P(Cauchy >= T) = 1/2 - arctan(T)/pi.
//!
//! Valid for small alpha under arbitrary dependence between the p-values.
//! Numerics: tan((1/2 - p) pi) is evaluated as cot(pi p) for small p (no
//! cancellation in 1/2 - p), terms with p < 1e-15 as 1/(pi p) in log space
//! (so p = 1e-400 works), and the tail as arctan(1/T)/pi, which is
//! 1/(pi T) for large T without rounding trouble.

use super::tasks::{
    Counts, TaskTail, TestOutcome, check_log_pvalues, check_weights, weighted_informative,
};
use crate::error::{Error, Result};
use crate::special::log_space::ln_add_exp;
use std::f64::consts::PI;

/// P(Cauchy >= t).
fn cauchy_sf(t: f64) -> f64 {
    if t > 0.0 {
        (1.0 / t).atan() / PI
    } else {
        0.5 + (-t).atan() / PI
    }
}

/// ACAT on p-values given as natural logs; weights (>= 0) are normalised
/// to sum to 1 and default to equal.
pub fn cauchy_from_log_p(log_p: &[f64], weights: Option<&[f64]>) -> Result<TestOutcome> {
    check_log_pvalues(log_p)?;
    let w = check_weights(weights, log_p.len())?;
    let total: f64 = w.iter().sum();
    const SMALL_LN: f64 = -34.538_776_394_910_684; // ln 1e-15
    let mut regular = 0.0_f64;
    let mut ln_huge = f64::NEG_INFINITY;
    let (mut has_zero, mut has_one) = (false, false);
    for (&lp, &wi) in log_p.iter().zip(&w) {
        if wi == 0.0 {
            continue;
        }
        let wn = wi / total;
        if lp == f64::NEG_INFINITY {
            has_zero = true;
        } else if lp == 0.0 {
            has_one = true;
        } else if lp < SMALL_LN {
            ln_huge = ln_add_exp(ln_huge, wn.ln() - PI.ln() - lp);
        } else {
            let p = lp.exp();
            let term = if p < 0.25 {
                1.0 / (PI * p).tan()
            } else {
                ((0.5 - p) * PI).tan()
            };
            regular += wn * term;
        }
    }
    match (has_zero, has_one) {
        (true, true) => {
            return Err(Error::InvalidArgument(
                "the Cauchy statistic is undefined when p-values of exactly 0 and exactly 1 \
                 are combined"
                    .into(),
            ));
        }
        (true, false) => return Ok(TestOutcome::from_log(f64::INFINITY, f64::NEG_INFINITY)),
        (false, true) => return Ok(TestOutcome::from_log(f64::NEG_INFINITY, 0.0)),
        (false, false) => {}
    }
    if ln_huge < 700.0 {
        let t = regular + ln_huge.exp();
        let p = cauchy_sf(t);
        return Ok(TestOutcome {
            statistic: t,
            pvalue: p,
            log_pvalue: p.ln(),
        });
    }
    // T beyond 1e304: p = 1/(pi T) to full precision, in logs.
    let ln_t = ln_huge + (regular * (-ln_huge).exp()).ln_1p();
    Ok(TestOutcome::from_log(ln_t.exp(), -PI.ln() - ln_t))
}

/// ACAT on the per-task mid-p values of the tasks with flips (see
/// [`super::stouffer`] for why mid-p); weights are one per task.
pub fn cauchy(counts: &Counts, tails: &[TaskTail], weights: Option<&[f64]>) -> Result<TestOutcome> {
    let Some((log_p, wu)) = weighted_informative(counts, tails, weights, |t| t.ln_midp)? else {
        return Ok(TestOutcome::from_log(f64::NEG_INFINITY, 0.0));
    };
    cauchy_from_log_p(&log_p, Some(&wu))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logs(p: &[f64]) -> Vec<f64> {
        p.iter().map(|v| v.ln()).collect()
    }

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    // R ACAT::ACAT values from ../shared/vectors/peer_vectors.json.
    #[test]
    fn matches_r_acat() {
        let out = cauchy_from_log_p(&logs(&[0.01, 0.2, 0.3]), None).unwrap();
        assert!(
            rel(out.pvalue, 0.028076512112827724) < 1e-13,
            "{}",
            out.pvalue
        );
        let out = cauchy_from_log_p(&logs(&[1e-20, 0.5, 0.9, 0.04]), None).unwrap();
        assert!(rel(out.pvalue, 4e-20) < 1e-13, "{}", out.pvalue);
        let out = cauchy_from_log_p(&logs(&[1e-300, 1e-200, 1e-100]), None).unwrap();
        assert!(rel(out.pvalue, 3e-300) < 1e-13, "{}", out.pvalue);
    }

    #[test]
    fn below_the_double_range() {
        let out = cauchy_from_log_p(&[-1000.0, -1000.0, (0.5f64).ln()], None).unwrap();
        // T ~ (2/3) e^1000 / pi; p = 1 / (pi T) = 1.5 e^-1000.
        assert!((out.log_pvalue - (-1000.0 + 1.5f64.ln())).abs() < 1e-12);
    }
}
