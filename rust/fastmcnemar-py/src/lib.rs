//! `fastmcnemar._core`: the thin PyO3 layer over `fastmcnemar-core`.
//!
//! Each file here exposes one area of the core and has a `register` function;
//! arrays arrive as NumPy views without copies and long work goes through
//! [`runtime::run_detached`].

use pyo3::prelude::*;

pub mod arrow_column;
mod cluster;
pub mod errors;
pub mod ingest;
mod paired;
mod planning;
mod resampling;
pub mod runtime;
mod suite;

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("THREADS_ENV", runtime::THREADS_ENV)?;
    errors::register(m)?;
    planning::register(m)?;
    resampling::register(m)?;
    ingest::register(m)?;
    paired::register(m)?;
    cluster::register(m)?;
    suite::register(m)?;
    Ok(())
}
