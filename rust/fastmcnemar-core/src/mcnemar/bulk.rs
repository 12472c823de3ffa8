//! McNemar p-values over whole arrays of discordant counts.
//!
//! The arrays are cut into fixed chunks that run in parallel on the current
//! rayon pool; the checkpoint is asked between chunks. Counts are validated
//! first (negative counts, b + c too large), so the error names the lowest
//! offending index.

use rayon::prelude::*;

use super::pvalue::{Direct, HalfTails, MAX_DISCORDANT, PValue, exact_upper_direct, pvalue_from};
use super::rows::{DIRECT_STEPS, Row, SMALL_N_MAX, SmallRows, Stretch};
use super::{Alternative, Method};
use crate::control::Checkpoint;
use crate::error::{Error, Result, check_count_lengths};

/// Pairs per chunk.
const CHUNK: usize = 4096;
/// Fewest pairs sharing an n > 1024 that are grouped by n (fewer go direct:
/// grouping, choosing a stretch and scattering back cost about a third of a
/// direct evaluation per pair; `examples/bulk_timing.rs`: 32 beat 2 and 100
/// on the large-n and audit cases).
const SHARED_MIN: f64 = 32.0;

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
    check_count_lengths(b, c)?;
    for (index, (&bi, &ci)) in b.iter().zip(c).enumerate() {
        check_pair(index, bi, ci)?;
    }
    Ok(())
}

/// The pair at `index` as counts: both >= 0 and b + c <= 2^53, else the error naming it.
fn check_pair<T: Count>(index: usize, bi: T, ci: T) -> Result<(u64, u64)> {
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
    Ok((bu, cu))
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
/// with n <= 1024 are looked up in input order (exact: the binomial module's
/// table; mid-p: rows shared by n, see `super::rows`). Larger n are counted:
/// pairs whose n is rare (see `SharedN`) are evaluated directly in input
/// order; the others are grouped by n and visited one n at a time, served
/// by the stretch of its row that costs less than evaluating its pairs
/// directly (or directly), their results put back in input order.
pub fn pvalues<T: Count>(
    b: &[T],
    c: &[T],
    alternative: Alternative,
    method: Method,
    checkpoint: &dyn Checkpoint,
) -> Result<(Vec<f64>, Vec<f64>)> {
    check_count_lengths(b, c)?;
    if b.len() <= CHUNK {
        // Small: on the calling thread, without touching a thread pool.
        validate_counts(b, c)?;
        let (mut p, mut ln_p) = (vec![0.0; b.len()], vec![0.0; b.len()]);
        fill(&Direct, b, c, alternative, method, &mut p, &mut ln_p);
        return Ok((p, ln_p));
    }
    let mut p = zeros(b.len());
    let mut ln_p = zeros(b.len());
    let out = Outputs {
        p: &mut p,
        ln_p: &mut ln_p,
    };
    let (alt, m) = (alternative, method);
    let direct = |b, c| pvalue_from(&Direct, b, c, alt, m);
    // Pass 1 evaluates every pair but those with a frequent large n.
    let shared = (method != Method::Asymptotic).then(|| SharedN::count(b, c));
    let grouped =
        |n: u64| n > SMALL_N_MAX && shared.as_ref().is_some_and(|shared| shared.may_share(n));
    let mut large = match (method, alternative) {
        (Method::Asymptotic, _) => fill_small(&direct, &grouped, b, c, out, checkpoint)?,
        // The common case gets a loop without per-pair dispatch (same values).
        (Method::Exact, Alternative::Greater) => {
            let greater = |b, c| exact_upper_direct(b, c);
            fill_small(&greater, &grouped, b, c, out, checkpoint)?
        }
        (Method::Exact, Alternative::Less) => {
            let less = |b, c| exact_upper_direct(c, b);
            fill_small(&less, &grouped, b, c, out, checkpoint)?
        }
        (Method::Exact, Alternative::TwoSided) => {
            fill_small(&direct, &grouped, b, c, out, checkpoint)?
        }
        (Method::MidP, _) => {
            // The rows are sized from the counts before pass 1 checks them.
            validate_counts(b, c)?;
            let small = SmallRows::for_counts(b.iter().zip(c).map(|(&b, &c)| count(b) + count(c)));
            let from_rows = |b, c| pvalue_from(&small, b, c, alt, m);
            fill_small(&from_rows, &grouped, b, c, out, checkpoint)?
        }
    };
    if large.iter().all(Vec::is_empty) {
        return Ok((p, ln_p));
    }
    // Pass 2: the frequent large n, grouped by n so that each row is built once per chunk.
    let grouped = group_by_n(&mut large);
    let mut results = zeros(grouped.len());
    results
        .par_chunks_mut(CHUNK)
        .zip(grouped.par_chunks(CHUNK))
        .try_for_each(|(out, pairs)| {
            checkpoint.check()?;
            // Only mid-p reads the pmf.
            let mut row = Row::new(method == Method::MidP);
            let mut largest = Vec::new();
            for j in 0..pairs.len() {
                let (n, b) = (pairs[j].n, pairs[j].b);
                if n != row.n() && (j == 0 || pairs[j - 1].n != n) {
                    // A new n: build the stretch of its row that pays (if any).
                    largest.clear();
                    largest.extend(
                        pairs[j..]
                            .iter()
                            .take_while(|next| next.n == n)
                            .map(|next| next.b.max(n - next.b)),
                    );
                    if let Some((first, last)) = Stretch::choose(n, &mut largest) {
                        row.rebuild(n, first, last);
                    }
                }
                let v = pvalue_from(&row, b, n - b, alternative, method);
                out[j] = (v.pvalue, v.ln_pvalue);
            }
            Ok(())
        })?;
    // Pass 3, in input order and in parallel chunks: fetch those results.
    p.par_chunks_mut(CHUNK)
        .zip(ln_p.par_chunks_mut(CHUNK))
        .zip(&large)
        .for_each(|((p, ln_p), skipped)| {
            for pair in skipped {
                (p[pair.offset], ln_p[pair.offset]) = results[pair.slot];
            }
        });
    Ok((p, ln_p))
}

/// The statistic q = b/(b + c) (NaN where b + c = 0) and n = b + c of
/// every pair, in parallel chunks, with the same checks (and errors) as [`pvalues`].
pub fn statistics<T: Count>(
    b: &[T],
    c: &[T],
    checkpoint: &dyn Checkpoint,
) -> Result<(Vec<f64>, Vec<i64>)> {
    check_count_lengths(b, c)?;
    let (mut q, mut n) = if b.len() <= CHUNK {
        // Small: on the calling thread, without touching a thread pool.
        (vec![0.0; b.len()], vec![0; b.len()])
    } else {
        (zeros(b.len()), zeros(b.len()))
    };
    if b.len() <= CHUNK {
        statistics_chunk(0, b, c, &mut q, &mut n)?;
        return Ok((q, n));
    }
    let chunks: Vec<Result<()>> = q
        .par_chunks_mut(CHUNK)
        .zip(n.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .enumerate()
        .map(|(chunk, ((q, n), (b, c)))| {
            checkpoint.check()?;
            statistics_chunk(chunk * CHUNK, b, c, q, n)
        })
        .collect();
    chunks.into_iter().collect::<Result<()>>()?;
    Ok((q, n))
}

/// [`statistics`] of the pairs from index `start` on, into `q` and `n`.
fn statistics_chunk<T: Count>(
    start: usize,
    b: &[T],
    c: &[T],
    q: &mut [f64],
    n: &mut [i64],
) -> Result<()> {
    let pairs = b.iter().zip(c).zip(q.iter_mut().zip(n));
    for (j, ((&bi, &ci), (q, n))) in pairs.enumerate() {
        let (bu, cu) = check_pair(start + j, bi, ci)?;
        // Exact in a double and in i64: b + c <= 2^53. 0/0 is NaN.
        let total = bu + cu;
        *q = bu as f64 / total as f64;
        *n = total as i64;
    }
    Ok(())
}

/// `len` zeros written by the pool's threads: each touches its own pages
/// first, in parallel (a plain zeroed allocation is often cleared, and its
/// pages faulted in, on one thread).
fn zeros<T: Default + Send>(len: usize) -> Vec<T> {
    let mut v = Vec::with_capacity(len);
    (0..len)
        .into_par_iter()
        .with_min_len(CHUNK)
        .map(|_| T::default())
        .collect_into_vec(&mut v);
    v
}

/// A validated count as `u64` (validation has refused negative ones).
fn count<T: Count>(x: T) -> u64 {
    x.to_count().unwrap_or(0)
}

/// The output arrays of a bulk call.
struct Outputs<'a> {
    p: &'a mut [f64],
    ln_p: &'a mut [f64],
}

/// A pair pass 1 left for the grouped pass: n = b + c, b, its offset in its
/// chunk, and (once grouped) its slot in the grouped list.
#[derive(Clone, Copy)]
struct LargePair {
    n: u64,
    b: u64,
    offset: usize,
    slot: usize,
}

/// A pair in the grouped pass (kept small: they are scattered into place).
#[derive(Clone, Copy, Default)]
struct GroupedPair {
    n: u64,
    b: u64,
}

/// Pass 1, in input order and in parallel chunks: checks every pair and
/// computes those with `grouped(n)` false by `value(b, c)`. Returns the
/// others, chunk by chunk in input order, or the error of the lowest
/// offending index.
fn fill_small<T: Count>(
    value: &(impl Fn(u64, u64) -> PValue + Sync),
    grouped: &(impl Fn(u64) -> bool + Sync),
    b: &[T],
    c: &[T],
    out: Outputs<'_>,
    checkpoint: &dyn Checkpoint,
) -> Result<Vec<Vec<LargePair>>> {
    let chunks: Vec<Result<Vec<LargePair>>> = out
        .p
        .par_chunks_mut(CHUNK)
        .zip(out.ln_p.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .enumerate()
        .map(|(chunk, ((p, ln_p), (b, c)))| {
            checkpoint.check()?;
            let mut skipped = Vec::new();
            let pairs = b.iter().zip(c).zip(p.iter_mut().zip(ln_p));
            for (j, ((&bi, &ci), (p, ln_p))) in pairs.enumerate() {
                let (bu, cu) = check_pair(chunk * CHUNK + j, bi, ci)?;
                if grouped(bu + cu) {
                    if skipped.capacity() == 0 {
                        // At most the rest of the chunk: one allocation, never regrown.
                        skipped.reserve_exact(b.len() - j);
                    }
                    skipped.push(LargePair {
                        n: bu + cu,
                        b: bu,
                        offset: j,
                        slot: 0,
                    });
                    continue;
                }
                let v = value(bu, cu);
                (*p, *ln_p) = (v.pvalue, v.ln_pvalue);
            }
            Ok(skipped)
        })
        .collect();
    // Chunks stop at their first bad pair: the first error in chunk order is the lowest.
    chunks.into_iter().collect()
}

/// How many pairs of a bulk call have each large n (saturating), to send
/// only the pairs whose n is frequent enough to the grouped pass. Counts are
/// kept for n modulo [`SharedN::SLOTS`]: a larger n may share a count with
/// another, which can only send its pairs to the grouped pass (where
/// [`Stretch::choose`] decides per n), never change a result's method
/// unpredictably (the counts depend on the input alone, not on threads).
struct SharedN {
    counts: Vec<u8>,
}

impl SharedN {
    const SLOTS: usize = 1 << 20;

    /// Counts the n > [`SMALL_N_MAX`] of the valid pairs (pass 1 reports
    /// the others): a few pieces of the input counted in parallel, then
    /// summed (saturating sums do not depend on how the input was cut).
    fn count<T: Count>(b: &[T], c: &[T]) -> SharedN {
        let pieces = rayon::current_num_threads().clamp(1, MAX_PIECES);
        let per_piece = b.len().div_ceil(pieces).max(CHUNK);
        let mut partial: Vec<Vec<u8>> = b
            .par_chunks(per_piece)
            .zip(c.par_chunks(per_piece))
            .map(|(b, c)| Self::count_piece(b, c))
            .collect();
        let mut counts = partial.swap_remove(0);
        counts
            .par_chunks_mut(CHUNK)
            .enumerate()
            .for_each(|(block, out)| {
                for other in &partial {
                    let theirs = &other[block * CHUNK..][..out.len()];
                    for (slot, &more) in out.iter_mut().zip(theirs) {
                        *slot = slot.saturating_add(more);
                    }
                }
            });
        SharedN { counts }
    }

    /// The saturating counts of one piece of the input.
    fn count_piece<T: Count>(b: &[T], c: &[T]) -> Vec<u8> {
        let mut counts = vec![0u8; Self::SLOTS];
        for (&bi, &ci) in b.iter().zip(c) {
            let n = match (bi.to_count(), ci.to_count()) {
                (Some(bu), Some(cu)) => bu.wrapping_add(cu),
                _ => continue,
            };
            // Without a branch: small n (most pairs of an audit) add 0 to a slot
            // that is in cache anyway.
            let slot = &mut counts[n as usize % Self::SLOTS];
            *slot = slot.saturating_add(u8::from(n > SMALL_N_MAX));
        }
        counts
    }

    /// Whether the pairs with this n may be enough to pay for a row and for
    /// being grouped: at least [`SHARED_MIN`], and at least 4 sqrt(n) /
    /// [`DIRECT_STEPS`] (a row walks at least the pairs' spread, about a
    /// standard deviation sqrt(n)/2 either side of the mean of b); counts
    /// saturate at 255, where the grouped pass decides.
    fn may_share(&self, n: u64) -> bool {
        let count = f64::from(self.counts[n as usize % Self::SLOTS]);
        // The cheap test first: most large n are rare.
        count >= SHARED_MIN && count >= (4.0 * (n as f64).sqrt() / DIRECT_STEPS as f64).min(255.0)
    }
}

/// Most pieces the input is cut into for the parallel counts of
/// [`SharedN::count`] and [`group_by_n`] (each piece holds a table of its own).
const MAX_PIECES: usize = 4;

/// The pairs (given chunk by chunk) ordered by n, ties in input order, each
/// pair's `slot` set to its place: a counting sort when the n span a range
/// not much longer than the list (in parallel pieces when the span is at most
/// the list's length, so the pieces' tables stay small), else a parallel
/// sort. The order is the same for any number of threads.
fn group_by_n(chunks: &mut [Vec<LargePair>]) -> Vec<GroupedPair> {
    let (lo, hi, len) = chunks
        .par_iter()
        .map(|pairs| {
            pairs
                .iter()
                .fold((u64::MAX, 0, 0usize), |(lo, hi, len), p| {
                    (lo.min(p.n), hi.max(p.n), len + 1)
                })
        })
        .reduce(
            || (u64::MAX, 0, 0),
            |(lo1, hi1, len1), (lo2, hi2, len2)| (lo1.min(lo2), hi1.max(hi2), len1 + len2),
        );
    let span = hi.saturating_sub(lo);
    let mut grouped = zeros::<GroupedPair>(len);
    if span > 4 * len as u64 + 4096 {
        let mut order: Vec<(u64, usize, usize)> = chunks
            .iter()
            .enumerate()
            .flat_map(|(chunk, pairs)| (0..pairs.len()).map(move |j| (chunk, j)))
            .map(|(chunk, j)| (chunks[chunk][j].n, chunk, j))
            .collect();
        // (n, chunk, j) are distinct: ties in n stay in input order.
        order.par_sort_unstable();
        for (slot, &(_, chunk, j)) in order.iter().enumerate() {
            let pair = &mut chunks[chunk][j];
            pair.slot = slot;
            grouped[slot] = GroupedPair {
                n: pair.n,
                b: pair.b,
            };
        }
        return grouped;
    }
    // Here n - lo <= span, a small number.
    let slots = span as usize + 1;
    let pieces = if span <= len as u64 {
        rayon::current_num_threads().clamp(1, MAX_PIECES)
    } else {
        1
    };
    let per_piece = chunks.len().div_ceil(pieces).max(1);
    // Each piece's count of every n, then (below) the slot where its first pair of that n goes.
    let mut next: Vec<Vec<usize>> = chunks
        .par_chunks(per_piece)
        .map(|piece| {
            let mut counts = vec![0usize; slots];
            for p in piece.iter().flatten() {
                counts[(p.n - lo) as usize] += 1;
            }
            counts
        })
        .collect();
    // Slots of n are taken piece after piece, each n after the smaller ones.
    let mut start = 0;
    for s in 0..slots {
        for piece in &mut next {
            let count = piece[s];
            piece[s] = start;
            start += count;
        }
    }
    let out = Scatter(grouped.as_mut_ptr());
    chunks
        .par_chunks_mut(per_piece)
        .zip(&mut next)
        .for_each(|(piece, next)| {
            for pair in piece.iter_mut().flatten() {
                let slot = &mut next[(pair.n - lo) as usize];
                pair.slot = *slot;
                // SAFETY: every pair gets its own slot below `len` (the pieces' ranges of
                // each n are disjoint and together hold that n's pairs exactly).
                unsafe {
                    out.put(
                        *slot,
                        GroupedPair {
                            n: pair.n,
                            b: pair.b,
                        },
                    )
                };
                *slot += 1;
            }
        });
    grouped
}

/// The grouped list, written by several threads at slots that never coincide.
struct Scatter(*mut GroupedPair);

// SAFETY: the threads write to distinct slots of a list that outlives them.
unsafe impl Sync for Scatter {}

impl Scatter {
    /// Writes `pair` at `slot`.
    ///
    /// # Safety
    /// `slot` is inside the list and no other thread writes it.
    unsafe fn put(&self, slot: usize, pair: GroupedPair) {
        // SAFETY: the caller's promise.
        unsafe { self.0.add(slot).write(pair) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;
    use crate::mcnemar::pvalue;

    const ALTERNATIVES: [Alternative; 3] = [
        Alternative::Greater,
        Alternative::Less,
        Alternative::TwoSided,
    ];

    /// The bulk p-values of `(b, c)` against one-at-a-time ones at `rows`: shared
    /// rows may differ from one-at-a-time tails in the last bits only.
    fn assert_bulk_equals_one_at_a_time(
        b: &[u64],
        c: &[u64],
        alt: Alternative,
        m: Method,
        rows: impl Iterator<Item = usize>,
    ) {
        let (p, ln_p) = pvalues(b, c, alt, m, &NeverStop).unwrap();
        for i in rows {
            let one = pvalue(b[i], c[i], alt, m).unwrap();
            assert!((p[i] - one.pvalue).abs() <= 3e-13 * one.pvalue, "{i}");
            let tol = 3e-13 * one.ln_pvalue.abs() + 1e-15;
            assert!((ln_p[i] - one.ln_pvalue).abs() <= tol, "{i}");
        }
    }

    #[test]
    fn bulk_equals_one_at_a_time_across_chunks() {
        let n = 3 * CHUNK + 11;
        let b: Vec<u64> = (0..n as u64).map(|i| (i * 7919) % 61).collect();
        let c: Vec<u64> = (0..n as u64).map(|i| (i * 104_729) % 53).collect();
        for alt in ALTERNATIVES {
            for m in [Method::Exact, Method::MidP, Method::Asymptotic] {
                assert_bulk_equals_one_at_a_time(&b, &c, alt, m, (0..n).step_by(7));
            }
        }
    }

    #[test]
    fn bulk_equals_one_at_a_time_for_large_shared_n() {
        // n from ~1900 to ~2450, each repeated many times, plus a few huge ones.
        let n = 2 * CHUNK + 5;
        let mut b: Vec<u64> = (0..n as u64).map(|i| 1000 + (i * 7919) % 300).collect();
        let mut c: Vec<u64> = (0..n as u64).map(|i| 900 + (i * 104_729) % 250).collect();
        b[18] = 3;
        c[18] = 5000;
        // Without the huge pair the n span a short range (grouped by counting
        // sort), with it a long one (grouped by a comparison sort).
        let (b_narrow, c_narrow) = (b.clone(), c.clone());
        b[17] = 1 << 40;
        c[17] = (1 << 40) - 5_000_000;
        for alt in ALTERNATIVES {
            for m in [Method::Exact, Method::MidP] {
                assert_bulk_equals_one_at_a_time(&b_narrow, &c_narrow, alt, m, (0..n).step_by(5));
                assert_bulk_equals_one_at_a_time(&b, &c, alt, m, (0..n).step_by(5).chain([17, 18]));
            }
        }
    }

    #[test]
    fn bulk_equals_one_at_a_time_when_some_large_n_are_frequent() {
        // Three frequent n (one huge, so the grouped pass sorts a wide span)
        // among rare ones: the frequent go through rows, the rare direct.
        let len = 3 * CHUNK;
        let mut rng = crate::rng::stream(9, 0);
        let (mut b, mut c) = (Vec::new(), Vec::new());
        for i in 0..len {
            let u = crate::rng::uniform01(&mut rng);
            let n = match i % 4 {
                0 => 1500,
                1 => 20_000,
                2 if i % 16 == 2 => (1 << 40) + 1,
                _ => 1025 + (u * 98_000.0) as u64,
            };
            let sd = (n as f64).sqrt() / 2.0;
            let shift = (3.0 * sd * crate::rng::uniform01(&mut rng)) as u64;
            let bi = n / 2 + shift;
            b.push(bi);
            c.push(n - bi);
        }
        let shared = SharedN::count(&b, &c);
        assert!(shared.may_share(1500) && shared.may_share(20_000));
        assert!(shared.may_share((1 << 40) + 1));
        for alt in ALTERNATIVES {
            for m in [Method::Exact, Method::MidP] {
                assert_bulk_equals_one_at_a_time(&b, &c, alt, m, (0..len).step_by(3));
            }
        }
    }

    #[test]
    fn bulk_equals_one_at_a_time_for_sparse_large_n() {
        // n spread over 10^3 .. 10^5 with a few pairs each, b up to 5% above
        // n/2: most pairs go direct, some share a stretch of a row.
        let len = 3 * CHUNK;
        let mut rng = crate::rng::stream(5, 0);
        let (mut b, mut c) = (Vec::new(), Vec::new());
        for _ in 0..len {
            let u = crate::rng::uniform01(&mut rng);
            let n = (1e3 * 100f64.powf(u)) as u64;
            let shift = (0.05 * n as f64 * crate::rng::uniform01(&mut rng)) as u64;
            let bi = (n / 2 + shift).min(n);
            b.push(bi);
            c.push(n - bi);
        }
        for alt in ALTERNATIVES {
            for m in [Method::Exact, Method::MidP] {
                assert_bulk_equals_one_at_a_time(&b, &c, alt, m, 0..len);
            }
        }
    }

    /// Frequent large n (a narrow span, grouped in parallel pieces), and the same
    /// with a huge n (a wide span, sorted): one input order inside every n.
    fn frequent_n_counts(huge: bool) -> (Vec<u64>, Vec<u64>) {
        let len = 5 * CHUNK + 77;
        let mut rng = crate::rng::stream(17, 0);
        let (mut b, mut c) = (Vec::new(), Vec::new());
        for i in 0..len {
            let n = match i % 3 {
                0 => 2000 + (i % 5) as u64,
                1 if huge && i % 300 == 1 => (1 << 45) + 3,
                _ => 1025 + (crate::rng::uniform01(&mut rng) * 3000.0) as u64,
            };
            let bi = n / 2 + (crate::rng::uniform01(&mut rng) * (n as f64).sqrt()) as u64;
            b.push(bi);
            c.push(n - bi);
        }
        (b, c)
    }

    /// `work` on a pool of `threads` threads.
    fn on_threads<R: Send>(threads: usize, work: impl FnOnce() -> R + Send) -> R {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(work)
    }

    #[test]
    fn results_do_not_depend_on_the_number_of_threads() {
        for huge in [false, true] {
            let (b, c) = frequent_n_counts(huge);
            for m in [Method::Exact, Method::MidP] {
                let on = |threads: usize| {
                    on_threads(threads, || {
                        pvalues(&b, &c, Alternative::TwoSided, m, &NeverStop)
                    })
                    .unwrap()
                };
                let one = on(1);
                for threads in [2, 3, 5] {
                    let (p, ln_p) = on(threads);
                    // Bit for bit.
                    assert!(
                        p.iter()
                            .zip(&one.0)
                            .all(|(x, y)| x.to_bits() == y.to_bits())
                    );
                    assert!(
                        ln_p.iter()
                            .zip(&one.1)
                            .all(|(x, y)| x.to_bits() == y.to_bits())
                    );
                }
            }
        }
    }

    #[test]
    fn grouping_orders_by_n_then_input_order_in_any_number_of_pieces() {
        for huge in [false, true] {
            let (b, c) = frequent_n_counts(huge);
            let pairs: Vec<LargePair> = b
                .iter()
                .zip(&c)
                .enumerate()
                .map(|(i, (&b, &c))| LargePair {
                    n: b + c,
                    b,
                    offset: i,
                    slot: usize::MAX,
                })
                .collect();
            let mut want: Vec<(u64, usize)> = pairs.iter().map(|p| (p.n, p.offset)).collect();
            want.sort_unstable();
            for threads in [1, 2, 4, 7] {
                let mut chunks: Vec<Vec<LargePair>> =
                    pairs.chunks(1000).map(<[LargePair]>::to_vec).collect();
                let grouped = on_threads(threads, || group_by_n(&mut chunks));
                let mut got = vec![(0, 0); pairs.len()];
                for pair in chunks.iter().flatten() {
                    assert_eq!(
                        (grouped[pair.slot].n, grouped[pair.slot].b),
                        (pair.n, pair.b)
                    );
                    got[pair.slot] = (pair.n, pair.offset);
                }
                assert_eq!(got, want, "{threads} threads, huge n: {huge}");
            }
        }
    }

    #[test]
    fn shared_counts_saturate_the_same_in_any_number_of_pieces() {
        // n = 5000 every 40th pair (310 of them, spread over every piece: the
        // sum saturates at 255), n = 3000 every 300th (42), small n not counted.
        let b: Vec<u64> = (0..3 * CHUNK + 100)
            .map(|i| match i {
                i if i % 40 == 0 => 2500,
                i if i % 300 == 1 => 1500,
                _ => 10,
            })
            .collect();
        let c = b.clone();
        for threads in [1, 2, 3, 4] {
            let shared = on_threads(threads, || SharedN::count(&b, &c));
            assert_eq!(shared.counts[5000], 255);
            assert_eq!(shared.counts[3000], 42);
            assert_eq!(shared.counts[20], 0);
            assert_eq!(
                shared.counts.iter().map(|&x| usize::from(x)).sum::<usize>(),
                297
            );
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
    fn the_lowest_bad_index_is_named_across_chunks() {
        // Bad pairs in the third and the second chunk (pass 1 checks chunks in parallel).
        let mut b = vec![5i64; 3 * CHUNK];
        let mut c = vec![2000i64; 3 * CHUNK];
        b[2 * CHUNK + 7] = -4;
        c[CHUNK + 3] = -9;
        for m in [Method::Exact, Method::MidP, Method::Asymptotic] {
            let err = pvalues(&b, &c, Alternative::Greater, m, &NeverStop).unwrap_err();
            assert_eq!(
                err,
                Error::NegativeCount {
                    what: "c",
                    index: CHUNK + 3,
                    value: -9
                }
            );
        }
        let mut b = vec![5u64; 2 * CHUNK];
        b[CHUNK + 1] = 1 << 53;
        let err = pvalues(&b, &b, Alternative::Less, Method::Exact, &NeverStop).unwrap_err();
        assert!(
            err.to_string().contains(&format!("index {}", CHUNK + 1)),
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
    fn statistics_are_the_share_of_b_and_the_total() {
        let b: Vec<i64> = (0..2 * CHUNK as i64 + 3).map(|i| i % 7).collect();
        let c: Vec<i64> = (0..2 * CHUNK as i64 + 3).map(|i| i % 5).collect();
        let (q, n) = statistics(&b, &c, &NeverStop).unwrap();
        for i in 0..b.len() {
            assert_eq!(n[i], b[i] + c[i]);
            if n[i] == 0 {
                assert!(q[i].is_nan());
            } else {
                assert_eq!(q[i], b[i] as f64 / n[i] as f64);
            }
        }
        let mut c = c;
        c[CHUNK + 2] = -1;
        let err = statistics(&b, &c, &NeverStop).unwrap_err();
        assert!(
            err.to_string().contains(&format!("index {}", CHUNK + 2)),
            "{err}"
        );
        assert!(matches!(
            statistics(&b[..3], &c[..2], &NeverStop),
            Err(Error::LengthMismatch { .. })
        ));
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
