//! Typed errors of the core. Each variant maps to one Python exception class
//! in the glue crate (`fastmcnemar-py/src/errors.rs`), all under
//! `fastmcnemar.FastMcNemarError` (a `ValueError`).

use std::fmt;

/// Everything the core can refuse. Messages name the offending argument,
/// index or value so a user can find the problem without a debugger.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// An input that must hold at least one element is empty.
    EmptyInput { what: &'static str },
    /// Two inputs that are paired element by element differ in length.
    LengthMismatch {
        left: &'static str,
        left_len: usize,
        right: &'static str,
        right_len: usize,
    },
    /// A per-sample outcome that must be 0 or 1 is something else.
    NonBinary {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// A count that must be >= 0 is negative.
    NegativeCount {
        what: &'static str,
        index: usize,
        value: i64,
    },
    /// A probability level (confidence level, alpha, power) outside (0, 1).
    InvalidLevel { what: &'static str, value: f64 },
    /// A score that must be finite is NaN or infinite.
    NonFinite {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// Any other argument outside its domain; the message says which and why.
    InvalidArgument(String),
    /// Input text that is not what the reader expects (a broken JSON line or
    /// document): where (1-based line of a JSON-lines file, or byte offset in
    /// a whole document) and what.
    Parse {
        line: Option<usize>,
        byte: Option<usize>,
        message: String,
    },
    /// A file cannot be opened or read; the message holds the system's reason.
    Io(String),
    /// The caller asked to stop (Ctrl-C in Python).
    Interrupted,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::EmptyInput { what } => {
                write!(f, "{what} is empty: at least one element is needed")
            }
            Error::LengthMismatch {
                left,
                left_len,
                right,
                right_len,
            } => write!(
                f,
                "length mismatch: {left} has {left_len} elements but {right} has {right_len}; \
                 they must be paired element by element"
            ),
            Error::NonBinary { what, index, value } => write!(
                f,
                "non-binary value in {what} at index {index}: {value} (expected 0 or 1)"
            ),
            Error::NegativeCount { what, index, value } => {
                write!(f, "negative count in {what} at index {index}: {value}")
            }
            Error::InvalidLevel { what, value } => {
                write!(f, "{what} must lie strictly between 0 and 1, got {value}")
            }
            Error::NonFinite { what, index, value } => {
                write!(f, "non-finite value in {what} at index {index}: {value}")
            }
            Error::InvalidArgument(message) => f.write_str(message),
            Error::Parse {
                line,
                byte,
                message,
            } => match (line, byte) {
                (Some(line), _) => write!(f, "line {line}: {message}"),
                (None, Some(byte)) => write!(f, "at byte {byte}: {message}"),
                (None, None) => f.write_str(message),
            },
            Error::Io(message) => f.write_str(message),
            Error::Interrupted => f.write_str("interrupted"),
        }
    }
}

impl std::error::Error for Error {}

/// Result alias used throughout the core.
pub type Result<T> = std::result::Result<T, Error>;

/// Checks that `value` lies in the open interval (0, 1).
pub fn check_level(what: &'static str, value: f64) -> Result<f64> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(Error::InvalidLevel { what, value })
    }
}

/// Checks that `reference` and `candidate` scores pair up: equal lengths,
/// not empty.
pub fn check_paired(reference_len: usize, candidate_len: usize) -> Result<()> {
    if reference_len != candidate_len {
        return Err(Error::LengthMismatch {
            left: "reference",
            left_len: reference_len,
            right: "candidate",
            right_len: candidate_len,
        });
    }
    if reference_len == 0 {
        return Err(Error::EmptyInput { what: "reference" });
    }
    Ok(())
}

/// Checks that the count arrays `b` and `c` have equal lengths.
pub fn check_count_lengths<T>(b: &[T], c: &[T]) -> Result<()> {
    if b.len() != c.len() {
        return Err(Error::LengthMismatch {
            left: "b",
            left_len: b.len(),
            right: "c",
            right_len: c.len(),
        });
    }
    Ok(())
}
