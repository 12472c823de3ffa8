//! Doc-id codes and runs of score-frame columns
//! (`fastmcnemar_core::coding`), read in place from Polars through [`crate::arrow_text`]. Each function returns None where the core refuses
//! (a null, a type other than text): the caller's Polars path then decides.
//! A compare's columns take a fraction of a millisecond: the calls run on the
//! calling thread, the interpreter held (the imported buffers are not `Send`).

use fastmcnemar_core::coding::doc_codes::{code_docs, lookup_codes};
use fastmcnemar_core::coding::runs::run_starts;
use numpy::PyArray1;
use pyo3::prelude::*;

use crate::arrow_text::ArrowText;

/// Codes of one column: the first row of each distinct id in the harness's
/// order, and each row's code.
type DocCodesOut<'py> = (Bound<'py, PyArray1<u32>>, Bound<'py, PyArray1<u32>>);

/// The distinct doc ids of `ids` (a text Series) in the harness's order, as
/// the row of each one's first appearance, and every row's code.
#[pyfunction]
fn code_doc_ids<'py>(
    py: Python<'py>,
    ids: &Bound<'py, PyAny>,
) -> PyResult<Option<DocCodesOut<'py>>> {
    let Some(column) = ArrowText::import(ids)? else {
        return Ok(None);
    };
    let coded = code_docs(&column);
    Ok(coded.map(|c| {
        (
            PyArray1::from_vec(py, c.first_rows),
            PyArray1::from_vec(py, c.row_codes),
        )
    }))
}

/// The position of each of `ids` in `dictionary` (both text Series).
#[pyfunction]
fn lookup_doc_ids<'py>(
    py: Python<'py>,
    dictionary: &Bound<'py, PyAny>,
    ids: &Bound<'py, PyAny>,
) -> PyResult<Option<Bound<'py, PyArray1<u32>>>> {
    let (Some(dictionary), Some(ids)) = (ArrowText::import(dictionary)?, ArrowText::import(ids)?)
    else {
        return Ok(None);
    };
    let codes = lookup_codes(&dictionary, &ids);
    Ok(codes.map(|c| PyArray1::from_vec(py, c)))
}

/// The rows where a run of equal rows over `columns` (text Series of one
/// length) starts: where some column differs from the row before.
#[pyfunction]
fn text_run_starts<'py>(
    py: Python<'py>,
    columns: Vec<Bound<'py, PyAny>>,
) -> PyResult<Option<Bound<'py, PyArray1<i64>>>> {
    let mut imported = Vec::with_capacity(columns.len());
    for column in &columns {
        let Some(text) = ArrowText::import(column)? else {
            return Ok(None);
        };
        imported.push(text);
    }
    let refs: Vec<&ArrowText> = imported.iter().collect();
    Ok(run_starts(&refs[..])
        .map(|starts| PyArray1::from_iter(py, starts.into_iter().map(|s| s as i64))))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(code_doc_ids, m)?)?;
    m.add_function(wrap_pyfunction!(lookup_doc_ids, m)?)?;
    m.add_function(wrap_pyfunction!(text_run_starts, m)?)?;
    Ok(())
}
