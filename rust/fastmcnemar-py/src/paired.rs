//! Glue for the McNemar test and the paired intervals
//! (`fastmcnemar-core::mcnemar` and `::interval`).
//!
//! Arrays arrive as 1-D C-contiguous NumPy views (no copy); the Python layer
//! (`fastmcnemar/paired_test.py`) picks the dtype. Small inputs run inline,
//! because handing them to the worker pool costs more than the work; large
//! ones run with the interpreter released via [`run_detached`].

use fastmcnemar_core::control::{Checkpoint, NeverStop};
use fastmcnemar_core::interval::{self, DifferenceMethod};
use fastmcnemar_core::mcnemar::{self, Alternative, Method, PairedCounts};
use numpy::{Element, PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::errors::{InvalidArgumentError, to_py_err};
use crate::runtime::run_detached;

/// Per-sample outcomes below this length are counted inline.
const INLINE_SAMPLES: usize = 1 << 16;
/// Count pairs below this many get their p-values inline.
const INLINE_PAIRS: usize = 4096;
/// Clopper-Pearson intervals (about 100 tail evaluations each) below this many run inline.
const INLINE_INTERVALS: usize = 64;

type FloatArrays<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);
type CountsArrays<'py> = (
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<f64>>,
    Bound<'py, PyArray1<i64>>,
);

fn count_as<T>(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, T>,
    candidate: PyReadonlyArray1<'_, T>,
    n_threads: Option<usize>,
) -> PyResult<PairedCounts>
where
    T: Element + mcnemar::counts::BinaryValue,
{
    let (r, c) = (reference.as_slice()?, candidate.as_slice()?);
    if r.len().max(c.len()) < INLINE_SAMPLES {
        mcnemar::paired_counts(r, c, &NeverStop).map_err(to_py_err)
    } else {
        run_detached(py, n_threads, |checkpoint| {
            mcnemar::paired_counts(r, c, checkpoint)
        })
    }
}

/// The paired table (both_correct, b, c, both_wrong) of two 1-D outcome
/// arrays of one dtype: uint8, int64 or float64, every value 0 or 1.
#[pyfunction]
#[pyo3(signature = (reference, candidate, n_threads = None))]
fn mcnemar_paired_counts(
    py: Python<'_>,
    reference: &Bound<'_, PyAny>,
    candidate: &Bound<'_, PyAny>,
    n_threads: Option<usize>,
) -> PyResult<(u64, u64, u64, u64)> {
    let t = if let (Ok(r), Ok(c)) = (
        reference.extract::<PyReadonlyArray1<'_, u8>>(),
        candidate.extract::<PyReadonlyArray1<'_, u8>>(),
    ) {
        count_as(py, r, c, n_threads)?
    } else if let (Ok(r), Ok(c)) = (
        reference.extract::<PyReadonlyArray1<'_, i64>>(),
        candidate.extract::<PyReadonlyArray1<'_, i64>>(),
    ) {
        count_as(py, r, c, n_threads)?
    } else if let (Ok(r), Ok(c)) = (
        reference.extract::<PyReadonlyArray1<'_, f64>>(),
        candidate.extract::<PyReadonlyArray1<'_, f64>>(),
    ) {
        count_as(py, r, c, n_threads)?
    } else {
        return Err(InvalidArgumentError::new_err(
            "reference and candidate must be 1-D NumPy arrays of one dtype: uint8, int64 or float64",
        ));
    };
    Ok((t.both_correct, t.b, t.c, t.both_wrong))
}

/// p-value and log p-value of McNemar's test for one (b, c).
#[pyfunction]
fn mcnemar_pvalue(b: u64, c: u64, alternative: &str, method: &str) -> PyResult<(f64, f64)> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let method = Method::parse(method).map_err(to_py_err)?;
    let p = mcnemar::pvalue(b, c, alternative, method).map_err(to_py_err)?;
    Ok((p.pvalue, p.ln_pvalue))
}

/// Extracts two equal-dtype 1-D count arrays (uint64 or int64) and runs `work` on them.
macro_rules! with_counts {
    ($b:expr, $c:expr, |$bs:ident, $cs:ident| $work:expr) => {{
        if let (Ok(b), Ok(c)) = (
            $b.extract::<PyReadonlyArray1<'_, i64>>(),
            $c.extract::<PyReadonlyArray1<'_, i64>>(),
        ) {
            let ($bs, $cs) = (b.as_slice()?, c.as_slice()?);
            $work
        } else if let (Ok(b), Ok(c)) = (
            $b.extract::<PyReadonlyArray1<'_, u64>>(),
            $c.extract::<PyReadonlyArray1<'_, u64>>(),
        ) {
            let ($bs, $cs) = (b.as_slice()?, c.as_slice()?);
            $work
        } else {
            Err(InvalidArgumentError::new_err(
                "b and c must be 1-D NumPy arrays of one dtype: int64 or uint64",
            ))
        }
    }};
}

/// p-values and log p-values of McNemar's test for arrays of counts b, c.
#[pyfunction]
#[pyo3(signature = (b, c, alternative, method, n_threads = None))]
fn mcnemar_pvalues<'py>(
    py: Python<'py>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    alternative: &str,
    method: &str,
    n_threads: Option<usize>,
) -> PyResult<FloatArrays<'py>> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let method = Method::parse(method).map_err(to_py_err)?;
    let (p, ln_p) = with_counts!(b, c, |bs, cs| {
        if bs.len().max(cs.len()) < INLINE_PAIRS {
            mcnemar::pvalues(bs, cs, alternative, method, &NeverStop).map_err(to_py_err)
        } else {
            run_detached(py, n_threads, |checkpoint| {
                mcnemar::pvalues(bs, cs, alternative, method, checkpoint)
            })
        }
    })?;
    Ok((PyArray1::from_vec(py, p), PyArray1::from_vec(py, ln_p)))
}

/// Everything `mcnemar_counts` returns for arrays of counts b, c, in one
/// call: p-values, log p-values, q = b/(b + c) (NaN where b + c = 0) and b + c.
#[pyfunction]
#[pyo3(signature = (b, c, alternative, method, n_threads = None))]
fn mcnemar_counts_arrays<'py>(
    py: Python<'py>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    alternative: &str,
    method: &str,
    n_threads: Option<usize>,
) -> PyResult<CountsArrays<'py>> {
    let alternative = Alternative::parse(alternative).map_err(to_py_err)?;
    let method = Method::parse(method).map_err(to_py_err)?;
    let ((p, ln_p), (q, n)) = with_counts!(b, c, |bs, cs| {
        let p_values =
            |checkpoint: &dyn Checkpoint| mcnemar::pvalues(bs, cs, alternative, method, checkpoint);
        let statistics =
            |checkpoint: &dyn Checkpoint| mcnemar::bulk::statistics(bs, cs, checkpoint);
        if bs.len().max(cs.len()) < INLINE_PAIRS {
            let inline = || Ok((p_values(&NeverStop)?, statistics(&NeverStop)?));
            inline().map_err(to_py_err)
        } else {
            run_detached(py, n_threads, |checkpoint| {
                // Side by side: idle threads take statistics work while the
                // p-values are in their single-threaded grouping step.
                let (p, q) = rayon::join(|| p_values(checkpoint), || statistics(checkpoint));
                Ok((p?, q?))
            })
        }
    })?;
    Ok((
        PyArray1::from_vec(py, p),
        PyArray1::from_vec(py, ln_p),
        PyArray1::from_vec(py, q),
        PyArray1::from_vec(py, n),
    ))
}

/// Confidence interval for delta = (b - c)/N of the paired table.
#[pyfunction]
fn paired_difference_interval(
    both_correct: u64,
    b: u64,
    c: u64,
    both_wrong: u64,
    confidence_level: f64,
    method: &str,
) -> PyResult<(f64, f64)> {
    let method = DifferenceMethod::parse(method).map_err(to_py_err)?;
    let table = PairedCounts {
        both_correct,
        b,
        c,
        both_wrong,
    };
    let i = interval::paired_difference(table, confidence_level, method).map_err(to_py_err)?;
    Ok((i.low, i.high))
}

/// Clopper-Pearson interval for q = b/(b + c).
#[pyfunction]
fn clopper_pearson_interval(b: u64, c: u64, confidence_level: f64) -> PyResult<(f64, f64)> {
    let i = interval::clopper_pearson(b, c, confidence_level).map_err(to_py_err)?;
    Ok((i.low, i.high))
}

/// Clopper-Pearson intervals for arrays of counts b, c.
#[pyfunction]
#[pyo3(signature = (b, c, confidence_level, n_threads = None))]
fn clopper_pearson_intervals<'py>(
    py: Python<'py>,
    b: &Bound<'py, PyAny>,
    c: &Bound<'py, PyAny>,
    confidence_level: f64,
    n_threads: Option<usize>,
) -> PyResult<FloatArrays<'py>> {
    let (low, high) = with_counts!(b, c, |bs, cs| {
        if bs.len().max(cs.len()) < INLINE_INTERVALS {
            interval::clopper_pearson_bulk(bs, cs, confidence_level, &NeverStop).map_err(to_py_err)
        } else {
            run_detached(py, n_threads, |checkpoint| {
                interval::clopper_pearson_bulk(bs, cs, confidence_level, checkpoint)
            })
        }
    })?;
    Ok((PyArray1::from_vec(py, low), PyArray1::from_vec(py, high)))
}

/// Adds this area's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(mcnemar_paired_counts, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_pvalue, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_pvalues, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_counts_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(paired_difference_interval, m)?)?;
    m.add_function(wrap_pyfunction!(clopper_pearson_interval, m)?)?;
    m.add_function(wrap_pyfunction!(clopper_pearson_intervals, m)?)?;
    Ok(())
}
