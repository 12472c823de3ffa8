//! Planning: exact power, sample size, minimum detectable drop and the
//! non-inferiority score test (`fastmcnemar-core::planning`), one input at a
//! time and in batches (`planning::batch`, `planning::verdict_columns`).
//!
//! Batches arrive as 1-D C-contiguous NumPy arrays (counts int64, rates
//! float64, flags bool; the Python layer converts and broadcasts) and run
//! with the interpreter released: even one exact search costs more than
//! handing it to the pool. The two a compare calls with its few dozen tasks
//! run inline, as the core runs them serially (about a millisecond, without
//! Ctrl-C checks): `tango_intervals` below `batch::SERIAL_BELOW` elements,
//! `verdict_columns` when `runs_serially` says its searches are short. Missing answers come back as NaN (float columns)
//! or -1 (sample sizes).

use fastmcnemar_core::planning::power;
use fastmcnemar_core::planning::sample_size;
use fastmcnemar_core::planning::verdict_columns::{self as verdicts, TaskColumns, VerdictSettings};
use fastmcnemar_core::planning::{batch, exact_noninferiority, noninferiority};
use fastmcnemar_core::{Alternative, Error};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::conversion::Wrap;
use crate::errors::PyCoreResult;
use crate::results::{
    NoninferiorityArrays, NoninferiorityScore, SampleSizeArrays, SampleSizeResult, VerdictArrays,
};
use crate::runtime::{Size, run};

type Floats<'py> = Bound<'py, PyArray1<f64>>;
type Counts<'a> = PyReadonlyArray1<'a, i64>;
type Rates<'a> = PyReadonlyArray1<'a, f64>;

/// Exact power of the exact McNemar test. Inline for the usual n; for very large n
/// (the walk grows like sqrt(n)) off the interpreter and stoppable with Ctrl-C.
#[pyfunction]
fn exact_power(
    py: Python<'_>,
    n: u64,
    flip_rate: f64,
    delta: f64,
    alpha: f64,
    alternative: Wrap<Alternative>,
) -> PyCoreResult<f64> {
    let alternative = alternative.0;
    let size = Size::Items {
        items: usize::try_from(n).unwrap_or(usize::MAX),
        inline_below: 1 << 34,
    };
    run(py, None, size, |checkpoint| {
        power::power_checked(n, flip_rate, delta, alpha, alternative, checkpoint)
    })
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

/// Counts as u64, refusing negatives by name and index.
fn unsigned(values: &Counts<'_>, what: &'static str) -> PyCoreResult<Vec<u64>> {
    values
        .as_slice()?
        .iter()
        .enumerate()
        .map(|(index, &value)| {
            u64::try_from(value).map_err(|_| Error::NegativeCount { what, index, value }.into())
        })
        .collect()
}

/// Inline below the core's serial threshold, else on the pool.
fn small_batch(items: usize) -> Size {
    Size::Items {
        items,
        inline_below: batch::SERIAL_BELOW,
    }
}

/// `None` as NaN (the answers that exist are never NaN).
fn or_nan(values: Vec<Option<f64>>) -> Vec<f64> {
    values.into_iter().map(|v| v.unwrap_or(f64::NAN)).collect()
}

/// `exact_sample_size` for arrays.
#[pyfunction]
#[pyo3(signature = (flip_rate, delta, alpha, power, alternative, n_threads=None))]
fn exact_sample_size_many<'py>(
    py: Python<'py>,
    flip_rate: Rates<'py>,
    delta: Rates<'py>,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
    n_threads: Option<usize>,
) -> PyCoreResult<SampleSizeArrays> {
    let alternative = alternative.0;
    let (p, d) = (flip_rate.as_slice()?, delta.as_slice()?);
    let found = run(py, n_threads, Size::Long, |checkpoint| {
        batch::sample_size_many(p, d, alpha, power, alternative, checkpoint)
    })?;
    Ok(SampleSizeArrays {
        n: PyArray1::from_iter(py, found.iter().map(|f| f.n)).unbind(),
        power: PyArray1::from_iter(py, found.iter().map(|f| f.power)).unbind(),
        normal_approximation: PyArray1::from_iter(py, found.iter().map(|f| f.normal_approximation))
            .unbind(),
    })
}

/// `exact_minimum_detectable_delta` for arrays (NaN where no drop reaches the power).
#[pyfunction]
#[pyo3(signature = (n, flip_rate, alpha, power, alternative, n_threads=None))]
fn exact_minimum_detectable_delta_many<'py>(
    py: Python<'py>,
    n: Counts<'py>,
    flip_rate: Rates<'py>,
    alpha: f64,
    power: f64,
    alternative: Wrap<Alternative>,
    n_threads: Option<usize>,
) -> PyCoreResult<Floats<'py>> {
    let alternative = alternative.0;
    let n = unsigned(&n, "n")?;
    let p = flip_rate.as_slice()?;
    let found = run(py, n_threads, Size::Long, |checkpoint| {
        batch::minimum_detectable_delta_many(&n, p, alpha, power, alternative, checkpoint)
    })?;
    Ok(PyArray1::from_vec(py, or_nan(found)))
}

/// `exact_maximum_flip_rate` for arrays (NaN where even the smallest flip rate falls short).
#[pyfunction]
#[pyo3(signature = (n, delta, alpha, power, n_threads=None))]
fn exact_maximum_flip_rate_many<'py>(
    py: Python<'py>,
    n: Counts<'py>,
    delta: Rates<'py>,
    alpha: f64,
    power: f64,
    n_threads: Option<usize>,
) -> PyCoreResult<Floats<'py>> {
    let n = unsigned(&n, "n")?;
    let d = delta.as_slice()?;
    let found = run(py, n_threads, Size::Long, |checkpoint| {
        batch::maximum_flip_rate_many(&n, d, alpha, power, checkpoint)
    })?;
    Ok(PyArray1::from_vec(py, or_nan(found)))
}

/// `noninferiority_score` for arrays.
#[pyfunction]
#[pyo3(signature = (b, c, n, margin, alpha, n_threads=None))]
fn noninferiority_score_many<'py>(
    py: Python<'py>,
    b: Counts<'py>,
    c: Counts<'py>,
    n: Counts<'py>,
    margin: f64,
    alpha: f64,
    n_threads: Option<usize>,
) -> PyCoreResult<NoninferiorityArrays> {
    let (b, c, n) = (unsigned(&b, "b")?, unsigned(&c, "c")?, unsigned(&n, "n")?);
    let found = run(py, n_threads, Size::Long, |checkpoint| {
        batch::noninferiority_many(&b, &c, &n, margin, alpha, checkpoint)
    })?;
    let column = |f: &dyn Fn(&noninferiority::NonInferiority) -> f64| {
        PyArray1::from_iter(py, found.iter().map(f)).unbind()
    };
    Ok(NoninferiorityArrays {
        statistic: column(&|r| r.statistic),
        pvalue: column(&|r| r.pvalue),
        low: column(&|r| r.interval.0),
        high: column(&|r| r.interval.1),
        noninferior: PyArray1::from_iter(py, found.iter().map(|r| r.noninferior)).unbind(),
    })
}

/// Tango's interval on delta = (b - c)/n for arrays: (low, high).
#[pyfunction]
#[pyo3(signature = (b, c, n, confidence_level, n_threads=None))]
fn tango_intervals<'py>(
    py: Python<'py>,
    b: Counts<'py>,
    c: Counts<'py>,
    n: Counts<'py>,
    confidence_level: f64,
    n_threads: Option<usize>,
) -> PyCoreResult<(Floats<'py>, Floats<'py>)> {
    let (b, c, n) = (unsigned(&b, "b")?, unsigned(&c, "c")?, unsigned(&n, "n")?);
    let found = run(py, n_threads, small_batch(b.len()), |checkpoint| {
        batch::tango_intervals(&b, &c, &n, confidence_level, checkpoint)
    })?;
    Ok((
        PyArray1::from_iter(py, found.iter().map(|i| i.0)),
        PyArray1::from_iter(py, found.iter().map(|i| i.1)),
    ))
}

/// The verdicts and planning columns of an audit's tasks.
#[pyfunction]
#[pyo3(signature = (
    n, b, c, flip_rate, binary, degraded, ci_high,
    margin, alpha, power, interval_usable, n_threads=None
))]
#[allow(clippy::too_many_arguments)]
fn verdict_columns<'py>(
    py: Python<'py>,
    n: Counts<'py>,
    b: Counts<'py>,
    c: Counts<'py>,
    flip_rate: Rates<'py>,
    binary: PyReadonlyArray1<'py, bool>,
    degraded: PyReadonlyArray1<'py, bool>,
    ci_high: Rates<'py>,
    margin: f64,
    alpha: f64,
    power: f64,
    interval_usable: bool,
    n_threads: Option<usize>,
) -> PyCoreResult<VerdictArrays> {
    let (n, b, c) = (unsigned(&n, "n")?, unsigned(&b, "b")?, unsigned(&c, "c")?);
    let tasks = TaskColumns {
        n: &n,
        b: &b,
        c: &c,
        flip_rate: flip_rate.as_slice()?,
        binary: binary.as_slice()?,
        degraded: degraded.as_slice()?,
        ci_high: ci_high.as_slice()?,
    };
    let settings = VerdictSettings {
        margin,
        alpha,
        power,
        interval_usable,
    };
    let size = Size::inline_if(verdicts::runs_serially(tasks, settings));
    let found = run(py, n_threads, size, |checkpoint| {
        verdicts::verdict_columns(tasks, settings, checkpoint)
    })?;
    let needed = found.n_needed.iter().map(|v| v.map_or(-1, |n| n as i64));
    Ok(VerdictArrays {
        noninferiority_pvalue: PyArray1::from_vec(py, or_nan(found.noninferiority_pvalue)).unbind(),
        detectable_drop: PyArray1::from_vec(py, or_nan(found.detectable_drop)).unbind(),
        n_needed: PyArray1::from_iter(py, needed).unbind(),
        flip_rate_needed: PyArray1::from_vec(py, or_nan(found.flip_rate_needed)).unbind(),
        verdict: PyArray1::from_iter(py, found.verdict.iter().map(|&v| v as u8)).unbind(),
    })
}

/// Adds the planning functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(exact_power, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_power, m)?)?;
    m.add_function(wrap_pyfunction!(exact_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(exact_minimum_detectable_delta, m)?)?;
    m.add_function(wrap_pyfunction!(exact_maximum_flip_rate, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_sample_size, m)?)?;
    m.add_function(wrap_pyfunction!(normal_approx_minimum_detectable_delta, m)?)?;
    m.add_function(wrap_pyfunction!(noninferiority_score, m)?)?;
    m.add_function(wrap_pyfunction!(noninferiority_exact_pvalue, m)?)?;
    m.add_function(wrap_pyfunction!(exact_sample_size_many, m)?)?;
    m.add_function(wrap_pyfunction!(exact_minimum_detectable_delta_many, m)?)?;
    m.add_function(wrap_pyfunction!(exact_maximum_flip_rate_many, m)?)?;
    m.add_function(wrap_pyfunction!(noninferiority_score_many, m)?)?;
    m.add_function(wrap_pyfunction!(tango_intervals, m)?)?;
    m.add_function(wrap_pyfunction!(verdict_columns, m)?)?;
    Ok(())
}
