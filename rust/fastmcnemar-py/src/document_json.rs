//! A report's document (the nesting around its tables: run metadata, the
//! aggregate, the verdict) as indented JSON, byte for byte what
//! `json.dumps(value, indent=n, allow_nan=False)` writes. Walking it in Python,
//! one encoder call per scalar, took most of an audit report's time once the
//! tables were written by the core (about 5 ms per candidate).
//!
//! Only the plain types are written here: `dict` with `str` keys, `list`,
//! `tuple`, `str`, `int` (within 64 bits), finite `float`, `bool` and `None`,
//! exact types. Anything else (a table to write from its columns, a subclass,
//! a NumPy scalar, a big integer, a non-finite float, another key type, text
//! with lone surrogates, nesting deeper than [`MAX_DEPTH`]) is handed to the
//! caller's `fallback(value, level)`, which returns its text at that depth;
//! so the whole document always reads as Python's `json` writes it.

use fastmcnemar_core::json_out::{write_json_string, write_py_float};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

/// Deepest nesting walked here (the fallback takes deeper values, as Python).
const MAX_DEPTH: usize = 200;

/// The walk's fixed parts: the indentation and where other values go.
struct Writer<'a, 'py> {
    indent: usize,
    fallback: &'a Bound<'py, PyAny>,
    out: Vec<u8>,
}

impl<'py> Writer<'_, 'py> {
    /// Appends `value` as it sits at depth `level`.
    fn value(&mut self, value: &Bound<'py, PyAny>, level: usize) -> PyResult<()> {
        if level <= MAX_DEPTH {
            if let Ok(text) = value.cast_exact::<PyString>() {
                if let Ok(text) = text.to_str() {
                    write_json_string(text, &mut self.out);
                    return Ok(());
                }
            } else if value.is_none() {
                self.out.extend_from_slice(b"null");
                return Ok(());
            } else if let Ok(flag) = value.cast_exact::<PyBool>() {
                let text: &[u8] = if flag.is_true() { b"true" } else { b"false" };
                self.out.extend_from_slice(text);
                return Ok(());
            } else if let Ok(number) = value.cast_exact::<PyInt>() {
                if let Ok(number) = number.extract::<i64>() {
                    self.out.extend_from_slice(number.to_string().as_bytes());
                    return Ok(());
                }
            } else if let Ok(number) = value.cast_exact::<PyFloat>() {
                let number = number.value();
                if number.is_finite() {
                    write_py_float(number, &mut self.out);
                    return Ok(());
                }
            } else if let Ok(map) = value.cast_exact::<PyDict>() {
                if map
                    .keys()
                    .iter()
                    .all(|k| k.cast_exact::<PyString>().is_ok())
                {
                    return self.dict(map, level);
                }
            } else if let Ok(items) = value.cast_exact::<PyList>() {
                return self.items(b'[', items.iter(), items.len(), b']', level);
            } else if let Ok(items) = value.cast_exact::<PyTuple>() {
                return self.items(b'[', items.iter(), items.len(), b']', level);
            }
        }
        let text = self.fallback.call1((value, level))?;
        self.out
            .extend_from_slice(text.cast::<PyString>()?.to_str()?.as_bytes());
        Ok(())
    }

    /// A line break and the padding of depth `level`.
    fn newline(&mut self, level: usize) {
        self.out.push(b'\n');
        let pad = self.indent * level;
        self.out.resize(self.out.len() + pad, b' ');
    }

    fn dict(&mut self, map: &Bound<'py, PyDict>, level: usize) -> PyResult<()> {
        if map.is_empty() {
            self.out.extend_from_slice(b"{}");
            return Ok(());
        }
        self.out.push(b'{');
        for (i, (key, item)) in map.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.newline(level + 1);
            self.value(&key, level + 1)?; // a str: checked by the caller
            self.out.extend_from_slice(b": ");
            self.value(&item, level + 1)?;
        }
        self.newline(level);
        self.out.push(b'}');
        Ok(())
    }

    fn items(
        &mut self,
        open: u8,
        items: impl Iterator<Item = Bound<'py, PyAny>>,
        len: usize,
        close: u8,
        level: usize,
    ) -> PyResult<()> {
        if len == 0 {
            self.out.extend_from_slice(&[open, close]);
            return Ok(());
        }
        self.out.push(open);
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.newline(level + 1);
            self.value(&item, level + 1)?;
        }
        self.newline(level);
        self.out.push(close);
        Ok(())
    }
}

/// `json.dumps(value, indent=indent, allow_nan=False)` of `value` sitting at
/// depth `level` of its document, with `fallback(value, level)` giving the
/// text of every value not written here (see the module notes).
#[pyfunction]
fn document_json<'py>(
    py: Python<'py>,
    value: &Bound<'py, PyAny>,
    indent: usize,
    level: usize,
    fallback: &Bound<'py, PyAny>,
) -> PyResult<Bound<'py, PyString>> {
    let mut writer = Writer {
        indent,
        fallback,
        out: Vec::with_capacity(4096),
    };
    writer.value(value, level)?;
    // Text from `write_json_string` is ASCII and the fallback's is a str: valid UTF-8.
    let text = std::str::from_utf8(&writer.out)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
    Ok(PyString::new(py, text))
}

/// Adds `document_json` to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(document_json, m)?)
}
