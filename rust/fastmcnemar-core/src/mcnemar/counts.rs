//! The paired 2x2 table from two per-sample 0/1 slices.
//!
//! Inputs arrive as bytes (NumPy bools), 64-bit integers or doubles; every
//! element must be exactly 0 or 1 (NaN, 0.5 or 2 is refused with its index).
//! Long inputs are counted in fixed chunks in parallel, checking the
//! checkpoint between chunks.

use rayon::prelude::*;

use crate::control::Checkpoint;
use crate::error::{Error, Result, check_paired};

/// Elements per chunk: large enough to amortise scheduling, small enough
/// that Ctrl-C is noticed quickly.
const CHUNK: usize = 1 << 16;

/// The paired table of two models scored on the same samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PairedCounts {
    /// Samples both models got right (n11).
    pub both_correct: u64,
    /// Samples only the reference got right (n12 = b).
    pub b: u64,
    /// Samples only the candidate got right (n21 = c).
    pub c: u64,
    /// Samples both models got wrong (n22).
    pub both_wrong: u64,
}

impl PairedCounts {
    /// Total number of paired samples N.
    pub fn total(&self) -> u64 {
        self.both_correct + self.b + self.c + self.both_wrong
    }

    fn add(self, other: Self) -> Self {
        Self {
            both_correct: self.both_correct + other.both_correct,
            b: self.b + other.b,
            c: self.c + other.c,
            both_wrong: self.both_wrong + other.both_wrong,
        }
    }
}

/// An element type that can hold a binary outcome.
pub trait BinaryValue: Copy + Send + Sync {
    /// 0 or 1, or `None` when the value is anything else.
    fn as_bit(self) -> Option<u64>;
    /// The value, for error messages.
    fn for_message(self) -> f64;
}

impl BinaryValue for u8 {
    fn as_bit(self) -> Option<u64> {
        (self <= 1).then_some(u64::from(self))
    }
    fn for_message(self) -> f64 {
        f64::from(self)
    }
}

impl BinaryValue for i64 {
    fn as_bit(self) -> Option<u64> {
        match self {
            0 => Some(0),
            1 => Some(1),
            _ => None,
        }
    }
    fn for_message(self) -> f64 {
        self as f64
    }
}

impl BinaryValue for f64 {
    fn as_bit(self) -> Option<u64> {
        if self == 0.0 {
            Some(0)
        } else if self == 1.0 {
            Some(1)
        } else {
            None
        }
    }
    fn for_message(self) -> f64 {
        self
    }
}

/// Counts one chunk starting at global index `offset`.
fn count_chunk<T: BinaryValue>(
    reference: &[T],
    candidate: &[T],
    offset: usize,
) -> Result<PairedCounts> {
    let (mut sum_ref, mut sum_cand, mut sum_both) = (0u64, 0u64, 0u64);
    for (i, (&r, &c)) in reference.iter().zip(candidate).enumerate() {
        let r = r.as_bit().ok_or(Error::NonBinary {
            what: "reference",
            index: offset + i,
            value: r.for_message(),
        })?;
        let c = c.as_bit().ok_or(Error::NonBinary {
            what: "candidate",
            index: offset + i,
            value: c.for_message(),
        })?;
        sum_ref += r;
        sum_cand += c;
        sum_both += r & c;
    }
    let len = reference.len() as u64;
    Ok(PairedCounts {
        both_correct: sum_both,
        b: sum_ref - sum_both,
        c: sum_cand - sum_both,
        both_wrong: len + sum_both - sum_ref - sum_cand,
    })
}

/// The paired table of `reference` and `candidate` (1 = correct), which are
/// paired by position. Errors: empty input, unequal lengths, or any element
/// that is not exactly 0 or 1 (the first such index is reported).
pub fn paired_counts<T: BinaryValue>(
    reference: &[T],
    candidate: &[T],
    checkpoint: &dyn Checkpoint,
) -> Result<PairedCounts> {
    check_paired(reference.len(), candidate.len())?;
    if reference.len() <= CHUNK {
        return count_chunk(reference, candidate, 0);
    }
    // Chunk results are collected in order, so the first error reported is
    // the one with the lowest index, whatever thread found it.
    let parts: Vec<Result<PairedCounts>> = reference
        .par_chunks(CHUNK)
        .zip(candidate.par_chunks(CHUNK))
        .enumerate()
        .map(|(chunk, (r, c))| {
            checkpoint.check()?;
            count_chunk(r, c, chunk * CHUNK)
        })
        .collect();
    parts
        .into_iter()
        .try_fold(PairedCounts::default(), |acc, part| Ok(acc.add(part?)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn counts_every_cell() {
        let r = [1u8, 1, 0, 0, 1, 1];
        let c = [1u8, 0, 1, 0, 0, 1];
        let t = paired_counts(&r, &c, &NeverStop).unwrap();
        assert_eq!(
            t,
            PairedCounts {
                both_correct: 2,
                b: 2,
                c: 1,
                both_wrong: 1
            }
        );
        assert_eq!(t.total(), 6);
        let rf: Vec<f64> = r.iter().map(|&x| f64::from(x)).collect();
        let cf: Vec<f64> = c.iter().map(|&x| f64::from(x)).collect();
        assert_eq!(paired_counts(&rf, &cf, &NeverStop).unwrap(), t);
    }

    #[test]
    fn long_inputs_are_counted_in_parallel_chunks() {
        let n = 3 * CHUNK + 17;
        let r: Vec<i64> = (0..n).map(|i| i64::from(i % 3 == 0)).collect();
        let c: Vec<i64> = (0..n).map(|i| i64::from(i % 2 == 0)).collect();
        let t = paired_counts(&r, &c, &NeverStop).unwrap();
        let both = (0..n).filter(|i| i % 6 == 0).count() as u64;
        let only_r = (0..n).filter(|i| i % 3 == 0 && i % 2 != 0).count() as u64;
        let only_c = (0..n).filter(|i| i % 3 != 0 && i % 2 == 0).count() as u64;
        assert_eq!((t.both_correct, t.b, t.c), (both, only_r, only_c));
        assert_eq!(t.total(), n as u64);
    }

    #[test]
    fn the_first_bad_value_is_named_with_its_index() {
        let n = 2 * CHUNK + 5;
        let mut r = vec![0.0f64; n];
        let c = vec![1.0f64; n];
        r[CHUNK + 3] = 0.5;
        r[2 * CHUNK + 1] = f64::NAN;
        let err = paired_counts(&r, &c, &NeverStop).unwrap_err();
        assert_eq!(
            err,
            Error::NonBinary {
                what: "reference",
                index: CHUNK + 3,
                value: 0.5
            }
        );
        let err = paired_counts(&[1i64, 0], &[1i64, 2], &NeverStop).unwrap_err();
        assert!(err.to_string().contains("candidate at index 1: 2"), "{err}");
        let err = paired_counts(&[f64::NAN], &[1.0], &NeverStop).unwrap_err();
        assert!(
            err.to_string().contains("reference at index 0: NaN"),
            "{err}"
        );
    }

    #[test]
    fn empty_and_unequal_inputs_are_refused() {
        let empty: [u8; 0] = [];
        assert_eq!(
            paired_counts(&empty, &empty, &NeverStop),
            Err(Error::EmptyInput { what: "reference" })
        );
        let err = paired_counts(&[1u8, 0], &[1u8], &NeverStop).unwrap_err();
        assert!(matches!(
            err,
            Error::LengthMismatch {
                left_len: 2,
                right_len: 1,
                ..
            }
        ));
    }

    #[test]
    fn a_raised_flag_stops_long_counts() {
        struct Stop;
        impl Checkpoint for Stop {
            fn check(&self) -> Result<()> {
                Err(Error::Interrupted)
            }
        }
        let r = vec![0u8; 2 * CHUNK];
        assert_eq!(paired_counts(&r, &r, &Stop), Err(Error::Interrupted));
    }
}
