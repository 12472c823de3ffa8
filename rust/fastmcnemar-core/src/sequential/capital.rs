//! One-sided betting test of a bounded mean at one null value μ0: the
//! capital process of Waudby-Smith and Ramdas 2023 ("Estimating means of
//! bounded random variables by betting"), used for "degraded" on graded
//! scores (H0: Δ <= 0) and for "equivalent" (H0: Δ >= margin).
//!
//! With x in [0, 1] and bets λ_t in [0, 3/4] from [`super::bet_size`]:
//!
//! ```text
//! Above μ0 (rejects mean <= μ0):  K_t = Π (1 + λ_i (x_i - m_i))
//! Below μ0 (rejects mean >= μ0):  K_t = Π (1 - λ_i (x_i - m_i))
//! ```
//!
//! where m_i = μ0 with replacement (i.i.d. samples from a super-population)
//! and m_i = the without-replacement center (`without_replacement.rs`) when
//! the benchmark size is known. Under any mean on the null side E\[factor\]
//! <= 1, so K is a nonnegative supermartingale and Ville's inequality bounds
//! P(sup K >= 1/α) by α. The running maximum is kept in log space; a center
//! that the data have put out of reach either rejects (the mean is surely on
//! the alternative side) or freezes the capital (surely on the null side).

use super::without_replacement::{Center, center};

/// Which side of μ0 the test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Rejects "mean <= μ0".
    Above,
    /// Rejects "mean >= μ0".
    Below,
}

impl Side {
    fn sign(self) -> f64 {
        match self {
            Side::Above => 1.0,
            Side::Below => -1.0,
        }
    }
}

/// The capital of one bettor against one null mean.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capital {
    /// The null mean μ0 on the x scale.
    pub mu0: f64,
    /// The direction of the test.
    pub side: Side,
    /// ln K_t now (+inf once the data rule the null out).
    pub ln_now: f64,
    /// ln sup_{s <= t} K_s.
    pub ln_max: f64,
    /// The data put the null surely true: no further bets.
    pub frozen: bool,
}

/// Where the null mean of the next sample lies, for either sampling scheme.
#[derive(Debug, Clone, Copy)]
pub enum Scheme {
    /// i.i.d. draws: the null mean is μ0 itself.
    WithReplacement,
    /// A population of `population` items; `seen` drawn so far, summing to `sum`.
    WithoutReplacement {
        population: u64,
        seen: u64,
        sum: f64,
    },
}

impl Scheme {
    /// The next sample's null conditional mean under population mean `mu`.
    pub fn center(self, mu: f64) -> Center {
        match self {
            Scheme::WithReplacement => Center::Mean(mu),
            Scheme::WithoutReplacement {
                population,
                seen,
                sum,
            } => center(population, seen, sum, mu),
        }
    }
}

impl Capital {
    /// A fresh bettor (K_0 = 1).
    pub fn new(mu0: f64, side: Side) -> Self {
        Capital {
            mu0,
            side,
            ln_now: 0.0,
            ln_max: 0.0,
            frozen: false,
        }
    }

    /// Bets `lambda` on sample `x`.
    pub fn update(&mut self, x: f64, lambda: f64, scheme: Scheme) {
        if self.frozen || self.ln_now == f64::INFINITY {
            return;
        }
        match (scheme.center(self.mu0), self.side) {
            (Center::Mean(m), side) => {
                self.ln_now += (side.sign() * lambda * (x - m)).ln_1p();
            }
            (Center::BelowReach, Side::Above) | (Center::AboveReach, Side::Below) => {
                self.ln_now = f64::INFINITY;
            }
            _ => self.frozen = true,
        }
        self.ln_max = self.ln_max.max(self.ln_now);
    }

    /// Bets `lambda` on `k0` samples at x = 0, `k_half` at 1/2 and `k1` at 1
    /// (a batch of counts, with replacement; the maximum is only looked at
    /// after the batch).
    pub fn update_counts(&mut self, counts: [u64; 3], lambda: f64) {
        let s = self.side.sign() * lambda;
        let xs = [0.0, 0.5, 1.0];
        for (x, k) in xs.iter().zip(counts) {
            if k > 0 {
                self.ln_now += k as f64 * (s * (x - self.mu0)).ln_1p();
            }
        }
        self.ln_max = self.ln_max.max(self.ln_now);
    }

    /// Appends another shard's capital (same μ0 and side, with replacement):
    /// the product is the capital of the concatenated stream, whose later
    /// bets were predictable from the shard's own past.
    pub fn append(&mut self, other: &Capital) {
        self.ln_max = self.ln_max.max(self.ln_now + other.ln_max);
        self.ln_now += other.ln_now;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_equal_samples_with_a_fixed_bet() {
        let mut a = Capital::new(0.45, Side::Above);
        let mut b = a;
        let xs = [1.0, 0.5, 0.5, 0.0, 1.0, 1.0];
        for &x in &xs {
            a.update(x, 0.3, Scheme::WithReplacement);
        }
        b.update_counts([1, 2, 3], 0.3);
        assert!((a.ln_now - b.ln_now).abs() < 1e-14);
    }

    #[test]
    fn exact_expectation_is_at_most_one_on_the_null_side() {
        // Three steps of x in {0, 1/2, 1} with fixed bets: enumerate all paths.
        for (mu0, true_p) in [(0.5, [0.3, 0.4, 0.3]), (0.5, [0.4, 0.4, 0.2])] {
            let mut expected = 0.0;
            for i in 0..27u32 {
                let mut cap = Capital::new(mu0, Side::Above);
                let mut prob = 1.0;
                for step in 0..3 {
                    let k = (i / 3u32.pow(step)) % 3;
                    prob *= true_p[k as usize];
                    cap.update(f64::from(k) / 2.0, 0.6, Scheme::WithReplacement);
                }
                expected += prob * cap.ln_now.exp();
            }
            assert!(expected <= 1.0 + 1e-12, "{expected}");
        }
    }

    #[test]
    fn out_of_reach_rejects_or_freezes() {
        let scheme = Scheme::WithoutReplacement {
            population: 4,
            seen: 2,
            sum: 2.0,
        };
        let mut above = Capital::new(0.25, Side::Above);
        above.update(1.0, 0.5, scheme);
        assert_eq!(above.ln_max, f64::INFINITY);
        let mut below = Capital::new(0.25, Side::Below);
        below.update(1.0, 0.5, scheme);
        assert!(below.frozen && below.ln_now == 0.0);
    }
}
