//! Sampling without replacement from a benchmark of known size N
//! (Waudby-Smith and Ramdas 2020, "Confidence sequences for sampling without
//! replacement", NeurIPS).
//!
//! A benchmark is a finite set of N items evaluated in random order. If the
//! population mean of x is μ, the next item's conditional mean given the
//! first t - 1 items (sum S) is the mean of what remains:
//!
//! ```text
//! μ_t(μ) = (N μ - S) / (N - t + 1).
//! ```
//!
//! Betting against μ_t(μ) instead of μ gives capitals that are martingales
//! under the finite-population null, so the confidence sequence covers the
//! benchmark's own mean (not a super-population's) and shrinks to a point at
//! t = N. When μ_t(μ) leaves [0, 1] the data already rule μ out (the items
//! left cannot reach that mean): [`Center::BelowReach`] or [`Center::AboveReach`] tells the caller so.

/// Where the next item's null mean lies.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Center {
    /// A proper conditional mean in [0, 1].
    Mean(f64),
    /// The null mean is below anything the remaining items can give
    /// (the population mean is surely larger).
    BelowReach,
    /// The null mean is above anything the remaining items can give
    /// (the population mean is surely smaller).
    AboveReach,
}

/// Rounding slack: a center this far outside [0, 1] still counts as inside.
const SLACK: f64 = 1e-12;

/// The null conditional mean of item `seen + 1` for population mean `mu`,
/// after `seen` items summing to `sum`, in a population of `population`
/// items (`seen < population`).
pub fn center(population: u64, seen: u64, sum: f64, mu: f64) -> Center {
    let remaining = (population - seen) as f64;
    let m = (population as f64 * mu - sum) / remaining;
    if m < -SLACK {
        Center::BelowReach
    } else if m > 1.0 + SLACK {
        Center::AboveReach
    } else {
        Center::Mean(m.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditional_mean_of_what_remains() {
        // N = 10, μ = 0.5 (total 5); 4 items summing to 3 leave 2 over 6.
        assert_eq!(center(10, 4, 3.0, 0.5), Center::Mean(2.0 / 6.0));
        assert_eq!(center(10, 0, 0.0, 0.3), Center::Mean(0.3));
    }

    #[test]
    fn impossible_means_are_flagged() {
        // 4 items summing to 4: the total is at least 4, so μ = 0.3 is impossible.
        assert_eq!(center(10, 4, 4.0, 0.3), Center::BelowReach);
        // 4 items summing to 0: the total is at most 6, so μ = 0.7 is impossible.
        assert_eq!(center(10, 4, 0.0, 0.7), Center::AboveReach);
    }
}
