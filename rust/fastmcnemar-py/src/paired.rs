//! Glue for the McNemar test and the paired intervals
//! (`fastmcnemar-core::mcnemar` and `::interval`).
//!
//! Arrays arrive as 1-D C-contiguous NumPy views (no copy); the Python layer
//! (`fastmcnemar/paired_test.py`) picks the dtype. Small inputs run inline,
//! because handing them to the worker pool costs more than the work (the
//! `INLINE_*` sizes below); large ones leave the interpreter (`runtime::run`).

use fastmcnemar_core::Alternative;
use fastmcnemar_core::control::Checkpoint;
use fastmcnemar_core::interval::{self, DifferenceMethod};
use fastmcnemar_core::mcnemar::segments::segment_tallies;
use fastmcnemar_core::mcnemar::{self, Method, PairedCounts};
use numpy::{Element, PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::conversion::Wrap;
use crate::errors::{InvalidArgumentError, PyCoreResult};
use crate::results::{McNemarArrays, PairedTable};
use crate::runtime::{Size, run};

/// Per-sample outcomes below this length are counted inline.
const INLINE_SAMPLES: usize = 1 << 16;
/// Count pairs below this many get their p-values inline.
const INLINE_PAIRS: usize = 4096;
/// Clopper-Pearson intervals (about 100 tail evaluations each) below this many run inline.
const INLINE_INTERVALS: usize = 64;

type FloatArrays<'py> = (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>);

fn count_as<T>(
    py: Python<'_>,
    reference: PyReadonlyArray1<'_, T>,
    candidate: PyReadonlyArray1<'_, T>,
    n_threads: Option<usize>,
) -> PyCoreResult<PairedCounts>
where
    T: Element + mcnemar::counts::BinaryValue,
{
    let (r, c) = (reference.as_slice()?, candidate.as_slice()?);
    let size = Size::Items {
        items: r.len().max(c.len()),
        inline_below: INLINE_SAMPLES,
    };
    run(py, n_threads, size, |checkpoint| {
        mcnemar::paired_counts(r, c, checkpoint)
    })
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
) -> PyCoreResult<PairedTable> {
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
        )
        .into());
    };
    Ok(PairedTable {
        both_correct: t.both_correct,
        b: t.b,
        c: t.c,
        both_wrong: t.both_wrong,
    })
}

/// p-value and log p-value of McNemar's test for one (b, c).
#[pyfunction]
fn mcnemar_pvalue(
    b: u64,
    c: u64,
    alternative: Wrap<Alternative>,
    method: Wrap<Method>,
) -> PyCoreResult<(f64, f64)> {
    let p = mcnemar::pvalue(b, c, alternative.0, method.0)?;
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
            )
            .into())
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
    alternative: Wrap<Alternative>,
    method: Wrap<Method>,
    n_threads: Option<usize>,
) -> PyCoreResult<FloatArrays<'py>> {
    let (alternative, method) = (alternative.0, method.0);
    let (p, ln_p) = with_counts!(b, c, |bs, cs| {
        let size = Size::Items {
            items: bs.len().max(cs.len()),
            inline_below: INLINE_PAIRS,
        };
        run(py, n_threads, size, |checkpoint| {
            mcnemar::pvalues(bs, cs, alternative, method, checkpoint)
        })
    })?;
    Ok((PyArray1::from_vec(py, p), PyArray1::from_vec(py, ln_p)))
}

/// Everything `mcnemar_counts` returns for arrays of counts b, c, in one
/// call: p-values, log p-values, q = b/(b + c) (NaN where b + c = 0) and b + c.
#[pyfunction]
#[pyo3(signature = (b, c, alternative, method, n_threads = None))]
fn mcnemar_counts_arrays(
    py: Python<'_>,
    b: &Bound<'_, PyAny>,
    c: &Bound<'_, PyAny>,
    alternative: Wrap<Alternative>,
    method: Wrap<Method>,
    n_threads: Option<usize>,
) -> PyCoreResult<McNemarArrays> {
    let (alternative, method) = (alternative.0, method.0);
    let ((p, ln_p), (q, n)) = with_counts!(b, c, |bs, cs| {
        let p_values =
            |checkpoint: &dyn Checkpoint| mcnemar::pvalues(bs, cs, alternative, method, checkpoint);
        let statistics =
            |checkpoint: &dyn Checkpoint| mcnemar::bulk::statistics(bs, cs, checkpoint);
        let items = bs.len().max(cs.len());
        if items < INLINE_PAIRS {
            let size = Size::Items {
                items,
                inline_below: INLINE_PAIRS,
            };
            run(py, n_threads, size, |checkpoint| {
                Ok((p_values(checkpoint)?, statistics(checkpoint)?))
            })
        } else {
            run(py, n_threads, Size::Long, |checkpoint| {
                // Side by side: idle threads take statistics work while the
                // p-values are in their single-threaded grouping step.
                let (p, q) = rayon::join(|| p_values(checkpoint), || statistics(checkpoint));
                Ok((p?, q?))
            })
        }
    })?;
    Ok(McNemarArrays {
        pvalue: PyArray1::from_vec(py, p).unbind(),
        log_pvalue: PyArray1::from_vec(py, ln_p).unbind(),
        statistic: PyArray1::from_vec(py, q).unbind(),
        n: PyArray1::from_vec(py, n).unbind(),
    })
}

/// Confidence interval for delta = (b - c)/N of the paired table.
#[pyfunction]
fn paired_difference_interval(
    both_correct: u64,
    b: u64,
    c: u64,
    both_wrong: u64,
    confidence_level: f64,
    method: Wrap<DifferenceMethod>,
) -> PyCoreResult<(f64, f64)> {
    let table = PairedCounts {
        both_correct,
        b,
        c,
        both_wrong,
    };
    let i = interval::paired_difference(table, confidence_level, method.0)?;
    Ok((i.low, i.high))
}

/// Clopper-Pearson interval for q = b/(b + c).
#[pyfunction]
fn clopper_pearson_interval(b: u64, c: u64, confidence_level: f64) -> PyCoreResult<(f64, f64)> {
    let i = interval::clopper_pearson(b, c, confidence_level)?;
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
) -> PyCoreResult<FloatArrays<'py>> {
    let (low, high) = with_counts!(b, c, |bs, cs| {
        let size = Size::Items {
            items: bs.len().max(cs.len()),
            inline_below: INLINE_INTERVALS,
        };
        run(py, n_threads, size, |checkpoint| {
            interval::clopper_pearson_bulk(bs, cs, confidence_level, checkpoint)
        })
    })?;
    Ok((PyArray1::from_vec(py, low), PyArray1::from_vec(py, high)))
}

/// Adds this area's functions to the module.
/// The tallies of every segment `bounds[i]..bounds[i + 1]` of paired scores
/// (`fastmcnemar_core::mcnemar::segments`): a (segments, 8) int64 array, its
/// columns the fields of `SegmentTally` in order; None when a score is not
/// finite. Runs inline: one pass over a compare's scores takes microseconds.
#[pyfunction]
fn paired_segment_tallies<'py>(
    py: Python<'py>,
    reference: PyReadonlyArray1<'py, f64>,
    candidate: PyReadonlyArray1<'py, f64>,
    bounds: PyReadonlyArray1<'py, i64>,
) -> PyCoreResult<Option<Bound<'py, PyArray2<i64>>>> {
    let bounds: Vec<usize> = bounds
        .as_slice()?
        .iter()
        .map(|&b| usize::try_from(b))
        .collect::<Result<_, _>>()
        .map_err(|_| {
            fastmcnemar_core::Error::InvalidArgument("segment bounds must not be negative".into())
        })?;
    let (r, c) = (reference.as_slice()?, candidate.as_slice()?);
    let Some(tallies) = run(py, None, Size::inline_if(true), |_| {
        segment_tallies(r, c, &bounds)
    })?
    else {
        return Ok(None);
    };
    let flat: Vec<i64> = tallies
        .iter()
        .flat_map(|t| {
            [
                t.reference_binary,
                t.candidate_binary,
                t.reference_outside,
                t.candidate_outside,
                t.reference_higher,
                t.candidate_higher,
                t.reference_ones,
                t.candidate_ones,
            ]
        })
        .map(|count| count as i64)
        .collect();
    Ok(Some(
        PyArray1::from_vec(py, flat).reshape([tallies.len(), 8])?,
    ))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(mcnemar_paired_counts, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_pvalue, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_pvalues, m)?)?;
    m.add_function(wrap_pyfunction!(mcnemar_counts_arrays, m)?)?;
    m.add_function(wrap_pyfunction!(paired_difference_interval, m)?)?;
    m.add_function(wrap_pyfunction!(clopper_pearson_interval, m)?)?;
    m.add_function(wrap_pyfunction!(clopper_pearson_intervals, m)?)?;
    m.add_function(wrap_pyfunction!(paired_segment_tallies, m)?)?;
    Ok(())
}
