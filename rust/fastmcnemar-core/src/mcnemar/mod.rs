//! The McNemar test for paired binary outcomes.
//!
//! With b = samples only the reference got right and c = samples only the
//! candidate got right, under "no difference" b ~ Binomial(b + c, 1/2).
//! - [`counts`]: the 2x2 table from two per-sample 0/1 slices (validated).
//! - [`pvalue`]: exact, mid-p and asymptotic p-values for one (b, c), each
//!   with its natural log (finite far below the double range).
//! - [`bulk`]: the same over whole arrays of counts, in parallel, sharing
//!   rows of tails between pairs with the same n (`rows`).

pub mod bulk;
pub mod counts;
pub mod pvalue;
mod rows;

pub use bulk::pvalues;
pub use counts::{PairedCounts, paired_counts};
pub use pvalue::{PValue, pvalue};

use crate::error::{Error, Result};

/// Which departure from "no difference" the test looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alternative {
    /// The reference is better (b large): the candidate degraded. P(X >= b).
    Greater,
    /// The candidate is better (b small). P(X <= b).
    Less,
    /// Either direction: min(1, 2 x the smaller tail).
    TwoSided,
}

impl Alternative {
    /// Parses the Python-facing name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "greater" => Ok(Self::Greater),
            "less" => Ok(Self::Less),
            "two-sided" => Ok(Self::TwoSided),
            other => Err(Error::InvalidArgument(format!(
                "unknown alternative {other:?}: expected \"greater\", \"less\" or \"two-sided\""
            ))),
        }
    }
}

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

impl Method {
    /// Parses the Python-facing name.
    pub fn parse(name: &str) -> Result<Self> {
        match name {
            "exact" => Ok(Self::Exact),
            "midp" => Ok(Self::MidP),
            "asymptotic" => Ok(Self::Asymptotic),
            other => Err(Error::InvalidArgument(format!(
                "unknown method {other:?}: expected \"exact\", \"midp\" or \"asymptotic\""
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse_and_unknown_names_are_refused_by_name() {
        assert_eq!(Alternative::parse("greater"), Ok(Alternative::Greater));
        assert_eq!(Alternative::parse("less"), Ok(Alternative::Less));
        assert_eq!(Alternative::parse("two-sided"), Ok(Alternative::TwoSided));
        assert_eq!(Method::parse("midp"), Ok(Method::MidP));
        let err = Alternative::parse("bigger").unwrap_err().to_string();
        assert!(
            err.contains("alternative") && err.contains("bigger"),
            "{err}"
        );
        let err = Method::parse("chi2").unwrap_err().to_string();
        assert!(err.contains("method") && err.contains("chi2"), "{err}");
    }
}
