//! Per-task tallies of paired scores laid end to end.
//!
//! The compare path holds the paired scores of every tested task in two
//! arrays (reference, candidate), one segment per task. [`segment_tallies`]
//! counts, in one pass, what its pairing checks and per-task statistics need:
//! how many scores are 0 or 1 and how many leave [0, 1] on each side (a task
//! is binary when all are 0 or 1; a 0/1 side against scores outside [0, 1]
//! means two different metrics), the pairs where either side is higher (b
//! and c of a binary task), and the ones on each side (its sums). A score
//! that is not finite stops the pass: the caller's general pairing explains it.

use crate::error::{Error, Result};

/// One segment's counts (see the module header).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SegmentTally {
    /// Reference scores that are 0 or 1.
    pub reference_binary: u64,
    /// Candidate scores that are 0 or 1.
    pub candidate_binary: u64,
    /// Reference scores below 0 or above 1.
    pub reference_outside: u64,
    /// Candidate scores below 0 or above 1.
    pub candidate_outside: u64,
    /// Pairs where the reference scored higher.
    pub reference_higher: u64,
    /// Pairs where the candidate scored higher.
    pub candidate_higher: u64,
    /// Reference scores equal to 1.
    pub reference_ones: u64,
    /// Candidate scores equal to 1.
    pub candidate_ones: u64,
}

/// The tally of every segment `bounds[i]..bounds[i + 1]` of the paired
/// `reference` and `candidate` scores; `Ok(None)` when a score in
/// `..bounds[last]` is not finite.
///
/// # Errors
/// [`Error::InvalidArgument`] when the slices differ in length, `bounds` is
/// empty, does not start at 0, descends, or ends past the scores.
pub fn segment_tallies(
    reference: &[f64],
    candidate: &[f64],
    bounds: &[usize],
) -> Result<Option<Vec<SegmentTally>>> {
    if reference.len() != candidate.len() {
        return Err(Error::InvalidArgument(format!(
            "reference and candidate scores differ in length ({} and {})",
            reference.len(),
            candidate.len()
        )));
    }
    let ordered = bounds.first() == Some(&0) && bounds.windows(2).all(|w| w[0] <= w[1]);
    if !ordered || bounds.last().is_some_and(|&end| end > reference.len()) {
        return Err(Error::InvalidArgument(format!(
            "segment bounds must ascend from 0 to at most {}, got {bounds:?}",
            reference.len()
        )));
    }
    let mut tallies = Vec::with_capacity(bounds.len() - 1);
    for segment in bounds.windows(2) {
        let mut tally = SegmentTally::default();
        for (&r, &c) in reference[segment[0]..segment[1]]
            .iter()
            .zip(&candidate[segment[0]..segment[1]])
        {
            if !(r.is_finite() && c.is_finite()) {
                return Ok(None);
            }
            tally.reference_binary += u64::from(r == 0.0 || r == 1.0);
            tally.candidate_binary += u64::from(c == 0.0 || c == 1.0);
            tally.reference_outside += u64::from(!(0.0..=1.0).contains(&r));
            tally.candidate_outside += u64::from(!(0.0..=1.0).contains(&c));
            tally.reference_higher += u64::from(r > c);
            tally.candidate_higher += u64::from(c > r);
            tally.reference_ones += u64::from(r == 1.0);
            tally.candidate_ones += u64::from(c == 1.0);
        }
        tallies.push(tally);
    }
    Ok(Some(tallies))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_segment_is_counted_on_its_own() {
        let reference = [1.0, 0.0, 1.0, 0.5, -0.0, 2.0, 1.0];
        let candidate = [0.0, 0.0, 1.0, 0.25, 1.0, 1.0, 1.0];
        let tallies = segment_tallies(&reference, &candidate, &[0, 3, 3, 6])
            .unwrap()
            .unwrap();
        assert_eq!(tallies.len(), 3);
        let first = SegmentTally {
            reference_binary: 3,
            candidate_binary: 3,
            reference_outside: 0,
            candidate_outside: 0,
            reference_higher: 1,
            candidate_higher: 0,
            reference_ones: 2,
            candidate_ones: 1,
        };
        assert_eq!(tallies[0], first);
        assert_eq!(tallies[1], SegmentTally::default());
        // 0.5 vs 0.25, -0.0 vs 1 (binary: -0.0 == 0), 2 vs 1 (outside).
        let third = SegmentTally {
            reference_binary: 1,
            candidate_binary: 2,
            reference_outside: 1,
            candidate_outside: 0,
            reference_higher: 2,
            candidate_higher: 1,
            reference_ones: 0,
            candidate_ones: 2,
        };
        assert_eq!(tallies[2], third);
    }

    #[test]
    fn a_score_that_is_not_finite_stops_the_pass_within_the_bounds_only() {
        let reference = [1.0, f64::NAN];
        let candidate = [0.0, 1.0];
        assert_eq!(
            segment_tallies(&reference, &candidate, &[0, 2]).unwrap(),
            None
        );
        assert!(
            segment_tallies(&reference, &candidate, &[0, 1])
                .unwrap()
                .is_some()
        );
        let infinite = [f64::INFINITY, 0.0];
        assert_eq!(
            segment_tallies(&candidate, &infinite, &[0, 2]).unwrap(),
            None
        );
    }

    #[test]
    fn malformed_bounds_and_lengths_are_refused() {
        let scores = [0.0, 1.0];
        for bounds in [&[][..], &[1, 2], &[0, 2, 1], &[0, 3]] {
            assert!(
                segment_tallies(&scores, &scores, bounds).is_err(),
                "{bounds:?}"
            );
        }
        assert!(segment_tallies(&scores, &scores[..1], &[0, 1]).is_err());
        assert_eq!(
            segment_tallies(&scores, &scores, &[0]).unwrap(),
            Some(Vec::new())
        );
    }
}
