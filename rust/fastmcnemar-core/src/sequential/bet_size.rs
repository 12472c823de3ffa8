//! How much to bet on the next paired difference: the predictable plug-in
//! rule of Waudby-Smith and Ramdas 2023 ("Estimating means of bounded random
//! variables by betting", JRSS-B, eq. (26)-(27)), on x = (d + 1) / 2 in [0, 1]
//! where d = reference - candidate in [-1, 1].
//!
//! ```text
//! λ_t = min(c, sqrt(2 ln(1/α) / (σ̂²_{t-1} · t · ln(1 + t)))),
//! σ̂²_{t-1} = (1/4 + Σ_{i<t} (x_i - x̄_{t-1})²) / t
//! ```
//!
//! λ_t depends only on the samples before t (it is predictable), which is all
//! validity needs; the rule only decides power. The variance uses the current
//! mean rather than WSR's running means so that it depends on the samples
//! seen, not their order: a batch of counts and a merge of two shards then
//! give the same bet as one long stream. λ does not depend on the null mean,
//! so every capital K(μ) of the confidence sequence is monotone in μ (see
//! `grid.rs`). The cap `MAX_BET` = 3/4 keeps every factor 1 ± λ(x - μ) at or
//! above 1/4 for any μ and x in [0, 1].

/// Largest bet: every factor stays >= 1 - MAX_BET.
pub const MAX_BET: f64 = 0.75;

/// Running count, mean and sum of squared deviations of x (Welford / Chan).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BetSizer {
    /// Samples seen.
    pub count: u64,
    /// Their mean.
    pub mean: f64,
    /// Sum of squared deviations from the mean.
    pub m2: f64,
}

impl BetSizer {
    /// Bet for the next sample (index t = count + 1), at level `ln(1/alpha)`.
    pub fn lambda(&self, ln_inv_alpha: f64) -> f64 {
        let t = (self.count + 1) as f64;
        let variance = (0.25 + self.m2) / t;
        let raw = (2.0 * ln_inv_alpha / (variance * t * t.ln_1p())).sqrt();
        raw.min(MAX_BET)
    }

    /// Adds one sample.
    pub fn push(&mut self, x: f64) {
        self.push_repeated(x, 1);
    }

    /// Adds `k` samples all equal to `x` (a block of ties, losses or wins).
    pub fn push_repeated(&mut self, x: f64, k: u64) {
        self.merge(&BetSizer {
            count: k,
            mean: if k == 0 { 0.0 } else { x },
            m2: 0.0,
        });
    }

    /// Adds the samples summarised by `other` (Chan et al.'s pairwise update).
    pub fn merge(&mut self, other: &BetSizer) {
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = *other;
            return;
        }
        let (na, nb) = (self.count as f64, other.count as f64);
        let total = na + nb;
        let diff = other.mean - self.mean;
        self.mean += diff * nb / total;
        self.m2 += other.m2 + diff * diff * na * nb / total;
        self.count += other.count;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bet_uses_the_prior_variance() {
        let s = BetSizer::default();
        let want = (2.0 * 20f64.ln() / (0.25 * 2f64.ln())).sqrt().min(MAX_BET);
        assert_eq!(s.lambda(20f64.ln()), want);
    }

    #[test]
    fn order_free_moments() {
        let xs = [0.0, 1.0, 0.5, 0.5, 1.0, 0.25];
        let mut one = BetSizer::default();
        xs.iter().for_each(|&x| one.push(x));
        let mut two = BetSizer::default();
        xs.iter().rev().for_each(|&x| two.push(x));
        let mean = xs.iter().sum::<f64>() / 6.0;
        let m2: f64 = xs.iter().map(|x| (x - mean) * (x - mean)).sum();
        for s in [one, two] {
            assert_eq!(s.count, 6);
            assert!((s.mean - mean).abs() < 1e-15);
            assert!((s.m2 - m2).abs() < 1e-14);
        }
    }

    #[test]
    fn bets_shrink_as_evidence_accumulates() {
        let mut s = BetSizer::default();
        let mut last = f64::INFINITY;
        for i in 0..2000 {
            s.push(if i % 3 == 0 { 1.0 } else { 0.5 });
            let l = s.lambda(20f64.ln());
            assert!(l <= MAX_BET && l > 0.0);
            if i > 100 {
                assert!(l <= last + 1e-12);
            }
            last = l;
        }
    }
}
