//! A report's tables of flat records (flipped samples, task rows, an audit's
//! summary) as JSON text, written by `fastmcnemar_core::json_out` from the
//! columns in place: text through the Arrow C stream, numbers and flags as
//! NumPy arrays. `None` when a text column is not in a layout read here; the
//! caller then takes Python's `json` path, which writes the same bytes.

use fastmcnemar_core::coding::TextColumn;
use fastmcnemar_core::json_out::{Cell, Layout, RecordColumn, write_records};
use numpy::{PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyString;

use crate::arrow_text::ArrowText;
use crate::errors::InvalidArgumentError;

/// One column as it crossed: its values and, for integers and flags, which rows have one.
enum Column<'py> {
    Text(ArrowText),
    Float(PyReadonlyArray1<'py, f64>),
    Int(
        PyReadonlyArray1<'py, i64>,
        Option<PyReadonlyArray1<'py, bool>>,
    ),
    Bool(
        PyReadonlyArray1<'py, bool>,
        Option<PyReadonlyArray1<'py, bool>>,
    ),
    Null(usize),
}

/// A column's rows as slices, for the writer (text rows checked to be UTF-8 once, here).
enum Rows<'a> {
    Text(Vec<Option<&'a str>>),
    Float(&'a [f64]),
    Int(&'a [i64], Option<&'a [bool]>),
    Bool(&'a [bool], Option<&'a [bool]>),
    Null,
}

impl RecordColumn for Rows<'_> {
    fn cell(&self, row: usize) -> Cell<'_> {
        let valid = |mask: &Option<&[bool]>| mask.is_none_or(|m| m[row]);
        match self {
            Rows::Text(text) => text[row].map_or(Cell::Null, Cell::Text),
            Rows::Float(x) => Cell::Float(x[row]),
            Rows::Int(x, mask) if valid(mask) => Cell::Int(x[row]),
            Rows::Bool(x, mask) if valid(mask) => Cell::Bool(x[row]),
            _ => Cell::Null,
        }
    }
}

impl<'py> Column<'py> {
    /// `(kind, values, valid)`: "text" (a Series), "float" / "int" / "bool"
    /// (NumPy arrays, NaN and infinities written as null; `valid` None when
    /// every row has a value), "null" (`values` is the row count).
    fn from_arg(arg: &Bound<'py, PyAny>) -> PyResult<Option<Self>> {
        let (kind, values, valid): (
            String,
            Bound<'py, PyAny>,
            Option<PyReadonlyArray1<'py, bool>>,
        ) = arg.extract()?;
        Ok(Some(match kind.as_str() {
            "text" => match ArrowText::import(&values)? {
                Some(text) => Column::Text(text),
                None => return Ok(None),
            },
            "float" => Column::Float(values.extract()?),
            "int" => Column::Int(values.extract()?, valid),
            "bool" => Column::Bool(values.extract()?, valid),
            "null" => Column::Null(values.extract()?),
            other => {
                return Err(InvalidArgumentError::new_err(format!(
                    "unknown column kind {other:?}: text, float, int, bool or null"
                )));
            }
        }))
    }

    fn len(&self) -> usize {
        match self {
            Column::Text(text) => text.len(),
            Column::Float(x) => x.len(),
            Column::Int(x, _) => x.len(),
            Column::Bool(x, _) => x.len(),
            Column::Null(rows) => *rows,
        }
    }

    /// Every mask as long as the values.
    fn is_sound(&self) -> bool {
        match self {
            Column::Int(_, Some(mask)) | Column::Bool(_, Some(mask)) => mask.len() == self.len(),
            _ => true,
        }
    }

    /// The rows for the writer; None when a text row is not UTF-8 (the caller
    /// then takes Python's path).
    fn rows(&self) -> PyResult<Option<Rows<'_>>> {
        Ok(Some(match self {
            Column::Text(text) => {
                let mut rows = Vec::with_capacity(text.len());
                for row in 0..text.len() {
                    match text.get(row).map(std::str::from_utf8) {
                        None => rows.push(None),
                        Some(Ok(valid)) => rows.push(Some(valid)),
                        Some(Err(_)) => return Ok(None),
                    }
                }
                Rows::Text(rows)
            }
            Column::Float(x) => Rows::Float(x.as_slice()?),
            Column::Int(x, valid) => Rows::Int(x.as_slice()?, mask_of(valid)?),
            Column::Bool(x, valid) => Rows::Bool(x.as_slice()?, mask_of(valid)?),
            Column::Null(_) => Rows::Null,
        }))
    }
}

/// A mask's rows (it was checked to be as long as its column).
fn mask_of<'a>(valid: &'a Option<PyReadonlyArray1<'_, bool>>) -> PyResult<Option<&'a [bool]>> {
    Ok(match valid {
        Some(mask) => Some(mask.as_slice()?),
        None => None,
    })
}

/// The JSON array of the records whose keys are `names` and values `columns`
/// (see `Column::from_arg`), laid out by `layout` = (head, item separator,
/// key separator, record separator, tail) as `json_out::Layout` describes;
/// None when a text column cannot be read in place.
#[pyfunction]
fn records_json<'py>(
    py: Python<'py>,
    names: Vec<String>,
    columns: Vec<Bound<'py, PyAny>>,
    layout: (String, String, String, String, String),
) -> PyResult<Option<Bound<'py, PyString>>> {
    if names.len() != columns.len() {
        return Err(InvalidArgumentError::new_err(format!(
            "{} keys for {} columns",
            names.len(),
            columns.len()
        )));
    }
    let mut crossed = Vec::with_capacity(columns.len());
    for arg in &columns {
        match Column::from_arg(arg)? {
            Some(column) => crossed.push(column),
            None => return Ok(None),
        }
    }
    let rows = crossed.first().map_or(0, Column::len);
    if let Some(bad) = crossed.iter().position(|c| c.len() != rows) {
        return Err(InvalidArgumentError::new_err(format!(
            "column {:?} has {} rows, the first one {rows}",
            names[bad],
            crossed[bad].len()
        )));
    }
    if !crossed.iter().all(Column::is_sound) {
        return Ok(None);
    }
    let mut views: Vec<Rows<'_>> = Vec::with_capacity(crossed.len());
    for column in &crossed {
        match column.rows()? {
            Some(rows) => views.push(rows),
            None => return Ok(None),
        }
    }
    let dyn_views: Vec<&dyn RecordColumn> = views.iter().map(|v| v as &dyn RecordColumn).collect();
    let keys: Vec<&str> = names.iter().map(String::as_str).collect();
    let (head, item_sep, key_sep, record_sep, tail) = &layout;
    let layout = Layout {
        head,
        item_sep,
        key_sep,
        record_sep,
        tail,
    };
    let mut out = Vec::with_capacity(64 * rows * keys.len().max(1));
    write_records(&keys, &dyn_views, rows, &layout, &mut out);
    // ASCII: every other character was escaped.
    let text =
        std::str::from_utf8(&out).map_err(|e| InvalidArgumentError::new_err(e.to_string()))?;
    Ok(Some(PyString::new(py, text)))
}

/// Adds `records_json` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(records_json, m)?)
}
