//! `fastmcnemar._core`: the thin PyO3 layer over `fastmcnemar-core`.
//!
//! Each file here exposes one area of the core and has a `register` function;
//! arrays arrive as NumPy views without copies, options are typed once in
//! [`conversion`], core errors cross with `?` through [`errors::PyCoreErr`],
//! results come back as the frozen classes of [`results`], and every call
//! into the core goes through [`runtime::run`].

use pyo3::prelude::*;

pub mod arrow_column;
mod arrow_ffi;
pub mod arrow_text;
mod cluster;
mod coding;
pub mod conversion;
mod document_json;
pub mod errors;
pub mod ingest;
mod paired;
mod planning;
mod report_json;
mod resampling;
pub mod results;
pub mod runtime;
mod sequential;
mod suite;

#[pymodule(gil_used = false)]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("THREADS_ENV", runtime::THREADS_ENV)?;
    m.add("MAX_THREADS", runtime::max_threads())?;
    errors::register(m)?;
    results::register(m)?;
    planning::register(m)?;
    resampling::register(m)?;
    ingest::register(m)?;
    paired::register(m)?;
    suite::register(m)?;
    cluster::register(m)?;
    coding::register(m)?;
    sequential::register(m)?;
    report_json::register(m)?;
    document_json::register(m)?;
    runtime::register(m)?;
    Ok(())
}
