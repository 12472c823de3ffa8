//! Glue for `fastmcnemar_core::cluster`: the clustered paired test of one
//! task (cluster sign-flip, Obuchowski, Durkalski) with its CR1 summary, from
//! per-sample scores or per-cluster counts, and the combined suite rule
//! applied to the smallest of three component p-values.

use fastmcnemar_core::Alternative;
use fastmcnemar_core::cluster::mcnemar::{ClusteredStatistic, clustered_mcnemar};
use fastmcnemar_core::cluster::robust::cluster_design;
use fastmcnemar_core::cluster::table::ClusterTable;
use fastmcnemar_core::error::check_level;
use fastmcnemar_core::resample::permutation::{Method, sign_flip_test};
use fastmcnemar_core::suite::combined::{CombinedRule, rule_decision};
use numpy::PyReadonlyArray1;
use pyo3::prelude::*;

use crate::conversion::{Named, Wrap};
use crate::errors::PyCoreResult;
use crate::runtime::{Size, run};

/// Which clustered test (`test=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClusteredTest {
    SignFlip,
    Statistic(ClusteredStatistic),
}

impl Named for ClusteredTest {
    const WHAT: &'static str = "method";
    const NAMES: &'static [(&'static str, Self)] = &[
        ("sign-flip", ClusteredTest::SignFlip),
        (
            "obuchowski",
            ClusteredTest::Statistic(ClusteredStatistic::Obuchowski),
        ),
        (
            "durkalski",
            ClusteredTest::Statistic(ClusteredStatistic::Durkalski),
        ),
    ];
}

/// One clustered test with the cluster-robust summary of the task.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct ClusteredTestResult {
    /// Sign-flip: mean difference; Obuchowski / Durkalski: signed root z.
    pub statistic: f64,
    pub pvalue: f64,
    /// "exact", "lattice", "monte_carlo" or "asymptotic".
    pub path: &'static str,
    pub n_resamples: u64,
    /// Every score was 0 or 1 (b and c are then meaningful).
    pub binary: bool,
    pub b: u64,
    pub c: u64,
    pub n: u64,
    pub n_clusters: usize,
    pub estimate: f64,
    pub standard_error: f64,
    pub naive_standard_error: f64,
    pub design_effect: f64,
    pub effective_n: f64,
    pub icc: f64,
    pub low: f64,
    pub high: f64,
}

/// The combined rule's decision.
#[pyclass(frozen, get_all, module = "fastmcnemar._core")]
pub struct RuleDecision {
    pub pvalue: f64,
    /// The level the decision holds (alpha, or min(1, 3 alpha) for "any").
    pub level: f64,
    pub rejected: bool,
}

/// The test and the CR1 summary of one table.
#[allow(clippy::too_many_arguments)]
fn run_table(
    py: Python<'_>,
    build: impl FnOnce() -> fastmcnemar_core::Result<ClusterTable> + Send,
    test: ClusteredTest,
    alternative: Alternative,
    confidence_level: f64,
    permutation_method: Method,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyCoreResult<ClusteredTestResult> {
    run(py, n_threads, Size::Long, |checkpoint| {
        let table = build()?;
        let design = cluster_design(&table, confidence_level)?;
        let (statistic, pvalue, path, n_resamples) = match test {
            ClusteredTest::SignFlip => {
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
            ClusteredTest::Statistic(s) => {
                let r = clustered_mcnemar(&table, s, alternative)?;
                (r.z, r.pvalue, "asymptotic", 0)
            }
        };
        let (b, c) = table.discordant();
        Ok(ClusteredTestResult {
            statistic,
            pvalue,
            path,
            n_resamples,
            binary: table.binary,
            b,
            c,
            n: design.n_samples,
            n_clusters: design.n_clusters,
            estimate: design.estimate,
            standard_error: design.standard_error,
            naive_standard_error: design.naive_standard_error,
            design_effect: design.design_effect,
            effective_n: design.effective_n,
            icc: design.icc,
            low: design.low,
            high: design.high,
        })
    })
}

/// One clustered test on per-sample scores and cluster codes.
#[pyfunction]
#[pyo3(signature = (reference, candidate, clusters, test, alternative, confidence_level, permutation_method, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn clustered_paired_test(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, f64>,
    candidate: PyReadonlyArray1<'_, f64>,
    clusters: PyReadonlyArray1<'_, u32>,
    test: Wrap<ClusteredTest>,
    alternative: Wrap<Alternative>,
    confidence_level: f64,
    permutation_method: Wrap<Method>,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyCoreResult<ClusteredTestResult> {
    let reference = reference.as_slice()?;
    let candidate = candidate.as_slice()?;
    let clusters = clusters.as_slice()?;
    run_table(
        py,
        || ClusterTable::from_scores(reference, candidate, clusters),
        test.0,
        alternative.0,
        confidence_level,
        permutation_method.0,
        n_resamples,
        seed,
        n_threads,
    )
}

/// One clustered test on per-cluster counts (n_k, b_k, c_k) of 0/1 outcomes.
#[pyfunction]
#[pyo3(signature = (n, b, c, test, alternative, confidence_level, permutation_method, n_resamples, seed, n_threads=None))]
#[allow(clippy::too_many_arguments)]
fn clustered_counts_test(
    py: Python<'_>,
    n: PyReadonlyArray1<'_, i64>,
    b: PyReadonlyArray1<'_, i64>,
    c: PyReadonlyArray1<'_, i64>,
    test: Wrap<ClusteredTest>,
    alternative: Wrap<Alternative>,
    confidence_level: f64,
    permutation_method: Wrap<Method>,
    n_resamples: u64,
    seed: u64,
    n_threads: Option<usize>,
) -> PyCoreResult<ClusteredTestResult> {
    let n = n.as_slice()?;
    let b = b.as_slice()?;
    let c = c.as_slice()?;
    run_table(
        py,
        || ClusterTable::from_counts(n, b, c),
        test.0,
        alternative.0,
        confidence_level,
        permutation_method.0,
        n_resamples,
        seed,
        n_threads,
    )
}

/// The combined suite rule on the smallest component p-value.
#[pyfunction]
fn combined_rule(
    min_pvalue: f64,
    alpha: f64,
    rule: Wrap<CombinedRule>,
) -> PyCoreResult<RuleDecision> {
    check_level("alpha", alpha)?;
    if !(0.0..=1.0).contains(&min_pvalue) {
        return Err(fastmcnemar_core::Error::InvalidArgument(format!(
            "p-value must lie in [0, 1], got {min_pvalue}"
        ))
        .into());
    }
    let d = rule_decision(min_pvalue, min_pvalue.ln(), alpha, rule.0);
    Ok(RuleDecision {
        pvalue: d.outcome.pvalue,
        level: d.level,
        rejected: d.rejected,
    })
}

/// Adds the cluster functions and their result classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<ClusteredTestResult>()?;
    m.add_class::<RuleDecision>()?;
    m.add_function(wrap_pyfunction!(clustered_paired_test, m)?)?;
    m.add_function(wrap_pyfunction!(clustered_counts_test, m)?)?;
    m.add_function(wrap_pyfunction!(combined_rule, m)?)?;
    Ok(())
}
