//! One entry point by method name, for one candidate or many at once.
//!
//! `aggregate_many` runs independent candidates (rows of a candidates x tasks
//! matrix) in parallel (a single row on the calling thread); Monte Carlo seeds are derived per row from the seed,
//! so every row's answer is the same whatever the thread count.

use rand::Rng;
use rayon::prelude::*;

use super::Alternative;
use super::cauchy::cauchy;
use super::combined::{CombinedRule, NullMode, combined, fisher_with, max_drop_with};
use super::hmp::hmp;
use super::pooled::pooled;
use super::stouffer::stouffer;
use super::tasks::{Counts, TestOutcome, task_tails};
use crate::control::Checkpoint;
use crate::error::{Error, Result, check_count_lengths, check_level};
use crate::rng;

/// Which global test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Pooled,
    MaxDrop,
    Fisher,
    Stouffer,
    Cauchy,
    Hmp,
    Combined,
}

/// Everything besides the counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub method: Method,
    pub alternative: Alternative,
    pub alpha: f64,
    pub rule: CombinedRule,
    pub max_drop: NullMode,
    pub fisher: NullMode,
    /// Per-task weights for Stouffer, Cauchy and HMP (default equal).
    pub weights: Option<Vec<f64>>,
}

/// A suite verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Aggregate {
    pub outcome: TestOutcome,
    pub rejected: bool,
    /// The false-alarm rate guaranteed (alpha; up to 3 alpha for the "any" rule).
    pub level: f64,
    /// Component results (combined method only).
    pub components: Vec<(&'static str, TestOutcome)>,
    /// Exact per-task p-values (plain and log) in the alternative's direction.
    pub task_pvalues: Vec<f64>,
    pub task_log_pvalues: Vec<f64>,
}

/// A second, unrelated seed for the Fisher Monte Carlo of the combined rule.
fn derived_seed(seed: u64, tag: u64) -> u64 {
    rng::stream(seed, tag).next_u64()
}

/// Runs the chosen test on one candidate's counts.
pub fn aggregate(
    counts: &Counts,
    options: &Options,
    checkpoint: &dyn Checkpoint,
) -> Result<Aggregate> {
    check_level("alpha", options.alpha)?;
    if let Some(w) = &options.weights {
        super::tasks::check_weights(Some(w), counts.len())?;
    }
    let alt = options.alternative;
    let weights = options.weights.as_deref();
    let tails = task_tails(counts, alt);
    let task_p: Vec<f64> = tails.iter().map(|t| t.p).collect();
    let task_lp: Vec<f64> = tails.iter().map(|t| t.ln_p).collect();
    let single = |outcome: TestOutcome| Aggregate {
        rejected: outcome.pvalue <= options.alpha,
        outcome,
        level: options.alpha,
        components: Vec::new(),
        task_pvalues: task_p.clone(),
        task_log_pvalues: task_lp.clone(),
    };
    Ok(match options.method {
        Method::Pooled => single(pooled(counts, alt)),
        Method::MaxDrop => single(max_drop_with(counts, alt, options.max_drop, checkpoint)?),
        Method::Fisher => single(fisher_with(
            counts,
            alt,
            &tails,
            options.fisher,
            checkpoint,
        )?),
        Method::Stouffer => single(stouffer(counts, &tails, weights)?),
        Method::Cauchy => single(cauchy(counts, &tails, weights)?),
        Method::Hmp => single(hmp(counts, &tails, weights)?),
        Method::Combined => {
            let fisher_mode = match options.fisher {
                NullMode::MonteCarlo { n_resamples, seed } => NullMode::MonteCarlo {
                    n_resamples,
                    seed: derived_seed(seed, u64::MAX),
                },
                exact => exact,
            };
            let out = combined(
                counts,
                alt,
                &tails,
                options.alpha,
                options.rule,
                options.max_drop,
                fisher_mode,
                checkpoint,
            )?;
            Aggregate {
                outcome: out.outcome,
                rejected: out.rejected,
                level: out.level,
                components: out.components,
                task_pvalues: task_p,
                task_log_pvalues: task_lp,
            }
        }
    })
}

/// Runs the chosen test on every row of row-major `b` and `c`
/// (n_rows x n_tasks), rows in parallel.
pub fn aggregate_many(
    b: &[i64],
    c: &[i64],
    n_tasks: usize,
    options: &Options,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Aggregate>> {
    check_count_lengths(b, c)?;
    if n_tasks == 0 || b.is_empty() {
        return Err(Error::EmptyInput { what: "b" });
    }
    if b.len() % n_tasks != 0 {
        return Err(Error::InvalidArgument(format!(
            "{} counts do not make whole rows of {n_tasks} tasks",
            b.len()
        )));
    }
    let reseed = |mode: NullMode, row: usize| match mode {
        NullMode::MonteCarlo { n_resamples, seed } => NullMode::MonteCarlo {
            n_resamples,
            seed: derived_seed(seed, row as u64),
        },
        exact => exact,
    };
    let one = |(row, (rb, rc)): (usize, (&[i64], &[i64]))| {
        checkpoint.check()?;
        let counts = Counts::new(rb, rc).map_err(|e| in_row(e, row, n_tasks))?;
        let mut row_options = options.clone();
        row_options.max_drop = reseed(options.max_drop, row);
        row_options.fisher = reseed(options.fisher, row);
        aggregate(&counts, &row_options, checkpoint)
    };
    if b.len() == n_tasks {
        // One candidate (a compare): on the calling thread, without touching rayon.
        return Ok(vec![one((0, (b, c)))?]);
    }
    b.par_chunks(n_tasks)
        .zip(c.par_chunks(n_tasks))
        .enumerate()
        .map(one)
        .collect()
}

impl Options {
    /// Whether a null distribution is resampled (Monte Carlo runs on rayon's threads).
    pub fn resamples(&self) -> bool {
        [self.max_drop, self.fisher]
            .iter()
            .any(|mode| matches!(mode, NullMode::MonteCarlo { .. }))
    }
}

/// Reports a count error with its flat (row-major) index.
fn in_row(error: Error, row: usize, n_tasks: usize) -> Error {
    match error {
        Error::NegativeCount { what, index, value } => Error::NegativeCount {
            what,
            index: row * n_tasks + index,
            value,
        },
        other => other,
    }
}
