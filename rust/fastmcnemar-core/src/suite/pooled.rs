//! Pooled test: sum b and c over tasks, one exact McNemar test on the sums.
//!
//! Given the n_i, the sum of independent Bin(n_i, 1/2) is Bin(sum n_i, 1/2),
//! so the pooled test is exact (it is the exact conditional CMH test with
//! tasks as strata). Each sample weighs the same, so big tasks dominate:
//! strongest when degradation is spread evenly.

use super::Alternative;
use super::tasks::{Counts, TestOutcome, task_pvalue};

/// Pooled exact test. Statistic: z = (B - C) / sqrt(B + C) on the sums
/// (0 when there are no flips at all).
pub fn pooled(counts: &Counts, alternative: Alternative) -> TestOutcome {
    let big_b: u64 = counts.b.iter().sum();
    let big_c: u64 = counts.c.iter().sum();
    let n = big_b + big_c;
    let statistic = if n == 0 {
        0.0
    } else {
        (big_b as f64 - big_c as f64) / (n as f64).sqrt()
    };
    let (pvalue, log_pvalue) = task_pvalue(big_b, big_c, alternative);
    TestOutcome {
        statistic,
        pvalue,
        log_pvalue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binomial::sf_half;

    #[test]
    fn pooled_is_the_exact_test_on_the_sums() {
        let counts = Counts::from_unsigned(&[30, 12, 41, 0], &[22, 13, 18, 0]);
        let out = pooled(&counts, Alternative::Greater);
        assert_eq!(out.pvalue, sf_half(136, 83));
        assert!((out.statistic - 30.0 / 136f64.sqrt()).abs() < 1e-15);
        let less = pooled(&counts, Alternative::Less);
        assert_eq!(less.pvalue, sf_half(136, 53));
        let none = pooled(&Counts::from_unsigned(&[0], &[0]), Alternative::Greater);
        assert_eq!((none.statistic, none.pvalue), (0.0, 1.0));
    }
}
