//! Exact sign-flip null by visiting all 2^m sign vectors of the m non-zero
//! differences (used when 2^m is small).
//!
//! Each sum is `low[mask_low] + high[mask_high]`, two half-tables built by
//! doubling, so every sum carries only O(m) rounding and the observed sign
//! vector reproduces the observed sum bit for bit. Ties use scipy's
//! tolerance: a resampled sum counts as "at least as extreme" when it is
//! within `100 * eps * |T|` of the observed sum `T`.

use super::monte_carlo::tie_tolerance;
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// Largest m enumerated (2^30 sums).
pub const MAX_ENUMERATED: usize = 30;

/// Counts of sign vectors whose sum is >= and <= the observed one (within
/// the tie tolerance), and the total 2^m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExactCounts {
    pub count_ge: u64,
    pub count_le: u64,
    pub total: u64,
}

/// The 2^len subset sums of `values` with signs (+ for a set bit).
fn signed_sums(values: &[f64]) -> Vec<f64> {
    let mut table = vec![0.0f64; 1 << values.len()];
    table[0] = -values.iter().sum::<f64>();
    // Bit j set turns -v_j into +v_j: build by doubling the table.
    let mut filled = 1usize;
    for &v in values {
        for mask in 0..filled {
            table[filled + mask] = table[mask] + 2.0 * v;
        }
        filled *= 2;
    }
    table
}

/// Enumerates every sign vector of the non-zero entries of `d`.
pub fn exact_counts(d: &[f64], checkpoint: &dyn Checkpoint) -> Result<ExactCounts> {
    let values: Vec<f64> = d.iter().copied().filter(|v| *v != 0.0).collect();
    let m = values.len();
    if m > MAX_ENUMERATED {
        return Err(Error::InvalidArgument(format!(
            "exact enumeration needs at most {MAX_ENUMERATED} non-zero differences \
             (2^{MAX_ENUMERATED} sign vectors); there are {m}"
        )));
    }
    let half = m / 2;
    let low = signed_sums(&values[..half]);
    let high = signed_sums(&values[half..]);
    // The observed sign vector keeps every sign: all bits set.
    let observed = low[low.len() - 1] + high[high.len() - 1];
    let gamma = tie_tolerance(values.iter().map(|v| v.abs()).sum());
    let (mut ge, mut le) = (0u64, 0u64);
    for (row, &h) in high.iter().enumerate() {
        if row % 1024 == 0 {
            checkpoint.check()?;
        }
        for &l in &low {
            let t = l + h;
            ge += u64::from(t >= observed - gamma);
            le += u64::from(t <= observed + gamma);
        }
    }
    Ok(ExactCounts {
        count_ge: ge,
        count_le: le,
        total: 1u64 << m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    #[test]
    fn matches_the_peer_enumeration() {
        // peer_vectors.json permutation_signflip_exact[0]
        let d = [
            0.5, -0.2, 1.3, 0.8, -0.1, 0.9, 1.1, 0.4, -0.6, 0.7, 0.3, -0.4,
        ];
        let c = exact_counts(&d, &NeverStop).unwrap();
        assert_eq!((c.count_ge, c.count_le, c.total), (114, 4005, 4096));
    }

    #[test]
    fn ties_at_zero_survive_rounding() {
        // -0.1 - 0.1 + 0.2 is 0 in the reals but not in floating point; the
        // observed sum is 0, so a tolerance relative to |T| would be 0.
        let c = exact_counts(&[-0.1, -0.1, 0.2], &NeverStop).unwrap();
        assert_eq!((c.count_ge, c.count_le, c.total), (5, 5, 8));
    }

    #[test]
    fn zeros_do_not_change_the_proportion() {
        let c = exact_counts(&[1.0, 0.0, -1.0, 1.0], &NeverStop).unwrap();
        assert_eq!((c.count_ge, c.total), (4, 8));
    }
}
