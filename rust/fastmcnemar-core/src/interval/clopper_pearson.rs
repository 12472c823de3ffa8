//! The exact Clopper-Pearson interval for q = b/(b + c).
//!
//! With k = b successes out of n = b + c, the lower limit is the p at which
//! P(X >= k | p) = alpha/2 and the upper limit the p at which
//! P(X <= k | p) = alpha/2 (0 when k = 0, 1 when k = n), found by bisection
//! to the last bit on the binomial tails (equivalently, beta quantiles).
//! With no discordant pairs q is undefined and the interval is [0, 1].

use rayon::prelude::*;

use super::Interval;
use super::root::boundary;
use crate::binomial::{cdf, sf};
use crate::control::Checkpoint;
use crate::error::{Result, check_level};
use crate::mcnemar::bulk::{Count, validate_counts};

/// Pairs per chunk in the bulk version (each pair costs ~100 tail evaluations).
const CHUNK: usize = 64;

fn limits(k: u64, n: u64, alpha: f64) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let tail = 0.5 * alpha;
    let low = if k == 0 {
        0.0
    } else {
        boundary(0.0, 1.0, |p| sf(n, k, p) < tail)
    };
    let high = if k == n {
        1.0
    } else {
        boundary(0.0, 1.0, |p| cdf(n, k, p) > tail)
    };
    Interval { low, high }
}

/// Clopper-Pearson interval at `level` for q = b/(b + c).
pub fn clopper_pearson(b: u64, c: u64, level: f64) -> Result<Interval> {
    let level = check_level("confidence_level", level)?;
    validate_counts(&[b], &[c])?;
    Ok(limits(b, b + c, 1.0 - level))
}

/// [`clopper_pearson`] for every pair `(b[i], c[i])`, in parallel chunks.
pub fn clopper_pearson_bulk<T: Count>(
    b: &[T],
    c: &[T],
    level: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let alpha = 1.0 - check_level("confidence_level", level)?;
    validate_counts(b, c)?;
    let mut low = vec![0.0; b.len()];
    let mut high = vec![0.0; b.len()];
    low.par_chunks_mut(CHUNK)
        .zip(high.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .try_for_each(|((low, high), (b, c))| {
            checkpoint.check()?;
            for (((&bi, &ci), lo), hi) in b.iter().zip(c).zip(low).zip(high) {
                let (k, other) = (bi.to_count().unwrap_or(0), ci.to_count().unwrap_or(0));
                let i = limits(k, k + other, alpha);
                (*lo, *hi) = (i.low, i.high);
            }
            Ok(())
        })?;
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn edge_cases_are_closed_form() {
        // k = 0: upper limit 1 - (alpha/2)^(1/n); k = n: lower limit (alpha/2)^(1/n).
        let i = clopper_pearson(0, 10, 0.95).unwrap();
        assert_eq!(i.low, 0.0);
        assert!((i.high - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-15, "{i:?}");
        let i = clopper_pearson(5, 0, 0.95).unwrap();
        assert_eq!(i.high, 1.0);
        assert!((i.low - 0.025f64.powf(0.2)).abs() < 1e-15, "{i:?}");
        assert_eq!(
            clopper_pearson(0, 0, 0.9).unwrap(),
            Interval {
                low: 0.0,
                high: 1.0
            }
        );
    }

    #[test]
    fn bulk_matches_single_and_checks_inputs() {
        let b = [0u64, 3, 10, 7];
        let c = [0u64, 5, 0, 7];
        let (lo, hi) = clopper_pearson_bulk(&b, &c, 0.9, &NeverStop).unwrap();
        for i in 0..b.len() {
            let one = clopper_pearson(b[i], c[i], 0.9).unwrap();
            assert_eq!((lo[i], hi[i]), (one.low, one.high));
        }
        assert!(clopper_pearson_bulk(&[1i64], &[-1i64], 0.9, &NeverStop).is_err());
        assert!(clopper_pearson(1, 1, 1.0).is_err());
    }
}
