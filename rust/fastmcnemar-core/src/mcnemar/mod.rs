//! The McNemar test for paired binary outcomes.
//!
//! With b = samples only the reference got right and c = samples only the
//! candidate got right, under "no difference" b ~ Binomial(b + c, 1/2).
//! - [`counts`]: the 2x2 table from two per-sample 0/1 slices (validated).
//! - [`pvalue`](mod@pvalue): exact, mid-p and asymptotic p-values for one (b, c), each
//!   with its natural log (finite far below the double range).
//! - [`bulk`]: the same over whole arrays of counts, in parallel, sharing
//!   rows of tails between pairs with the same n (`rows`).
//! - [`segments`]: per-task tallies of paired scores laid end to end (b, c,
//!   ones, and whether each side is binary), in one pass.

pub mod bulk;
pub mod counts;
pub mod pvalue;
mod rows;
pub mod segments;

pub use bulk::pvalues;
pub use counts::{PairedCounts, paired_counts};
pub use pvalue::{PValue, pvalue};

pub use crate::alternative::Alternative;

/// How the p-value is computed from the discordant counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Exact binomial tail.
    Exact,
    /// Mid-p: P(X > b) + P(X = b)/2 per side.
    MidP,
    /// Normal approximation to z = (b - c)/sqrt(b + c), no continuity correction.
    Asymptotic,
}
