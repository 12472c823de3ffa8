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

use crate::conversion::{Combination, FisherNull, MaxDropNull, NullKind, Wrap};
use crate::errors::PyCoreResult;
use crate::results::{
    CombinedPValue, SuiteComponent, SuiteComponentArrays, SuiteManyResult, SuiteResult,
};
use crate::runtime::{Size, run};

fn null_mode(kind: NullKind, n_resamples: Option<u64>, seed: u64) -> NullMode {
    match kind {
        NullKind::Exact => NullMode::Exact,
        NullKind::MonteCarlo => NullMode::MonteCarlo {
            n_resamples: n_resamples.unwrap_or(DEFAULT_RESAMPLES),
            seed,
        },
    }
}

/// The options every suite entry point takes, typed at the boundary.
struct SuiteOptions {
    method: Method,
    alternative: Alternative,
    alpha: f64,
    rule: CombinedRule,
    max_drop_null: NullKind,
    fisher_null: NullKind,
    n_resamples: Option<u64>,
    seed: u64,
}

impl SuiteOptions {
    fn build(&self, weights: Option<&PyReadonlyArray1<'_, f64>>) -> PyCoreResult<Options> {
        let weights = match weights {
            Some(w) => Some(w.as_slice()?.to_vec()),
            None => None,
        };
        Ok(Options {
            method: self.method,
            alternative: self.alternative,
            alpha: self.alpha,
            rule: self.rule,
            max_drop: null_mode(self.max_drop_null, self.n_resamples, self.seed),
            fisher: null_mode(self.fisher_null, self.n_resamples, self.seed),
            weights,
        })
    }
}

fn floats(py: Python<'_>, values: Vec<f64>) -> Py<PyArray1<f64>> {
    PyArray1::from_vec(py, values).unbind()
}

/// Global test of one candidate from per-task counts b, c.
#[pyfunction]
#[pyo3(signature = (b, c, method, alternative, alpha, rule, max_drop_null, fisher_null,
                    n_resamples, seed, weights=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn suite_aggregate<'py>(
    py: Python<'py>,
    b: PyReadonlyArray1<'py, i64>,
    c: PyReadonlyArray1<'py, i64>,
    method: Wrap<Method>,
    alternative: Wrap<Alternative>,
    alpha: f64,
    rule: Wrap<CombinedRule>,
    max_drop_null: Wrap<MaxDropNull>,
    fisher_null: Wrap<FisherNull>,
    n_resamples: Option<u64>,
    seed: u64,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    n_threads: Option<usize>,
) -> PyCoreResult<SuiteResult> {
    let opts = SuiteOptions {
        method: method.0,
        alternative: alternative.0,
        alpha,
        rule: rule.0,
        max_drop_null: max_drop_null.0.0,
        fisher_null: fisher_null.0.0,
        n_resamples,
        seed,
    }
    .build(weights.as_ref())?;
    let counts = Counts::new(b.as_slice()?, c.as_slice()?)?;
    let result = run(py, n_threads, Size::Long, |cp| {
        aggregate(&counts, &opts, cp)
    })?;
    let components = result
        .components
        .iter()
        .map(|(name, o)| {
            Py::new(
                py,
                SuiteComponent {
                    name,
                    statistic: o.statistic,
                    pvalue: o.pvalue,
                    log_pvalue: o.log_pvalue,
                },
            )
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(SuiteResult {
        statistic: result.outcome.statistic,
        pvalue: result.outcome.pvalue,
        log_pvalue: result.outcome.log_pvalue,
        rejected: result.rejected,
        level: result.level,
        components,
        task_pvalues: floats(py, result.task_pvalues),
        task_log_pvalues: floats(py, result.task_log_pvalues),
    })
}

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
    method: Wrap<Method>,
    alternative: Wrap<Alternative>,
    alpha: f64,
    rule: Wrap<CombinedRule>,
    max_drop_null: Wrap<MaxDropNull>,
    fisher_null: Wrap<FisherNull>,
    n_resamples: Option<u64>,
    seed: u64,
    weights: Option<PyReadonlyArray1<'py, f64>>,
    n_threads: Option<usize>,
) -> PyCoreResult<SuiteManyResult> {
    let opts = SuiteOptions {
        method: method.0,
        alternative: alternative.0,
        alpha,
        rule: rule.0,
        max_drop_null: max_drop_null.0.0,
        fisher_null: fisher_null.0.0,
        n_resamples,
        seed,
    }
    .build(weights.as_ref())?;
    let (b, c) = (b.as_slice()?, c.as_slice()?);
    // One candidate with exact nulls takes microseconds: inline, never waking the pool.
    let size = Size::inline_if(b.len() == n_tasks && !opts.resamples());
    let rows = run(py, n_threads, size, |cp| {
        aggregate_many(b, c, n_tasks, &opts, cp)
    })?;
    let column = |f: &dyn Fn(&Aggregate) -> f64| -> Vec<f64> { rows.iter().map(f).collect() };
    let level = rows.first().map_or(alpha, |r| r.level);
    let n_components = rows.first().map_or(0, |r| r.components.len());
    let mut components = Vec::with_capacity(n_components);
    for j in 0..n_components {
        let pick = |f: &dyn Fn(&TestOutcome) -> f64| -> Vec<f64> {
            rows.iter().map(|r| f(&r.components[j].1)).collect()
        };
        components.push(Py::new(
            py,
            SuiteComponentArrays {
                name: rows[0].components[j].0,
                statistic: floats(py, pick(&|o| o.statistic)),
                pvalue: floats(py, pick(&|o| o.pvalue)),
                log_pvalue: floats(py, pick(&|o| o.log_pvalue)),
            },
        )?);
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
    Ok(SuiteManyResult {
        statistic: floats(py, column(&|r| r.outcome.statistic)),
        pvalue: floats(py, column(&|r| r.outcome.pvalue)),
        log_pvalue: floats(py, column(&|r| r.outcome.log_pvalue)),
        rejected: PyArray1::from_vec(py, rejected).unbind(),
        level,
        components,
        task_pvalues: floats(py, task_p),
        task_log_pvalues: floats(py, task_lp),
    })
}

/// Combines p-values given as natural logs: "fisher", "stouffer", "cauchy"
/// or "hmp".
#[pyfunction]
#[pyo3(signature = (log_pvalues, method, weights=None))]
fn suite_combine_pvalues(
    log_pvalues: PyReadonlyArray1<'_, f64>,
    method: Wrap<Combination>,
    weights: Option<PyReadonlyArray1<'_, f64>>,
) -> PyCoreResult<CombinedPValue> {
    let log_p = log_pvalues.as_slice()?;
    let w = match &weights {
        Some(w) => Some(w.as_slice()?),
        None => None,
    };
    let out = match method.0 {
        Combination::Fisher => {
            if w.is_some() {
                return Err(Error::InvalidArgument(
                    "weights apply to 'stouffer', 'cauchy' and 'hmp', not to 'fisher'".into(),
                )
                .into());
            }
            fisher_from_log_p(log_p)
        }
        Combination::Stouffer => stouffer_from_log_p(log_p, w),
        Combination::Cauchy => cauchy_from_log_p(log_p, w),
        Combination::Hmp => hmp_from_log_p(log_p, w),
    }?;
    Ok(CombinedPValue {
        statistic: out.statistic,
        pvalue: out.pvalue,
        log_pvalue: out.log_pvalue,
    })
}

/// Adjusted p-values ("holm", "hochberg", "hommel", "bonferroni", "sidak",
/// "holm-sidak", "bh", "by").
#[pyfunction]
fn suite_adjust_pvalues<'py>(
    py: Python<'py>,
    pvalues: PyReadonlyArray1<'py, f64>,
    method: Wrap<Adjustment>,
) -> PyCoreResult<Bound<'py, PyArray1<f64>>> {
    let adjusted = adjust_pvalues(pvalues.as_slice()?, method.0)?;
    Ok(PyArray1::from_vec(py, adjusted))
}

/// [`suite_adjust_pvalues`] for many families at once: `pvalues` holds the
/// families one after another, family `i` being `pvalues[offsets[i]..offsets[i + 1]]`
/// (one family per candidate of an audit); each is adjusted on its own.
#[pyfunction]
fn suite_adjust_pvalues_grouped<'py>(
    py: Python<'py>,
    pvalues: PyReadonlyArray1<'py, f64>,
    offsets: PyReadonlyArray1<'py, i64>,
    method: Wrap<Adjustment>,
) -> PyCoreResult<Bound<'py, PyArray1<f64>>> {
    let values = pvalues.as_slice()?;
    let bounds = offsets.as_slice()?;
    let mut adjusted = vec![0.0; values.len()];
    for window in bounds.windows(2) {
        let (start, stop) = (window[0], window[1]);
        if start < 0 || stop < start || stop as usize > values.len() {
            return Err(Error::InvalidArgument(format!(
                "offsets must rise from 0 to {} (got {start}..{stop})",
                values.len()
            ))
            .into());
        }
        let (start, stop) = (start as usize, stop as usize);
        let family = adjust_pvalues(&values[start..stop], method.0)?;
        adjusted[start..stop].copy_from_slice(&family);
    }
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
    m.add_function(wrap_pyfunction!(suite_adjust_pvalues_grouped, m)?)?;
    m.add_function(wrap_pyfunction!(suite_landau_sf, m)?)?;
    Ok(())
}
