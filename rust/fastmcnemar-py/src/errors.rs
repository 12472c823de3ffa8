//! Python exception classes, one per core error kind, all under
//! `FastMcNemarError` (itself a `ValueError`), and the mapping from core errors.

use fastmcnemar_core::Error;
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

/// Converts a core error into the matching Python exception.
pub fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::EmptyInput { .. } => EmptyInputError::new_err(message),
        Error::LengthMismatch { .. } => LengthMismatchError::new_err(message),
        Error::NonBinary { .. } => NonBinaryValueError::new_err(message),
        Error::NegativeCount { .. } => NegativeCountError::new_err(message),
        Error::InvalidLevel { .. } => InvalidLevelError::new_err(message),
        Error::NonFinite { .. } => NonFiniteValueError::new_err(message),
        Error::InvalidArgument(_) => InvalidArgumentError::new_err(message),
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
    Ok(())
}
