//! Options typed once, at the boundary: each option enum of the core is read
//! from its Python name here (`impl FromPyObject for Wrap<T>`), so no entry
//! point parses a string and every bad option gets the same message,
//! `"<option> must be one of 'a', 'b', 'c'; got <repr>"` (an
//! `InvalidArgumentError`), the format `fastmcnemar._args.choice` uses.

use fastmcnemar_core::Alternative;
use fastmcnemar_core::interval::DifferenceMethod;
use fastmcnemar_core::mcnemar::Method as McNemarMethod;
use fastmcnemar_core::resample::bootstrap::IntervalMethod;
use fastmcnemar_core::resample::permutation::Method as PermutationMethod;
use fastmcnemar_core::suite::adjust::Adjustment;
use fastmcnemar_core::suite::aggregate::Method as SuiteMethod;
use fastmcnemar_core::suite::combined::CombinedRule;
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::errors::InvalidArgumentError;

/// A core option read from Python (the orphan rule keeps `FromPyObject` off
/// the core's own types, and the core stays free of PyO3).
#[derive(Debug, Clone, Copy)]
pub struct Wrap<T>(pub T);

/// An option with a fixed set of Python names.
pub trait Named: Sized + Copy + 'static {
    /// The argument's name, for messages.
    const WHAT: &'static str;
    /// Every accepted name and its value.
    const NAMES: &'static [(&'static str, Self)];
}

/// `what must be one of 'a', 'b'; got <repr>`: the one message for a bad option.
pub fn bad_choice(what: &str, names: &[&str], got: &Bound<'_, PyAny>) -> PyErr {
    let allowed: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    let shown = got
        .repr()
        .map_or_else(|_| "<unprintable>".to_string(), |r| r.to_string());
    InvalidArgumentError::new_err(format!(
        "{what} must be one of {}; got {shown}",
        allowed.join(", ")
    ))
}

impl<'py, T: Named> FromPyObject<'_, 'py> for Wrap<T> {
    type Error = PyErr;

    fn extract(obj: Borrowed<'_, 'py, PyAny>) -> PyResult<Self> {
        if let Ok(text) = obj.cast::<PyString>() {
            let text = text.to_cow()?;
            if let Some((_, value)) = T::NAMES.iter().find(|(name, _)| *name == text) {
                return Ok(Wrap(*value));
            }
        }
        let names: Vec<&str> = T::NAMES.iter().map(|(name, _)| *name).collect();
        Err(bad_choice(T::WHAT, &names, &obj.to_owned()))
    }
}

impl Named for Alternative {
    const WHAT: &'static str = "alternative";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("greater", Alternative::Greater),
        ("less", Alternative::Less),
        ("two-sided", Alternative::TwoSided),
    ];
}

impl Named for McNemarMethod {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("exact", McNemarMethod::Exact),
        ("midp", McNemarMethod::MidP),
        ("asymptotic", McNemarMethod::Asymptotic),
    ];
}

impl Named for DifferenceMethod {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("tango", DifferenceMethod::Tango),
        ("newcombe", DifferenceMethod::Newcombe),
        ("bonett-price", DifferenceMethod::BonettPrice),
        ("wald", DifferenceMethod::Wald),
    ];
}

impl Named for PermutationMethod {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("auto", PermutationMethod::Auto),
        ("exact", PermutationMethod::Exact),
        ("lattice", PermutationMethod::Lattice),
        ("monte_carlo", PermutationMethod::MonteCarlo),
    ];
}

impl Named for IntervalMethod {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("percentile", IntervalMethod::Percentile),
        ("basic", IntervalMethod::Basic),
        ("bca", IntervalMethod::Bca),
    ];
}

impl Named for Adjustment {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("holm", Adjustment::Holm),
        ("hochberg", Adjustment::Hochberg),
        ("hommel", Adjustment::Hommel),
        ("bonferroni", Adjustment::Bonferroni),
        ("sidak", Adjustment::Sidak),
        ("holm-sidak", Adjustment::HolmSidak),
        ("bh", Adjustment::BenjaminiHochberg),
        ("by", Adjustment::BenjaminiYekutieli),
    ];
}

impl Named for SuiteMethod {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("pooled", SuiteMethod::Pooled),
        ("max_drop", SuiteMethod::MaxDrop),
        ("fisher", SuiteMethod::Fisher),
        ("stouffer", SuiteMethod::Stouffer),
        ("cauchy", SuiteMethod::Cauchy),
        ("hmp", SuiteMethod::Hmp),
        ("combined", SuiteMethod::Combined),
    ];
}

impl Named for CombinedRule {
    const WHAT: &'static str = "rule";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("bonferroni", CombinedRule::Bonferroni),
        ("any", CombinedRule::AnyAtAlpha),
    ];
}

/// How a suite component's null distribution is found; the core's
/// `NullMode` also carries the resamples and the seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullKind {
    Exact,
    MonteCarlo,
}

/// `max_drop_null`: the Max-Drop component's null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MaxDropNull(pub NullKind);

/// `fisher_null`: the Fisher component's null.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FisherNull(pub NullKind);

impl Named for MaxDropNull {
    const WHAT: &'static str = "max_drop_null";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("exact", MaxDropNull(NullKind::Exact)),
        ("monte_carlo", MaxDropNull(NullKind::MonteCarlo)),
    ];
}

impl Named for FisherNull {
    const WHAT: &'static str = "fisher_null";
    const NAMES: &'static [(&'static str, Self)] = &[
        // The chi-square reference distribution is Fisher's exact null.
        ("chi2", FisherNull(NullKind::Exact)),
        ("monte_carlo", FisherNull(NullKind::MonteCarlo)),
    ];
}

/// The p-value combinations `suite_combine_pvalues` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combination {
    Fisher,
    Stouffer,
    Cauchy,
    Hmp,
}

impl Named for Combination {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("fisher", Combination::Fisher),
        ("stouffer", Combination::Stouffer),
        ("cauchy", Combination::Cauchy),
        ("hmp", Combination::Hmp),
    ];
}
