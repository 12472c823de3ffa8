//! McNemar p-values over whole arrays of discordant counts.
//!
//! The arrays are cut into fixed chunks that run in parallel on the current
//! rayon pool; the checkpoint is asked between chunks. Counts are validated
//! first (negative counts, b + c too large), so the error names the lowest
//! offending index.

use rayon::prelude::*;

use super::pvalue::{MAX_DISCORDANT, pvalue_unchecked};
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
        let v = pvalue_unchecked(bu, cu, alt, method);
        *p = v.pvalue;
        *ln_p = v.ln_pvalue;
    }
}

/// p-values and log p-values of McNemar's test for every pair `(b[i], c[i])`.
/// Works for `u64` and `i64` counts (negative ones are an error naming the index).
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
        fill(b, c, alternative, method, &mut p, &mut ln_p);
        return Ok((p, ln_p));
    }
    p.par_chunks_mut(CHUNK)
        .zip(ln_p.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .try_for_each(|((p, ln_p), (b, c))| {
            checkpoint.check()?;
            fill(b, c, alternative, method, p, ln_p);
            Ok(())
        })?;
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
                for i in (0..n).step_by(97) {
                    let one = pvalue(b[i], c[i], alt, m).unwrap();
                    assert_eq!(p[i].to_bits(), one.pvalue.to_bits());
                    assert_eq!(ln_p[i].to_bits(), one.ln_pvalue.to_bits());
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
