//! Reading harness logs: `scan_jsonl` pulls a few top-level keys out of a
//! JSON-lines file (see `fastmcnemar_core::jsonl`), off the interpreter.

use std::path::PathBuf;

use fastmcnemar_core::jsonl::{KeySpec, scan_file};
use numpy::PyArray1;
use pyo3::prelude::*;

use crate::arrow_text::TextColumn;
use crate::errors::InvalidArgumentError;
use crate::runtime::run_detached;

/// One extracted column: kind codes, numbers, and (when asked for) the texts
/// as an Arrow-exportable column.
type ColumnOut<'py> = (
    Bound<'py, PyArray1<u8>>,
    Bound<'py, PyArray1<f64>>,
    Option<Bound<'py, TextColumn>>,
);

/// Scans `path` line by line for the top-level `keys`; `text_keys[i]` asks for
/// the text of key `i`. Returns `(rows, [(kinds, numbers, texts), ...])` where
/// `texts` is a [`TextColumn`] (Arrow large utf8); numbers of text keys are
/// there as text too (integers in integer form).
#[pyfunction]
#[pyo3(signature = (path, keys, text_keys, *, n_threads = None))]
fn scan_jsonl<'py>(
    py: Python<'py>,
    path: PathBuf,
    keys: Vec<String>,
    text_keys: Vec<bool>,
    n_threads: Option<usize>,
) -> PyResult<(usize, Vec<ColumnOut<'py>>)> {
    if keys.len() != text_keys.len() {
        return Err(InvalidArgumentError::new_err(format!(
            "keys has {} entries but text_keys has {}",
            keys.len(),
            text_keys.len()
        )));
    }
    let specs: Vec<KeySpec> = keys
        .into_iter()
        .zip(text_keys)
        .map(|(name, want_text)| KeySpec { name, want_text })
        .collect();
    let out = run_detached(py, n_threads, |checkpoint| {
        scan_file(&path, &specs, checkpoint)
    })?;
    let mut columns = Vec::with_capacity(out.columns.len());
    for c in out.columns {
        let kinds = PyArray1::from_vec(py, c.kinds);
        let numbers = PyArray1::from_vec(py, c.numbers);
        let texts = c
            .texts
            .map(|t| Bound::new(py, TextColumn::new(t)))
            .transpose()?;
        columns.push((kinds, numbers, texts));
    }
    Ok((out.rows, columns))
}

/// Adds this area's functions to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan_jsonl, m)?)?;
    m.add_class::<TextColumn>()?;
    Ok(())
}
