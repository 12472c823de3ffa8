//! Harmonic mean p-value (Wilson 2019), as R `harmonicmeanp::p.hmp(p, w, L)`
//! with L = the number of p-values combined.
//!
//! HMP = 1 / sum w_i / p_i with weights summing to 1 (equal by default).
//! Its asymptotically exact p-value: 1/HMP is Landau distributed with
//! location ln L + 1 + psi(1) - ln(2/pi) and scale pi/2 (stable, alpha = 1,
//! beta = 1, S0), i.e. 1/HMP - (ln L + 1 - gamma) is standard Landau; the
//! p-value is that Landau survival function. Robust to dependence between
//! the p-values; computed from log p-values, so p_i = 1e-400 counts.

use super::landau::ln_landau_sf;
use super::tasks::{
    Counts, TaskTail, TestOutcome, check_log_pvalues, check_weights, weighted_informative,
};
use crate::error::Result;
use crate::special::log_space::ln_add_exp;

/// Euler's constant.
const EULER_GAMMA: f64 = 0.577_215_664_901_532_9;

/// HMP test on p-values given as natural logs; weights (>= 0) are
/// normalised to sum to 1. Statistic: the (weighted) harmonic mean p-value.
pub fn hmp_from_log_p(log_p: &[f64], weights: Option<&[f64]>) -> Result<TestOutcome> {
    check_log_pvalues(log_p)?;
    let w = check_weights(weights, log_p.len())?;
    let total: f64 = w.iter().sum();
    // ln(1 / HMP) = ln sum (w_i / total) e^(-ln p_i), without overflow.
    let ln_inv_hmp = log_p
        .iter()
        .zip(&w)
        .filter(|&(_, &wi)| wi > 0.0)
        .fold(f64::NEG_INFINITY, |acc, (&lp, &wi)| {
            ln_add_exp(acc, (wi / total).ln() - lp)
        });
    let shift = (log_p.len() as f64).ln() + 1.0 - EULER_GAMMA;
    let ln_p = if ln_inv_hmp > 700.0 {
        // x = 1/HMP - shift ~ 1/HMP beyond 1e304: p = 1/x (1 + O(ln x / x)).
        -ln_inv_hmp
    } else {
        ln_landau_sf(ln_inv_hmp.exp() - shift)
    };
    Ok(TestOutcome::from_log((-ln_inv_hmp).exp(), ln_p))
}

/// HMP on the exact per-task p-values of the tasks with flips (p = 1 is
/// harmless here: it adds 1 to the sum of 1/p); weights are one per task.
pub fn hmp(counts: &Counts, tails: &[TaskTail], weights: Option<&[f64]>) -> Result<TestOutcome> {
    let Some((log_p, wu)) = weighted_informative(counts, tails, weights, |t| t.ln_p)? else {
        return Ok(TestOutcome::from_log(1.0, 0.0));
    };
    hmp_from_log_p(&log_p, Some(&wu))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

    // R harmonicmeanp 3.0.1 p.hmp(p, L = length(p)), from
    // ../shared/vectors/peer_vectors.json (aggregation_generated_R).
    #[test]
    fn matches_r_p_hmp() {
        let cases: [(&[f64], f64, f64); 4] = [
            (&[0.01, 0.2, 0.3], 0.02769230769230769, 0.031607822968814446),
            (
                &[
                    0.838541367553,
                    0.642193923795,
                    0.680845947633,
                    0.967833824309,
                    0.71626938238,
                    0.177096952723,
                    5.23656777208e-05,
                    0.0202732688798,
                    0.00028140506198,
                    0.0149877310796,
                ],
                0.0004390120925140711,
                0.0004409533496704377,
            ),
            (&[1e-20, 0.5, 0.9, 0.04], 4e-20, 4.000000000000012e-20),
            (&[1e-300, 1e-200, 1e-100], 3e-300, 3.000000000000234e-300),
        ];
        for (p, stat, pvalue) in cases {
            let log_p: Vec<f64> = p.iter().map(|v| v.ln()).collect();
            let out = hmp_from_log_p(&log_p, None).unwrap();
            assert!(
                rel(out.statistic, stat) < 1e-12,
                "{} vs {stat}",
                out.statistic
            );
            // R's FMStable is itself accurate to about 1e-13 here.
            assert!(
                rel(out.pvalue, pvalue) < 1e-12,
                "{} vs {pvalue}",
                out.pvalue
            );
        }
    }
}
