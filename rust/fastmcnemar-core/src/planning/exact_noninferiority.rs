//! Exact unconditional p-value for the non-inferiority test.
//!
//! Tango's score test refers z to the normal distribution, which can be a
//! little liberal in small samples with many flips. The exact unconditional
//! p-value (in the spirit of Chan 1998 and Berger & Boos 1994) keeps Tango's
//! statistic but takes its distribution from the model itself: at the
//! boundary delta = margin the only unknown is the flip rate p, and
//! p-value = sup over p in [margin, 1] of P_p(Z <= z_obs),
//! computed exactly as sum over m ~ Bin(N, p) of P(Bin(m, q) <= b*(m)),
//! q = (p + margin)/(2p), where b*(m) is the largest b with
//! Z(b, m - b) <= z_obs (Z increases with b at fixed m, so the rejection set
//! is {b <= b*(m)}). The supremum is taken over a grid of flip rates refined
//! by golden-section search around the best grid point.

use std::collections::HashMap;

use crate::control::Checkpoint;
use crate::error::Result;

use super::noninferiority::{check_inputs, tango_score};
use super::power::{BinomialWindow, cdf_q, check_window, dot};

/// Grid points over the flip rate before refinement.
const GRID: usize = 200;

/// Rejection-set edges b*(m), computed once per m.
struct Edges {
    n: u64,
    margin: f64,
    z_obs: f64,
    cache: HashMap<u64, Option<u64>>,
}

impl Edges {
    fn edge(&mut self, m: u64) -> Option<u64> {
        if let Some(&e) = self.cache.get(&m) {
            return e;
        }
        let z = |b: u64| tango_score(b, m - b, self.n, self.margin);
        let edge = if z(0) > self.z_obs {
            None
        } else if z(m) <= self.z_obs {
            Some(m)
        } else {
            // z(lo) <= z_obs < z(hi)
            let (mut lo, mut hi) = (0u64, m);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if z(mid) <= self.z_obs {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            Some(lo)
        };
        self.cache.insert(m, edge);
        edge
    }

    /// P(Z <= z_obs) when the flip rate is p and delta = margin.
    fn size(&mut self, p: f64) -> f64 {
        let q = ((p + self.margin) / (2.0 * p)).clamp(0.0, 1.0);
        let window = BinomialWindow::new(self.n, p);
        let tails: Vec<f64> = (window.lo..=window.hi())
            .map(|m| self.edge(m).map_or(0.0, |e| cdf_q(m, e, q)))
            .collect();
        dot(&window.weights, tails.into_iter()).clamp(0.0, 1.0)
    }
}

/// Exact unconditional p-value of H0: delta >= margin for counts (b, c, n).
pub fn exact_pvalue(
    b: u64,
    c: u64,
    n: u64,
    margin: f64,
    checkpoint: &dyn Checkpoint,
) -> Result<f64> {
    check_inputs(b, c, n, margin)?;
    // The widest window of the flip rates searched, [margin, 1].
    check_window(n, margin.max(0.5))?;
    let mut edges = Edges {
        n,
        margin,
        z_obs: tango_score(b, c, n, margin),
        cache: HashMap::new(),
    };
    // Flip rates from the margin (every flip a degradation) up to 1.
    let at = |i: usize| margin + (1.0 - margin) * i as f64 / GRID as f64;
    let mut best = (0.0f64, 0usize);
    for i in 0..=GRID {
        if i % 16 == 0 {
            checkpoint.check()?;
        }
        let size = edges.size(at(i));
        if size > best.0 {
            best = (size, i);
        }
    }
    // Golden-section refinement between the neighbours of the best grid point.
    let (mut lo, mut hi) = (at(best.1.saturating_sub(1)), at((best.1 + 1).min(GRID)));
    let ratio = (5f64.sqrt() - 1.0) / 2.0;
    let mut x1 = hi - ratio * (hi - lo);
    let mut x2 = lo + ratio * (hi - lo);
    let (mut f1, mut f2) = (edges.size(x1), edges.size(x2));
    for _ in 0..40 {
        if f1 >= f2 {
            hi = x2;
            (x2, f2) = (x1, f1);
            x1 = hi - ratio * (hi - lo);
            f1 = edges.size(x1);
        } else {
            lo = x1;
            (x1, f1) = (x2, f2);
            x2 = lo + ratio * (hi - lo);
            f2 = edges.size(x2);
        }
        best.0 = best.0.max(f1).max(f2);
    }
    Ok(best.0.min(1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::binomial;
    use crate::control::NeverStop;

    /// P(Z <= z_obs) by enumerating every (b, c) of the trinomial.
    fn brute_size(n: u64, p: f64, margin: f64, z_obs: f64) -> f64 {
        let q = (p + margin) / (2.0 * p);
        let mut total = 0.0;
        for m in 0..=n {
            for b in 0..=m {
                if tango_score(b, m - b, n, margin) <= z_obs {
                    total += binomial::pmf(n, m, p) * binomial::pmf(m, b, q);
                }
            }
        }
        total
    }

    #[test]
    fn size_matches_enumeration_and_pvalue_is_the_supremum() {
        let (b, c, n, margin) = (3u64, 4u64, 40u64, 0.1);
        let z_obs = tango_score(b, c, n, margin);
        let mut edges = Edges {
            n,
            margin,
            z_obs,
            cache: HashMap::new(),
        };
        let mut sup: f64 = 0.0;
        for i in 0..=100 {
            let p = margin + (1.0 - margin) * f64::from(i) / 100.0;
            let brute = brute_size(n, p, margin, z_obs);
            assert!((edges.size(p) - brute).abs() < 1e-12, "p={p}");
            sup = sup.max(brute);
        }
        let exact = exact_pvalue(b, c, n, margin, &NeverStop).unwrap();
        assert!(
            exact >= sup - 1e-12 && exact <= sup + 1e-3,
            "{exact} vs {sup}"
        );
    }
}
