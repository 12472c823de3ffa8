//! Tango's (1998) score interval for delta = p12 - p21 of paired proportions.
//!
//! The score statistic at a hypothesised delta is
//! T(delta) = (b - c - N delta) / sqrt(N (2 q + delta (1 - delta))),
//! where q is the maximum-likelihood estimate of p21 under that delta, the
//! non-negative root of A q^2 + B q + C = 0 with A = 2N,
//! B = -b - c + (2N - b + c) delta, C = -c delta (1 - delta).
//! T decreases in delta; the limits are where T = +z (lower) and T = -z
//! (upper), found by bisection on [-1, delta_hat] and [delta_hat, 1] to the
//! last bit. At delta = 0, T is the McNemar z, so interval and test agree.

use super::root::boundary;
use super::{Interval, clamp_unit};

/// T(delta) for discordant counts b, c out of N pairs (as doubles).
pub(crate) fn score(b: f64, c: f64, n: f64, delta: f64) -> f64 {
    let a = 2.0 * n;
    let bq = -b - c + (2.0 * n - b + c) * delta;
    let cq = -c * delta * (1.0 - delta);
    let disc = (bq * bq - 4.0 * a * cq).max(0.0);
    // The textbook root loses digits to cancellation when B > 0; this form does not.
    let q = if bq <= 0.0 {
        (disc.sqrt() - bq) / (2.0 * a)
    } else {
        -2.0 * cq / (bq + disc.sqrt())
    };
    let numerator = b - c - n * delta;
    let variance = n * (2.0 * q + delta * (1.0 - delta));
    if variance > 0.0 {
        numerator / variance.sqrt()
    } else if numerator == 0.0 {
        0.0
    } else {
        // The constrained variance vanishes only at the edges of the parameter space.
        numerator.signum() * f64::INFINITY
    }
}

/// Tango's interval at critical value `z` (> 0).
pub fn interval(b: u64, c: u64, n: u64, z: f64) -> Interval {
    let (bf, cf, nf) = (b as f64, c as f64, n as f64);
    let estimate = (bf - cf) / nf;
    let low = if c == n {
        -1.0
    } else {
        boundary(-1.0, estimate, |d| score(bf, cf, nf, d) > z)
    };
    let high = if b == n {
        1.0
    } else {
        boundary(estimate, 1.0, |d| score(bf, cf, nf, d) > -z)
    };
    Interval {
        low: clamp_unit(low),
        high: clamp_unit(high),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_zero_the_score_is_the_mcnemar_z() {
        let t = score(30.0, 10.0, 500.0, 0.0);
        assert!((t - 20.0 / 40f64.sqrt()).abs() < 1e-14);
    }

    #[test]
    fn no_discordant_pairs_have_a_closed_form() {
        // b = c = 0: T(delta) = -sqrt(N delta / (1 - delta)), so the limits are
        // +-z^2 / (N + z^2).
        let z = 1.959_963_984_540_054;
        let i = interval(0, 0, 20, z);
        let want = z * z / (20.0 + z * z);
        assert!(
            (i.high - want).abs() < 1e-15 && (i.low + want).abs() < 1e-15,
            "{i:?}"
        );
    }

    #[test]
    fn all_pairs_discordant_one_way_reach_the_edge() {
        let i = interval(7, 0, 7, 1.96);
        assert_eq!(i.high, 1.0);
        assert!(i.low > 0.0 && i.low < 1.0);
        let i = interval(0, 7, 7, 1.96);
        assert_eq!(i.low, -1.0);
    }
}
