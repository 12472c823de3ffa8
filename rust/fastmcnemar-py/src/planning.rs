//! Planning: exact power, sample size, minimum detectable drop and the
//! non-inferiority score test (`fastmcnemar-core::planning`).

use fastmcnemar_core::Alternative;
use fastmcnemar_core::planning::power;
use fastmcnemar_core::planning::sample_size;
use fastmcnemar_core::planning::{exact_noninferiority, noninferiority};
use pyo3::prelude::*;

use crate::conversion::Wrap;
use crate::errors::PyCoreResult;
use crate::results::{NoninferiorityScore, SampleSizeResult};
use crate::runtime::{Size, run};

/// Exact power of the exact McNemar test.
#[pyfunction]
fn exact_power(
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Wrap<Alternative>,
) -> PyCoreResult<f64> {
    let alternative = alternative.0;
    Ok(power::power(n, flip_rate, delta, alpha, alternative)?)
}

/// Normal-approximation power Phi(|delta| sqrt(n/p) - z_{1-level}).
#[pyfunction]
fn normal_approx_power(
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Wrap<Alternative>,
) -> PyCoreResult<f64> {
    let alternative = alternative.0;
    Ok(power::normal_approx_power(
        n,
        flip_rate,
        delta,
        alpha,
        alternative,
    )?)
}

/// Smallest N whose exact power reaches `power`, with the power there and the normal-approximation N.
#[pyfunction]
#[pyo3(signature = (flip_rate, delta, alpha, power, alternative, n_threads=None))]
fn exact_sample_size(
    py: Python<'_>,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
    n_threads: Option<usize>,
) -> PyCoreResult<SampleSizeResult> {
    let alternative = alternative.0;
    let found = run(py, n_threads.or(Some(1)), Size::Long, |checkpoint| {
        sample_size::sample_size(flip_rate, delta, alpha, power, alternative, checkpoint)
    })?;
    Ok(SampleSizeResult {
        n: found.n,
        power: found.power,
        normal_approximation: found.normal_approximation,
    })
}

/// Smallest drop whose exact power reaches `power` (None when none does).
#[pyfunction]
#[pyo3(signature = (n, flip_rate, alpha, power, alternative, n_threads=None))]
fn exact_minimum_detectable_delta(
    py: Python<'_>,
    n: u64,
    flip_rate: f64,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
    n_threads: Option<usize>,
) -> PyCoreResult<Option<f64>> {
    let alternative = alternative.0;
    run(py, n_threads.or(Some(1)), Size::Long, |checkpoint| {
        sample_size::minimum_detectable_delta(n, flip_rate, alpha, power, alternative, checkpoint)
    })
}

/// Largest flip rate at which `n` samples give `power` against the drop `delta` (None: none).
#[pyfunction]
#[pyo3(signature = (n, delta, alpha, power, n_threads=None))]
fn exact_maximum_flip_rate(
    py: Python<'_>,
    n: u64,
    delta: f64,
    alpha: f64,
    power: f64,
    n_threads: Option<usize>,
) -> PyCoreResult<Option<f64>> {
    run(py, n_threads.or(Some(1)), Size::Long, |checkpoint| {
        sample_size::maximum_flip_rate(n, delta, alpha, power, checkpoint)
    })
}

/// The rule-of-thumb N = p (z_{1-a} + z_{power})^2 / delta^2.
#[pyfunction]
fn normal_approx_sample_size(
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
) -> PyCoreResult<f64> {
    let alternative = alternative.0;
    Ok(sample_size::normal_approx_sample_size(
        flip_rate,
        delta,
        alpha,
        power,
        alternative,
    )?)
}

/// The rule-of-thumb drop sqrt(p / n) (z_{1-a} + z_{power}) (None above the flip rate).
#[pyfunction]
fn normal_approx_minimum_detectable_delta(
    n: u64,
    flip_rate: f64,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
) -> PyCoreResult<Option<f64>> {
    let alternative = alternative.0;
    Ok(sample_size::normal_approx_minimum_detectable_delta(
        n,
        flip_rate,
        alpha,
        power,
        alternative,
    )?)
}

/// Tango score test of H0: delta >= margin.
#[pyfunction]
fn noninferiority_score(
    b: u64,
    c: u64,
    n: u64,
    margin: f64,
    alpha: f64,
) -> PyCoreResult<NoninferiorityScore> {
    let r = noninferiority::noninferiority(b, c, n, margin, alpha)?;
    Ok(NoninferiorityScore {
        statistic: r.statistic,
        pvalue: r.pvalue,
        low: r.interval.0,
        high: r.interval.1,
        noninferior: r.noninferior,
    })
}

/// Exact unconditional p-value of the non-inferiority test (sup over the flip rate).
#[pyfunction]
#[pyo3(signature = (b, c, n, margin, n_threads=None))]
fn noninferiority_exact_pvalue(
    py: Python<'_>,
    b: u64,
    c: u64,
    n: u64,
    margin: f64,
    n_threads: Option<usize>,
) -> PyCoreResult<f64> {
    run(py, n_threads.or(Some(1)), Size::Long, |checkpoint| {
        exact_noninferiority::exact_pvalue(b, c, n, margin, checkpoint)
    })
}

/// Adds the planning functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyCoreResult<()> {
    m.add_function(wrap_pyfunction!(exact_power, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_power, m)?)?;
    m.add_function(wrap_pyfunction!(exact_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(exact_minimum_detectable_delta, m)?)?;
    m.add_function(wrap_pyfunction!(exact_maximum_flip_rate, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_minimum_detectable_delta, m)?)?;
    m.add_function(wrap_pyfunction!(noninferiority_score, m)?)?;
    m.add_function(wrap_pyfunction!(noninferiority_exact_pvalue, m)?)?;
    Ok(())
}
