//! Confidence intervals for paired binary outcomes.
//!
//! For the accuracy difference delta = (b - c)/N (reference minus candidate):
//! - [`tango`]: Tango's (1998) score interval, the default: at delta = 0 it
//!   inverts the same z = (b - c)/sqrt(b + c) as the asymptotic McNemar test.
//! - [`newcombe`]: Newcombe's (1998) hybrid score interval, method 10.
//! - [`closed_form`]: Bonett-Price (2012) and Wald.
//!
//! For the statistic q = b/(b + c): [`clopper_pearson`](mod@clopper_pearson), the exact interval
//! from inverting the binomial tails.

pub mod clopper_pearson;
pub mod closed_form;
pub mod newcombe;
pub mod root;
pub mod tango;

pub use clopper_pearson::{clopper_pearson, clopper_pearson_bulk};

use crate::error::{Error, Result, check_level};
use crate::mcnemar::PairedCounts;
use crate::special::normal::norm_isf;

/// A two-sided interval `[low, high]`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower limit.
    pub low: f64,
    /// Upper limit.
    pub high: f64,
}

/// Interval methods for delta = (b - c)/N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifferenceMethod {
    /// Tango's score interval (default).
    Tango,
    /// Newcombe's hybrid score interval (method 10).
    Newcombe,
    /// Bonett-Price adjusted Wald interval.
    BonettPrice,
    /// Plain Wald interval (a reference point; poor coverage for small counts).
    Wald,
}

/// The standard normal quantile z with P(|Z| <= z) = `level`.
pub(crate) fn two_sided_z(level: f64) -> f64 {
    norm_isf(0.5 * (1.0 - level))
}

/// Confidence interval at `level` for delta = (b - c)/N of the paired table.
/// Errors: `level` outside (0, 1) or an empty table.
pub fn paired_difference(
    table: PairedCounts,
    level: f64,
    method: DifferenceMethod,
) -> Result<Interval> {
    let level = check_level("confidence_level", level)?;
    if table.total() == 0 {
        return Err(Error::EmptyInput {
            what: "paired table",
        });
    }
    let z = two_sided_z(level);
    let interval = match method {
        DifferenceMethod::Tango => tango::interval(table.b, table.c, table.total(), z),
        DifferenceMethod::Newcombe => newcombe::interval(table, z),
        DifferenceMethod::BonettPrice => {
            closed_form::bonett_price(table.b, table.c, table.total(), z)
        }
        DifferenceMethod::Wald => closed_form::wald(table.b, table.c, table.total(), z),
    };
    Ok(interval)
}

/// Keeps a limit inside the range of a difference of proportions.
fn clamp_unit(x: f64) -> f64 {
    x.clamp(-1.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_levels_methods_and_empty_tables_are_refused() {
        let t = PairedCounts {
            both_correct: 3,
            b: 2,
            c: 1,
            both_wrong: 4,
        };
        for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
            let err = paired_difference(t, level, DifferenceMethod::Tango).unwrap_err();
            assert!(matches!(
                err,
                Error::InvalidLevel {
                    what: "confidence_level",
                    ..
                }
            ));
        }
        let err =
            paired_difference(PairedCounts::default(), 0.95, DifferenceMethod::Wald).unwrap_err();
        assert!(matches!(err, Error::EmptyInput { .. }));
    }
}
