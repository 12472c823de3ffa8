//! Results handed to Python: small frozen classes with named, read-only
//! fields (`get_all`), never tuples of more than two values, so a caller reads
//! `result.pvalue` and a new field cannot shift the others. The public result
//! objects of `fastmcnemar` are built from these in Python.

use numpy::PyArray1;
use pyo3::prelude::*;

/// Float64 array owned by a result.
pub type Floats = Py<PyArray1<f64>>;

/// The paired 2x2 table of two per-sample outcome arrays.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct PairedTable {
    pub both_correct: u64,
    /// Only the reference right.
    pub b: u64,
    /// Only the candidate right.
    pub c: u64,
    pub both_wrong: u64,
}

/// McNemar's test over arrays of counts.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct McNemarArrays {
    pub pvalue: Floats,
    pub log_pvalue: Floats,
    /// q = b / (b + c); NaN where b + c = 0.
    pub statistic: Floats,
    /// b + c.
    pub n: Py<PyArray1<i64>>,
}

/// One sign-flip test of the mean paired difference.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SignFlipResult {
    pub statistic: f64,
    pub pvalue: f64,
    pub pvalue_greater: f64,
    pub pvalue_less: f64,
    /// The path used: "exact", "lattice" or "monte_carlo".
    pub method: &'static str,
    pub n_resamples: u64,
}

/// Grouped sign-flip tests: per group, micro, macro, Max-Drop and Fisher.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct GroupedSignFlipResult {
    pub group_statistic: Floats,
    pub group_pvalue: Floats,
    pub group_n: Py<PyArray1<u64>>,
    pub group_method: Vec<&'static str>,
    pub group_n_resamples: Py<PyArray1<u64>>,
    pub micro_statistic: f64,
    pub micro_pvalue: f64,
    pub micro_method: &'static str,
    pub micro_n_resamples: u64,
    pub macro_statistic: f64,
    pub macro_pvalue: f64,
    pub max_drop_statistic: f64,
    pub max_drop_pvalue: f64,
    pub fisher_statistic: f64,
    pub fisher_pvalue: f64,
    pub n_resamples: u64,
}

/// Paired bootstrap of the mean difference.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct BootstrapResult {
    pub estimate: f64,
    pub low: f64,
    pub high: f64,
    pub standard_error: f64,
}

/// Many candidates against one reference; flat arrays indexed
/// `candidate * n_groups + group`.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct ManyCandidatesResult {
    pub statistic: Floats,
    pub z: Floats,
    pub pvalue: Floats,
    /// Max-T adjusted p-values.
    pub adjusted: Floats,
}

/// One component test of a suite decision.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SuiteComponent {
    pub name: &'static str,
    pub statistic: f64,
    pub pvalue: f64,
    pub log_pvalue: f64,
}

/// The global test of one candidate over a suite of tasks.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SuiteResult {
    pub statistic: f64,
    pub pvalue: f64,
    pub log_pvalue: f64,
    pub rejected: bool,
    /// The level the decision holds (alpha, or 3 alpha for the "any" rule).
    pub level: f64,
    pub components: Vec<Py<SuiteComponent>>,
    pub task_pvalues: Floats,
    pub task_log_pvalues: Floats,
}

/// One component test over many candidates (one value per candidate).
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SuiteComponentArrays {
    pub name: &'static str,
    pub statistic: Floats,
    pub pvalue: Floats,
    pub log_pvalue: Floats,
}

/// The global test of many candidates; task p-values flat, row-major
/// (candidate x task).
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SuiteManyResult {
    pub statistic: Floats,
    pub pvalue: Floats,
    pub log_pvalue: Floats,
    pub rejected: Py<PyArray1<bool>>,
    pub level: f64,
    pub components: Vec<Py<SuiteComponentArrays>>,
    pub task_pvalues: Floats,
    pub task_log_pvalues: Floats,
}

/// A combination of p-values.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct CombinedPValue {
    pub statistic: f64,
    pub pvalue: f64,
    pub log_pvalue: f64,
}

/// The smallest N whose exact power reaches the target.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SampleSizeResult {
    pub n: u64,
    /// Exact power at `n`.
    pub power: f64,
    /// The normal-approximation N, for comparison.
    pub normal_approximation: f64,
}

/// Tango's score test of H0: delta >= margin.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct NoninferiorityScore {
    pub statistic: f64,
    pub pvalue: f64,
    pub low: f64,
    pub high: f64,
    pub noninferior: bool,
}

/// `exact_sample_size` over arrays.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct SampleSizeArrays {
    pub n: Py<PyArray1<u64>>,
    pub power: Floats,
    pub normal_approximation: Floats,
}

/// Tango's score test over arrays.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct NoninferiorityArrays {
    pub statistic: Floats,
    pub pvalue: Floats,
    pub low: Floats,
    pub high: Floats,
    pub noninferior: Py<PyArray1<bool>>,
}

/// The verdict and planning columns of an audit's tasks; NaN where there is
/// no answer.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct VerdictArrays {
    pub noninferiority_pvalue: Floats,
    pub detectable_drop: Floats,
    /// -1 where no sample size reaches the power.
    pub n_needed: Py<PyArray1<i64>>,
    pub flip_rate_needed: Floats,
    /// 0 degraded, 1 equivalent, 2 inconclusive.
    pub verdict: Py<PyArray1<u8>>,
}

/// Adds the result classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PairedTable>()?;
    m.add_class::<McNemarArrays>()?;
    m.add_class::<SignFlipResult>()?;
    m.add_class::<GroupedSignFlipResult>()?;
    m.add_class::<BootstrapResult>()?;
    m.add_class::<ManyCandidatesResult>()?;
    m.add_class::<SuiteComponent>()?;
    m.add_class::<SuiteResult>()?;
    m.add_class::<SuiteComponentArrays>()?;
    m.add_class::<SuiteManyResult>()?;
    m.add_class::<CombinedPValue>()?;
    m.add_class::<SampleSizeResult>()?;
    m.add_class::<NoninferiorityScore>()?;
    m.add_class::<SampleSizeArrays>()?;
    m.add_class::<NoninferiorityArrays>()?;
    m.add_class::<VerdictArrays>()?;
    Ok(())
}
