//! Rows of tails, shared by the pairs of a bulk call that have the same n.
//!
//! In a bulk audit many pairs share the same n = b + c. The stretch of the
//! row of tails of Bin(n, 1/2) that its pairs need is built once; each pair
//! then costs a lookup instead of a tail evaluation. Small n (<= [`SMALL_N_MAX`]) are looked up in input
//! order: exact p-values in the binomial module's persistent table (p and
//! ln p at once), mid-p, which also needs the pmf, in full rows kept side by
//! side ([`SmallRows`], a few MB at most). The bulk path visits the larger n
//! that many pairs share (`super::bulk`'s `SharedN`; the others go direct)
//! grouped by n, one [`Row`] at a time.
//!
//! A row holds P(X = k) and P(X >= k) for k on the far side of the middle,
//! from `first` to `last` (the other half follows by symmetry). One pass
//! from `last` inwards makes both: the pmf from the ratio recurrence
//! P(k) = P(k + 1) (k + 1)/(n - k), re-anchored on [`pmf_half`] every
//! [`ANCHOR_EVERY`] steps so rounding cannot build up (each step rounds
//! twice, so <= ~2 x 256 ulps = 1.1e-13 relative at worst, ~sqrt of that
//! typically; an anchor costs as much as ~30 steps), and the tails as
//! P(X >= last + 1) (one [`sf_half`] call) plus the sum of these
//! non-negative terms; tails on the near side are 1 minus a far-side tail.
//! Values below [`ROW_MIN`] (where underflowing terms could matter) and any
//! k or n outside the row are not served from it: they fall back to [`Direct`].
//!
//! Which stretch to build is a cost decision ([`Stretch::choose`]): a row
//! step costs a few flops, a direct tail as much as [`DIRECT_STEPS`] steps.
//! For large n the pairs of one n are often few and spread over thousands
//! of k (a drop of a few points moves b by thousands at n = 10^5), so a row
//! from the middle to the farthest pair would cost more than evaluating
//! each pair directly. The stretch chosen is the run of pairs (sorted by
//! their distance from the middle) where the direct evaluations saved most
//! exceed the steps walked; the pairs outside it, and pairs so far out that
//! their tail is below [`ROW_MIN`] anyway, are evaluated directly.

use rayon::prelude::*;

use super::pvalue::{Direct, HalfTails, PValue};
use crate::binomial::ln_sf_half;
use crate::binomial::{pmf_half, sf_half};

/// Recurrence steps between fresh anchors (see the module notes for the error).
const ANCHOR_EVERY: u64 = 256;
/// Row values below this are recomputed directly.
const ROW_MIN: f64 = 1e-250;
/// Longest row built (entries; 2 x 8 bytes each): pairs reaching further out
/// than this from the middle take their tails directly, so huge n with
/// extreme counts never allocate O(n).
const ROW_LEN_MAX: u64 = 1 << 14;
/// Pairs with one n that pay for its row (a row entry costs a few
/// multiplications, a direct tail near the centre hundreds).
const MIN_USES: u32 = 3;
/// A direct tail evaluation costs about as much as this many row steps
/// (~100 ns for the tabulated Temme expansion against ~3 ns a step; 30 gave
/// less CPU time than 80 in `examples/bulk_timing.rs`; the answers do not
/// depend on it beyond the last bits).
pub(crate) const DIRECT_STEPS: u64 = 30;
/// Pairs farther than this many half standard deviations sqrt(n)/2 from the
/// middle have tails below [`ROW_MIN`] (exp(-2 d^2 / n) < 1e-250 for
/// d > 17 sqrt(n)), which the row never serves.
const ROW_MAX_Z: f64 = 34.0;

/// Largest n served by [`SmallRows`]: all its rows together hold
/// ~SMALL_N_MAX^2/4 entries (4 MB at 1024).
pub(crate) const SMALL_N_MAX: u64 = 1024;

/// The row for one n (n = 0: no row yet).
pub(crate) struct Row {
    n: u64,
    /// The k of the first entry (at least n/2).
    first: u64,
    /// Whether `pmf` is kept (mid-p needs it; exact p-values do not).
    keep_pmf: bool,
    /// P(X = k) for k = first ..= last when kept, else empty.
    pmf: Vec<f64>,
    /// P(X >= k) for k = first ..= last + 1 (only entries with k > n/2 are used).
    sf: Vec<f64>,
}

impl Default for Row {
    fn default() -> Self {
        Row::new(true)
    }
}

impl Row {
    /// An empty row; `keep_pmf` = false keeps only the tails (pmf lookups
    /// then go direct).
    pub(crate) fn new(keep_pmf: bool) -> Row {
        Row {
            n: 0,
            first: 0,
            keep_pmf,
            pmf: Vec::new(),
            sf: Vec::new(),
        }
    }

    /// The n this row serves (0 for none).
    pub(crate) fn n(&self) -> u64 {
        self.n
    }

    /// Refills the row for `n` over k = `first` ..= `last` (clamped to the
    /// far side, to n and to [`ROW_LEN_MAX`] entries). One pass from the far
    /// end inwards: the pmf by P(k) = P(k + 1) (k + 1)/(n - k), re-anchored
    /// every [`ANCHOR_EVERY`] steps, summed into the tails as it goes.
    pub(crate) fn rebuild(&mut self, n: u64, first: u64, last: u64) {
        let half = n / 2;
        let first = first.clamp(half, n);
        let last = last.clamp(first, n).min(first + ROW_LEN_MAX - 1);
        let len = (last - first + 1) as usize;
        self.n = n;
        self.first = first;
        self.sf.clear();
        self.sf.resize(len + 1, 0.0);
        self.pmf.clear();
        if self.keep_pmf {
            self.pmf.resize(len, 0.0);
        }
        let mut tail = sf_half(n, last + 1);
        self.sf[len] = tail;
        let mut term = 0.0;
        for (i, sf) in self.sf[..len].iter_mut().enumerate().rev() {
            let k = first + i as u64;
            term = if (last - k) % ANCHOR_EVERY == 0 {
                pmf_half(n, k)
            } else {
                // k < last <= n, so n - k >= 1.
                term * ((k + 1) as f64 / (n - k) as f64)
            };
            tail += term;
            *sf = tail;
            if let Some(pmf) = self.pmf.get_mut(i) {
                *pmf = term;
            }
        }
    }

    /// P(X >= k) for k > n/2 from the row; None outside it.
    fn far(&self, k: u64) -> Option<f64> {
        self.sf
            .get(usize::try_from(k.checked_sub(self.first)?).ok()?)
            .copied()
    }

    /// P(X >= k): a far-side sum, or 1 minus one; None beyond the row.
    fn row_sf(&self, k: u64) -> Option<f64> {
        let n = self.n;
        if k == 0 {
            Some(1.0)
        } else if k > n {
            Some(0.0)
        } else if 2 * k > n {
            self.far(k)
        } else {
            // P(X >= k) = 1 - P(X <= k - 1) = 1 - P(X >= n - k + 1), and n - k + 1 > n/2.
            self.far(n - k + 1).map(|t| 1.0 - t)
        }
    }

    /// P(X = k) from the row (mirrored below the middle); None outside it.
    fn row_pmf(&self, k: u64) -> Option<f64> {
        let k = if 2 * k < self.n { self.n - k } else { k };
        self.pmf
            .get(usize::try_from(k.checked_sub(self.first)?).ok()?)
            .copied()
    }
}

impl Row {
    /// Whether P(X >= k) for this n comes from the row (else it goes direct).
    fn serves(&self, n: u64, k: u64) -> bool {
        n == self.n && n > 0 && k <= n && self.row_sf(k).is_some_and(|v| v >= ROW_MIN)
    }
}

impl HalfTails for Row {
    /// A pair the row does not serve takes p and ln p from one direct
    /// evaluation (as the scalar test does), not one per form.
    fn sf_with_ln(&self, n: u64, k: u64) -> PValue {
        if self.serves(n, k) {
            PValue::new(self.sf(n, k), || self.below(n, k), || ln_sf_half(n, k))
        } else {
            Direct.sf_with_ln(n, k)
        }
    }

    fn sf(&self, n: u64, k: u64) -> f64 {
        let from_row = if n == self.n && n > 0 {
            self.row_sf(k)
        } else {
            None
        };
        match from_row {
            Some(v) if v >= ROW_MIN || k > n => v,
            _ => Direct.sf(n, k),
        }
    }

    fn pmf(&self, n: u64, k: u64) -> f64 {
        let from_row = if n == self.n && n > 0 && k <= n {
            self.row_pmf(k)
        } else {
            None
        };
        match from_row {
            Some(v) if v >= ROW_MIN => v,
            _ => Direct.pmf(n, k),
        }
    }
}

/// The stretch of a row worth building for one n.
pub(crate) struct Stretch;

impl Stretch {
    /// The k range (first, last) a row for `n` should cover, given the
    /// largest count M = max(b, c) of each of its pairs (each pair reads the
    /// row at M and M + 1; `largest` is reordered), or None when evaluating
    /// every pair directly costs less. Maximises
    /// [`DIRECT_STEPS`] x (pairs served) - (steps walked) over runs of the
    /// sorted M, with the row's own top tail counted as one direct
    /// evaluation; rows stay within [`ROW_LEN_MAX`].
    pub(crate) fn choose(n: u64, largest: &mut [u64]) -> Option<(u64, u64)> {
        let half = n / 2;
        // Farther pairs are never served (their tails are below ROW_MIN).
        let reach = half + (0.5 * ROW_MAX_Z * (n as f64).sqrt()) as u64;
        largest.sort_unstable();
        let usable = largest.partition_point(|&m| m <= reach);
        let m = &largest[..usable];
        if m.len() < 2 {
            return None;
        }
        // For each j, the best i <= j within the length cap maximises
        // (m[i] - D i), kept in a monotone queue of candidates.
        let d = DIRECT_STEPS as i128;
        let key = |i: usize| i128::from(m[i]) - d * i as i128;
        // A queue as a vector with a moving head (no allocation beyond it).
        let mut queue: Vec<usize> = Vec::with_capacity(m.len());
        let mut head = 0usize;
        let mut lo = 0usize;
        let mut best: Option<(i128, usize, usize)> = None;
        for j in 0..m.len() {
            while queue.len() > head && queue.last().is_some_and(|&i| key(i) <= key(j)) {
                queue.pop();
            }
            queue.push(j);
            while m[j] + 2 - m[lo] > ROW_LEN_MAX {
                lo += 1;
            }
            while queue[head] < lo {
                head += 1;
            }
            let i = queue[head];
            // Served pairs x D, minus the walk (span + 2 entries) and the top tail.
            let value = d * (j - i + 1) as i128 - i128::from(m[j] - m[i] + 2) - d;
            if value > 0 && best.is_none_or(|(v, _, _)| value > v) {
                best = Some((value, i, j));
            }
        }
        best.map(|(_, i, j)| (m[i], m[j] + 1))
    }
}

/// Full rows for the frequent n <= [`SMALL_N_MAX`] of one bulk call.
pub(crate) struct SmallRows {
    /// `rows[n]` serves n when built (else its n is 0 and tails go direct).
    rows: Vec<Row>,
}

impl SmallRows {
    /// Rows for every n <= [`SMALL_N_MAX`] that occurs at least [`MIN_USES`]
    /// times among `ns`.
    pub(crate) fn for_counts(ns: impl Iterator<Item = u64>) -> SmallRows {
        let mut uses = vec![0u32; SMALL_N_MAX as usize + 1];
        for n in ns {
            if n <= SMALL_N_MAX {
                uses[n as usize] = uses[n as usize].saturating_add(1);
            }
        }
        let rows = (0..=SMALL_N_MAX)
            .into_par_iter()
            .map(|n| {
                let mut row = Row::default();
                if n > 0 && uses[n as usize] >= MIN_USES {
                    row.rebuild(n, 0, n);
                }
                row
            })
            .collect();
        SmallRows { rows }
    }

    fn row(&self, n: u64) -> Option<&Row> {
        self.rows.get(usize::try_from(n).ok()?)
    }
}

impl HalfTails for SmallRows {
    fn sf(&self, n: u64, k: u64) -> f64 {
        self.row(n)
            .map_or_else(|| Direct.sf(n, k), |row| row.sf(n, k))
    }

    fn pmf(&self, n: u64, k: u64) -> f64 {
        self.row(n)
            .map_or_else(|| Direct.pmf(n, k), |row| row.pmf(n, k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64) -> bool {
        (got - want).abs() <= 5e-13 * want.abs()
    }

    #[test]
    fn rows_agree_with_direct_tails() {
        let mut row = Row::default();
        for n in [1u64, 2, 3, 10, 37, 200, 1001, 2048, 100_000] {
            // Full rows for small n, only near the middle for 100000.
            let reach = if n > 10_000 { n / 2 + 1500 } else { n };
            row.rebuild(n, 0, reach + 1);
            assert_eq!(row.n(), n);
            for k in (0..=n + 1).step_by(1 + n as usize / 3000) {
                for (got, want) in [
                    (row.sf(n, k), Direct.sf(n, k)),
                    (row.pmf(n, k), Direct.pmf(n, k)),
                    (row.below(n, k), Direct.below(n, k)),
                ] {
                    assert!(close(got, want), "n={n} k={k}: {got} vs {want}");
                }
            }
        }
        assert_eq!(row.pmf.len(), 1502);
    }

    #[test]
    fn rows_are_capped_and_pairs_beyond_go_direct() {
        let mut row = Row::default();
        let n = 1u64 << 40;
        row.rebuild(n, 0, n);
        assert_eq!(row.pmf.len() as u64, ROW_LEN_MAX);
        for k in [n / 2, n / 2 + 1000, n / 2 + ROW_LEN_MAX + 5, n - 3, n] {
            assert!(close(row.sf(n, k), Direct.sf(n, k)) || row.sf(n, k) == Direct.sf(n, k));
        }
    }

    #[test]
    fn small_rows_serve_frequent_small_n() {
        let rows = SmallRows::for_counts([5u64, 5, 5, 6, 2000, 2000, 2000].into_iter());
        assert_eq!(rows.row(5).map(Row::n), Some(5));
        assert_eq!(rows.row(6).map(Row::n), Some(0));
        for k in 0..=6 {
            assert!(close(rows.sf(5, k), Direct.sf(5, k)));
            assert_eq!(rows.sf(6, k), Direct.sf(6, k));
        }
        assert_eq!(rows.sf(2000, 1010), Direct.sf(2000, 1010));
    }

    #[test]
    fn a_stretch_of_a_row_agrees_with_direct_tails() {
        let mut row = Row::default();
        let n = 60_001u64;
        // Far from the middle: k from half + 400 to half + 700.
        row.rebuild(n, n / 2 + 400, n / 2 + 700);
        for k in (n / 2 - 800..n / 2 + 800).step_by(7) {
            for (got, want) in [
                (row.sf(n, k), Direct.sf(n, k)),
                (row.pmf(n, k), Direct.pmf(n, k)),
                (row.below(n, k), Direct.below(n, k)),
            ] {
                assert!(close(got, want), "k={k}: {got} vs {want}");
            }
        }
        // Inside the stretch the row serves; outside it, direct tails do.
        assert!(row.serves(n, n / 2 + 500));
        assert!(row.serves(n, n / 2 - 499)); // the mirror of half + 500
        assert!(!row.serves(n, n / 2 + 399));
        assert!(!row.serves(n, n / 2 + 702));
        let p = row.sf_with_ln(n, n / 2 + 900);
        let want = Direct.sf_with_ln(n, n / 2 + 900);
        assert_eq!(p, want);
    }

    #[test]
    fn stretches_cover_the_pairs_that_pay_for_them() {
        let n = 100_000u64;
        let h = n / 2;
        // Two pairs far apart: evaluating both directly is cheaper.
        assert_eq!(Stretch::choose(n, &mut [h + 10, h + 3000]), None);
        // A cluster of ten within 50 steps plus a straggler: the cluster.
        let mut ms: Vec<u64> = (0..10).map(|i| h + 1000 + 5 * i).collect();
        ms.push(h + 4000);
        assert_eq!(Stretch::choose(n, &mut ms), Some((h + 1000, h + 1046)));
        // Pairs whose tails underflow the row (z > 34) are left out.
        let far = h + 6000; // 6000 / 158 = 38 half-sd
        let mut ms = vec![far, far, far, far + 1];
        assert_eq!(Stretch::choose(n, &mut ms), None);
        // A single pair never pays for a row; many at one k always do.
        assert_eq!(Stretch::choose(n, &mut [h + 3]), None);
        assert_eq!(Stretch::choose(n, &mut [h + 3; 5]), Some((h + 3, h + 4)));
        // Rows stay within the length cap.
        let mut ms: Vec<u64> = (0..4000).map(|i| h + 10 * i).collect();
        let (first, last) = Stretch::choose(n, &mut ms).unwrap();
        assert!(last - first < ROW_LEN_MAX, "{first} {last}");
    }

    #[test]
    fn other_n_fall_back_to_direct_tails() {
        let mut row = Row::default();
        assert_eq!(row.sf(7, 5), Direct.sf(7, 5));
        row.rebuild(10, 0, 7);
        assert_eq!(row.sf(7, 5), Direct.sf(7, 5));
        assert_eq!(row.pmf(11, 5), Direct.pmf(11, 5));
    }
}
