//! Glue for `fastmcnemar_core::cluster`: the clustered paired test of one
//! task (cluster sign-flip, Obuchowski, Durkalski) with its CR1 summary, and
//! the combined suite rule applied to three component p-values.

use fastmcnemar_core::cluster::mcnemar::{ClusteredStatistic, clustered_mcnemar};
use fastmcnemar_core::cluster::robust::cluster_design;
use fastmcnemar_core::cluster::table::ClusterTable;
use fastmcnemar_core::error::check_level;
use fastmcnemar_core::resample::permutation::{Alternative, Method, sign_flip_test};
use fastmcnemar_core::suite::combined::{CombinedRule, rule_decision};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::to_py_err;
use crate::runtime::run_detached;

fn parse_test(test: &str) -> PyResult<Option<ClusteredStatistic>> {
    match test {
        "sign-flip" => Ok(None),
        other => Ok(Some(ClusteredStatistic::parse(other).map_err(to_py_err)?)),
    }
}

/// The test and the CR1 summary of one table, as a dict (see `_core.pyi`).
#[allow(clippy::too_many_arguments)]
fn run_table<'py>(
    py: Python<'py>,
    build: impl FnOnce() -> fastmcnemar_core::Result<ClusterTable> + Send,
    test: &str,
    alternative: &str,
    confidence_level: f64,
    permutation_method: &str,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let statistic = parse_test(test)?;
    let permutation_method = Method::parse(permutation_method).map_err(to_py_err)?;
    let (table, design, value, pvalue, path, used) = run_detached(py, n_threads, |checkpoint| {
        let table = build()?;
        let design = cluster_design(&table, confidence_level)?;
        let (value, pvalue, path, used) = match statistic {
            None => {
                let r = sign_flip_test(
                    &table.sums(),
                    alternative,
                    permutation_method,
                    n_resamples,
                    seed,
                    checkpoint,
                )?;
                (
                    r.sum / table.n_samples() as f64,
                    r.pvalue,
                    r.path.as_str(),
                    r.n_resamples,
                )
            }
            Some(s) => {
                let r = clustered_mcnemar(&table, s, alternative)?;
                (r.z, r.pvalue, "asymptotic", 0)
            }
        };
        Ok((table, design, value, pvalue, path, used))
    })?;
    let (b, c) = table.discordant();
    let dict = PyDict::new(py);
    dict.set_item("statistic", value)?;
    dict.set_item("pvalue", pvalue)?;
    dict.set_item("path", path)?;
    dict.set_item("n_resamples", used)?;
    dict.set_item("binary", table.binary)?;
    dict.set_item("b", b)?;
    dict.set_item("c", c)?;
    dict.set_item("n", design.n_samples)?;
    dict.set_item("n_clusters", design.n_clusters)?;
    dict.set_item("estimate", design.estimate)?;
    dict.set_item("standard_error", design.standard_error)?;
    dict.set_item("naive_standard_error", design.naive_standard_error)?;
    dict.set_item("design_effect", design.design_effect)?;
    dict.set_item("effective_n", design.effective_n)?;
    dict.set_item("icc", design.icc)?;
    dict.set_item("low", design.low)?;
    dict.set_item("high", design.high)?;
    Ok(dict)
}

/// One clustered test on per-sample scores and cluster codes.
#[pyfunction]
#[pyo3(signature = (reference, candidate, clusters, test, alternative, confidence_level, permutation_method, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn clustered_paired_test<'py>(
    py: Python<'py>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    clusters: PyReadonlyArray1<'_, u32>,
    test: &str,
    alternative: &str,
    confidence_level: f64,
    permutation_method: &str,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = clusters.as_slice()?;
    run_table(
        py,
        || ClusterTable::from_scores(reference, candidate, clusters),
        test,
        alternative,
        confidence_level,
        permutation_method,
        n_resamples,
        seed,
        n_threads,
    )
}

/// One clustered test on per-cluster counts (n_k, b_k, c_k) of 0/1 outcomes.
#[pyfunction]
#[pyo3(signature = (n, b, c, test, alternative, confidence_level, permutation_method, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn clustered_counts_test<'py>(
    py: Python<'py>,
    n: PyReadonlyArray1<'_, i64>,
    b: PyReadonlyArray1<'_, i64>,
    c: PyReadonlyArray1<'_, i64>,
    test: &str,
    alternative: &str,
    confidence_level: f64,
    permutation_method: &str,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let n = n.as_slice()?;
    let b = b.as_slice()?;
    let c = c.as_slice()?;
    run_table(
        py,
        || ClusterTable::from_counts(n, b, c),
        test,
        alternative,
        confidence_level,
        permutation_method,
        n_resamples,
        seed,
        n_threads,
    )
}

/// The combined suite rule on the smallest component p-value:
/// (pvalue, level, rejected).
#[pyfunction]
fn combined_rule(min_pvalue: f64, alpha: f64, rule: &str) -> PyResult<(f64, f64, bool)> {
    let rule = CombinedRule::parse(rule).map_err(to_py_err)?;
    check_level("alpha", alpha).map_err(to_py_err)?;
    if !(0.0..=1.0).contains(&min_pvalue) {
        return Err(to_py_err(fastmcnemar_core::Error::InvalidArgument(
            format!("p-value must lie in [0, 1], got {min_pvalue}"),
        )));
    }
    let d = rule_decision(min_pvalue, min_pvalue.ln(), alpha, rule);
    Ok((d.outcome.pvalue, d.level, d.rejected))
}

/// Adds the cluster functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(clustered_paired_test, m)?)?;
    m.add_function(wrap_pyfunction!(clustered_counts_test, m)?)?;
    m.add_function(wrap_pyfunction!(combined_rule, m)?)?;
    Ok(())
}
