//! Direct summation of the smaller binomial tail, relative to its first term.
//!
//! Starting at the term nearest the mean and walking outward, the terms fall
//! monotonically (the ratio of neighbours decreases), so the sum stops as soon
//! as the geometric bound on the rest is below 1e-17 of the total. The running
//! product of ratios is re-anchored to the exact log-pmf every `ANCHOR` terms,
//! so rounding never accumulates over more than that many multiplications.
//! Cost: about sd * (sqrt(z^2 + 78) - z) terms for a start z standard
//! deviations from the mean (under 9 sd at the centre, a handful far out).

use super::pmf::Trials;

/// Terms between re-anchorings of the running product.
const ANCHOR: u32 = 64;
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
    match dir {
        Direction::Up => sum_up(t, k as f64, ln_pk),
        Direction::Down => sum_down(t, k as f64, ln_pk),
    }
}

/// Terms k, k + 1, ..., n; ratio (n - j) / (j + 1) * p / q.
fn sum_up(t: &Trials, k: f64, ln_pk: f64) -> f64 {
    let n = t.n;
    let odds = t.p / t.q;
    walk(
        t,
        k,
        ln_pk,
        |j| j >= n,
        |j| ((n - j) / (j + 1.0) * odds, j + 1.0),
    )
}

/// Terms k, k - 1, ..., 0; ratio j / (n - j + 1) * q / p.
fn sum_down(t: &Trials, k: f64, ln_pk: f64) -> f64 {
    let n = t.n;
    let odds = t.q / t.p;
    walk(
        t,
        k,
        ln_pk,
        |j| j <= 0.0,
        |j| (j / (n - j + 1.0) * odds, j - 1.0),
    )
}

/// Sums the terms from k (term 1) until `at_end(j)`, where `step(j)` gives
/// the ratio to the next term and the next j.
fn walk(
    t: &Trials,
    k: f64,
    ln_pk: f64,
    at_end: impl Fn(f64) -> bool,
    step: impl Fn(f64) -> (f64, f64),
) -> f64 {
    let mut sum = 0.0;
    let mut term = 1.0;
    let mut j = k;
    loop {
        for _ in 0..ANCHOR {
            sum += term;
            if at_end(j) {
                return sum;
            }
            let (ratio, next) = step(j);
            term *= ratio;
            j = next;
            // Ratios only fall further out: the rest is below term / (1 - ratio).
            if ratio < 1.0 && term <= STOP * sum * (1.0 - ratio) {
                return sum + term;
            }
        }
        if !at_end(j) {
            term = (t.ln_pmf_inner(j) - ln_pk).exp();
        }
    }
}
