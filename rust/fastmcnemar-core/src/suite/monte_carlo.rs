//! Seeded Monte Carlo over the per-task binomial nulls, shared by Max-Drop
//! and Fisher.
//!
//! Replicates are cut into chunks of a fixed size; chunk `j` draws from
//! `rng::stream(seed, j)`, so a seed gives the same count on any number of
//! threads. Each replicate draws b_i* ~ Bin(n_i, 1/2) for every task.

use rand_distr::{Binomial, Distribution};
use rayon::prelude::*;

use crate::control::Checkpoint;
use crate::error::{Error, Result};
use crate::rng;

use super::tasks::TestOutcome;

/// Replicates per chunk (fixed: part of what a seed means).
pub const CHUNK: u64 = 2048;

/// Default number of Monte Carlo replicates.
pub const DEFAULT_RESAMPLES: u64 = 9_999;

/// Counts replicates for which `extreme(draws)` holds, drawing each task's
/// b* from Bin(n_i, 1/2). Returns the count.
pub fn count_extreme<F>(
    n: &[u64],
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
    extreme: F,
) -> Result<u64>
where
    F: Fn(&[u64]) -> bool + Sync,
{
    if n_resamples == 0 {
        return Err(Error::InvalidArgument(
            "n_resamples must be at least 1".into(),
        ));
    }
    let laws: Vec<Binomial> = n
        .iter()
        .map(|&ni| {
            Binomial::new(ni, 0.5)
                .map_err(|e| Error::InvalidArgument(format!("binomial law n = {ni}: {e}")))
        })
        .collect::<Result<_>>()?;
    let n_chunks = n_resamples.div_ceil(CHUNK);
    let counts: Vec<u64> = (0..n_chunks)
        .into_par_iter()
        .map(|chunk| -> Result<u64> {
            checkpoint.check()?;
            let mut stream = rng::stream(seed, chunk);
            let size = CHUNK.min(n_resamples - chunk * CHUNK);
            let mut draws = vec![0u64; laws.len()];
            let mut hits = 0u64;
            for _ in 0..size {
                for (slot, law) in draws.iter_mut().zip(&laws) {
                    *slot = law.sample(&mut stream);
                }
                if extreme(&draws) {
                    hits += 1;
                }
            }
            Ok(hits)
        })
        .collect::<Result<_>>()?;
    Ok(counts.iter().sum())
}

/// The Monte Carlo p-value (1 + hits) / (1 + n_resamples), itself a valid
/// p-value, with its log.
pub fn mc_outcome(statistic: f64, hits: u64, n_resamples: u64) -> TestOutcome {
    let (num, den) = ((1 + hits) as f64, (1 + n_resamples) as f64);
    TestOutcome {
        statistic,
        pvalue: num / den,
        log_pvalue: num.ln() - den.ln(),
    }
}
