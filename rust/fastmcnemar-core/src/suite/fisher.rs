//! Fisher's combination: X = -2 sum ln p_i over the tasks with flips,
//! referred to chi-square with 2K degrees of freedom.
//!
//! The per-task p-values enter in log space, so a task with p = 1e-400
//! still counts. With discrete (binomial) p-values, P(p_i <= u) < u for most
//! u, so the chi-square reference makes the test conservative; the exact
//! discrete null of X (the b_i drawn from their binomials) is available by
//! seeded Monte Carlo.

use super::Alternative;
use super::monte_carlo::{count_extreme, mc_outcome};
use super::tasks::{Counts, TaskTail, TestOutcome, check_log_pvalues};
use crate::binomial::ln_sf_half;
use crate::control::Checkpoint;
use crate::error::Result;
use crate::special::chi2::ln_chi2_sf;

/// Fisher's method on p-values given as natural logs (chi-square reference).
pub fn fisher_from_log_p(log_p: &[f64]) -> Result<TestOutcome> {
    check_log_pvalues(log_p)?;
    let statistic = -2.0 * log_p.iter().sum::<f64>();
    let dof = 2 * log_p.len() as u64;
    Ok(TestOutcome::from_log(statistic, ln_chi2_sf(statistic, dof)))
}

/// ln p of one oriented task at b (b counted in the alternative's direction).
fn ln_task_p(n: u64, b: u64, two_sided: bool) -> f64 {
    if two_sided {
        let k = b.max(n - b);
        (std::f64::consts::LN_2 + ln_sf_half(n, k)).min(0.0)
    } else {
        ln_sf_half(n, b)
    }
}

/// The oriented (n, b) of every task with flips.
fn oriented_tasks(counts: &Counts, alternative: Alternative) -> Vec<(u64, u64)> {
    counts
        .informative()
        .into_iter()
        .map(|i| {
            let (b, c) = counts.oriented(i, alternative);
            (b + c, b)
        })
        .collect()
}

/// Fisher's test on the exact per-task p-values (`tails`, one per task),
/// chi-square reference. Statistic 0 and p = 1 when no task has flips.
pub fn fisher(counts: &Counts, tails: &[TaskTail]) -> TestOutcome {
    let log_p: Vec<f64> = counts
        .informative()
        .into_iter()
        .map(|i| tails[i].ln_p)
        .collect();
    if log_p.is_empty() {
        return TestOutcome::from_log(0.0, 0.0);
    }
    let statistic = -2.0 * log_p.iter().sum::<f64>();
    let dof = 2 * log_p.len() as u64;
    TestOutcome::from_log(statistic, ln_chi2_sf(statistic, dof))
}

/// Largest per-task table of ln p(b) kept for the Monte Carlo null.
const MAX_TABLE: u64 = 100_000;

/// ln p(b) for one task over the range its null draws almost surely hit
/// (n/2 +- 12 sqrt(n)), computed once; values outside come on demand.
struct LogPTable {
    n: u64,
    low: u64,
    values: Vec<f64>,
}

impl LogPTable {
    fn new(n: u64, two_sided: bool) -> Self {
        let half_width = (12.0 * (n as f64).sqrt()).ceil() as u64 + 8;
        let low = (n / 2).saturating_sub(half_width);
        let high = (n / 2 + half_width).min(n);
        // Beyond ~100k entries (n above ~2e7) tabulating costs more memory
        // than it saves: every value is then computed on demand.
        if high - low > MAX_TABLE {
            return Self {
                n,
                low,
                values: Vec::new(),
            };
        }
        let values = (low..=high).map(|b| ln_task_p(n, b, two_sided)).collect();
        Self { n, low, values }
    }

    fn get(&self, b: u64, two_sided: bool) -> f64 {
        match b.checked_sub(self.low) {
            Some(offset) if (offset as usize) < self.values.len() => self.values[offset as usize],
            _ => ln_task_p(self.n, b, two_sided),
        }
    }
}

/// Fisher's statistic with its exact discrete null by seeded Monte Carlo:
/// p = (1 + #{X* >= X}) / (1 + n_resamples), ties within a relative 1e-12.
pub fn fisher_monte_carlo(
    counts: &Counts,
    alternative: Alternative,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<TestOutcome> {
    let two_sided = alternative == Alternative::TwoSided;
    let tasks = oriented_tasks(counts, alternative);
    if tasks.is_empty() {
        return Ok(TestOutcome::from_log(0.0, 0.0));
    }
    let tables: Vec<LogPTable> = tasks
        .iter()
        .map(|&(n, _)| LogPTable::new(n, two_sided))
        .collect();
    let sum_log_p = |bs: &mut dyn Iterator<Item = u64>| -> f64 {
        bs.zip(&tables)
            .map(|(b, t)| t.get(b, two_sided))
            .sum::<f64>()
    };
    let observed_sum = sum_log_p(&mut tasks.iter().map(|&(_, b)| b));
    let statistic = -2.0 * observed_sum;
    let cutoff = observed_sum + 1e-12 * observed_sum.abs().max(1.0);
    let n: Vec<u64> = tasks.iter().map(|&(n, _)| n).collect();
    let hits = count_extreme(&n, n_resamples, seed, checkpoint, |draws| {
        sum_log_p(&mut draws.iter().copied()) <= cutoff
    })?;
    Ok(mc_outcome(statistic, hits, n_resamples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_r_metap() {
        let log_p: Vec<f64> = [0.01f64, 0.2, 0.3].iter().map(|p| p.ln()).collect();
        let out = fisher_from_log_p(&log_p).unwrap();
        assert!((out.statistic - 14.83716180549625).abs() < 1e-12);
        assert!(((out.pvalue - 0.02156175132483465) / 0.02156175132483465).abs() < 1e-13);
    }

    #[test]
    fn fisher_keeps_p_below_the_double_range() {
        let out = fisher_from_log_p(&[-921.034_037_197_618_3, 0.0]).unwrap(); // 1e-400, 1
        assert!(out.log_pvalue.is_finite() && out.log_pvalue < -900.0);
    }

    #[test]
    fn fisher_rejects_bad_input() {
        assert!(fisher_from_log_p(&[]).is_err());
        assert!(fisher_from_log_p(&[f64::NAN]).is_err());
        assert!(fisher_from_log_p(&[0.1]).is_err());
    }
}
