//! Direct summation of the smaller binomial tail, relative to its first term.
//!
//! Starting at the term nearest the mean and walking outward, the terms fall
//! monotonically (the ratio of neighbours decreases), so the sum stops as soon
//! as the geometric bound on the rest is below 1e-17 of the total. The running
//! product of ratios is re-anchored to the exact log-pmf every `ANCHOR` terms,
//! so rounding never accumulates over more than that many multiplications.

use super::pmf::Trials;

/// Terms between re-anchorings of the running product.
const ANCHOR: u64 = 64;
/// Relative size of the neglected remainder.
const STOP: f64 = 1e-17;

/// Which way the tail runs from its first term.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    /// k, k + 1, ..., n (needs k >= n p for the terms to fall).
    Up,
    /// k, k - 1, ..., 0 (needs k <= n p).
    Down,
}

/// sum_j P(X = j) / P(X = k) over the tail starting at k, for 0 < k < n.
/// `ln_pk` is ln P(X = k).
pub(crate) fn ratio_sum(t: &Trials, k: u64, ln_pk: f64, dir: Direction) -> f64 {
    let n = t.n as u64;
    // Odds of one more success (Up) or one more failure (Down).
    let odds = match dir {
        Direction::Up => t.p / t.q,
        Direction::Down => t.q / t.p,
    };
    let mut sum = 0.0;
    let mut term = 1.0;
    let mut j = k;
    let mut steps = 0u64;
    loop {
        sum += term;
        // Ratio to the next term outward.
        let (ratio, next) = match dir {
            Direction::Up => {
                if j >= n {
                    return sum;
                }
                ((n - j) as f64 / (j + 1) as f64 * odds, j + 1)
            }
            Direction::Down => {
                if j == 0 {
                    return sum;
                }
                (j as f64 / (n - j + 1) as f64 * odds, j - 1)
            }
        };
        j = next;
        steps += 1;
        term = if steps % ANCHOR == 0 && j > 0 && j < n {
            (t.ln_pmf_inner(j as f64) - ln_pk).exp()
        } else {
            term * ratio
        };
        // Ratios only fall further out, so the rest is below term / (1 - ratio).
        if ratio < 1.0 && term <= STOP * sum * (1.0 - ratio) {
            return sum + term;
        }
    }
}
