//! Closed-form intervals for delta = (b - c)/N: Bonett-Price and Wald.

use super::{Interval, clamp_unit};

/// Bonett & Price (2012): add one to each discordant cell and two to N, then
/// apply the Wald form around the adjusted difference.
pub fn bonett_price(b: u64, c: u64, n: u64, z: f64) -> Interval {
    let m = n as f64 + 2.0;
    let p12 = (b as f64 + 1.0) / m;
    let p21 = (c as f64 + 1.0) / m;
    let d = p12 - p21;
    let half = z * ((p12 + p21 - d * d) / m).max(0.0).sqrt();
    Interval {
        low: clamp_unit(d - half),
        high: clamp_unit(d + half),
    }
}

/// Wald: delta_hat +- z sqrt(b + c - (b - c)^2 / N) / N; [0, 0] when b = c = 0.
pub fn wald(b: u64, c: u64, n: u64, z: f64) -> Interval {
    let (bf, cf, nf) = (b as f64, c as f64, n as f64);
    let d = (bf - cf) / nf;
    let half = z * (bf + cf - (bf - cf) * (bf - cf) / nf).max(0.0).sqrt() / nf;
    Interval {
        low: clamp_unit(d - half),
        high: clamp_unit(d + half),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wald_is_degenerate_without_discordant_pairs() {
        let i = wald(0, 0, 10, 1.96);
        assert_eq!((i.low, i.high), (0.0, 0.0));
    }

    #[test]
    fn bonett_price_is_symmetric_around_the_adjusted_difference() {
        let i = bonett_price(0, 0, 20, 2.0);
        assert!((i.low + i.high).abs() < 1e-16);
        // sqrt((2/22)/22) * 2 = 2 sqrt(2)/22.
        assert!((i.high - 2.0 * 2f64.sqrt() / 22.0).abs() < 1e-15);
    }
}
