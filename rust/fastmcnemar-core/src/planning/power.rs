//! Exact power of the exact McNemar test.
//!
//! N paired samples; each pair is a degradation flip (reference right only)
//! with probability p12 = (p + delta)/2, an improvement flip with probability
//! p21 = (p - delta)/2, concordant otherwise (p = flip rate, delta = accuracy
//! drop). Given m discordant pairs, b ~ Bin(m, q) with q = p12/p, and the
//! one-sided exact test rejects when b >= k(m), the smallest k with
//! P(Bin(m, 1/2) >= k) <= alpha. The power is
//! sum over m ~ Bin(N, p) of P(Bin(m, q) >= k(m)), over the range of m that
//! holds all but ~1e-16 of the binomial mass. Two-sided is the central test
//! (each tail at alpha/2), "less" mirrors "greater".

use crate::binomial;
use crate::control::{Checkpoint, NeverStop};
use crate::error::{Error, Result, check_level};
use crate::special::normal::norm_isf;

use super::walk::{RESYNC, conditional_range};

/// The alternative is the McNemar test's ("greater" = the candidate is worse).
pub use crate::mcnemar::Alternative;

/// Binomial mass left out at each end of the range of discordant counts.
const TAIL_MASS: f64 = 1e-17;

/// Checks the flip rate p lies in (0, 1].
pub fn check_flip_rate(flip_rate: f64) -> Result<f64> {
    if flip_rate > 0.0 && flip_rate <= 1.0 {
        Ok(flip_rate)
    } else {
        Err(Error::InvalidArgument(format!(
            "flip_rate must lie in (0, 1], got {flip_rate}"
        )))
    }
}

/// Checks |delta| <= flip rate (a drop cannot exceed the share of flips).
pub fn check_delta(delta: f64, flip_rate: f64) -> Result<f64> {
    if delta.is_finite() && delta.abs() <= flip_rate {
        Ok(delta)
    } else {
        Err(Error::InvalidArgument(format!(
            "delta must satisfy |delta| <= flip_rate = {flip_rate} (every change in accuracy \
             is a flip), got {delta}"
        )))
    }
}

/// Checks the sample size is at least 1.
pub fn check_n(n: u64) -> Result<u64> {
    if n >= 1 {
        Ok(n)
    } else {
        Err(Error::InvalidArgument(
            "n must be at least 1 (number of paired samples)".into(),
        ))
    }
}

/// Most binomial weights the window of one N may hold: 2^23 (64 MB, and the
/// search tables keep two more numbers per count), i.e. N up to about 8.7e11
/// at flip rate 1/2 and further at other rates. Past it the exact power
/// would take gigabytes and minutes (13 GB at N = 2^53), so it is refused.
const MAX_WINDOW: f64 = (1u64 << 23) as f64;

/// Checks that the binomial window of `n` flips at `flip_rate` (about 18
/// standard deviations wide) fits 2^23 counts (`MAX_WINDOW`).
pub fn check_window(n: u64, flip_rate: f64) -> Result<()> {
    let variance = flip_rate * (1.0 - flip_rate);
    let weights = 18.0 * (n as f64 * variance).sqrt() + 16.0;
    if weights <= MAX_WINDOW {
        return Ok(());
    }
    let n_max = ((MAX_WINDOW - 16.0) / 18.0).powi(2) / variance;
    Err(Error::InvalidArgument(format!(
        "n = {n} at flip rate {flip_rate} is beyond the exact power: its binomial window would \
         hold about {weights:.1e} counts (at most 2^23; n up to about {n_max:.2e} at this flip rate)"
    )))
}

/// The exact critical value: the smallest k with P(Bin(m, 1/2) >= k) <= level
/// (m + 1 when even b = m is not significant).
pub fn critical_value(m: u64, level: f64) -> u64 {
    // Start from the normal approximation, then step to the exact value.
    let guess = 0.5 * m as f64 + 0.5 * norm_isf(level) * (m as f64).sqrt();
    let mut k = guess.round().clamp(1.0, (m + 1) as f64) as u64;
    while k <= m && binomial::sf_half(m, k) > level {
        k += 1;
    }
    while k > 1 && binomial::sf_half(m, k - 1) <= level {
        k -= 1;
    }
    k
}

/// P(Bin(m, q) >= k), also for q = 0 or 1.
fn sf_q(m: u64, k: u64, q: f64) -> f64 {
    if k == 0 {
        1.0
    } else if k > m || q <= 0.0 {
        0.0
    } else if q >= 1.0 {
        1.0
    } else {
        binomial::sf(m, k, q)
    }
}

/// P(Bin(m, q) <= k), also for q = 0 or 1.
pub(crate) fn cdf_q(m: u64, k: u64, q: f64) -> f64 {
    if k >= m || q <= 0.0 {
        1.0
    } else if q >= 1.0 {
        0.0
    } else {
        binomial::cdf(m, k, q)
    }
}

/// P(Bin(m, q) = k), also for q = 0 or 1.
fn pmf_q(m: u64, k: u64, q: f64) -> f64 {
    if k > m {
        0.0
    } else if q <= 0.0 {
        f64::from(u8::from(k == 0))
    } else if q >= 1.0 {
        f64::from(u8::from(k == m))
    } else {
        binomial::pmf(m, k, q)
    }
}

/// A validated power problem, reduced to the "greater" direction.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Setup {
    /// Flip rate p.
    pub flip_rate: f64,
    /// Probability a discordant pair goes the tested way (for two-sided, the
    /// larger of the two directions).
    pub q: f64,
    /// Level of each rejection tail (alpha, or alpha/2 for two-sided).
    pub level: f64,
    pub two_sided: bool,
}

impl Setup {
    pub fn new(flip_rate: f64, delta: f64, alpha: f64, alternative: Alternative) -> Result<Self> {
        let flip_rate = check_flip_rate(flip_rate)?;
        let delta = check_delta(delta, flip_rate)?;
        let alpha = check_level("alpha", alpha)?;
        let signed = match alternative {
            Alternative::Greater => delta,
            Alternative::Less => -delta,
            Alternative::TwoSided => delta.abs(),
        };
        let q = ((flip_rate + signed) / (2.0 * flip_rate)).clamp(0.0, 1.0);
        let two_sided = alternative == Alternative::TwoSided;
        let level = if two_sided { alpha / 2.0 } else { alpha };
        Ok(Self {
            flip_rate,
            q,
            level,
            two_sided,
        })
    }

    /// Power given m discordant pairs and the critical value k = k(m):
    /// (exact test, monotone upper bound). The bound is the randomized
    /// (UMP) one-sided test at the same level, whose power never decreases
    /// with m (it can always ignore a pair), plus `level` for the lower
    /// tail of a two-sided test (whose power is at most its size when q >= 1/2).
    pub fn conditional(&self, m: u64, k: u64) -> (f64, f64) {
        self.given_tails(
            m,
            k,
            sf_q(m, k, self.q),
            pmf_q(m, k - 1, self.q),
            binomial::sf_half(m, k),
            binomial::pmf_half(m, k - 1),
        )
    }

    /// [`Setup::conditional`] from the tails at k: P(B >= k) and P(B = k - 1)
    /// under q and under 1/2.
    pub fn given_tails(
        &self,
        m: u64,
        k: u64,
        upper: f64,
        pmf_below: f64,
        half_tail: f64,
        half_pmf_below: f64,
    ) -> (f64, f64) {
        let gap = (self.level - half_tail).max(0.0);
        let gamma = if gap > 0.0 && half_pmf_below > 0.0 {
            (gap / half_pmf_below).min(1.0)
        } else {
            0.0
        };
        let randomized = upper + gamma * pmf_below;
        if self.two_sided {
            let lower = if k <= m { cdf_q(m, m - k, self.q) } else { 0.0 };
            (upper + lower, randomized + self.level)
        } else {
            (upper, randomized)
        }
    }
}

/// Bin(n, p) probabilities over the contiguous range of counts that holds
/// all but at most ~`TAIL_MASS` at each end, built by the pmf recurrence
/// outwards from the mode.
#[derive(Debug, Clone)]
pub(crate) struct BinomialWindow {
    pub lo: u64,
    pub weights: Vec<f64>,
}

impl BinomialWindow {
    pub fn new(n: u64, p: f64) -> Self {
        match Self::new_checked(n, p, &NeverStop) {
            Ok(window) => window,
            Err(_) => unreachable!("NeverStop never stops"),
        }
    }

    /// [`BinomialWindow::new`], asking `checkpoint` every 2^22 weights whether to go
    /// on (the entry points cap a window at 2^23 weights, [`check_window`]).
    pub fn new_checked(n: u64, p: f64, checkpoint: &dyn Checkpoint) -> Result<Self> {
        if p >= 1.0 {
            return Ok(Self {
                lo: n,
                weights: vec![1.0],
            });
        }
        let mode = (((n + 1) as f64) * p).floor().min(n as f64) as u64;
        let odds = p / (1.0 - p);
        let at_mode = binomial::pmf(n, mode, p);
        // Room for ~9 standard deviations each way (the cut-off at 1e-17 is
        // about 8.5), so the tails rarely grow by reallocation.
        let room = (9.0 * ((n as f64) * p * (1.0 - p)).sqrt()) as usize + 8;
        let mut upper = Vec::with_capacity(room.min((n - mode) as usize));
        let mut w = at_mode;
        let mut m = mode;
        // Upwards: w(m+1) = w(m) (n-m)/(m+1) p/(1-p); the ratio only falls, so
        // once w r/(1-r) is below the cut-off the rest is too.
        while m < n {
            let r = (n - m) as f64 / (m + 1) as f64 * odds;
            if r < 1.0 && w * r / (1.0 - r) < TAIL_MASS {
                break;
            }
            w *= r;
            m += 1;
            upper.push(w);
            if upper.len() % (1 << 22) == 0 {
                checkpoint.check()?;
            }
        }
        let mut lower = Vec::with_capacity(room.min(mode as usize));
        let mut w = at_mode;
        let mut m = mode;
        while m > 0 {
            let r = m as f64 / (n - m + 1) as f64 / odds;
            if r < 1.0 && w * r / (1.0 - r) < TAIL_MASS {
                break;
            }
            w *= r;
            m -= 1;
            lower.push(w);
            if lower.len() % (1 << 22) == 0 {
                checkpoint.check()?;
            }
        }
        let lo = mode - lower.len() as u64;
        let mut weights = Vec::with_capacity(lower.len() + 1 + upper.len());
        weights.extend(lower.into_iter().rev());
        weights.push(at_mode);
        weights.extend(upper);
        Ok(Self { lo, weights })
    }

    pub fn hi(&self) -> u64 {
        self.lo + self.weights.len() as u64 - 1
    }
}

/// A compensated (Neumaier) running sum: the same operations in the same order
/// whether the terms come in one pass or in chunks.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CompensatedSum {
    sum: f64,
    carry: f64,
}

impl CompensatedSum {
    /// Adds the products of `weights` and `values`, pair by pair.
    pub fn add_products(&mut self, weights: &[f64], values: impl Iterator<Item = f64>) {
        for (w, v) in weights.iter().zip(values) {
            let term = w * v;
            let t = self.sum + term;
            if self.sum.abs() >= term.abs() {
                self.carry += (self.sum - t) + term;
            } else {
                self.carry += (term - t) + self.sum;
            }
            self.sum = t;
        }
    }

    pub fn total(&self) -> f64 {
        self.sum + self.carry
    }
}

/// Compensated (Neumaier) sum of products.
pub(crate) fn dot(weights: &[f64], values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = CompensatedSum::default();
    sum.add_products(weights, values);
    sum.total()
}

/// (exact power, monotone upper bound) for n samples.
pub(crate) fn power_and_bound(setup: &Setup, n: u64) -> (f64, f64) {
    let window = BinomialWindow::new(n, setup.flip_rate);
    let cond = conditional_range(setup, window.lo, window.hi());
    let bound = dot(&window.weights, cond.iter().map(|c| c.1));
    (exact_power_of(&window, &cond), bound.clamp(0.0, 1.0))
}

/// The exact power of [`power_and_bound`] (its first value, bit for bit) for the
/// `window` of n and the flip rate: a search over delta at fixed n reuses one
/// window, which depends on neither delta nor alpha.
pub(crate) fn exact_power_in(setup: &Setup, window: &BinomialWindow) -> f64 {
    exact_power_of(window, &conditional_range(setup, window.lo, window.hi()))
}

/// The window's weights times each count's conditional power: the one sum both
/// of the above take.
fn exact_power_of(window: &BinomialWindow, conditional: &[(f64, f64)]) -> f64 {
    dot(&window.weights, conditional.iter().map(|c| c.0)).clamp(0.0, 1.0)
}

/// Exact power of the exact McNemar test at level `alpha` for `n` paired
/// samples, flip rate `flip_rate` and accuracy drop `delta`
/// (= acc(reference) - acc(candidate); positive = the candidate is worse).
pub fn power(
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Alternative,
) -> Result<f64> {
    power_checked(n, flip_rate, delta, alpha, alternative, &NeverStop)
}

/// Conditional powers walked per chunk between two checkpoints: a multiple of the
/// walk's resynchronisation period, so the chunks restart exactly where the single
/// walk resynchronises and the values are the same to the bit.
const CHECKED_CHUNK: u64 = RESYNC * 4096;

/// [`power`], asking `checkpoint` between chunks of the walk whether to go on.
/// At the largest window [`check_window`] allows (2^23 counts) the walk takes a
/// second or two: the Python glue runs it off the interpreter and stops it on
/// Ctrl-C.
pub fn power_checked(
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Alternative,
    checkpoint: &dyn Checkpoint,
) -> Result<f64> {
    check_n(n)?;
    let setup = Setup::new(flip_rate, delta, alpha, alternative)?;
    check_window(n, setup.flip_rate)?;
    let window = BinomialWindow::new_checked(n, setup.flip_rate, checkpoint)?;
    let (lo, hi) = (window.lo, window.hi());
    // The compensated sum runs on across chunks (the same operations in the same
    // order as `dot`), so only one chunk of conditional powers is ever held.
    let mut sum = CompensatedSum::default();
    let mut start = lo;
    while start <= hi {
        checkpoint.check()?;
        let end = hi.min(start.saturating_add(CHECKED_CHUNK - 1));
        let weights = &window.weights[(start - lo) as usize..=(end - lo) as usize];
        let values = conditional_range(&setup, start, end);
        sum.add_products(weights, values.iter().map(|c| c.0));
        start = end + 1;
    }
    Ok(sum.total().clamp(0.0, 1.0))
}

/// Power a normal-approximation z test would have:
/// Phi(|delta| sqrt(n / p) - z_{1-level}) (one tail; the textbook formula the
/// sample-size rule of thumb inverts).
pub fn normal_approx_power(
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Alternative,
) -> Result<f64> {
    check_n(n)?;
    let setup = Setup::new(flip_rate, delta, alpha, alternative)?;
    let signal = (2.0 * setup.q - 1.0) * (n as f64 * setup.flip_rate).sqrt();
    Ok(crate::special::normal::norm_cdf(
        signal - norm_isf(setup.level),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn critical_value_is_the_smallest_significant_count() {
        for m in [1u64, 2, 5, 10, 17, 50, 101, 1000, 12345] {
            for level in [0.5, 0.05, 0.025, 0.01, 1e-6] {
                let k = critical_value(m, level);
                if k <= m {
                    assert!(binomial::sf_half(m, k) <= level);
                }
                assert!(binomial::sf_half(m, k - 1) > level, "m={m} level={level}");
            }
        }
        // 2^-5 = 0.03125 <= 0.05 but 6/32 > 0.05: only b = 5 of 5 rejects.
        assert_eq!(critical_value(5, 0.05), 5);
        assert_eq!(critical_value(4, 0.05), 5);
    }

    #[test]
    fn a_window_built_once_gives_the_exact_power_bit_for_bit() {
        for (n, p) in [
            (1u64, 0.3),
            (500, 0.03),
            (500, 0.5),
            (20_000, 0.002),
            (77, 1.0),
        ] {
            let window = BinomialWindow::new(n, p);
            for delta in [0.0, 0.3 * p, -0.5 * p, p] {
                for alt in [
                    Alternative::Greater,
                    Alternative::Less,
                    Alternative::TwoSided,
                ] {
                    let setup = Setup::new(p, delta, 0.05, alt).unwrap();
                    let once = exact_power_in(&setup, &window);
                    let fresh = power_and_bound(&setup, n).0;
                    assert_eq!(once.to_bits(), fresh.to_bits(), "n={n} p={p} delta={delta}");
                }
            }
        }
    }

    #[test]
    fn window_holds_all_the_mass() {
        for (n, p) in [
            (1u64, 0.3),
            (10, 0.5),
            (1000, 0.02),
            (100_000, 0.1),
            (50, 0.999),
        ] {
            let w = BinomialWindow::new(n, p);
            let total: f64 = w.weights.iter().sum();
            assert!((total - 1.0).abs() < 1e-11, "n={n} p={p} total={total}");
            assert!(w.hi() <= n);
        }
        let w = BinomialWindow::new(7, 1.0);
        assert_eq!((w.lo, w.weights.clone()), (7, vec![1.0]));
    }

    /// Brute force: enumerate every (b, c) of the multinomial.
    fn brute_force(n: u64, p: f64, delta: f64, alpha: f64, alt: Alternative) -> f64 {
        let p12 = (p + delta) / 2.0;
        let p21 = (p - delta) / 2.0;
        let mut total = 0.0;
        for m in 0..=n {
            let wm = binomial::pmf(n, m, p);
            for b in 0..=m {
                let qb = binomial::pmf(m, b, p12 / p);
                let upper = binomial::sf_half(m, b);
                let lower = binomial::cdf_half(m, b);
                let pv = match alt {
                    Alternative::Greater => upper,
                    Alternative::Less => lower,
                    Alternative::TwoSided => (2.0 * upper.min(lower)).min(1.0),
                };
                if pv <= alpha {
                    total += wm * qb;
                }
            }
        }
        let _ = p21;
        total
    }

    #[test]
    fn power_matches_enumeration_of_every_table() {
        for (n, p, delta) in [
            (20u64, 0.3, 0.1),
            (40, 0.5, 0.2),
            (60, 0.1, -0.05),
            (33, 0.8, 0.0),
        ] {
            for alt in [
                Alternative::Greater,
                Alternative::Less,
                Alternative::TwoSided,
            ] {
                let exact = power(n, p, delta, 0.05, alt).unwrap();
                let brute = brute_force(n, p, delta, 0.05, alt);
                assert!(
                    (exact - brute).abs() < 1e-12,
                    "n={n} p={p} delta={delta} {alt:?}: {exact} vs {brute}"
                );
            }
        }
    }

    #[test]
    fn upper_bound_dominates_and_never_decreases() {
        for alt in [Alternative::Greater, Alternative::TwoSided] {
            let setup = Setup::new(0.1, 0.04, 0.05, alt).unwrap();
            let mut last = 0.0;
            for n in 1..400u64 {
                let (exact, bound) = power_and_bound(&setup, n);
                assert!(exact <= bound + 1e-12);
                assert!(bound >= last - 1e-12, "n={n}");
                last = bound;
            }
        }
    }

    #[test]
    fn extreme_drops_and_flip_rates() {
        // Every flip is a degradation: power = P(m >= 5) at alpha = 0.05.
        let p = power(30, 0.2, 0.2, 0.05, Alternative::Greater).unwrap();
        let expected = binomial::sf(30, 5, 0.2);
        assert!((p - expected).abs() < 1e-13);
        // Flip rate 1: m = n always.
        let p = power(10, 1.0, 0.4, 0.05, Alternative::Greater).unwrap();
        let k = critical_value(10, 0.05);
        assert!((p - binomial::sf(10, k, 0.7)).abs() < 1e-13);
    }

    #[test]
    fn bad_arguments_are_named() {
        let e = power(0, 0.1, 0.01, 0.05, Alternative::Greater).unwrap_err();
        assert!(e.to_string().contains("n must be"));
        let e = power(10, 0.0, 0.0, 0.05, Alternative::Greater).unwrap_err();
        assert!(e.to_string().contains("flip_rate"));
        let e = power(10, 0.1, 0.2, 0.05, Alternative::Greater).unwrap_err();
        assert!(e.to_string().contains("delta"));
        let e = power(10, 0.1, 0.05, 1.5, Alternative::Greater).unwrap_err();
        assert!(e.to_string().contains("alpha"));
    }

    #[test]
    fn chunked_power_is_the_single_walk_to_the_bit_and_stops_when_asked() {
        use crate::control::CancelFlag;
        use std::sync::atomic::AtomicBool;
        let go = AtomicBool::new(false);
        for (n, p, delta) in [
            (10u64, 0.3, 0.1),
            (5_000, 0.09, 0.005),
            (1u64 << 30, 0.09, 0.0001),
            (3_000_000_000, 0.2, 0.00001),
        ] {
            for alt in [Alternative::Greater, Alternative::TwoSided] {
                let setup = Setup::new(p, delta, 0.05, alt).unwrap();
                let plain = power_and_bound(&setup, n).0;
                let checked = power_checked(n, p, delta, 0.05, alt, &CancelFlag(&go)).unwrap();
                assert_eq!(plain.to_bits(), checked.to_bits(), "n={n} p={p} {alt:?}");
            }
        }
        // A window of several chunks (n = 2^40: about 6 x 10^6 discordant counts).
        let setup = Setup::new(0.09, 0.00001, 0.05, Alternative::Greater).unwrap();
        let big = power_and_bound(&setup, 1 << 40).0;
        let chunked = power_checked(
            1 << 40,
            0.09,
            0.00001,
            0.05,
            Alternative::Greater,
            &CancelFlag(&go),
        )
        .unwrap();
        assert_eq!(big.to_bits(), chunked.to_bits());
        let stop = AtomicBool::new(true);
        let err = power_checked(
            1 << 40,
            0.09,
            0.005,
            0.05,
            Alternative::Greater,
            &CancelFlag(&stop),
        );
        assert!(matches!(err, Err(Error::Interrupted)));
    }
}
