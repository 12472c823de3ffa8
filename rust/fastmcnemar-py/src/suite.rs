//! Glue for `fastmcnemar_core::suite`: global tests over a suite of tasks
//! (one candidate or a candidates x tasks matrix), p-value combination and
//! multiplicity adjustment.

use fastmcnemar_core::Error;
use fastmcnemar_core::suite::adjust::{Adjustment, adjust_pvalues};
use fastmcnemar_core::suite::aggregate::{Aggregate, Method, Options, aggregate, aggregate_many};
use fastmcnemar_core::suite::cauchy::cauchy_from_log_p;
use fastmcnemar_core::suite::combined::{CombinedRule, NullMode};
use fastmcnemar_core::suite::fisher::fisher_from_log_p;
use fastmcnemar_core::suite::hmp::hmp_from_log_p;
use fastmcnemar_core::suite::landau::{landau_sf, ln_landau_sf};
use fastmcnemar_core::suite::monte_carlo::DEFAULT_RESAMPLES;
use fastmcnemar_core::suite::stouffer::stouffer_from_log_p;
use fastmcnemar_core::suite::tasks::Counts;
use fastmcnemar_core::suite::{Alternative, TestOutcome};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::errors::to_py_err;
use crate::runtime::run_detached;

/// (name, statistic, pvalue, log_pvalue) of one component test.
type Component = (String, f64, f64, f64);

/// Component arrays of many candidates: (name, statistics, pvalues, log_pvalues).
type ComponentArrays<'py> = (
    String,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

fn null_mode(name: &str, what: &str, n_resamples: Option<u64>, seed: u64) -> PyResult<NullMode> {
    match name {
        "exact" => Ok(NullMode::Exact),
        "monte_carlo" => Ok(NullMode::MonteCarlo {
            n_resamples: n_resamples.unwrap_or(DEFAULT_RESAMPLES),
            seed,
        }),
        other => Err(to_py_err(Error::InvalidArgument(format!(
            "{what} must be 'exact' or 'monte_carlo', got {other:?}"
        )))),
    }
}

#[allow(clippy::too_many_arguments)]
fn options(
    method: &str,
    alternative: &str,
    alpha: f64,
    rule: &str,
    max_drop_null: &str,
    fisher_null: &str,
    n_resamples: Option<u64>,
    seed: u64,
    weights: Option<&PyReadonlyArray1<'_, f64>>,
) -> PyResult<Options> {
    let weights = match weights {
        Some(w) => Some(w.as_slice()?.to_vec()),
        None => None,
    };
    Ok(Options {
        method: Method::parse(method).map_err(to_py_err)?,
        alternative: Alternative::parse(alternative).map_err(to_py_err)?,
        alpha,
        rule: CombinedRule::parse(rule).map_err(to_py_err)?,
        max_drop: null_mode(max_drop_null, "max_drop_null", n_resamples, seed)?,
        fisher: null_mode(fisher_null, "fisher_null", n_resamples, seed)?,
        weights,
    })
}

fn component_list(result: &Aggregate) -> Vec<Component> {
    result
        .components
        .iter()
        .map(|(name, o)| (name.to_string(), o.statistic, o.pvalue, o.log_pvalue))
        .collect()
}

/// Result of one candidate: (statistic, pvalue, log_pvalue, rejected, level,
/// components, task_pvalues, task_log_pvalues).
type OneResult<'py> = (
    f64,
    f64,
    f64,
    bool,
    f64,
    Vec<Component>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// Global test of one candidate from per-task counts b, c.
#[pyfunction]
#[pyo3(signature = (b, c, method, alternative, alpha, rule, max_drop_null, fisher_null,
                    n_resamples, seed, weights=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn suite_aggregate<'py>(
    py: Python<'py>,
    b: PyReadonlyArray1<'py, i64>,
    c: PyReadonlyArray1<'py, i64>,
    method: &str,
    alternative: &str,
    alpha: f64,
    rule: &str,
    max_drop_null: &str,
    fisher_null: &str,
    n_resamples: Option<u64>,
    seed: u64,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    n_threads: Option<usize>,
) -> PyResult<OneResult<'py>> {
    let opts = options(
        method,
        alternative,
        alpha,
        rule,
        max_drop_null,
        fisher_null,
        n_resamples,
        seed,
        weights.as_ref(),
    )?;
    let counts = Counts::new(b.as_slice()?, c.as_slice()?).map_err(to_py_err)?;
    let result = run_detached(py, n_threads, |cp| aggregate(&counts, &opts, cp))?;
    let components = component_list(&result);
    Ok((
        result.outcome.statistic,
        result.outcome.pvalue,
        result.outcome.log_pvalue,
        result.rejected,
        result.level,
        components,
        PyArray1::from_vec(py, result.task_pvalues),
        PyArray1::from_vec(py, result.task_log_pvalues),
    ))
}

/// Result of many candidates: (statistic, pvalue, log_pvalue, rejected,
/// level, components, task_pvalues (flat, row-major), task_log_pvalues).
type ManyResult<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<bool>>,
    f64,
    Vec<ComponentArrays<'py>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
);

/// Global test of every row of row-major (n_candidates x n_tasks) counts.
#[pyfunction]
#[pyo3(signature = (b, c, n_tasks, method, alternative, alpha, rule, max_drop_null,
                    fisher_null, n_resamples, seed, weights=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn suite_aggregate_many<'py>(
    py: Python<'py>,
    b: PyReadonlyArray1<'py, i64>,
    c: PyReadonlyArray1<'py, i64>,
    n_tasks: usize,
    method: &str,
    alternative: &str,
    alpha: f64,
    rule: &str,
    max_drop_null: &str,
    fisher_null: &str,
    n_resamples: Option<u64>,
    seed: u64,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    n_threads: Option<usize>,
) -> PyResult<ManyResult<'py>> {
    let opts = options(
        method,
        alternative,
        alpha,
        rule,
        max_drop_null,
        fisher_null,
        n_resamples,
        seed,
        weights.as_ref(),
    )?;
    let (b, c) = (b.as_slice()?, c.as_slice()?);
    let rows = run_detached(py, n_threads, |cp| aggregate_many(b, c, n_tasks, &opts, cp))?;
    let column = |f: &dyn Fn(&Aggregate) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
    let level = rows.first().map_or(alpha, |r| r.level);
    let n_components = rows.first().map_or(0, |r| r.components.len());
    let mut components = Vec::with_capacity(n_components);
    for j in 0..n_components {
        let name = rows[0].components[j].0.to_string();
        let pick = |f: &dyn Fn(&TestOutcome) -> f64| -> Vec<f64> {
            rows.iter().map(|r| f(&r.components[j].1)).collect()
        };
        components.push((
            name,
            PyArray1::from_vec(py, pick(&|o| o.statistic)),
            PyArray1::from_vec(py, pick(&|o| o.pvalue)),
            PyArray1::from_vec(py, pick(&|o| o.log_pvalue)),
        ));
    }
    let task_p: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.task_pvalues.iter().copied())
        .collect();
    let task_lp: Vec<f64> = rows
        .iter()
        .flat_map(|r| r.task_log_pvalues.iter().copied())
        .collect();
    let rejected: Vec<bool> = rows.iter().map(|r| r.rejected).collect();
    Ok((
        PyArray1::from_vec(py, column(&|r| r.outcome.statistic)),
        PyArray1::from_vec(py, column(&|r| r.outcome.pvalue)),
        PyArray1::from_vec(py, column(&|r| r.outcome.log_pvalue)),
        PyArray1::from_vec(py, rejected),
        level,
        components,
        PyArray1::from_vec(py, task_p),
        PyArray1::from_vec(py, task_lp),
    ))
}

/// Combines p-values given as natural logs: "fisher", "stouffer", "cauchy"
/// or "hmp". Returns (statistic, pvalue, log_pvalue).
#[pyfunction]
#[pyo3(signature = (log_pvalues, method, weights=None))]
fn suite_combine_pvalues(
    log_pvalues: PyReadonlyArray1<'_, f64>,
    method: &str,
    weights: Option<PyReadonlyArray1<'_, f64>>,
) -> PyResult<(f64, f64, f64)> {
    let log_p = log_pvalues.as_slice()?;
    let w = match &weights {
        Some(w) => Some(w.as_slice()?),
        None => None,
    };
    let out = match method {
        "fisher" => {
            if w.is_some() {
                return Err(to_py_err(Error::InvalidArgument(
                    "weights apply to 'stouffer', 'cauchy' and 'hmp', not to 'fisher'".into(),
                )));
            }
            fisher_from_log_p(log_p)
        }
        "stouffer" => stouffer_from_log_p(log_p, w),
        "cauchy" => cauchy_from_log_p(log_p, w),
        "hmp" => hmp_from_log_p(log_p, w),
        other => Err(Error::InvalidArgument(format!(
            "method must be 'fisher', 'stouffer', 'cauchy' or 'hmp', got {other:?}"
        ))),
    }
    .map_err(to_py_err)?;
    Ok((out.statistic, out.pvalue, out.log_pvalue))
}

/// Adjusted p-values ("holm", "hochberg", "hommel", "bonferroni", "sidak",
/// "holm-sidak", "bh", "by").
#[pyfunction]
fn suite_adjust_pvalues<'py>(
    py: Python<'py>,
    pvalues: PyReadonlyArray1<'py, f64>,
    method: &str,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let method = Adjustment::parse(method).map_err(to_py_err)?;
    let adjusted = adjust_pvalues(pvalues.as_slice()?, method).map_err(to_py_err)?;
    Ok(PyArray1::from_vec(py, adjusted))
}

/// Standard Landau survival function and its log, (P(X > x), ln P(X > x)).
#[pyfunction]
fn suite_landau_sf(x: f64) -> (f64, f64) {
    (landau_sf(x), ln_landau_sf(x))
}

/// Adds the suite functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(suite_aggregate, m)?)?;
    m.add_function(wrap_pyfunction!(suite_aggregate_many, m)?)?;
    m.add_function(wrap_pyfunction!(suite_combine_pvalues, m)?)?;
    m.add_function(wrap_pyfunction!(suite_adjust_pvalues, m)?)?;
    m.add_function(wrap_pyfunction!(suite_landau_sf, m)?)?;
    Ok(())
}
