//! Glue for `fastmcnemar_core::sequential`: one anytime-valid test as a
//! mutable object (`SequentialState`), a candidates x tasks matrix of them
//! (`StreamBatch`), and the suite helpers (mixture e-value, average,
//! product, e-BH). The Python layer (`fastmcnemar/sequential.py`) owns the
//! public API, argument checks and pickling.

use fastmcnemar_core::sequential::batch::StreamBatch;
use fastmcnemar_core::sequential::combine::{e_bh, ln_mean, ln_product};
use fastmcnemar_core::sequential::mixture;
use fastmcnemar_core::sequential::{Decision, Direction, Method, SequentialState, Settings};
use fastmcnemar_core::{Error, Result as CoreResult};
use numpy::{PyArray1, PyReadonlyArray1};
use pyo3::prelude::*;

use crate::errors::PyCoreResult;
use crate::runtime::{Size, run};

/// Samples per chunk of a long update (and per Ctrl-C check).
const UPDATE_CHUNK: usize = 1 << 14;
/// Updates shorter than this run inline (with the grid, about 5 ms).
const INLINE_UPDATE: usize = 1 << 11;

fn direction(name: &str) -> CoreResult<Direction> {
    match name {
        "greater" => Ok(Direction::Greater),
        "less" => Ok(Direction::Less),
        other => Err(Error::InvalidArgument(format!(
            "unknown alternative {other:?}: expected 'greater' or 'less'"
        ))),
    }
}

fn decision_name(decision: Decision) -> &'static str {
    match decision {
        Decision::Continue => "continue",
        Decision::Degraded => "degraded",
        Decision::Equivalent => "equivalent",
    }
}

#[allow(clippy::too_many_arguments)]
fn settings(
    alpha: f64,
    margin: Option<f64>,
    alternative: &str,
    method: &str,
    population: Option<u64>,
    prior: u32,
    grid_points: usize,
) -> PyCoreResult<Settings> {
    let s = Settings {
        alpha,
        margin,
        direction: direction(alternative)?,
        method: Method::parse(method)?,
        population,
        prior,
        grid_points,
    };
    s.check()?;
    Ok(s)
}

/// The state of one sequential test (see `fastmcnemar.SequentialTest`).
#[pyclass(module = "fastmcnemar._core", name = "SequentialState")]
#[derive(Clone)]
pub struct PySequentialState {
    inner: SequentialState,
}

/// (scalars, grid fold counter, grid arrays) for pickling.
type Parts<'py> = (Vec<f64>, Option<u32>, Option<Bound<'py, PyArray1<f64>>>);

#[pymethods]
impl PySequentialState {
    #[new]
    #[pyo3(signature = (alpha, margin, alternative, method, population, prior, grid_points))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        alpha: f64,
        margin: Option<f64>,
        alternative: &str,
        method: &str,
        population: Option<u64>,
        prior: u32,
        grid_points: usize,
    ) -> PyCoreResult<Self> {
        let s = settings(
            alpha,
            margin,
            alternative,
            method,
            population,
            prior,
            grid_points,
        )?;
        Ok(PySequentialState {
            inner: SequentialState::new(s)?,
        })
    }

    /// Adds paired float64 scores in [0, 1]; all or nothing (a Ctrl-C or a
    /// bad value leaves the state as it was).
    fn update(
        &mut self,
        py: Python<'_>,
        reference: PyReadonlyArray1<'_, f64>,
        candidate: PyReadonlyArray1<'_, f64>,
    ) -> PyCoreResult<()> {
        let (r, c) = (reference.as_slice()?, candidate.as_slice()?);
        if r.len() < INLINE_UPDATE {
            return Ok(self.inner.update(r, c)?);
        }
        let mut work = self.inner.clone();
        // Check everything once up front so a late bad value cannot waste the work.
        work.check_update(r, c)?;
        let done = run(py, Some(1), Size::Long, move |checkpoint| {
            for (rc, cc) in r.chunks(UPDATE_CHUNK).zip(c.chunks(UPDATE_CHUNK)) {
                checkpoint.check()?;
                work.update(rc, cc)?;
            }
            Ok(work)
        })?;
        self.inner = done;
        Ok(())
    }

    /// Adds a batch of 0/1 pairs as counts (b, c, n).
    fn update_counts(&mut self, b: u64, c: u64, n: u64) -> PyCoreResult<()> {
        Ok(self.inner.update_counts(b, c, n)?)
    }

    /// Appends another shard's state.
    fn merge(&mut self, other: PyRef<'_, PySequentialState>) -> PyCoreResult<()> {
        Ok(self.inner.merge(&other.inner)?)
    }

    fn copy(&self) -> Self {
        self.clone()
    }

    #[getter]
    fn n(&self) -> u64 {
        self.inner.n()
    }
    #[getter]
    fn b(&self) -> u64 {
        self.inner.b()
    }
    #[getter]
    fn c(&self) -> u64 {
        self.inner.c()
    }
    #[getter]
    fn delta(&self) -> f64 {
        self.inner.delta()
    }
    #[getter]
    fn method(&self) -> &'static str {
        self.inner.method().name()
    }
    #[getter]
    fn ln_evalue(&self) -> f64 {
        self.inner.ln_evalue()
    }
    #[getter]
    fn ln_evalue_max(&self) -> f64 {
        self.inner.ln_evalue_max()
    }
    #[getter]
    fn pvalue(&self) -> f64 {
        self.inner.pvalue()
    }
    #[getter]
    fn ln_equivalence_evalue(&self) -> Option<f64> {
        self.inner.ln_equivalence_evalue()
    }
    #[getter]
    fn equivalence_pvalue(&self) -> Option<f64> {
        self.inner.equivalence_pvalue()
    }
    #[getter]
    fn decision(&self) -> &'static str {
        decision_name(self.inner.decision())
    }

    /// (low, high) at two-sided level `level`, or None without a grid.
    fn confidence_sequence(&self, level: f64) -> PyCoreResult<Option<(f64, f64)>> {
        Ok(self.inner.confidence_sequence(level)?)
    }

    /// The state as plain numbers (settings excluded).
    fn to_parts<'py>(&self, py: Python<'py>) -> Parts<'py> {
        let (scalars, grid) = self.inner.to_parts();
        match grid {
            Some((since, flat)) => (scalars, Some(since), Some(PyArray1::from_vec(py, flat))),
            None => (scalars, None, None),
        }
    }

    /// Restores the numbers from `to_parts` into this (fresh) state.
    #[pyo3(signature = (scalars, grid_since=None, grid=None))]
    fn set_parts(
        &mut self,
        scalars: Vec<f64>,
        grid_since: Option<u32>,
        grid: Option<PyReadonlyArray1<'_, f64>>,
    ) -> PyCoreResult<()> {
        let flat = match &grid {
            Some(g) => Some(g.as_slice()?),
            None => None,
        };
        let grid = match (grid_since, flat) {
            (Some(k), Some(f)) => Some((k, f)),
            _ => None,
        };
        self.inner = SequentialState::from_parts(*self.inner.settings(), &scalars, grid)?;
        Ok(())
    }
}

/// Many sequential tests (candidates x tasks) updated from counts.
#[pyclass(module = "fastmcnemar._core", name = "StreamBatch")]
pub struct PyStreamBatch {
    inner: StreamBatch,
}

fn per_stream<T: numpy::Element, F: Fn(&SequentialState) -> T>(
    py: Python<'_>,
    batch: &StreamBatch,
    f: F,
) -> Py<PyArray1<T>> {
    PyArray1::from_vec(py, batch.streams().iter().map(f).collect()).unbind()
}

#[pymethods]
impl PyStreamBatch {
    #[new]
    #[pyo3(signature = (rows, cols, alpha, margin, alternative, method, prior))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        rows: usize,
        cols: usize,
        alpha: f64,
        margin: Option<f64>,
        alternative: &str,
        method: &str,
        prior: u32,
    ) -> PyCoreResult<Self> {
        let s = settings(alpha, margin, alternative, method, None, prior, 0)?;
        Ok(PyStreamBatch {
            inner: StreamBatch::new(rows, cols, s)?,
        })
    }

    /// Adds per-stream counts (flat, row-major int64 arrays).
    #[pyo3(signature = (b, c, n, n_threads=None))]
    fn update_counts(
        &mut self,
        py: Python<'_>,
        b: PyReadonlyArray1<'_, i64>,
        c: PyReadonlyArray1<'_, i64>,
        n: PyReadonlyArray1<'_, i64>,
        n_threads: Option<usize>,
    ) -> PyCoreResult<()> {
        let (b, c, n) = (b.as_slice()?, c.as_slice()?, n.as_slice()?);
        let inner = &mut self.inner;
        run(py, n_threads, Size::Long, move |checkpoint| {
            inner.update_counts(b, c, n, checkpoint)
        })
    }

    #[getter]
    fn shape(&self) -> (usize, usize) {
        self.inner.shape()
    }

    /// (per-stream scalars, flat row-major; suite maxima) for pickling.
    fn to_parts<'py>(
        &self,
        py: Python<'py>,
    ) -> (Bound<'py, PyArray1<f64>>, Bound<'py, PyArray1<f64>>) {
        let (flat, suite) = self.inner.to_parts();
        (PyArray1::from_vec(py, flat), PyArray1::from_vec(py, suite))
    }

    /// Restores the state from `to_parts` into this (fresh, same-shape) batch.
    fn set_parts(
        &mut self,
        flat: PyReadonlyArray1<'_, f64>,
        suite: PyReadonlyArray1<'_, f64>,
    ) -> PyCoreResult<()> {
        let (rows, cols) = self.inner.shape();
        let settings = *self.inner.streams()[0].settings();
        self.inner =
            StreamBatch::from_parts(rows, cols, settings, flat.as_slice()?, suite.as_slice()?)?;
        Ok(())
    }

    fn n(&self, py: Python<'_>) -> Py<PyArray1<u64>> {
        per_stream(py, &self.inner, SequentialState::n)
    }
    fn b(&self, py: Python<'_>) -> Py<PyArray1<u64>> {
        per_stream(py, &self.inner, SequentialState::b)
    }
    fn c(&self, py: Python<'_>) -> Py<PyArray1<u64>> {
        per_stream(py, &self.inner, SequentialState::c)
    }
    fn delta(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        per_stream(py, &self.inner, SequentialState::delta)
    }
    fn ln_evalue(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        per_stream(py, &self.inner, SequentialState::ln_evalue)
    }
    fn ln_evalue_max(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        per_stream(py, &self.inner, SequentialState::ln_evalue_max)
    }
    fn pvalue(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        per_stream(py, &self.inner, SequentialState::pvalue)
    }
    fn decision_codes(&self, py: Python<'_>) -> Py<PyArray1<u8>> {
        PyArray1::from_vec(py, self.inner.decision_codes()).unbind()
    }
    fn suite_ln_evalue(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.suite_ln_evalue()).unbind()
    }
    fn suite_ln_evalue_max(&self, py: Python<'_>) -> Py<PyArray1<f64>> {
        PyArray1::from_vec(py, self.inner.suite_ln_evalue_max().to_vec()).unbind()
    }
}

/// ln of the beta-binomial mixture e-value after b losses and c wins.
#[pyfunction]
fn sequential_ln_mixture_evalue(b: u64, c: u64, prior: u32) -> PyCoreResult<f64> {
    mixture::check_prior(prior)?;
    Ok(mixture::ln_evalue(b, c, prior))
}

/// ln of the mean (or, with `product`, the product) of exp(ln_e).
#[pyfunction]
#[pyo3(signature = (ln_e, product=false))]
fn sequential_ln_combine(ln_e: PyReadonlyArray1<'_, f64>, product: bool) -> PyCoreResult<f64> {
    let v = ln_e.as_slice()?;
    Ok(if product { ln_product(v) } else { ln_mean(v) })
}

/// e-BH rejections at level alpha.
#[pyfunction]
fn sequential_e_bh<'py>(
    py: Python<'py>,
    ln_e: PyReadonlyArray1<'py, f64>,
    alpha: f64,
) -> PyCoreResult<Bound<'py, PyArray1<bool>>> {
    fastmcnemar_core::error::check_level("alpha", alpha)?;
    Ok(PyArray1::from_vec(py, e_bh(ln_e.as_slice()?, alpha)))
}

/// Adds the sequential classes and functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PySequentialState>()?;
    m.add_class::<PyStreamBatch>()?;
    m.add_function(wrap_pyfunction!(sequential_ln_mixture_evalue, m)?)?;
    m.add_function(wrap_pyfunction!(sequential_ln_combine, m)?)?;
    m.add_function(wrap_pyfunction!(sequential_e_bh, m)?)?;
    Ok(())
}
