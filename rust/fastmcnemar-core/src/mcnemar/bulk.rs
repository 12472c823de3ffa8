//! McNemar p-values over whole arrays of discordant counts.
//!
//! The arrays are cut into fixed chunks that run in parallel on the current
//! rayon pool; the checkpoint is asked between chunks. Counts are validated
//! first (negative counts, b + c too large), so the error names the lowest
//! offending index.

use rayon::prelude::*;

use super::pvalue::{Direct, HalfTails, MAX_DISCORDANT, pvalue_from};
use super::rows::{MIN_USES, Row, SMALL_N_MAX, SmallRows};
use super::{Alternative, Method};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// Pairs per chunk.
const CHUNK: usize = 4096;

/// A count type arriving from NumPy.
pub trait Count: Copy + Send + Sync {
    /// The count, or `None` when it is negative.
    fn to_count(self) -> Option<u64>;
    /// The value as a signed number, for error messages.
    fn for_message(self) -> i64;
}

impl Count for u64 {
    fn to_count(self) -> Option<u64> {
        Some(self)
    }
    fn for_message(self) -> i64 {
        i64::try_from(self).unwrap_or(i64::MAX)
    }
}

impl Count for i64 {
    fn to_count(self) -> Option<u64> {
        u64::try_from(self).ok()
    }
    fn for_message(self) -> i64 {
        self
    }
}

/// Checks every pair: equal lengths, both counts >= 0 and b + c <= 2^53.
pub(crate) fn validate_counts<T: Count>(b: &[T], c: &[T]) -> Result<()> {
    if b.len() != c.len() {
        return Err(Error::LengthMismatch {
            left: "b",
            left_len: b.len(),
            right: "c",
            right_len: c.len(),
        });
    }
    for (index, (&bi, &ci)) in b.iter().zip(c).enumerate() {
        let Some(bu) = bi.to_count() else {
            return Err(Error::NegativeCount {
                what: "b",
                index,
                value: bi.for_message(),
            });
        };
        let Some(cu) = ci.to_count() else {
            return Err(Error::NegativeCount {
                what: "c",
                index,
                value: ci.for_message(),
            });
        };
        if bu.checked_add(cu).is_none_or(|n| n > MAX_DISCORDANT) {
            return Err(Error::InvalidArgument(format!(
                "b + c = {bu} + {cu} at index {index} exceeds the largest supported number \
                 of discordant pairs, 2^53"
            )));
        }
    }
    Ok(())
}

fn fill<T: Count>(
    tails: &impl HalfTails,
    b: &[T],
    c: &[T],
    alt: Alternative,
    method: Method,
    p: &mut [f64],
    ln_p: &mut [f64],
) {
    for (((&bi, &ci), p), ln_p) in b.iter().zip(c).zip(p).zip(ln_p) {
        // Validated: both counts are non-negative.
        let (bu, cu) = (bi.to_count().unwrap_or(0), ci.to_count().unwrap_or(0));
        let v = pvalue_from(tails, bu, cu, alt, method);
        *p = v.pvalue;
        *ln_p = v.ln_pvalue;
    }
}

/// p-values and log p-values of McNemar's test for every pair `(b[i], c[i])`.
/// Works for `u64` and `i64` counts (negative ones are an error naming the index).
///
/// Small inputs and the asymptotic method go pair by pair. Otherwise pairs
/// share rows of tails by n (see `super::rows`): pairs with n <= 1024 look
/// theirs up in input order, larger n are sorted by n and visited one row at
/// a time, and their results are put back in input order.
pub fn pvalues<T: Count>(
    b: &[T],
    c: &[T],
    alternative: Alternative,
    method: Method,
    checkpoint: &dyn Checkpoint,
) -> Result<(Vec<f64>, Vec<f64>)> {
    validate_counts(b, c)?;
    let mut p = vec![0.0; b.len()];
    let mut ln_p = vec![0.0; b.len()];
    if b.len() <= CHUNK {
        fill(&Direct, b, c, alternative, method, &mut p, &mut ln_p);
        return Ok((p, ln_p));
    }
    let count = |x: &T| x.to_count().unwrap_or(0);
    let n_of = |i: usize| count(&b[i]) + count(&c[i]);
    let grouped = method != Method::Asymptotic;
    let small = if grouped {
        SmallRows::for_counts((0..b.len()).map(n_of))
    } else {
        SmallRows::for_counts(std::iter::empty())
    };
    // Pass 1, input order: everything except the larger n of grouped methods.
    p.par_chunks_mut(CHUNK)
        .zip(ln_p.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .try_for_each(|((p, ln_p), (b, c))| {
            checkpoint.check()?;
            for (((&bi, &ci), p), ln_p) in b.iter().zip(c).zip(p).zip(ln_p) {
                let (bu, cu) = (count(&bi), count(&ci));
                if grouped && bu + cu > SMALL_N_MAX {
                    continue;
                }
                let v = pvalue_from(&small, bu, cu, alternative, method);
                (*p, *ln_p) = (v.pvalue, v.ln_pvalue);
            }
            Ok(())
        })?;
    if !grouped {
        return Ok((p, ln_p));
    }
    // Pass 2: the larger n, sorted by n so that each row is built once per chunk.
    let mut large: Vec<(u64, usize)> = (0..b.len())
        .map(|i| (n_of(i), i))
        .filter(|&(n, _)| n > SMALL_N_MAX)
        .collect();
    large.par_sort_unstable();
    let mut results = vec![(0.0, 0.0); large.len()];
    results
        .par_chunks_mut(CHUNK)
        .zip(large.par_chunks(CHUNK))
        .try_for_each(|(out, pairs)| {
            checkpoint.check()?;
            let mut row = Row::default();
            for (j, (slot, &(n, i))) in out.iter_mut().zip(pairs).enumerate() {
                let (bi, ci) = (count(&b[i]), count(&c[i]));
                if n != row.n() {
                    // Build a row when enough pairs of this n follow in this chunk.
                    let ahead = MIN_USES as usize - 1;
                    if pairs.get(j + ahead).is_some_and(|&(m, _)| m == n) {
                        let reach = pairs[j..]
                            .iter()
                            .take_while(|&&(m, _)| m == n)
                            .map(|&(_, i)| count(&b[i]).max(count(&c[i])))
                            .max()
                            .unwrap_or(n);
                        row.rebuild(n, reach);
                    }
                }
                let v = pvalue_from(&row, bi, ci, alternative, method);
                *slot = (v.pvalue, v.ln_pvalue);
            }
            Ok(())
        })?;
    for (&(_, i), &(pi, li)) in large.iter().zip(&results) {
        p[i] = pi;
        ln_p[i] = li;
    }
    Ok((p, ln_p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::mcnemar::pvalue;

    #[test]
    fn bulk_equals_one_at_a_time_across_chunks() {
        let n = 3 * CHUNK + 11;
        let b: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 61).collect();
        let c: Vec<u64> = (0..n as u64).map(|i| (i * 104_729) % 53).collect();
        for alt in [
            Alternative::Greater,
            Alternative::Less,
            Alternative::TwoSided,
        ] {
            for m in [Method::Exact, Method::MidP, Method::Asymptotic] {
                let (p, ln_p) = pvalues(&b, &c, alt, m, &NeverStop).unwrap();
                // Shared rows may differ from one-at-a-time tails in the last bits only.
                for i in (0..n).step_by(7) {
                    let one = pvalue(b[i], c[i], alt, m).unwrap();
                    assert!((p[i] - one.pvalue).abs() <= 3e-13 * one.pvalue, "{i}");
                    let tol = 3e-13 * one.ln_pvalue.abs() + 1e-15;
                    assert!((ln_p[i] - one.ln_pvalue).abs() <= tol, "{i}");
                }
            }
        }
    }

    #[test]
    fn bulk_equals_one_at_a_time_for_large_shared_n() {
        // n from ~1900 to ~2450, each repeated many times, plus a few huge ones.
        let n = 2 * CHUNK + 5;
        let mut b: Vec<u64> = (0..n as u64).map(|i| 1000 + (i * 7919) % 300).collect();
        let mut c: Vec<u64> = (0..n as u64).map(|i| 900 + (i * 104_729) % 250).collect();
        b[17] = 1 << 40;
        c[17] = (1 << 40) - 5_000_000;
        b[18] = 3;
        c[18] = 5000;
        for alt in [
            Alternative::Greater,
            Alternative::Less,
            Alternative::TwoSided,
        ] {
            for m in [Method::Exact, Method::MidP] {
                let (p, ln_p) = pvalues(&b, &c, alt, m, &NeverStop).unwrap();
                for i in (0..n).step_by(5).chain([17, 18]) {
                    let one = pvalue(b[i], c[i], alt, m).unwrap();
                    assert!((p[i] - one.pvalue).abs() <= 3e-13 * one.pvalue, "{i}");
                    let tol = 3e-13 * one.ln_pvalue.abs() + 1e-15;
                    assert!((ln_p[i] - one.ln_pvalue).abs() <= tol, "{i}");
                }
            }
        }
    }

    #[test]
    fn negative_counts_are_named_with_their_index() {
        let err = pvalues(
            &[3i64, 4, 5],
            &[1i64, -2, 0],
            Alternative::Greater,
            Method::Exact,
            &NeverStop,
        )
        .unwrap_err();
        assert_eq!(
            err,
            Error::NegativeCount {
                what: "c",
                index: 1,
                value: -2
            }
        );
        let err = pvalues(
            &[-1i64],
            &[0i64],
            Alternative::Less,
            Method::MidP,
            &NeverStop,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("negative count in b at index 0: -1"),
            "{err}"
        );
    }

    #[test]
    fn mismatched_lengths_and_overflow_are_refused() {
        let err = pvalues(
            &[1u64, 2],
            &[1u64],
            Alternative::Greater,
            Method::Exact,
            &NeverStop,
        )
        .unwrap_err();
        assert!(matches!(err, Error::LengthMismatch { .. }));
        let err = pvalues(
            &[1u64, u64::MAX],
            &[1u64, 1],
            Alternative::Greater,
            Method::Exact,
            &NeverStop,
        )
        .unwrap_err();
        assert!(err.to_string().contains("index 1"), "{err}");
    }

    #[test]
    fn empty_arrays_give_empty_results() {
        let empty: [u64; 0] = [];
        let (p, ln_p) = pvalues(
            &empty,
            &empty,
            Alternative::Greater,
            Method::Exact,
            &NeverStop,
        )
        .unwrap();
        assert!(p.is_empty() && ln_p.is_empty());
    }
}
