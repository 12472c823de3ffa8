//! The exact Clopper-Pearson interval for q = b/(b + c).
//!
//! With k = b successes out of n = b + c, the lower limit is the p at which
//! P(X >= k | p) = alpha/2 and the upper limit the p at which
//! P(X <= k | p) = alpha/2 (0 when k = 0, 1 when k = n), found to the last
//! bit on the binomial tails (equivalently, beta quantiles).
//! With no discordant pairs q is undefined and the interval is [0, 1].
//!
//! Each limit is where a monotone condition on a tail switches. A few
//! regula falsi (Illinois) steps on the log tail against ln p, where it is
//! nearly linear, bracket the switch to ~1e-13 relative; the bracket is then
//! confirmed on the condition itself and bisected to adjacent doubles
//! ([`boundary`]), about 20 tail evaluations instead of 60-1000 for plain
//! bisection from [0, 1], with the same result. If the bracket cannot be
//! confirmed, plain bisection runs.

use rayon::prelude::*;

use super::Interval;
use super::root::boundary;
use crate::binomial::{cdf, ln_pmf, ln_sf, sf};
use crate::control::Checkpoint;
use crate::error::{Result, check_level};
use crate::mcnemar::bulk::{Count, validate_counts};

/// Pairs per chunk in the bulk version (each pair costs ~40 tail evaluations).
const CHUNK: usize = 64;

/// Relative width of ln p at which the regula falsi hands over to bisection.
const GUIDE_TOL: f64 = 1e-13;
/// Most regula falsi steps (it usually needs 5-10).
const GUIDE_STEPS: usize = 60;

/// A bracket [lo, hi] of ln p around where ln P(X >= k | p) = `ln_tail`, for
/// 1 <= k <= n and 0 < tail < 1/2: regula falsi with the Illinois
/// modification. Used only to guide the search.
fn guide(n: u64, k: u64, ln_tail: f64) -> (f64, f64) {
    let h = |u: f64| ln_sf(n, k, u.exp()) - ln_tail;
    // P(X >= k) <= C(n, k) p^k, so below this p the tail is under alpha/2;
    // at p = k/n it is at least 1/2 (the median of Bin(n, k/n) is k).
    let ln_choose = ln_pmf(n, k, 0.5) + n as f64 * std::f64::consts::LN_2;
    let (mut a, mut b) = (
        (ln_tail - ln_choose) / k as f64 - 1.0,
        (k as f64 / n as f64).ln(),
    );
    let (mut ha, mut hb) = (h(a), h(b));
    if !(ha < 0.0 && hb > 0.0 && ha.is_finite() && hb.is_finite()) {
        return (a, b);
    }
    let mut side = 0i8;
    for _ in 0..GUIDE_STEPS {
        if (b - a).abs() <= GUIDE_TOL * a.abs().max(b.abs()).max(1.0) {
            break;
        }
        let u = (a * hb - b * ha) / (hb - ha);
        if !(u > a && u < b) {
            break;
        }
        let hu = h(u);
        if hu < 0.0 {
            (a, ha) = (u, hu);
            if side == -1 {
                hb *= 0.5;
            }
            side = -1;
        } else if hu > 0.0 {
            (b, hb) = (u, hu);
            if side == 1 {
                ha *= 0.5;
            }
            side = 1;
        } else {
            return (u, u);
        }
    }
    (a, b)
}

/// Where `inside` switches from true (towards 0) to false (towards 1), given
/// a guess `[lo, hi]` for it: the guess is widened until the condition
/// confirms it, then bisected; plain bisection on (0, 1) if that fails.
fn boundary_near(lo: f64, hi: f64, inside: impl Fn(f64) -> bool) -> f64 {
    let (mut lo, mut hi) = (lo.max(0.0), hi.min(1.0));
    // NaN guesses (or crossed ones) fall back to plain bisection.
    if lo.is_nan() || hi.is_nan() || lo > hi {
        return boundary(0.0, 1.0, inside);
    }
    let mut step = (hi - lo).max(4.0 * f64::EPSILON * hi);
    while lo > 0.0 && !inside(lo) {
        lo = (lo - step).max(0.0);
        step *= 4.0;
    }
    let mut step = (hi - lo).max(4.0 * f64::EPSILON * hi);
    while hi < 1.0 && inside(hi) {
        hi = (hi + step).min(1.0);
        step *= 4.0;
    }
    boundary(lo, hi, inside)
}

fn limits(k: u64, n: u64, alpha: f64) -> Interval {
    if n == 0 {
        return Interval {
            low: 0.0,
            high: 1.0,
        };
    }
    let tail = 0.5 * alpha;
    let low = if k == 0 {
        0.0
    } else {
        let (a, b) = guide(n, k, tail.ln());
        boundary_near(a.exp(), b.exp(), |p| sf(n, k, p) < tail)
    };
    let high = if k == n {
        1.0
    } else {
        // P(X <= k | p) = P(X >= n - k | 1 - p): the same guide in 1 - p.
        let (a, b) = guide(n, n - k, tail.ln());
        boundary_near(1.0 - b.exp(), 1.0 - a.exp(), |p| cdf(n, k, p) > tail)
    };
    Interval { low, high }
}

/// Clopper-Pearson interval at `level` for q = b/(b + c).
pub fn clopper_pearson(b: u64, c: u64, level: f64) -> Result<Interval> {
    let level = check_level("confidence_level", level)?;
    validate_counts(&[b], &[c])?;
    Ok(limits(b, b + c, 1.0 - level))
}

/// [`clopper_pearson`] for every pair `(b[i], c[i])`, in parallel chunks.
pub fn clopper_pearson_bulk<T: Count>(
    b: &[T],
    c: &[T],
    level: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<(Vec<f64>, Vec<f64>)> {
    let alpha = 1.0 - check_level("confidence_level", level)?;
    validate_counts(b, c)?;
    let mut low = vec![0.0; b.len()];
    let mut high = vec![0.0; b.len()];
    low.par_chunks_mut(CHUNK)
        .zip(high.par_chunks_mut(CHUNK))
        .zip(b.par_chunks(CHUNK).zip(c.par_chunks(CHUNK)))
        .try_for_each(|((low, high), (b, c))| {
            checkpoint.check()?;
            for (((&bi, &ci), lo), hi) in b.iter().zip(c).zip(low).zip(high) {
                let (k, other) = (bi.to_count().unwrap_or(0), ci.to_count().unwrap_or(0));
                let i = limits(k, k + other, alpha);
                (*lo, *hi) = (i.low, i.high);
            }
            Ok(())
        })?;
    Ok((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn edge_cases_are_closed_form() {
        // k = 0: upper limit 1 - (alpha/2)^(1/n); k = n: lower limit (alpha/2)^(1/n).
        let i = clopper_pearson(0, 10, 0.95).unwrap();
        assert_eq!(i.low, 0.0);
        assert!((i.high - (1.0 - 0.025f64.powf(0.1))).abs() < 1e-15, "{i:?}");
        let i = clopper_pearson(5, 0, 0.95).unwrap();
        assert_eq!(i.high, 1.0);
        assert!((i.low - 0.025f64.powf(0.2)).abs() < 1e-15, "{i:?}");
        assert_eq!(
            clopper_pearson(0, 0, 0.9).unwrap(),
            Interval {
                low: 0.0,
                high: 1.0
            }
        );
    }

    /// The limits by plain bisection on [0, 1] (the definition).
    fn bisected(k: u64, n: u64, alpha: f64) -> (f64, f64) {
        let tail = 0.5 * alpha;
        let low = if k == 0 {
            0.0
        } else {
            boundary(0.0, 1.0, |p| sf(n, k, p) < tail)
        };
        let high = if k == n {
            1.0
        } else {
            boundary(0.0, 1.0, |p| cdf(n, k, p) > tail)
        };
        (low, high)
    }

    #[test]
    fn guided_search_finds_the_bisection_limits() {
        let mut cases = vec![(1u64, 1u64), (1, 2), (2, 3), (5, 5), (0, 9), (37, 80)];
        for n in [10u64, 211, 3001, 1_000_000, 1 << 40] {
            for k in [1, 2, n / 3, n / 2, n - 2, n - 1] {
                cases.push((k, n));
            }
        }
        for (k, n) in cases {
            for alpha in [0.5, 0.05, 0.01, 1e-6] {
                let got = limits(k, n, alpha);
                // The same switch of the same condition: the same doubles.
                assert_eq!(
                    (got.low, got.high),
                    bisected(k, n, alpha),
                    "k={k} n={n} alpha={alpha}"
                );
            }
        }
    }

    #[test]
    fn bulk_matches_single_and_checks_inputs() {
        let b = [0u64, 3, 10, 7];
        let c = [0u64, 5, 0, 7];
        let (lo, hi) = clopper_pearson_bulk(&b, &c, 0.9, &NeverStop).unwrap();
        for i in 0..b.len() {
            let one = clopper_pearson(b[i], c[i], 0.9).unwrap();
            assert_eq!((lo[i], hi[i]), (one.low, one.high));
        }
        assert!(clopper_pearson_bulk(&[1i64], &[-1i64], 0.9, &NeverStop).is_err());
        assert!(clopper_pearson(1, 1, 1.0).is_err());
    }
}
