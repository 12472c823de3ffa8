//! What every suite test starts from: checked counts, the direction of the
//! alternative, and the exact one-sided (or two-sided) p-value of each task.

use crate::binomial::{ln_pmf_half, ln_sf_half, sf_half};
use crate::error::{Error, Result, check_count_lengths};

/// Largest per-task count accepted: keeps the exact lattice comparisons of
/// Max-Drop (products d^2 n) inside 128-bit integers.
pub const MAX_COUNT: u64 = 1 << 40;

/// Which departure from "no change" the test looks for: the same choice as
/// the sign-flip tests'. `Greater` (the default) means the candidate is
/// worse, b > c; two-sided per-task p-values are 2 x the smaller tail.
pub use crate::resample::permutation::Alternative;

/// A test's answer: statistic, p-value and its natural log (which stays
/// finite where the p-value underflows).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TestOutcome {
    pub statistic: f64,
    pub pvalue: f64,
    pub log_pvalue: f64,
}

impl TestOutcome {
    /// An outcome from a log p-value, computing the plain one from it.
    pub fn from_log(statistic: f64, log_pvalue: f64) -> Self {
        let log_pvalue = log_pvalue.min(0.0);
        Self {
            statistic,
            pvalue: log_pvalue.exp(),
            log_pvalue,
        }
    }
}

/// Per-task counts after validation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counts {
    pub b: Vec<u64>,
    pub c: Vec<u64>,
}

impl Counts {
    /// Checks the counts (same length, not empty, non-negative, not huge).
    pub fn new(b: &[i64], c: &[i64]) -> Result<Self> {
        check_count_lengths(b, c)?;
        if b.is_empty() {
            return Err(Error::EmptyInput { what: "b" });
        }
        Ok(Self {
            b: check_counts("b", b)?,
            c: check_counts("c", c)?,
        })
    }

    /// Counts already known to be valid (internal and test use).
    pub fn from_unsigned(b: &[u64], c: &[u64]) -> Self {
        Self {
            b: b.to_vec(),
            c: c.to_vec(),
        }
    }

    /// Number of tasks (including those without flips).
    pub fn len(&self) -> usize {
        self.b.len()
    }

    /// True when there are no tasks.
    pub fn is_empty(&self) -> bool {
        self.b.is_empty()
    }

    /// Indices of the tasks with at least one flip.
    pub fn informative(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.b[i] + self.c[i] > 0)
            .collect()
    }

    /// (b, c) oriented so that "larger first count" is the alternative's
    /// direction: swapped for `Less`.
    pub fn oriented(&self, i: usize, alternative: Alternative) -> (u64, u64) {
        match alternative {
            Alternative::Less => (self.c[i], self.b[i]),
            _ => (self.b[i], self.c[i]),
        }
    }
}

fn check_counts(what: &'static str, values: &[i64]) -> Result<Vec<u64>> {
    values
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            if value < 0 {
                Err(Error::NegativeCount { what, index, value })
            } else if value as u64 > MAX_COUNT {
                Err(Error::InvalidArgument(format!(
                    "{what}[{index}] = {value} exceeds the largest supported count 2^40"
                )))
            } else {
                Ok(value as u64)
            }
        })
        .collect()
}

/// Exact p-value of one task, plain and log: P(X >= b) for `Greater`,
/// P(X <= b) for `Less`, min(1, 2 min of both) for `TwoSided`,
/// X ~ Bin(b + c, 1/2). A task without flips has p = 1.
pub fn task_pvalue(b: u64, c: u64, alternative: Alternative) -> (f64, f64) {
    let n = b + c;
    match alternative {
        Alternative::Greater => (sf_half(n, b), ln_sf_half(n, b)),
        Alternative::Less => (sf_half(n, c), ln_sf_half(n, c)),
        Alternative::TwoSided => {
            let k = b.max(c);
            // P(X >= max(b, c)) is the smaller tail; doubled, capped at 1.
            let ln_p = (std::f64::consts::LN_2 + ln_sf_half(n, k)).min(0.0);
            let p = (2.0 * sf_half(n, k)).min(1.0);
            (p, ln_p)
        }
    }
}

/// The tail quantities every combination needs for one task, computed with
/// a single binomial tail: the exact p-value (plain and log) and the log
/// mid-p value P(X > k) + P(X = k)/2 = p - pmf/2 (never exactly 1, which
/// Stouffer and Cauchy need: their quantile transforms send p = 1 to minus
/// infinity). `TwoSided` doubles both, capped at 1; when b = c its mid-p is
/// 1 - P(X = n/2)/2.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskTail {
    pub p: f64,
    pub ln_p: f64,
    pub ln_midp: f64,
}

/// [`TaskTail`] of one task.
pub fn task_tail(b: u64, c: u64, alternative: Alternative) -> TaskTail {
    let n = b + c;
    let k = match alternative {
        Alternative::Greater => b,
        Alternative::Less => c,
        Alternative::TwoSided => b.max(c),
    };
    let tail = sf_half(n, k);
    // ln of an accurate tail is accurate; below the double range use logs.
    let ln_tail = if tail > 1e-300 {
        tail.ln()
    } else {
        ln_sf_half(n, k)
    };
    // p - pmf/2 >= p/2: no cancellation beyond one bit.
    let ln_mid_tail = ln_tail + (-0.5 * (ln_pmf_half(n, k) - ln_tail).exp()).ln_1p();
    if alternative == Alternative::TwoSided && 2 * k == n {
        // b = c: the two-sided mid-p is P(X != n/2) + P(X = n/2)/2 (the
        // doubled one-sided form would say exactly 1).
        TaskTail {
            p: 1.0,
            ln_p: 0.0,
            ln_midp: (-0.5 * ln_pmf_half(n, k).exp()).ln_1p(),
        }
    } else if alternative == Alternative::TwoSided {
        TaskTail {
            p: (2.0 * tail).min(1.0),
            ln_p: (std::f64::consts::LN_2 + ln_tail).min(0.0),
            ln_midp: (std::f64::consts::LN_2 + ln_mid_tail).min(0.0),
        }
    } else {
        TaskTail {
            p: tail,
            ln_p: ln_tail,
            ln_midp: ln_mid_tail,
        }
    }
}

/// [`TaskTail`] of every task (tasks without flips have p = 1).
pub fn task_tails(counts: &Counts, alternative: Alternative) -> Vec<TaskTail> {
    (0..counts.len())
        .map(|i| task_tail(counts.b[i], counts.c[i], alternative))
        .collect()
}

/// Checks a vector of p-values given in log space (for the combination
/// functions): not empty, no NaN, all <= 0.
pub fn check_log_pvalues(log_p: &[f64]) -> Result<()> {
    if log_p.is_empty() {
        return Err(Error::EmptyInput { what: "pvalues" });
    }
    for (index, &value) in log_p.iter().enumerate() {
        if value.is_nan() {
            return Err(Error::NonFinite {
                what: "pvalues",
                index,
                value,
            });
        }
        if value > 0.0 {
            return Err(Error::InvalidArgument(format!(
                "pvalues[{index}] = {} is greater than 1",
                value.exp()
            )));
        }
    }
    Ok(())
}

/// The tasks with flips and positive weight, as (log p-values picked from
/// their tails by `ln_p`, their weights); `None` when there are none.
/// Weights (one per task) are checked and default to 1.
pub fn weighted_informative(
    counts: &Counts,
    tails: &[TaskTail],
    weights: Option<&[f64]>,
    ln_p: impl Fn(&TaskTail) -> f64,
) -> Result<Option<(Vec<f64>, Vec<f64>)>> {
    let w = check_weights(weights, counts.len())?;
    let used: Vec<usize> = counts
        .informative()
        .into_iter()
        .filter(|&i| w[i] > 0.0)
        .collect();
    if used.is_empty() {
        return Ok(None);
    }
    let log_p = used.iter().map(|&i| ln_p(&tails[i])).collect();
    let wu = used.iter().map(|&i| w[i]).collect();
    Ok(Some((log_p, wu)))
}

/// Checks optional weights against `len` values: finite, >= 0, not all zero.
pub fn check_weights(weights: Option<&[f64]>, len: usize) -> Result<Vec<f64>> {
    let Some(w) = weights else {
        return Ok(vec![1.0; len]);
    };
    if w.len() != len {
        return Err(Error::LengthMismatch {
            left: "weights",
            left_len: w.len(),
            right: "tasks",
            right_len: len,
        });
    }
    for (index, &value) in w.iter().enumerate() {
        if !value.is_finite() {
            return Err(Error::NonFinite {
                what: "weights",
                index,
                value,
            });
        }
        if value < 0.0 {
            return Err(Error::InvalidArgument(format!(
                "weights[{index}] = {value} is negative; weights must be >= 0"
            )));
        }
    }
    if w.iter().all(|&v| v == 0.0) {
        return Err(Error::InvalidArgument("weights are all zero".into()));
    }
    Ok(w.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_checked() {
        assert!(matches!(
            Counts::new(&[1, 2], &[1]),
            Err(Error::LengthMismatch { .. })
        ));
        assert!(matches!(
            Counts::new(&[], &[]),
            Err(Error::EmptyInput { .. })
        ));
        assert_eq!(
            Counts::new(&[1, 2], &[3, -4]),
            Err(Error::NegativeCount {
                what: "c",
                index: 1,
                value: -4
            })
        );
        let counts = Counts::new(&[0, 3], &[0, 1]).unwrap();
        assert_eq!(counts.informative(), vec![1]);
        assert_eq!(counts.oriented(1, Alternative::Less), (1, 3));
    }

    #[test]
    fn task_tail_matches_direct_tails() {
        use crate::binomial::pmf_half;
        for (b, c) in [
            (7u64, 3u64),
            (3, 7),
            (0, 5),
            (5, 0),
            (4, 4),
            (900, 700),
            (2000, 0),
        ] {
            let n = b + c;
            let g = task_tail(b, c, Alternative::Greater);
            assert_eq!(g.p, sf_half(n, b));
            let mid = sf_half(n, b) - 0.5 * pmf_half(n, b);
            if mid > 1e-300 {
                assert!((g.ln_midp - mid.ln()).abs() < 1e-13 * mid.ln().abs().max(1.0));
            }
            let l = task_tail(b, c, Alternative::Less);
            assert_eq!(l, task_tail(c, b, Alternative::Greater));
            let t = task_tail(b, c, Alternative::TwoSided);
            assert_eq!(t.p, (2.0 * sf_half(n, b.max(c))).min(1.0));
        }
        let tie = task_tail(4, 4, Alternative::TwoSided);
        assert_eq!(tie.p, 1.0);
        assert!((tie.ln_midp - (1.0 - 0.5 * pmf_half(8, 4)).ln()).abs() < 1e-15);
        let huge = task_tail(2000, 0, Alternative::Greater);
        assert!((huge.ln_p - (-2000.0 * 2f64.ln())).abs() < 1e-9);
    }
}
