//! Glue for `fastmcnemar_core::resample`: sign-flip permutation tests,
//! grouped suite tests, the paired bootstrap and many-candidate max-T.
//! Every entry point runs detached (interpreter released, Ctrl-C, n_threads).

use fastmcnemar_core::resample::bootstrap::{IntervalMethod, bootstrap_mean};
use fastmcnemar_core::resample::differences::{cluster_groups, cluster_totals, paired_differences};
use fastmcnemar_core::resample::grouped::grouped_test;
use fastmcnemar_core::resample::multi_candidate::many_candidates;
use fastmcnemar_core::resample::permutation::{Alternative, Method, sign_flip_test};
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::errors::to_py_err;
use crate::runtime::run_detached;

/// Differences, or cluster totals with their sizes when `clusters` is given.
fn units(
    reference: &[f64],
    candidate: &[f64],
    clusters: Option<&[u32]>,
) -> fastmcnemar_core::Result<(Vec<f64>, Vec<u64>)> {
    let d = paired_differences(reference, candidate)?;
    match clusters {
        Some(c) => cluster_totals(&d, c),
        None => {
            let n = d.len();
            Ok((d, vec![1; n]))
        }
    }
}

/// Sign-flip test of the mean paired difference.
/// Returns (statistic, pvalue, pvalue_greater, pvalue_less, method, n_resamples).
#[pyfunction]
#[pyo3(signature = (reference, candidate, alternative, method, n_resamples, seed, clusters=None, n_threads=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn sign_flip_test_paired(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    alternative: &str,
    method: &str,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    n_threads: Option<usize>,
) -> PyResult<(f64, f64, f64, f64, &'static str, u64)> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let method = Method::parse(method).map_err(to_py_err)?;
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = match &clusters {
        Some(c) => Some(c.as_slice()?),
        None => None,
    };
    let n = reference.len() as f64;
    run_detached(py, n_threads, |checkpoint| {
        let (values, _) = units(reference, candidate, clusters)?;
        let r = sign_flip_test(&values, alternative, method, n_resamples, seed, checkpoint)?;
        Ok((
            r.sum / n,
            r.pvalue,
            r.pvalue_greater,
            r.pvalue_less,
            r.path.as_str(),
            r.n_resamples,
        ))
    })
}

/// Grouped sign-flip tests; returns a dict (see `_core.pyi`).
#[pyfunction]
#[pyo3(signature = (reference, candidate, groups, n_groups, alternative, method, n_resamples, seed, clusters=None, macro_weights=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn grouped_sign_flip_test<'py>(
    py: Python<'py>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    groups: PyReadonlyArray1<'_, u32>,
    n_groups: usize,
    alternative: &str,
    method: &str,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    macro_weights: Option<PyReadonlyArray1<'_, f64>>,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let method = Method::parse(method).map_err(to_py_err)?;
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let groups = groups.as_slice()?;
    let macro_weights = match &macro_weights {
        Some(w) => Some(w.as_slice()?),
        None => None,
    };
    let clusters = match &clusters {
        Some(c) => Some(c.as_slice()?),
        None => None,
    };
    let out = run_detached(py, n_threads, |checkpoint| {
        let (values, sizes) = units(reference, candidate, clusters)?;
        fastmcnemar_core::resample::differences::check_labels("groups", groups, reference.len())?;
        let unit_groups = match clusters {
            Some(c) => cluster_groups(c, groups)?,
            None => groups.to_vec(),
        };
        grouped_test(
            &values,
            &sizes,
            &unit_groups,
            n_groups,
            macro_weights,
            alternative,
            method,
            n_resamples,
            seed,
            checkpoint,
        )
    })?;
    grouped_dict(py, &out)
}

/// Grouped sign-flip tests on units already formed (cluster sums, or per-sample
/// differences) with their sizes and groups; returns the same dict.
#[pyfunction]
#[pyo3(signature = (units, sizes, groups, n_groups, alternative, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn grouped_units_test<'py>(
    py: Python<'py>,
    units: PyReadonlyArray1<'_, f64>,
    sizes: PyReadonlyArray1<'_, u64>,
    groups: PyReadonlyArray1<'_, u32>,
    n_groups: usize,
    alternative: &str,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyResult<Bound<'py, PyDict>> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let units = units.as_slice()?;
    let sizes = sizes.as_slice()?;
    let groups = groups.as_slice()?;
    let out = run_detached(py, n_threads, |checkpoint| {
        fastmcnemar_core::resample::differences::check_finite("units", units)?;
        if sizes.len() != units.len() {
            return Err(fastmcnemar_core::Error::LengthMismatch {
                left: "sizes",
                left_len: sizes.len(),
                right: "units",
                right_len: units.len(),
            });
        }
        fastmcnemar_core::resample::differences::check_labels("groups", groups, units.len())?;
        grouped_test(
            units,
            sizes,
            groups,
            n_groups,
            None,
            alternative,
            Method::Auto,
            n_resamples,
            seed,
            checkpoint,
        )
    })?;
    grouped_dict(py, &out)
}

/// The dict both grouped entry points return.
fn grouped_dict<'py>(
    py: Python<'py>,
    out: &fastmcnemar_core::resample::grouped::GroupedOutcome,
) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    let column = |f: &dyn Fn(&fastmcnemar_core::resample::grouped::GroupTest) -> f64| {
        out.groups.iter().map(f).collect::<Vec<f64>>()
    };
    dict.set_item(
        "group_statistic",
        PyArray1::from_vec(py, column(&|g| g.statistic)),
    )?;
    dict.set_item(
        "group_pvalue",
        PyArray1::from_vec(py, column(&|g| g.outcome.pvalue)),
    )?;
    dict.set_item(
        "group_n",
        PyArray1::from_vec(
            py,
            out.groups.iter().map(|g| g.n_samples).collect::<Vec<u64>>(),
        ),
    )?;
    dict.set_item(
        "group_method",
        out.groups
            .iter()
            .map(|g| g.outcome.path.as_str())
            .collect::<Vec<_>>(),
    )?;
    dict.set_item(
        "group_n_resamples",
        PyArray1::from_vec(
            py,
            out.groups
                .iter()
                .map(|g| g.outcome.n_resamples)
                .collect::<Vec<u64>>(),
        ),
    )?;
    dict.set_item("micro_statistic", out.micro_statistic)?;
    dict.set_item("micro_pvalue", out.micro.pvalue)?;
    dict.set_item("micro_method", out.micro.path.as_str())?;
    dict.set_item("micro_n_resamples", out.micro.n_resamples)?;
    dict.set_item("macro_statistic", out.macro_test.statistic)?;
    dict.set_item("macro_pvalue", out.macro_test.pvalue)?;
    dict.set_item("max_drop_statistic", out.max_drop.statistic)?;
    dict.set_item("max_drop_pvalue", out.max_drop.pvalue)?;
    dict.set_item("fisher_statistic", out.fisher.statistic)?;
    dict.set_item("fisher_pvalue", out.fisher.pvalue)?;
    dict.set_item("n_resamples", out.n_resamples)?;
    Ok(dict)
}

/// Paired bootstrap of the mean difference: (estimate, low, high, standard_error).
#[pyfunction]
#[pyo3(signature = (reference, candidate, confidence_level, method, n_resamples, seed, clusters=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn bootstrap_mean_difference(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    confidence_level: f64,
    method: &str,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    n_threads: Option<usize>,
) -> PyResult<(f64, f64, f64, f64)> {
    let method = IntervalMethod::parse(method).map_err(to_py_err)?;
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = match &clusters {
        Some(c) => Some(c.as_slice()?),
        None => None,
    };
    run_detached(py, n_threads, |checkpoint| {
        let (values, sizes) = units(reference, candidate, clusters)?;
        let r = bootstrap_mean(
            &values,
            clusters.map(|_| sizes.as_slice()),
            confidence_level,
            method,
            n_resamples,
            seed,
            checkpoint,
        )?;
        Ok((r.estimate, r.low, r.high, r.standard_error))
    })
}

/// Many candidates (rows) vs one reference with shared sign flips.
/// Returns flat arrays (statistic, z, pvalue, adjusted), index candidate * n_groups + group.
#[pyfunction]
#[pyo3(signature = (reference, candidates, groups, n_groups, alternative, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments, clippy::type_complexity)]
fn many_candidates_test<'py>(
    py: Python<'py>,
    reference: PyReadonlyArray1<'_, f64>,
    candidates: PyReadonlyArray2<'_, f64>,
    groups: Option<PyReadonlyArray1<'_, u32>>,
    n_groups: usize,
    alternative: &str,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyResult<(
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
)> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let reference = reference.as_slice()?;
    let n_candidates = candidates.shape()[0];
    let candidates = candidates.as_slice()?;
    let groups = match &groups {
        Some(g) => Some(g.as_slice()?),
        None => None,
    };
    let out = run_detached(py, n_threads, |checkpoint| {
        many_candidates(
            reference,
            candidates,
            n_candidates,
            groups.map(|g| (g, n_groups)),
            alternative,
            n_resamples,
            seed,
            checkpoint,
        )
    })?;
    Ok((
        PyArray1::from_vec(py, out.statistics),
        PyArray1::from_vec(py, out.z),
        PyArray1::from_vec(py, out.pvalues),
        PyArray1::from_vec(py, out.adjusted),
    ))
}

/// Adds the resampling functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sign_flip_test_paired, m)?)?;
    m.add_function(wrap_pyfunction!(grouped_sign_flip_test, m)?)?;
    m.add_function(wrap_pyfunction!(grouped_units_test, m)?)?;
    m.add_function(wrap_pyfunction!(bootstrap_mean_difference, m)?)?;
    m.add_function(wrap_pyfunction!(many_candidates_test, m)?)?;
    Ok(())
}
