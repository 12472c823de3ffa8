//! Python exception classes, one per core error kind, all under
//! `FastMcNemarError` (itself a `ValueError`), and the one mapping from core
//! errors: [`PyCoreErr`], so `?` converts a core error anywhere in the glue.

use fastmcnemar_core::Error;
use numpy::AsSliceError;
use pyo3::exceptions::{PyKeyboardInterrupt, PyValueError};
use pyo3::prelude::*;

pyo3::create_exception!(
    fastmcnemar,
    FastMcNemarError,
    PyValueError,
    "Base class of every error fastmcnemar raises; also a ValueError."
);
pyo3::create_exception!(
    fastmcnemar,
    EmptyInputError,
    FastMcNemarError,
    "An input that needs data is empty."
);
pyo3::create_exception!(
    fastmcnemar,
    LengthMismatchError,
    FastMcNemarError,
    "Inputs paired element by element differ in length."
);
pyo3::create_exception!(
    fastmcnemar,
    NonBinaryValueError,
    FastMcNemarError,
    "A per-sample outcome that must be 0 or 1 is something else."
);
pyo3::create_exception!(
    fastmcnemar,
    NegativeCountError,
    FastMcNemarError,
    "A count is negative."
);
pyo3::create_exception!(
    fastmcnemar,
    InvalidLevelError,
    FastMcNemarError,
    "A probability level (alpha, confidence level, power) lies outside (0, 1)."
);
pyo3::create_exception!(
    fastmcnemar,
    NonFiniteValueError,
    FastMcNemarError,
    "A score is NaN or infinite."
);
pyo3::create_exception!(
    fastmcnemar,
    InvalidArgumentError,
    FastMcNemarError,
    "An argument lies outside its domain."
);

pyo3::create_exception!(
    fastmcnemar,
    InputFormatError,
    FastMcNemarError,
    "A harness output or score file cannot be read: the message names the\nfile and, where known, the line, task and field."
);
pyo3::create_exception!(
    fastmcnemar,
    WorkerPanicError,
    FastMcNemarError,
    "A worker thread of the Rust core panicked: a bug in fastmcnemar, never\na problem with the input. Please report it with the inputs that caused it."
);

/// An error on its way out of the glue: a core error (mapped to its Python
/// class when it crosses the boundary) or an exception already raised.
/// Entry points return `PyCoreResult<T>`, so `?` works on both.
#[derive(Debug)]
pub enum PyCoreErr {
    /// A typed core error.
    Core(Error),
    /// A Python exception (a bad argument type, Ctrl-C, a panicked worker).
    Python(PyErr),
}

/// What the glue's entry points return.
pub type PyCoreResult<T> = Result<T, PyCoreErr>;

impl From<Error> for PyCoreErr {
    fn from(error: Error) -> Self {
        PyCoreErr::Core(error)
    }
}

impl From<PyErr> for PyCoreErr {
    fn from(error: PyErr) -> Self {
        PyCoreErr::Python(error)
    }
}

impl From<AsSliceError> for PyCoreErr {
    fn from(error: AsSliceError) -> Self {
        PyCoreErr::Python(error.into())
    }
}

impl From<PyCoreErr> for PyErr {
    fn from(error: PyCoreErr) -> Self {
        match error {
            PyCoreErr::Core(error) => to_py_err(error),
            PyCoreErr::Python(error) => error,
        }
    }
}

/// Converts a core error into the matching Python exception.
fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::EmptyInput { .. } => EmptyInputError::new_err(message),
        Error::LengthMismatch { .. } => LengthMismatchError::new_err(message),
        Error::NonBinary { .. } => NonBinaryValueError::new_err(message),
        Error::NegativeCount { .. } => NegativeCountError::new_err(message),
        Error::InvalidLevel { .. } => InvalidLevelError::new_err(message),
        Error::NonFinite { .. } => NonFiniteValueError::new_err(message),
        Error::InvalidArgument(_) => InvalidArgumentError::new_err(message),
        Error::Parse { .. } | Error::Io(_) => InputFormatError::new_err(message),
        Error::Interrupted => PyKeyboardInterrupt::new_err(message),
    }
}

/// Adds the exception classes to the module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("FastMcNemarError", py.get_type::<FastMcNemarError>())?;
    m.add("EmptyInputError", py.get_type::<EmptyInputError>())?;
    m.add("LengthMismatchError", py.get_type::<LengthMismatchError>())?;
    m.add("NonBinaryValueError", py.get_type::<NonBinaryValueError>())?;
    m.add("NegativeCountError", py.get_type::<NegativeCountError>())?;
    m.add("InvalidLevelError", py.get_type::<InvalidLevelError>())?;
    m.add("NonFiniteValueError", py.get_type::<NonFiniteValueError>())?;
    m.add(
        "InvalidArgumentError",
        py.get_type::<InvalidArgumentError>(),
    )?;
    m.add("InputFormatError", py.get_type::<InputFormatError>())?;
    m.add("WorkerPanicError", py.get_type::<WorkerPanicError>())?;
    Ok(())
}
