//! Planning and non-inferiority over many inputs at once.
//!
//! An audit asks the same few questions for every (candidate, task): the
//! Tango non-inferiority test and interval for (b, c, n), the minimum
//! detectable drop for (n, flip rate), the sample size for (flip rate,
//! margin) and the largest tolerable flip rate for (n, margin). Each answer
//! here is the scalar function's answer, bit for bit: every element goes
//! through the same code path ([`super::sample_size`], [`super::noninferiority`],
//! [`crate::interval::tango`]), so nothing is approximated for speed.
//!
//! The speed comes from two things. Repeated inputs are computed once
//! (many tasks share n, and every task whose flip rate is below the margin
//! plans at the margin), and the distinct inputs are spread over rayon's
//! threads, except for batches below [`SERIAL_BELOW`] elements (a compare's
//! few dozen tasks), which run on the calling thread: they take about a
//! millisecond, less than waking the pool's threads costs on a busy machine,
//! and never touch rayon (so the glue can run them inline). The result does not depend on the thread count: each distinct
//! input is computed independently, and when several fail the error reported
//! is the one of the first failing element in input order, prefixed with its
//! index.

use std::collections::HashMap;
use std::hash::Hash;

use rayon::prelude::*;

use crate::control::Checkpoint;
use crate::error::{Error, Result, check_level};
use crate::interval::tango;
use crate::special::normal::norm_isf;

use super::noninferiority::{self, NonInferiority};
use super::power::Alternative;
use super::sample_size::{self, SampleSize};

/// Distinct inputs handed to one rayon task (the searches take 10 us - 10 ms
/// each, so small chunks keep both cores busy without much overhead).
const CHUNK: usize = 4;

/// Batches with fewer elements than this run serially on the calling thread
/// and never touch rayon (see the module header; `verdict_columns` also asks
/// that every search be short, [`super::verdict_columns::runs_serially`]).
pub const SERIAL_BELOW: usize = 64;

/// `(a(), b())`: serially on the calling thread, or in parallel.
pub(crate) fn join_or_serial<RA, RB>(
    serial: bool,
    a: impl FnOnce() -> RA + Send,
    b: impl FnOnce() -> RB + Send,
) -> (RA, RB)
where
    RA: Send,
    RB: Send,
{
    if serial {
        (a(), b())
    } else {
        rayon::join(a, b)
    }
}

/// `f` of every key, computed once per distinct key, in parallel (serially
/// below [`SERIAL_BELOW`] keys).
///
/// Errors name the index of the first element (in input order) whose key
/// fails; `Interrupted` from the checkpoint passes through unchanged.
pub(crate) fn memoised<K, V, F>(keys: &[K], checkpoint: &dyn Checkpoint, f: F) -> Result<Vec<V>>
where
    K: Copy + Eq + Hash + Send + Sync,
    V: Copy + Send,
    F: Fn(K) -> Result<V> + Sync,
{
    memoised_rows(keys, |i| i, keys.len() < SERIAL_BELOW, checkpoint, f)
}

/// [`memoised`] for keys that are a subset of some rows: errors name
/// `row_of(i)`, the row the i-th key came from; `serial`: on the calling thread.
pub(crate) fn memoised_rows<K, V, F>(
    keys: &[K],
    row_of: impl Fn(usize) -> usize,
    serial: bool,
    checkpoint: &dyn Checkpoint,
    f: F,
) -> Result<Vec<V>>
where
    K: Copy + Eq + Hash + Send + Sync,
    V: Copy + Send,
    F: Fn(K) -> Result<V> + Sync,
{
    // Distinct keys in order of first appearance, and each element's slot.
    let mut slot_of: HashMap<K, usize> = HashMap::with_capacity(keys.len().min(1 << 16));
    let mut distinct: Vec<(K, usize)> = Vec::new();
    let mut slots: Vec<usize> = Vec::with_capacity(keys.len());
    for (index, &key) in keys.iter().enumerate() {
        let slot = *slot_of.entry(key).or_insert_with(|| {
            distinct.push((key, index));
            distinct.len() - 1
        });
        slots.push(slot);
    }
    let answer = |&(key, _): &(K, usize)| {
        checkpoint.check()?;
        f(key)
    };
    let answers: Vec<Result<V>> = if serial {
        distinct.iter().map(answer).collect()
    } else {
        distinct
            .par_iter()
            .with_min_len(CHUNK)
            .map(answer)
            .collect()
    };
    let mut values = Vec::with_capacity(answers.len());
    for (answer, &(_, first_index)) in answers.into_iter().zip(&distinct) {
        values.push(answer.map_err(|e| at_index(e, row_of(first_index)))?);
    }
    Ok(slots.into_iter().map(|s| values[s]).collect())
}

/// Names the element an argument error came from.
fn at_index(error: Error, index: usize) -> Error {
    match error {
        Error::InvalidArgument(message) => {
            Error::InvalidArgument(format!("element {index}: {message}"))
        }
        other => other,
    }
}

/// Checks that per-element inputs pair up.
pub(crate) fn check_lengths(columns: &[(&'static str, usize)]) -> Result<usize> {
    let (first, len) = columns[0];
    for &(name, other) in &columns[1..] {
        if other != len {
            return Err(Error::LengthMismatch {
                left: first,
                left_len: len,
                right: name,
                right_len: other,
            });
        }
    }
    Ok(len)
}

/// [`sample_size::sample_size`] for every (flip rate, delta) pair.
pub fn sample_size_many(
    flip_rate: &[f64],
    delta: &[f64],
    alpha: f64,
    power: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<SampleSize>> {
    check_lengths(&[("flip_rate", flip_rate.len()), ("delta", delta.len())])?;
    check_level("alpha", alpha)?;
    check_level("power", power)?;
    let keys: Vec<(u64, u64)> = flip_rate
        .iter()
        .zip(delta)
        .map(|(p, d)| (p.to_bits(), d.to_bits()))
        .collect();
    memoised(&keys, checkpoint, |(p, d)| {
        sample_size::sample_size(
            f64::from_bits(p),
            f64::from_bits(d),
            alpha,
            power,
            alternative,
            checkpoint,
        )
    })
}

/// [`sample_size::minimum_detectable_delta`] for every (n, flip rate) pair.
pub fn minimum_detectable_delta_many(
    n: &[u64],
    flip_rate: &[f64],
    alpha: f64,
    power: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Option<f64>>> {
    check_lengths(&[("n", n.len()), ("flip_rate", flip_rate.len())])?;
    check_level("alpha", alpha)?;
    check_level("power", power)?;
    let keys: Vec<(u64, u64)> = n
        .iter()
        .zip(flip_rate)
        .map(|(&n, p)| (n, p.to_bits()))
        .collect();
    memoised(&keys, checkpoint, |(n, p)| {
        sample_size::minimum_detectable_delta(
            n,
            f64::from_bits(p),
            alpha,
            power,
            alternative,
            checkpoint,
        )
    })
}

/// [`sample_size::maximum_flip_rate`] for every (n, delta) pair.
pub fn maximum_flip_rate_many(
    n: &[u64],
    delta: &[f64],
    alpha: f64,
    power: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Option<f64>>> {
    check_lengths(&[("n", n.len()), ("delta", delta.len())])?;
    check_level("alpha", alpha)?;
    check_level("power", power)?;
    let keys: Vec<(u64, u64)> = n
        .iter()
        .zip(delta)
        .map(|(&n, d)| (n, d.to_bits()))
        .collect();
    memoised(&keys, checkpoint, |(n, d)| {
        sample_size::maximum_flip_rate(n, f64::from_bits(d), alpha, power, checkpoint)
    })
}

/// [`noninferiority::noninferiority`] (Tango's score test with its
/// (1 - 2 alpha) interval) for every (b, c, n).
pub fn noninferiority_many(
    b: &[u64],
    c: &[u64],
    n: &[u64],
    margin: f64,
    alpha: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<NonInferiority>> {
    check_lengths(&[("b", b.len()), ("c", c.len()), ("n", n.len())])?;
    check_level("alpha", alpha)?;
    let keys: Vec<(u64, u64, u64)> = (0..b.len()).map(|i| (b[i], c[i], n[i])).collect();
    memoised(&keys, checkpoint, |(b, c, n)| {
        noninferiority::noninferiority(b, c, n, margin, alpha)
    })
}

/// Tango's two-sided interval on delta = (b - c)/n at `confidence` for every
/// (b, c, n): what `McNemarResult.confidence_interval()` returns by default.
pub fn tango_intervals(
    b: &[u64],
    c: &[u64],
    n: &[u64],
    confidence: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<(f64, f64)>> {
    check_lengths(&[("b", b.len()), ("c", c.len()), ("n", n.len())])?;
    let confidence = check_level("confidence_level", confidence)?;
    // The same critical value as `interval::paired_difference`.
    let z = norm_isf(0.5 * (1.0 - confidence));
    let keys: Vec<(u64, u64, u64)> = (0..b.len()).map(|i| (b[i], c[i], n[i])).collect();
    memoised(&keys, checkpoint, |(b, c, n)| {
        if n == 0 {
            return Err(Error::InvalidArgument(
                "n must be at least 1 (an empty paired table has no interval)".into(),
            ));
        }
        if b.checked_add(c).is_none_or(|d| d > n) {
            return Err(Error::InvalidArgument(format!(
                "b + c = {b} + {c} exceeds n = {n}: discordant pairs are a subset of the pairs"
            )));
        }
        let interval = tango::interval(b, c, n, z);
        Ok((interval.low, interval.high))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::interval::{DifferenceMethod, paired_difference};
    use crate::mcnemar::PairedCounts;
    use crate::rng::{StreamRng, stream, uniform01};

    /// A whole number in [lo, hi).
    fn below(rng: &mut StreamRng, lo: u64, hi: u64) -> u64 {
        lo + ((hi - lo) as f64 * uniform01(rng)) as u64
    }

    #[test]
    fn many_equals_the_scalar_function_element_by_element() {
        let mut rng = stream(11, 0);
        let n: Vec<u64> = (0..300).map(|_| below(&mut rng, 1, 3000)).collect();
        // Repeats on purpose: the memo must hand each element its own answer.
        let rates: Vec<f64> = (0..300)
            .map(|i| {
                if i % 3 == 0 {
                    0.05
                } else {
                    0.001 + 0.999 * uniform01(&mut rng)
                }
            })
            .collect();
        let got =
            minimum_detectable_delta_many(&n, &rates, 0.05, 0.8, Alternative::Greater, &NeverStop)
                .unwrap();
        for i in 0..n.len() {
            let want = sample_size::minimum_detectable_delta(
                n[i],
                rates[i],
                0.05,
                0.8,
                Alternative::Greater,
                &NeverStop,
            )
            .unwrap();
            assert_eq!(got[i].map(f64::to_bits), want.map(f64::to_bits), "i={i}");
        }
        let margin = vec![0.02; n.len()];
        let got = maximum_flip_rate_many(&n, &margin, 0.05, 0.8, &NeverStop).unwrap();
        for i in 0..n.len() {
            let want = sample_size::maximum_flip_rate(n[i], 0.02, 0.05, 0.8, &NeverStop).unwrap();
            assert_eq!(got[i].map(f64::to_bits), want.map(f64::to_bits), "i={i}");
        }
        let plan: Vec<f64> = rates.iter().map(|r| r.max(0.05)).collect();
        let deltas = vec![0.05; n.len()];
        let got =
            sample_size_many(&plan, &deltas, 0.05, 0.8, Alternative::Greater, &NeverStop).unwrap();
        for i in 0..n.len() {
            let want = sample_size::sample_size(
                plan[i],
                0.05,
                0.05,
                0.8,
                Alternative::Greater,
                &NeverStop,
            )
            .unwrap();
            assert_eq!(got[i], want, "i={i}");
        }
    }

    #[test]
    fn noninferiority_and_intervals_equal_the_scalar_functions() {
        let mut rng = stream(12, 0);
        let mut b = Vec::new();
        let mut c = Vec::new();
        let mut n = Vec::new();
        for _ in 0..500 {
            let total = below(&mut rng, 1, 2000);
            let bi = below(&mut rng, 0, total + 1);
            let ci = below(&mut rng, 0, total - bi + 1);
            b.push(bi);
            c.push(ci);
            n.push(total);
        }
        let tests = noninferiority_many(&b, &c, &n, 0.03, 0.05, &NeverStop).unwrap();
        let intervals = tango_intervals(&b, &c, &n, 0.9, &NeverStop).unwrap();
        for i in 0..b.len() {
            let want = noninferiority::noninferiority(b[i], c[i], n[i], 0.03, 0.05).unwrap();
            assert_eq!(tests[i], want);
            let table = PairedCounts {
                both_correct: n[i] - b[i] - c[i],
                b: b[i],
                c: c[i],
                both_wrong: 0,
            };
            let want = paired_difference(table, 0.9, DifferenceMethod::Tango).unwrap();
            assert_eq!(intervals[i], (want.low, want.high), "i={i}");
        }
    }

    #[test]
    fn the_first_failing_element_is_named() {
        let err = minimum_detectable_delta_many(
            &[10, 0, 0],
            &[0.5, 0.5, 0.7],
            0.05,
            0.8,
            Alternative::Greater,
            &NeverStop,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("element 1: n must be at least 1"), "{err}");
        let err = tango_intervals(&[1, 5], &[1, 6], &[10, 10], 0.95, &NeverStop)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("element 1: b + c"), "{err}");
        let err = noninferiority_many(&[1], &[1, 2], &[5], 0.1, 0.05, &NeverStop).unwrap_err();
        assert!(matches!(err, Error::LengthMismatch { .. }));
        let err = sample_size_many(&[0.1], &[0.05], 0.05, 1.0, Alternative::Greater, &NeverStop)
            .unwrap_err();
        assert!(matches!(err, Error::InvalidLevel { what: "power", .. }));
    }

    #[test]
    fn empty_inputs_give_empty_answers() {
        assert!(
            tango_intervals(&[], &[], &[], 0.95, &NeverStop)
                .unwrap()
                .is_empty()
        );
        assert!(
            maximum_flip_rate_many(&[], &[], 0.05, 0.8, &NeverStop)
                .unwrap()
                .is_empty()
        );
    }
}
