//! Max-Drop: T = max_i z_i, z_i = (b_i - c_i) / sqrt(b_i + c_i), over the
//! tasks with flips. Strongest when a single task breaks.
//!
//! Exact null (the b_i independent Bin(n_i, 1/2) given the n_i):
//! P(T >= t) = 1 - prod_i P(z_i < t). Each factor is an exact binomial tail
//! at the lattice threshold k_i = min{b : (2b - n_i) / sqrt(n_i) >= t}. The
//! threshold is found with integer arithmetic (z_i >= t compared as
//! d_i^2 n_t against d_t^2 n_i), so a task whose z equals the observed T
//! exactly (a tie, possibly with another n) counts as "at least as extreme"
//! whatever floating point would say. The product is taken in log space
//! (ln_1p) and the complement with exp_m1, so tiny p-values keep their
//! relative accuracy; probabilities below the double range go through logs.
//!
//! For `Less` the counts are swapped; for `TwoSided` T = max |z_i| and each
//! factor is P(|z_i| < t) (two disjoint binomial tails).

use super::Alternative;
use super::monte_carlo::{count_extreme, mc_outcome};
use super::tasks::{Counts, TestOutcome};
use crate::binomial::ln_sf_half;
use crate::control::Checkpoint;
use crate::error::Result;
use crate::special::log_space::ln_add_exp;

/// One task in lattice form: d = 2b - n (|2b - n| for two-sided), n > 0.
#[derive(Debug, Clone, Copy)]
struct Lattice {
    d: i64,
    n: u64,
}

impl Lattice {
    fn z(self) -> f64 {
        self.d as f64 / (self.n as f64).sqrt()
    }
}

/// Exactly: d1 / sqrt(n1) >= d2 / sqrt(n2) (n1, n2 > 0).
fn z_ge(d1: i64, n1: u64, d2: i64, n2: u64) -> bool {
    match (d1 >= 0, d2 >= 0) {
        (true, false) => true,
        (false, true) => false,
        (true, true) => {
            (d1 as i128 * d1 as i128) as u128 * n2 as u128
                >= (d2 as i128 * d2 as i128) as u128 * n1 as u128
        }
        (false, false) => {
            (d1 as i128 * d1 as i128) as u128 * n2 as u128
                <= (d2 as i128 * d2 as i128) as u128 * n1 as u128
        }
    }
}

/// The observed statistic and, per informative task, its (n, threshold k):
/// the smallest b with z(b) >= T (n + 1 when none).
struct Thresholds {
    statistic: f64,
    two_sided: bool,
    /// True when T = 0 in the two-sided test: every outcome is as extreme.
    trivial: bool,
    tasks: Vec<(u64, u64)>,
}

fn thresholds(counts: &Counts, alternative: Alternative) -> Option<Thresholds> {
    let two_sided = alternative == Alternative::TwoSided;
    let lattice: Vec<Lattice> = counts
        .informative()
        .into_iter()
        .map(|i| {
            let (b, c) = counts.oriented(i, alternative);
            let n = b + c;
            let d = 2 * b as i64 - n as i64;
            Lattice {
                d: if two_sided { d.abs() } else { d },
                n,
            }
        })
        .collect();
    let first = *lattice.first()?;
    let top = lattice.iter().copied().fold(first, |best, x| {
        if z_ge(x.d, x.n, best.d, best.n) {
            x
        } else {
            best
        }
    });
    let t = top.z();
    let trivial = two_sided && top.d == 0;
    let tasks = lattice
        .iter()
        .map(|x| {
            let n = x.n;
            // Start from the floating-point guess, then settle exactly.
            let guess = ((n as f64 + t * (n as f64).sqrt()) / 2.0).ceil();
            let lowest = if two_sided { n.div_ceil(2) } else { 0 };
            let mut k = if guess.is_nan() || guess < 0.0 {
                0
            } else {
                (guess as u64).min(n + 1)
            }
            .max(lowest);
            let reaches = |b: u64| z_ge(2 * b as i64 - n as i64, n, top.d, top.n);
            while k > lowest && reaches(k - 1) {
                k -= 1;
            }
            while k <= n && !reaches(k) {
                k += 1;
            }
            (n, k)
        })
        .collect();
    Some(Thresholds {
        statistic: t,
        two_sided,
        trivial,
        tasks,
    })
}

/// Exact Max-Drop test. Statistic -inf and p = 1 when no task has flips.
pub fn max_drop_exact(counts: &Counts, alternative: Alternative) -> TestOutcome {
    let Some(th) = thresholds(counts, alternative) else {
        return TestOutcome::from_log(f64::NEG_INFINITY, 0.0);
    };
    if th.trivial {
        return TestOutcome::from_log(th.statistic, 0.0);
    }
    // ln q_i = ln P(z_i >= T) for every informative task.
    let ln_q: Vec<f64> = th
        .tasks
        .iter()
        .map(|&(n, k)| {
            let tail = ln_sf_half(n, k);
            if th.two_sided {
                (std::f64::consts::LN_2 + tail).min(0.0)
            } else {
                tail
            }
        })
        .collect();
    TestOutcome::from_log(th.statistic, ln_any_exceeds(&ln_q))
}

/// ln P(at least one of independent events with log-probabilities ln_q).
fn ln_any_exceeds(ln_q: &[f64]) -> f64 {
    const TINY: f64 = -700.0;
    let mut ln_none_big = 0.0_f64;
    let mut ln_tiny_sum = f64::NEG_INFINITY;
    for &lq in ln_q {
        if lq >= 0.0 {
            return 0.0;
        }
        if lq > TINY {
            ln_none_big += (-lq.exp()).ln_1p();
        } else {
            ln_tiny_sum = ln_add_exp(ln_tiny_sum, lq);
        }
    }
    let ln_big = if ln_none_big == 0.0 {
        f64::NEG_INFINITY
    } else {
        (-ln_none_big.exp_m1()).ln()
    };
    // P = P_big + P_tiny - P_big P_tiny; the product is below e^-700 of P.
    ln_add_exp(ln_big, ln_tiny_sum).min(0.0)
}

/// Seeded Monte Carlo Max-Drop: p = (1 + #{T* >= T}) / (1 + n_resamples),
/// with T* >= T decided on the same exact lattice thresholds.
pub fn max_drop_monte_carlo(
    counts: &Counts,
    alternative: Alternative,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<TestOutcome> {
    let Some(th) = thresholds(counts, alternative) else {
        return Ok(TestOutcome::from_log(f64::NEG_INFINITY, 0.0));
    };
    if th.trivial {
        return Ok(TestOutcome::from_log(th.statistic, 0.0));
    }
    let n: Vec<u64> = th.tasks.iter().map(|&(n, _)| n).collect();
    let two_sided = th.two_sided;
    let tasks = &th.tasks;
    let hits = count_extreme(&n, n_resamples, seed, checkpoint, |draws| {
        draws
            .iter()
            .zip(tasks)
            .any(|(&b, &(n, k))| k <= n && (b >= k || (two_sided && b <= n - k)))
    })?;
    Ok(mc_outcome(th.statistic, hits, n_resamples))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lattice_comparison_is_exact_on_ties() {
        // 2/sqrt(2) == 4/sqrt(8) == sqrt(2) exactly.
        assert!(z_ge(2, 2, 4, 8));
        assert!(z_ge(4, 8, 2, 2));
        assert!(!z_ge(3, 8, 2, 2));
        assert!(z_ge(0, 5, -1, 1));
        assert!(!z_ge(-1, 1, 0, 5));
        assert!(z_ge(-1, 4, -2, 4));
    }

    #[test]
    fn thresholds_count_ties_across_tasks() {
        // Task 0: b=2, c=0 (z = sqrt 2); task 1: n = 8, b = 6 gives z = sqrt 2.
        let counts = Counts::from_unsigned(&[2, 4], &[0, 4]);
        let th = thresholds(&counts, Alternative::Greater).unwrap();
        assert_eq!(th.tasks, vec![(2, 2), (8, 6)]);
    }

    #[test]
    fn any_exceeds_combines_tiny_and_big() {
        let v = ln_any_exceeds(&[-800.0, -800.0]);
        assert!((v - (-800.0 + 2f64.ln())).abs() < 1e-12);
        let v = ln_any_exceeds(&[(0.5f64).ln(), (0.5f64).ln()]);
        assert!((v - 0.75f64.ln()).abs() < 1e-15);
        assert_eq!(ln_any_exceeds(&[0.0, -3.0]), 0.0);
    }

    /// P(T >= t) by enumerating every outcome (floating z, ties within 1e-12).
    fn brute_force(n: &[u64], t: f64, two_sided: bool) -> f64 {
        fn choose(n: u64, k: u64) -> f64 {
            (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
        }
        let mut total = 0.0;
        let mut b = vec![0u64; n.len()];
        loop {
            let stat = b
                .iter()
                .zip(n)
                .map(|(&bi, &ni)| {
                    let z = (2.0 * bi as f64 - ni as f64) / (ni as f64).sqrt();
                    if two_sided { z.abs() } else { z }
                })
                .fold(f64::NEG_INFINITY, f64::max);
            if stat >= t - 1e-12 {
                total += b
                    .iter()
                    .zip(n)
                    .map(|(&bi, &ni)| choose(ni, bi) / 2f64.powi(ni as i32))
                    .product::<f64>();
            }
            // Next outcome (odometer).
            let mut i = 0;
            loop {
                if i == n.len() {
                    return total;
                }
                if b[i] < n[i] {
                    b[i] += 1;
                    break;
                }
                b[i] = 0;
                i += 1;
            }
        }
    }

    #[test]
    fn exact_matches_enumeration() {
        let n = [3u64, 5, 2, 8, 1];
        for (b, alt) in [
            ([2u64, 4, 1, 6, 0], Alternative::Greater),
            ([3, 2, 2, 4, 1], Alternative::Greater),
            ([0, 1, 0, 3, 0], Alternative::Greater),
            ([2, 4, 1, 6, 0], Alternative::TwoSided),
            ([1, 2, 1, 4, 0], Alternative::TwoSided),
            ([2, 4, 1, 6, 0], Alternative::Less),
        ] {
            let c: Vec<u64> = b.iter().zip(&n).map(|(&bi, &ni)| ni - bi).collect();
            let counts = Counts::from_unsigned(&b, &c);
            let out = max_drop_exact(&counts, alt);
            let expect = brute_force(&n, out.statistic, alt == Alternative::TwoSided);
            assert!(
                (out.pvalue - expect).abs() < 1e-13,
                "{b:?} {alt:?}: {} vs {expect}",
                out.pvalue
            );
        }
    }

    #[test]
    fn monte_carlo_agrees_with_exact_and_ignores_thread_count() {
        use crate::control::NeverStop;
        let counts = Counts::from_unsigned(&[130, 52, 610, 9], &[100, 50, 560, 3]);
        let exact = max_drop_exact(&counts, Alternative::Greater);
        let n = 20_000;
        let mc = max_drop_monte_carlo(&counts, Alternative::Greater, n, 42, &NeverStop).unwrap();
        let se = (exact.pvalue * (1.0 - exact.pvalue) / n as f64).sqrt();
        assert!(
            (mc.pvalue - exact.pvalue).abs() < 4.0 * se,
            "{} vs {}",
            mc.pvalue,
            exact.pvalue
        );
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap();
        let again = one
            .install(|| max_drop_monte_carlo(&counts, Alternative::Greater, n, 42, &NeverStop))
            .unwrap();
        assert_eq!(again, mc);
    }
}
