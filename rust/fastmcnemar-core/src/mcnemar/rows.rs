//! Rows of tails, shared by the pairs of a bulk call that have the same n.
//!
//! In a bulk audit many pairs share the same n = b + c. For every n with at
//! least [`MIN_USES`] pairs, the part of the row of tails of Bin(n, 1/2) that
//! its pairs need is built once; each pair then costs a lookup instead of a
//! tail evaluation. Small n (<= [`SMALL_N_MAX`]) are looked up in input
//! order: exact p-values in the binomial module's persistent table (p and
//! ln p at once), mid-p, which also needs the pmf, in full rows kept side by
//! side ([`SmallRows`], a few MB at most). The bulk path visits larger n
//! grouped by n, one [`Row`] at a time.
//!
//! A row holds P(X = k) and P(X >= k) for k from floor(n/2) to K = the
//! largest max(b, c) + 1 among the pairs with this n (the other half follows
//! by symmetry). One pass from K inwards makes both: the pmf from the ratio
//! recurrence P(k) = P(k + 1) (k + 1)/(n - k), re-anchored on [`pmf_half`]
//! every [`ANCHOR_EVERY`] steps so rounding cannot build up (each step
//! rounds twice, so <= ~2 x 256 ulps = 1.1e-13 relative at worst, ~sqrt of
//! that typically; an anchor costs as much as ~30 steps), and the tails as P(X >= K + 1) (one [`sf_half`] call) plus the sum
//! of these non-negative terms; tails on the near side are 1 minus a far-side tail.
//! Values below [`ROW_MIN`] (where underflowing terms could matter) and any
//! other n are not served from the row: they fall back to [`Direct`].

use rayon::prelude::*;

use super::pvalue::{Direct, HalfTails};
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
pub(crate) const MIN_USES: u32 = 3;

/// Largest n served by [`SmallRows`]: all its rows together hold
/// ~SMALL_N_MAX^2/4 entries (4 MB at 1024).
pub(crate) const SMALL_N_MAX: u64 = 1024;

/// The row for one n (n = 0: no row yet).
pub(crate) struct Row {
    n: u64,
    half: u64,
    /// Whether `pmf` is kept (mid-p needs it; exact p-values do not).
    keep_pmf: bool,
    /// P(X = k) for k = half ..= K when kept, else empty.
    pmf: Vec<f64>,
    /// P(X >= k) for k = half ..= K + 1 (only entries with k > n/2 are used).
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
            half: 0,
            keep_pmf,
            pmf: Vec::new(),
            sf: Vec::new(),
        }
    }

    /// The n this row serves (0 for none).
    pub(crate) fn n(&self) -> u64 {
        self.n
    }

    /// Refills the row for `n`, far enough for pairs with max(b, c) <= `reach`
    /// (at most [`ROW_LEN_MAX`] entries). One pass from the far end inwards:
    /// the pmf by P(k) = P(k + 1) (k + 1)/(n - k), re-anchored every
    /// [`ANCHOR_EVERY`] steps, summed into the tails as it goes.
    pub(crate) fn rebuild(&mut self, n: u64, reach: u64) {
        let half = n / 2;
        let last = (reach + 1).min(n).min(half + ROW_LEN_MAX - 1);
        let len = (last - half + 1) as usize;
        self.n = n;
        self.half = half;
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
            let k = half + i as u64;
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

    /// P(X >= k) for k > n/2 from the row; None beyond it.
    fn far(&self, k: u64) -> Option<f64> {
        self.sf.get((k - self.half) as usize).copied()
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

    /// P(X = k) from the row (mirrored below the middle); None beyond it.
    fn row_pmf(&self, k: u64) -> Option<f64> {
        let k = if k < self.half { self.n - k } else { k };
        self.pmf.get((k - self.half) as usize).copied()
    }
}

impl HalfTails for Row {
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
                    row.rebuild(n, n);
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
            row.rebuild(n, reach);
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
        row.rebuild(n, n);
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
    fn other_n_fall_back_to_direct_tails() {
        let mut row = Row::default();
        assert_eq!(row.sf(7, 5), Direct.sf(7, 5));
        row.rebuild(10, 6);
        assert_eq!(row.sf(7, 5), Direct.sf(7, 5));
        assert_eq!(row.pmf(11, 5), Direct.pmf(11, 5));
    }
}
