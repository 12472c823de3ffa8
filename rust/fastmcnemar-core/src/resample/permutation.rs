//! The paired sign-flip permutation test on one vector of differences,
//! choosing among exact enumeration, the exact lattice null and Monte Carlo.

use super::differences::{Magnitudes, few_distinct_magnitudes};
use super::exact_enumeration::{MAX_ENUMERATED, exact_counts};
use super::lattice::Lattice;
use super::monte_carlo::{monte_carlo_counts, monte_carlo_pvalue};
use crate::control::Checkpoint;
use crate::error::{Error, Result};

/// Distinct non-zero magnitudes above which the lattice path is not tried.
const MAX_LATTICE_DISTINCT: usize = 50_000;

pub use crate::alternative::Alternative;

/// The path the caller asks for; `Auto` picks exact, then lattice, then Monte Carlo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Auto,
    Exact,
    Lattice,
    MonteCarlo,
}

/// The path actually used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Path {
    Exact,
    Lattice,
    MonteCarlo,
}

impl Path {
    pub fn as_str(self) -> &'static str {
        match self {
            Path::Exact => "exact",
            Path::Lattice => "lattice",
            Path::MonteCarlo => "monte_carlo",
        }
    }
}

/// Result of one sign-flip test.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SignFlipOutcome {
    /// Sum of the differences (the statistic times the number of samples).
    pub sum: f64,
    pub pvalue: f64,
    pub pvalue_greater: f64,
    pub pvalue_less: f64,
    pub path: Path,
    /// Sign vectors enumerated (exact), resamples drawn (Monte Carlo), 0 (lattice).
    pub n_resamples: u64,
}

/// Sign-flip test of "the differences are symmetric about 0" on `d`.
pub fn sign_flip_test(
    d: &[f64],
    alternative: Alternative,
    method: Method,
    n_resamples: u64,
    seed: u64,
    checkpoint: &dyn Checkpoint,
) -> Result<SignFlipOutcome> {
    if d.is_empty() {
        return Err(Error::EmptyInput {
            what: "differences",
        });
    }
    if n_resamples == 0 {
        return Err(Error::InvalidArgument(
            "n_resamples must be at least 1".into(),
        ));
    }
    let sum = d.iter().sum::<f64>();
    let n_nonzero = d.iter().filter(|v| **v != 0.0).count();
    let enumerable = n_nonzero <= MAX_ENUMERATED && (1u64 << n_nonzero) <= n_resamples;
    let path = match method {
        Method::Exact => Path::Exact,
        Method::Lattice => Path::Lattice,
        Method::MonteCarlo => Path::MonteCarlo,
        Method::Auto if enumerable => Path::Exact,
        // Beyond this many distinct magnitudes no grid is small enough for
        // the lattice limits (support >= J^2 / 2), so skip the sort.
        Method::Auto if !few_distinct_magnitudes(d, MAX_LATTICE_DISTINCT) => Path::MonteCarlo,
        Method::Auto => {
            let lattice = Lattice::detect(&Magnitudes::of(d));
            if lattice.is_some_and(|l| l.algorithm().is_some()) {
                Path::Lattice
            } else {
                Path::MonteCarlo
            }
        }
    };
    let (greater, less, used) = match path {
        Path::Exact => {
            let c = exact_counts(d, checkpoint)?;
            (
                c.count_ge as f64 / c.total as f64,
                c.count_le as f64 / c.total as f64,
                c.total,
            )
        }
        Path::Lattice => {
            let magnitudes = Magnitudes::of(d);
            let tails = if magnitudes.values.is_empty() {
                None
            } else {
                Lattice::detect(&magnitudes).and_then(|l| l.tails())
            };
            match (magnitudes.values.is_empty(), tails) {
                (true, _) => (1.0, 1.0, 0),
                (false, Some(t)) => (t.greater, t.less, 0),
                (false, None) => {
                    return Err(Error::InvalidArgument(
                        "method='lattice' needs differences on a grid of small integer \
                         multiples of one step (binary, rerun means, integer scores); \
                         these are not: use 'auto' or 'monte_carlo'"
                            .into(),
                    ));
                }
            }
        }
        Path::MonteCarlo => {
            let c = monte_carlo_counts(d, n_resamples, seed, checkpoint)?;
            (
                monte_carlo_pvalue(c.count_ge, n_resamples),
                monte_carlo_pvalue(c.count_le, n_resamples),
                n_resamples,
            )
        }
    };
    Ok(SignFlipOutcome {
        sum,
        pvalue: alternative.combine(greater, less),
        pvalue_greater: greater,
        pvalue_less: less,
        path,
        n_resamples: used,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::control::NeverStop;

    fn run(d: &[f64], method: Method, b: u64) -> SignFlipOutcome {
        sign_flip_test(d, Alternative::Greater, method, b, 1, &NeverStop).unwrap()
    }

    #[test]
    fn auto_prefers_exact_then_lattice_then_monte_carlo() {
        assert_eq!(run(&[1.0, -0.5, 2.0], Method::Auto, 9999).path, Path::Exact);
        let grid: Vec<f64> = (0..40).map(|i| ((i % 7) as f64 - 2.0) / 4.0).collect();
        assert_eq!(run(&grid, Method::Auto, 9999).path, Path::Lattice);
        let cont: Vec<f64> = (0..40).map(|i| ((i as f64) * 0.731).sin()).collect();
        assert_eq!(run(&cont, Method::Auto, 999).path, Path::MonteCarlo);
    }

    #[test]
    fn peer_vectors_exact() {
        let d = [1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0, 1.0, 1.0, -1.0];
        let r = sign_flip_test(&d, Alternative::TwoSided, Method::Exact, 1, 0, &NeverStop).unwrap();
        assert_eq!(r.pvalue_greater, 0.171875);
        assert_eq!(r.pvalue_less, 0.9453125);
        assert_eq!(r.pvalue, 0.34375);
    }

    #[test]
    fn all_zero_differences_give_one() {
        for m in [
            Method::Auto,
            Method::Lattice,
            Method::MonteCarlo,
            Method::Exact,
        ] {
            assert_eq!(run(&[0.0, 0.0], m, 99).pvalue, 1.0);
        }
    }

    #[test]
    fn forced_lattice_refuses_continuous_data() {
        let r = sign_flip_test(
            &[1.0, 2f64.sqrt(), 0.3],
            Alternative::Greater,
            Method::Lattice,
            9,
            1,
            &NeverStop,
        );
        assert!(matches!(r, Err(Error::InvalidArgument(_))));
    }
}
