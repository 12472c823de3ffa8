//! Conditional powers over a range of m in O(1) per step.
//!
//! Walking m up by one, the critical value k(m) stays or rises by one, and
//! the tails move by the binomial recurrences
//! P(B_{m+1} >= k) = P(B_m >= k) + r P(B_m = k - 1) and
//! P(B_{m+1} = k - 1) = r P(B_m = k - 2) + (1 - r) P(B_m = k - 1),
//! so after one direct evaluation each further m costs a few flops instead
//! of a tail evaluation (O(sqrt m) terms). Every `RESYNC` steps the state is
//! recomputed directly, which bounds the rounding drift; a critical-value
//! decision that falls within 1e-9 of the level is confirmed directly.

use crate::binomial;

use super::power::{Setup, critical_value};

/// Steps between direct re-evaluations of the walked tails.
pub(crate) const RESYNC: u64 = 256;

/// P(Bin(m, r) >= k) and P(Bin(m, r) = k - 1) for 0 < r < 1.
#[derive(Debug, Clone, Copy)]
struct Tails {
    sf: f64,
    pmf_below: f64,
}

impl Tails {
    fn direct(m: u64, k: u64, r: f64) -> Self {
        let (sf, pmf_below) = if r == 0.5 {
            (binomial::sf_half(m, k), binomial::pmf_half(m, k - 1))
        } else {
            (binomial::sf(m, k, r), binomial::pmf(m, k - 1, r))
        };
        Self { sf, pmf_below }
    }

    /// From (m, k) to (m + 1, k), k >= 1.
    fn next_m(self, m: u64, k: u64, r: f64) -> Self {
        let below_below = if k >= 2 {
            self.pmf_below * (k - 1) as f64 / (m + 2 - k) as f64 * (1.0 - r) / r
        } else {
            0.0
        };
        Self {
            sf: self.sf + r * self.pmf_below,
            pmf_below: r * below_below + (1.0 - r) * self.pmf_below,
        }
    }

    /// From (m, k) to (m, k + 1), k <= m.
    fn next_k(self, m: u64, k: u64, r: f64) -> Self {
        let at_k = self.pmf_below * (m + 1 - k) as f64 / k as f64 * r / (1.0 - r);
        Self {
            sf: (self.sf - at_k).max(0.0),
            pmf_below: at_k,
        }
    }
}

/// Conditional (exact, bound) powers for m = lo..=hi (see [`Setup::conditional`]).
pub(crate) fn conditional_range(setup: &Setup, lo: u64, hi: u64) -> Vec<(f64, f64)> {
    let q = setup.q;
    let mut out = Vec::with_capacity((hi - lo + 1) as usize);
    let mut k = critical_value(lo, setup.level);
    if q <= 0.0 || q >= 1.0 {
        // Degenerate q: the direct tails are closed forms anyway.
        for m in lo..=hi {
            if m > lo && k <= m && binomial::sf_half(m, k) > setup.level {
                k += 1;
            }
            out.push(setup.conditional(m, k));
        }
        return out;
    }
    let mut half = Tails::direct(lo, k, 0.5);
    let mut alt = Tails::direct(lo, k, q);
    for m in lo..=hi {
        if m > lo {
            let previous = m - 1;
            if (m - lo) % RESYNC == 0 {
                if k <= m && binomial::sf_half(m, k) > setup.level {
                    k += 1;
                }
                half = Tails::direct(m, k, 0.5);
                alt = Tails::direct(m, k, q);
            } else {
                half = half.next_m(previous, k, 0.5);
                alt = alt.next_m(previous, k, q);
                if k <= m && exceeds(half.sf, m, k, setup.level) {
                    half = half.next_k(m, k, 0.5);
                    alt = alt.next_k(m, k, q);
                    k += 1;
                }
            }
        }
        out.push(setup.given_tails(m, k, alt.sf, alt.pmf_below, half.sf, half.pmf_below));
    }
    out
}

/// sf_half(m, k) > level, confirmed directly when the walked value is close.
fn exceeds(walked: f64, m: u64, k: u64, level: f64) -> bool {
    if (walked - level).abs() <= 1e-9 * level {
        binomial::sf_half(m, k) > level
    } else {
        walked > level
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::planning::power::Alternative;

    fn direct_range(setup: &Setup, lo: u64, hi: u64) -> Vec<(f64, f64)> {
        (lo..=hi)
            .map(|m| setup.conditional(m, critical_value(m, setup.level)))
            .collect()
    }

    #[test]
    fn walked_powers_match_direct_evaluation() {
        for (p, delta, alt) in [
            (0.05, 0.01, Alternative::Greater),
            (0.2, -0.03, Alternative::Greater),
            (0.1, 0.02, Alternative::TwoSided),
            (0.3, 0.29, Alternative::Greater),
            (0.5, 0.0, Alternative::Less),
        ] {
            let setup = Setup::new(p, delta, 0.05, alt).unwrap();
            for (lo, hi) in [(0u64, 700u64), (4_000, 5_200), (200_000, 200_600)] {
                let walked = conditional_range(&setup, lo, hi);
                let direct = direct_range(&setup, lo, hi);
                for (i, (w, d)) in walked.iter().zip(&direct).enumerate() {
                    assert!(
                        (w.0 - d.0).abs() < 1e-12 && (w.1 - d.1).abs() < 1e-12,
                        "p={p} delta={delta} m={}: {w:?} vs {d:?}",
                        lo + i as u64
                    );
                }
            }
        }
    }
}
