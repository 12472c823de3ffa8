//! Whole records of a JSON-lines file without parsing their big values.
//!
//! A record is walked with the scanner's cursor, so its structure is checked
//! exactly as on every scanned line, and written back as *outline text*:
//! compact JSON with every member in order and as written, except that the
//! values of the `skip` keys become `null`. The caller parses that short text
//! with a full JSON parser, so the values it reads are validated as strictly
//! as a full parse of the line would; the skipped ones (the prompt text) are
//! checked for structure only, like the skipped values of every other line.
//!
//! - `record`: one record: its outline text, one member's value.
//! - `ends`: the first and last records of files, which tell a reader a
//!   file's layout (keys, filter, metric names and one value of each).
//! - `rows`: the records at chosen rows (the first line of each later filter),
//!   or whose key stands for chosen texts (the flipped docs of a report),
//!   cutting lines with a SIMD newline search.
//!
//! Lines are cut at `\n`; a line of ASCII whitespace only (Python's
//! `bytes.isspace`) is blank and passed over, and a UTF-8 byte-order mark
//! before the first line is dropped, as the scanner does.

mod ends;
mod record;
mod rows;

pub use ends::{FileOutline, outline_file, outline_files, outline_source};
pub use record::{member_value, outline_record};
pub use rows::{Match, outline_rows, outline_where};

use crate::error::Error;

/// The UTF-8 encoding of U+FEFF, which some writers put before the first line.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Python's `bytes.isspace` for one byte: the line counts as blank.
fn is_blank_byte(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

fn is_blank(line: &[u8]) -> bool {
    // Records start with `{`: only a line starting blank needs the full look.
    line.first().is_none_or(|&b| is_blank_byte(b)) && line.iter().all(|&b| is_blank_byte(b))
}

/// A broken record at 1-based `line` as the core's typed error.
fn at_line(line: usize, (column, message): (usize, String)) -> Error {
    Error::Parse {
        line: Some(line),
        column: Some(column),
        byte: None,
        message,
    }
}

/// Outline text as a string, for the tests' messages.
#[cfg(test)]
fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap()
}
