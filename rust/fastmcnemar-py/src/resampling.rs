//! Glue for `fastmcnemar_core::resample`: sign-flip permutation tests,
//! grouped suite tests, the paired bootstrap and many-candidate max-T.
//! Every entry point runs detached (`runtime::run` with `Size::Long`:
//! interpreter released, Ctrl-C, n_threads).

use fastmcnemar_core::resample::bootstrap::{IntervalMethod, bootstrap_mean};
use fastmcnemar_core::resample::differences::{cluster_groups, cluster_totals, paired_differences};
use fastmcnemar_core::resample::grouped::grouped_test;
use fastmcnemar_core::resample::multi_candidate::many_candidates;
use fastmcnemar_core::resample::permutation::{Alternative, Method, sign_flip_test};
use numpy::{PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

use crate::conversion::Wrap;
use crate::errors::PyCoreResult;
use crate::results::{
    BootstrapResult, GroupedSignFlipResult, ManyCandidatesResult, SignFlipResult,
};
use crate::runtime::{Size, run};

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
#[pyfunction]
#[pyo3(signature = (reference, candidate, alternative, method, n_resamples, seed, clusters=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn sign_flip_test_paired(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    alternative: Wrap<Alternative>,
    method: Wrap<Method>,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    n_threads: Option<usize>,
) -> PyCoreResult<SignFlipResult> {
    let (alternative, method) = (alternative.0, method.0);
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = match &clusters {
        Some(c) => Some(c.as_slice()?),
        None => None,
    };
    let n = reference.len() as f64;
    run(py, n_threads, Size::Long, |checkpoint| {
        let (values, _) = units(reference, candidate, clusters)?;
        let r = sign_flip_test(&values, alternative, method, n_resamples, seed, checkpoint)?;
        Ok(SignFlipResult {
            statistic: r.sum / n,
            pvalue: r.pvalue,
            pvalue_greater: r.pvalue_greater,
            pvalue_less: r.pvalue_less,
            method: r.path.as_str(),
            n_resamples: r.n_resamples,
        })
    })
}

/// Grouped sign-flip tests: per group, micro, macro, Max-Drop and Fisher.
#[pyfunction]
#[pyo3(signature = (reference, candidate, groups, n_groups, alternative, method, n_resamples, seed, clusters=None, macro_weights=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn grouped_sign_flip_test(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    groups: PyReadonlyArray1<'_, u32>,
    n_groups: usize,
    alternative: Wrap<Alternative>,
    method: Wrap<Method>,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    macro_weights: Option<PyReadonlyArray1<'_, f64>>,
    n_threads: Option<usize>,
) -> PyCoreResult<GroupedSignFlipResult> {
    let (alternative, method) = (alternative.0, method.0);
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
    let out = run(py, n_threads, Size::Long, |checkpoint| {
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
    Ok(grouped_result(py, &out))
}

/// Grouped sign-flip tests on units already formed (cluster sums, or per-sample
/// differences) with their sizes and groups: the suite rule of mixed or
/// clustered suites.
#[pyfunction]
#[pyo3(signature = (units, sizes, groups, n_groups, alternative, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn grouped_units_test(
    py: Python<'_>,
    units: PyReadonlyArray1<'_, f64>,
    sizes: PyReadonlyArray1<'_, u64>,
    groups: PyReadonlyArray1<'_, u32>,
    n_groups: usize,
    alternative: Wrap<Alternative>,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyCoreResult<GroupedSignFlipResult> {
    let alternative = alternative.0;
    let units = units.as_slice()?;
    let sizes = sizes.as_slice()?;
    let groups = groups.as_slice()?;
    let out = run(py, n_threads, Size::Long, |checkpoint| {
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
    Ok(grouped_result(py, &out))
}

/// The result class both grouped entry points return.
fn grouped_result(
    py: Python<'_>,
    out: &fastmcnemar_core::resample::grouped::GroupedOutcome,
) -> GroupedSignFlipResult {
    let floats = |f: &dyn Fn(&fastmcnemar_core::resample::grouped::GroupTest) -> f64| {
        PyArray1::from_vec(py, out.groups.iter().map(f).collect::<Vec<f64>>()).unbind()
    };
    let counts = |f: &dyn Fn(&fastmcnemar_core::resample::grouped::GroupTest) -> u64| {
        PyArray1::from_vec(py, out.groups.iter().map(f).collect::<Vec<u64>>()).unbind()
    };
    GroupedSignFlipResult {
        group_statistic: floats(&|g| g.statistic),
        group_pvalue: floats(&|g| g.outcome.pvalue),
        group_n: counts(&|g| g.n_samples),
        group_method: out.groups.iter().map(|g| g.outcome.path.as_str()).collect(),
        group_n_resamples: counts(&|g| g.outcome.n_resamples),
        micro_statistic: out.micro_statistic,
        micro_pvalue: out.micro.pvalue,
        micro_method: out.micro.path.as_str(),
        micro_n_resamples: out.micro.n_resamples,
        macro_statistic: out.macro_test.statistic,
        macro_pvalue: out.macro_test.pvalue,
        max_drop_statistic: out.max_drop.statistic,
        max_drop_pvalue: out.max_drop.pvalue,
        fisher_statistic: out.fisher.statistic,
        fisher_pvalue: out.fisher.pvalue,
        n_resamples: out.n_resamples,
    }
}

/// Paired bootstrap of the mean difference.
#[pyfunction]
#[pyo3(signature = (reference, candidate, confidence_level, method, n_resamples, seed, clusters=None, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn bootstrap_mean_difference(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    confidence_level: f64,
    method: Wrap<IntervalMethod>,
    n_resamples: u64,
    seed: u64,
    clusters: Option<PyReadonlyArray1<'_, u32>>,
    n_threads: Option<usize>,
) -> PyCoreResult<BootstrapResult> {
    let method = method.0;
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = match &clusters {
        Some(c) => Some(c.as_slice()?),
        None => None,
    };
    run(py, n_threads, Size::Long, |checkpoint| {
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
        Ok(BootstrapResult {
            estimate: r.estimate,
            low: r.low,
            high: r.high,
            standard_error: r.standard_error,
        })
    })
}

/// Many candidates (rows) vs one reference with shared sign flips.
/// Flat arrays, index candidate * n_groups + group.
#[pyfunction]
#[pyo3(signature = (reference, candidates, groups, n_groups, alternative, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn many_candidates_test(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidates: PyReadonlyArray2<'_, f64>,
    groups: Option<PyReadonlyArray1<'_, u32>>,
    n_groups: usize,
    alternative: Wrap<Alternative>,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyCoreResult<ManyCandidatesResult> {
    let alternative = alternative.0;
    let reference = reference.as_slice()?;
    let n_candidates = candidates.shape()[0];
    let candidates = candidates.as_slice()?;
    let groups = match &groups {
        Some(g) => Some(g.as_slice()?),
        None => None,
    };
    let out = run(py, n_threads, Size::Long, |checkpoint| {
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
    Ok(ManyCandidatesResult {
        statistic: PyArray1::from_vec(py, out.statistics).unbind(),
        z: PyArray1::from_vec(py, out.z).unbind(),
        pvalue: PyArray1::from_vec(py, out.pvalues).unbind(),
        adjusted: PyArray1::from_vec(py, out.adjusted).unbind(),
    })
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
