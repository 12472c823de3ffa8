//! The tables behind the sample-size search ([`super::sample_size::sample_size`]):
//! which method covers which stretch of N, and why the answer stays the plain
//! smallest N whose [`super::power::power`] reaches the target.
//!
//! Exact power is a saw-tooth in N, so it cannot be bisected. The search has
//! two stretches:
//!
//! - **Below the answer: a monotone envelope, bisected.** Any function F(m) of
//!   the number of flips m that never decreases and lies above the conditional
//!   exact power e(m) gives E[F(M)], M ~ Bin(N, p), a bound on the exact power
//!   that never decreases in N (M for N + 1 is M for N plus a Bernoulli). So
//!   where it is below the target, so is every smaller N. The tightest such F
//!   is the running maximum of e; the table covers m >= `lo` only, so F is
//!   min(b(m), max(b(lo), max of e over lo..=m)), with b the randomized (UMP)
//!   test's power, which never decreases and lies above e (so b(m) <= b(lo) for
//!   m < lo). At N ~ 10^3 this lands 60-80 N closer to the answer than b
//!   alone, a third to a half of the scan that follows.
//! - **From there up: a screened scan.** The binomial weights of N + 1 come
//!   from those of N by w'(m) = (1 - p) w(m) + p w(m - 1) (a convex
//!   combination: each step adds at most ~2 ulp of relative error; the weights
//!   restart from the direct window every [`SCREEN_RESTART`] steps) and a plain
//!   dot product with the tabulated e: a few hundred flops per N instead of a
//!   pmf, three allocations and two compensated sums. The table of e grows upwards
//!   [`GROW`] m at a time (each walk starts with a critical value and two
//!   direct tails, too dear for the one more m each N asks for).
//!
//! Both shortcuts only ever rule N out, and only by [`SLACK`] = 1e-9, far more
//! than their error (the walked conditional powers agree with direct ones to
//! ~1e-12, the weights and sums to ~1e-13). Every N the screen lets through is
//! decided by `power` itself, so the N returned and its power are `power`'s,
//! bit for bit.

use super::power::{BinomialWindow, Setup};
use super::walk::conditional_range;

/// How far below the target a bound or a screened power must be to rule N out.
pub(super) const SLACK: f64 = 1e-9;

/// Screened steps between restarts from the direct binomial window.
pub(super) const SCREEN_RESTART: u64 = 64;

/// Conditional powers added at least at a time when the table grows upwards.
const GROW: u64 = 64;

/// Conditional (exact, bound) powers for a contiguous range of m, grown on
/// demand at either end (the searches move N, hence the window of m, a
/// little at a time), with the monotone envelope of the module header.
pub(super) struct ConditionalTable {
    setup: Setup,
    lo: u64,
    values: Vec<(f64, f64)>,
    /// The envelope F(m) for m = lo, lo + 1, ... (built lazily, cleared when
    /// the table grows at the front, since F depends on b(lo)).
    envelope: Vec<f64>,
    /// max(b(lo), max e) over the m the envelope covers.
    running: f64,
}

impl ConditionalTable {
    pub(super) fn new(setup: Setup) -> Self {
        Self {
            setup,
            lo: 0,
            values: Vec::new(),
            envelope: Vec::new(),
            running: 0.0,
        }
    }

    /// (exact, bound) for m = lo..=hi.
    pub(super) fn values(&mut self, lo: u64, hi: u64) -> &[(f64, f64)] {
        self.cover(lo, hi);
        let start = (lo - self.lo) as usize;
        let end = (hi - self.lo) as usize;
        &self.values[start..=end]
    }

    /// The monotone envelope F(m) for m = lo..=hi.
    pub(super) fn envelope(&mut self, lo: u64, hi: u64) -> &[f64] {
        self.cover(lo, hi);
        let end = (hi - self.lo) as usize;
        if self.envelope.is_empty() {
            self.running = self.values[0].1;
        }
        while self.envelope.len() <= end {
            let (exact, bound) = self.values[self.envelope.len()];
            self.running = self.running.max(exact);
            self.envelope.push(self.running.min(bound));
        }
        let start = (lo - self.lo) as usize;
        &self.envelope[start..=end]
    }

    fn cover(&mut self, lo: u64, hi: u64) {
        if self.values.is_empty() {
            self.values = conditional_range(&self.setup, lo, hi);
            self.lo = lo;
        }
        if lo < self.lo {
            let mut front = conditional_range(&self.setup, lo, self.lo - 1);
            front.append(&mut self.values);
            self.values = front;
            self.lo = lo;
            self.envelope.clear();
        }
        let top = self.lo + self.values.len() as u64 - 1;
        if hi > top {
            // A chunk at a time: the scan asks for one more m per N, and each
            // walk starts with a critical value and two direct tails.
            let to = hi.max(top.saturating_add(GROW));
            self.values
                .extend(conditional_range(&self.setup, top + 1, to));
        }
    }
}

/// The binomial weights of N, N + 1, ... by the recurrence of the module
/// header, for screening the exact power of each N in turn.
pub(super) struct Screen {
    n: u64,
    flip_rate: f64,
    lo: u64,
    weights: Vec<f64>,
    /// The next N's weights are written here, then the two swap.
    spare: Vec<f64>,
    steps: u64,
}

impl Screen {
    pub(super) fn new(n: u64, flip_rate: f64) -> Self {
        let window = BinomialWindow::new(n, flip_rate);
        Self {
            n,
            flip_rate,
            lo: window.lo,
            weights: window.weights,
            spare: Vec::new(),
            steps: 0,
        }
    }

    /// The exact power of the current N, to within ~1e-12.
    pub(super) fn power(&self, table: &mut ConditionalTable) -> f64 {
        let hi = self.lo + self.weights.len() as u64 - 1;
        let values = table.values(self.lo, hi);
        self.weights.iter().zip(values).map(|(w, v)| w * v.0).sum()
    }

    /// Moves on to N + 1.
    pub(super) fn advance(&mut self) {
        self.n += 1;
        self.steps += 1;
        if self.steps % SCREEN_RESTART == 0 {
            *self = Self {
                steps: self.steps,
                ..Self::new(self.n, self.flip_rate)
            };
            return;
        }
        // w'(m) = (1 - p) w(m) + p w(m - 1), w(lo - 1) = w(hi + 1) = 0: written out
        // of place, so no element waits for another (the loop vectorizes), with the
        // same operations as in place.
        let (p, keep) = (self.flip_rate, 1.0 - self.flip_rate);
        let old = &self.weights;
        let next = &mut self.spare;
        next.clear();
        next.push(keep * old[0]);
        next.extend(old.windows(2).map(|pair| keep * pair[1] + p * pair[0]));
        next.push(keep * 0.0 + p * old[old.len() - 1]);
        std::mem::swap(&mut self.weights, &mut self.spare);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planning::power::{Alternative, dot};

    #[test]
    fn envelope_never_decreases_and_bounds_the_exact_power() {
        for (p, delta, alt) in [
            (0.03, 0.01, Alternative::Greater),
            (0.2, 0.05, Alternative::TwoSided),
            (0.5, 0.3, Alternative::Greater),
        ] {
            let setup = Setup::new(p, delta, 0.05, alt).unwrap();
            let mut table = ConditionalTable::new(setup);
            // Grown at the back, then at the front (which rebuilds the envelope).
            let _ = table.envelope(300, 400);
            let _ = table.envelope(300, 900);
            let values = table.values(40, 900).to_vec();
            let envelope = table.envelope(40, 900).to_vec();
            for (i, (&(exact, bound), &f)) in values.iter().zip(&envelope).enumerate() {
                assert!(exact <= f && f <= bound, "p={p} m={}", 40 + i);
                // (b, hence F near power 1, may dip by an ulp of rounding)
                if i > 0 {
                    assert!(f >= envelope[i - 1] - 1e-15, "p={p} m={}", 40 + i);
                }
            }
        }
    }

    #[test]
    fn weights_advance_as_the_in_place_recurrence_to_the_bit() {
        for p in [0.016, 0.3, 0.97, 1.0] {
            let mut screen = Screen::new(500, p);
            let mut in_place = screen.weights.clone();
            for _ in 1..SCREEN_RESTART {
                screen.advance();
                let keep = 1.0 - p;
                in_place.push(0.0);
                for i in (1..in_place.len()).rev() {
                    in_place[i] = keep * in_place[i] + p * in_place[i - 1];
                }
                in_place[0] *= keep;
                let bits = |w: &[f64]| w.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                assert_eq!(bits(&screen.weights), bits(&in_place), "p={p}");
            }
        }
    }

    #[test]
    fn screened_power_follows_the_direct_one() {
        for p in [0.016, 0.3, 0.97, 1.0] {
            let setup = Setup::new(p, p / 4.0, 0.05, Alternative::Greater).unwrap();
            let mut table = ConditionalTable::new(setup);
            let mut screen = Screen::new(700, p);
            for n in 700..1000 {
                let window = BinomialWindow::new(n, p);
                let values = table.values(window.lo, window.hi()).to_vec();
                let direct = dot(&window.weights, values.iter().map(|v| v.0));
                let screened = screen.power(&mut table);
                assert!((screened - direct).abs() < 1e-13, "p={p} n={n}");
                screen.advance();
            }
        }
    }
}
