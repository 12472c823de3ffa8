//! Lazily built per-n tables of the Bin(n, 1/2) upper tails for small n.
//!
//! The bulk McNemar path asks for millions of tails with modest counts; for
//! n <= `TABLE_MAX_N` the whole row P(X >= k), k = 0..=n, is built once on
//! first use (about n Loader log-pmf evaluations, ~30 us at n = 1024) and then
//! answered by one lookup. Accuracy is that of the direct method: each row is
//! summed from its small end, as sf(k) = pmf(k) S_k with S_k = 1 + S_{k+1}
//! (n - k)/(k + 1), a recursion whose rounding errors are damped (each step
//! weights the previous error by S_{k+1} r / S_k < 1). The half of the row at
//! or below the mean is 1 minus the mirrored small tail.
//!
//! The plain value of a small tail is C(n, j) 2^-n S_k (j = n - k, `half_pmf`,
//! a few ulps at every k), not exp(ln pmf(k) + ln S_k), which inherits the
//! rounding of a log near -700 (~1e-13 of the value). The log keeps the
//! saddle-point form, whose error is relative to |ln p|.

use std::sync::OnceLock;

use super::Tail;
use super::half_pmf::Choose;
use super::pmf::Trials;

/// Largest n served from the table (memory: (n + 1) x 16 bytes per row).
pub(crate) const TABLE_MAX_N: u64 = 1024;

static ROWS: [OnceLock<Box<[Tail]>>; TABLE_MAX_N as usize + 1] =
    [const { OnceLock::new() }; TABLE_MAX_N as usize + 1];

/// P(X >= k) for X ~ Bin(n, 1/2), n <= TABLE_MAX_N, k <= n.
pub(crate) fn upper(n: u64, k: u64) -> Tail {
    debug_assert!(n <= TABLE_MAX_N && k <= n);
    ROWS[n as usize].get_or_init(|| build_row(n))[k as usize]
}

fn build_row(n: u64) -> Box<[Tail]> {
    let mut row = vec![Tail::ONE; n as usize + 1];
    if n == 0 {
        return row.into_boxed_slice();
    }
    let ln_half_pow_n = -(n as f64) * std::f64::consts::LN_2;
    let t = Trials::new(n, 0.5);
    let ln_pmf = |j: u64| {
        if j == 0 || j == n {
            ln_half_pow_n
        } else {
            t.ln_pmf_split(j as f64, (n - j) as f64)
        }
    };
    // Upper half k > n/2: small tails, summed from k = n down.
    let first_small = n / 2 + 1;
    let mut s: f64 = 1.0;
    let mut choose = Choose::new();
    let mut k = n;
    loop {
        row[k as usize] = Tail {
            value: choose.times_half_pow(s, n),
            ln: ln_pmf(k) + s.ln(),
        };
        if k == first_small {
            break;
        }
        // S_{k-1} = 1 + S_k * pmf(k) / pmf(k - 1).
        s = 1.0 + s * (n - k + 1) as f64 / k as f64;
        choose.step(n, n - k + 1);
        k -= 1;
    }
    // Lower half 1 <= k <= n/2: P(X >= k) = 1 - P(X >= n - k + 1) (symmetry).
    for k in 1..first_small {
        row[k as usize] = row[(n - k + 1) as usize].complement();
    }
    row.into_boxed_slice()
}
